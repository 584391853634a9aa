"""Chinese and English output: the message catalogue, the language choice, the wording."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

import red_property as rp
from red_property._messages import LANGS, MESSAGES, msg, resolve, stars_word
from red_property._row_reasons import REASONS
from red_property.awarding import OUTCOMES

from .conftest import EXAMPLE, ROOT, SHANYANG

SRC = ROOT / "src" / "red_property"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# characters whose simplified form differs, common in property-management wording
TRADITIONAL = set("組織幹隊務質運營會業協評區級標準試華潤綠積萬龍園東產證測與達滿設備維護處罰記錄"
                  "檢調範獲認參編報響時劃實電視進書記黨員個項資訊網絡問題結構優"
                  "適節環創築價機捨決為對")


@pytest.fixture(scope="module")
def named_report() -> rp.Report:
    """The bundled season with company names."""
    return rp.evaluate(SHANYANG, EXAMPLE / "ratings.csv", claims=EXAMPLE / "claims.csv",
                       companies=EXAMPLE / "companies.csv")


def test_every_phrase_has_every_language() -> None:
    """No catalogue phrase lacks a language, and every Chinese one is written in Chinese."""
    for key, phrase in MESSAGES.items():
        for lang in LANGS:
            assert phrase.get(lang).strip(), f"{key} has no {lang} text"
        bare = re.sub(r"\{[^}]*\}", "", phrase.zh)
        assert CJK.search(bare) or not re.search(r"[A-Za-z]", bare), key
        assert not TRADITIONAL & set(phrase.zh), f"{key}: traditional characters"


class _Any(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return f"<{key}>"


def test_every_phrase_formats_in_both_languages() -> None:
    """Each phrase is a valid format string in both languages, its braces balanced."""
    for key, phrase in MESSAGES.items():
        for lang in LANGS:
            text = phrase.get(lang).format_map(_Any())
            assert "{" not in text and "}" not in text, (key, lang, text)


def test_every_phrase_used_in_code_exists() -> None:
    """Each literal key passed to msg() in the library is in the catalogue."""
    used: set[str] = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "__mutmut_" in text:  # a mutation run's copy holds every mutant's text as well
            continue
        used |= set(re.findall(r"msg\(\"([a-z_.]+)\"", text))
    assert used, "the library words its output through msg()"
    assert used <= set(MESSAGES), sorted(used - set(MESSAGES))


def test_verdicts_and_drop_reasons_are_catalogued() -> None:
    """Every claim verdict and every reason a row is dropped has a phrase."""
    for outcome in OUTCOMES:
        assert MESSAGES[f"verdict.{outcome.value}"].en == outcome.value
    for r in REASONS:
        assert MESSAGES[f"drop.{r.short}"].en == r.short


def test_bundled_rubric_labels_are_simplified() -> None:
    """Chinese labels of the bundled rubrics use simplified characters."""
    for path in sorted((ROOT / "rubrics").glob("*.yaml")):
        rubric = rp.load_rubric(path)
        labels = [rubric.title.zh or ""]
        labels += [s.label.zh or "" for s in rubric.sources.values()]
        for dim in rubric.dimensions.values():
            labels.append(dim.label.zh or "")
            labels += [ind.label.zh or "" for ind in dim.indicators.values()]
        labels += [g.label.zh or "" for g in rubric.gates]
        labels += [v.label.zh or "" for v in rubric.vetoes]
        text = "".join(labels)
        assert CJK.search(text), path
        assert not TRADITIONAL & set(text), (path, sorted(TRADITIONAL & set(text)))


def test_cookbook_docs_and_schema_write_simplified_chinese() -> None:
    """The cookbook's rubrics, the documentation and the schema write Chinese in simplified
    characters, as the mainland standards they follow do."""
    paths = [*sorted((ROOT / "examples" / "cookbook").rglob("*.yaml")),
             *sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md",
             ROOT / "schema" / "rubric.schema.json"]
    assert len(paths) > 6
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert not TRADITIONAL & set(text), (path, sorted(TRADITIONAL & set(text)))


def test_language_comes_from_argument_then_rubric_then_english() -> None:
    """resolve(): the argument wins, then the rubric's `language`, then English."""
    text = SHANYANG.read_text(encoding="utf-8")
    zh = rp.load_rubric(text.replace("weighting: points", "language: zh\nweighting: points"))
    assert zh.language == "zh"
    assert resolve(None, zh) == "zh"
    assert resolve("en", zh) == "en"
    assert resolve(None, rp.load_rubric(SHANYANG)) == "en"
    with pytest.raises(ValueError, match="lang must be one of en, zh; got 'fr'"):
        resolve("fr")
    report = rp.evaluate(zh, EXAMPLE / "ratings.csv", claims=EXAMPLE / "claims.csv")
    assert report.table().startswith("排名")
    assert report.table(lang="en").startswith("rank")


def test_unknown_language_key_in_rubric_is_an_error() -> None:
    """A rubric `language` other than en or zh is a RubricError at its line."""
    text = SHANYANG.read_text(encoding="utf-8")
    with pytest.raises(rp.RubricError, match="language"):
        rp.load_rubric(text.replace("weighting: points", "language: fr\nweighting: points"))


def test_chinese_explanation_reads_naturally(named_report: rp.Report) -> None:
    """sy-12 in Chinese: stars in words, the gap as a bureau writes it, labels not ids."""
    text = str(named_report.explain("sy-12", lang="zh"))
    assert text.startswith("sy-12 碧桂园服务：★★★☆☆ 评为三星")
    assert "距四星还差 0.6 分：总分 87.4，需达到 88" in text
    assert "「社会形象」得分需达到 12（满分 15 的 80%），现为 10.98，差 1.02 分" in text
    assert "行业主管部门 58.16" in text
    assert "群众口碑与行业评价 7.32/10（可再得 2.68 分）" in text
    for english in ("total", "needs", "has", "passed", "reputation", "authority"):
        assert english not in text


def test_chinese_veto_and_not_rated(named_report: rp.Report) -> None:
    """A vetoed company is told which veto in Chinese; a not-rated one why, in Chinese."""
    vetoed = str(named_report.explain("sy-31", lang="zh"))
    assert "评为无星" in vetoed
    assert "✗ 触发一票否决「重大安全责任事故一票否决」" in vetoed
    assert str(named_report.explain("sy-38", lang="zh")) == (
        "sy-38 北辰物业：未评定（未满足参评条件「运营满一年方可参评」）")


def test_chinese_table(named_report: rp.Report) -> None:
    """The star table in Chinese: headers, claims, vetoes, the season summary, dropped rows."""
    lines = named_report.table(lang="zh").splitlines()
    assert lines[0].split() == ["排名", "企业", "总分", "星级", "认领"]
    top = lines[1]
    assert "sy-31 宏达物业" in top and "四星 降级认定" in top
    assert "  重大安全责任事故一票否决" in top
    assert "共 40 家企业：五星 2 家，四星 1 家" in lines[-2]
    assert lines[-1] == "共读入评分 6191 行，剔除 7 行（自评 7 行）"
    assert "未评定" in next(x for x in lines if "sy-38" in x)


def test_stars_in_words() -> None:
    """Stars read as Chinese numerals, none as 无星; English keeps the ★."""
    assert [stars_word(n, "zh") for n in (0, 1, 4, 10)] == ["无星", "一星", "四星", "十星"]
    assert stars_word(4, "en") == "4★"
    assert msg("table.count", "zh", s=3, n=2, word="三星") == "三星 2 家"


def test_chinese_csv_and_html(named_report: rp.Report, tmp_path: Path) -> None:
    """CSV headers and HTML columns follow the language; English keeps the column names."""
    out = tmp_path / "zh.csv"
    named_report.to_csv(out, lang="zh")
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:6] == ["企业", "名称", "所在区", "是否评定", "总分", "星级"]
    assert "服务质量" in rows[0] and "行业协会（得分率）" in rows[0]
    sy31 = next(r for r in rows if r[0] == "sy-31")
    assert sy31[3] == "是" and sy31[8] == "降级认定"
    named_report.to_csv(tmp_path / "en.csv")
    with open(tmp_path / "en.csv", encoding="utf-8-sig", newline="") as fh:
        assert next(csv.reader(fh))[:4] == ["company", "name", "district", "rated"]
    page = named_report.to_html(lang="zh")
    assert "<th>排名</th>" in page and "<th>服务质量</th>" in page and "未评定" in page
    assert "<th>rank</th>" in named_report._repr_html_()


def test_cli_lang(capsys: pytest.CaptureFixture[str]) -> None:
    """`--lang zh` on score and explain writes Chinese; without it the output stays English."""
    from red_property.cli import main

    ratings = str(EXAMPLE / "ratings.csv")
    assert main(["explain", str(SHANYANG), ratings, "sy-12", "--lang", "zh",
                 "--claims", str(EXAMPLE / "claims.csv")]) == 0
    assert "距四星还差 0.6 分：总分 87.4，需达到 88" in capsys.readouterr().out
    assert main(["score", str(SHANYANG), ratings, "--lang", "zh"]) == 0
    assert capsys.readouterr().out.startswith("排名")
    assert main(["score", str(SHANYANG), ratings]) == 0
    assert capsys.readouterr().out.startswith("rank")
    assert main(["score", str(SHANYANG), ratings, "--lang", "fr"]) == 2


def test_chinese_not_rated_reasons_name_sources_and_indicators() -> None:
    """Quorum and missing-rating reasons read in Chinese with the rubric's labels."""
    with open(EXAMPLE / "ratings.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    gone = {"six_haves", "reputation", "grid_ledger", "cross_appointment"}
    kept = [r for r in rows if not (r["company"] == "sy-01" and r["source"] == "authority"
                                    and r["indicator"] in gone)]
    report = rp.evaluate(SHANYANG, rp.Ratings.from_records(kept))
    english = str(report.explain("sy-01"))
    assert "below quorum: authority/six_haves (0 of 1)" in english and "and 1 more" in english
    text = str(report.explain("sy-01", lang="zh"))
    assert text.startswith("sy-01：未评定（评委人数不足：行业主管部门对「党组织达到\"六有\"标准」"
                           "仅 0 人评分（至少需 1 人）")
    assert "等，另有 1 项；以下指标没有评分（且无默认分）：「党组织达到\"六有\"标准」" in text
    assert "authority" not in text and "six_haves" not in text
