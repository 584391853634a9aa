"""A table's column names as people write them: in another case, with spaces, or in Chinese.

A name the table does not know is an error, and when it spells a known one (``Company``,
``Rater Company``, ``企业``) the error names the column to rename it to.
"""

from __future__ import annotations

from typing import Any

from .errors import Problem

#: Chinese headers as spreadsheets often name the columns, and the column each means.
CHINESE_HEADERS = {
    "企业": "company", "公司": "company", "被评企业": "company", "企业编号": "company",
    "评分方": "source", "来源": "source", "评价主体": "source",
    "评委": "rater", "评分人": "rater", "评审人": "rater",
    "指标": "indicator", "指标编号": "indicator",
    "分值": "value", "得分": "value", "分数": "value", "评分": "value",
    "评委所属企业": "rater_company", "所属企业": "rater_company", "备注": "note",
    "星级": "stars", "认领星级": "stars", "名称": "name", "企业名称": "name",
    "所属区": "district", "区县": "district", "辖区": "district",
}


def spelled_like(name: str, known: tuple[str, ...]) -> str | None:
    """The known column ``name`` spells in another case, with spaces or hyphens for _, or in
    Chinese (``企业`` for ``company``)."""
    normal = name.strip().lower().replace(" ", "_").replace("-", "_")
    normal = CHINESE_HEADERS.get(name.strip(), normal)
    return normal if normal in known else None


def unknown_column(c: str, known: tuple[str, ...], *, word: str = "column", **where: Any
                   ) -> Problem:
    """The problem of a column (or a record's field) the table does not know, naming the known
    one it is spelled like ("Company", "Rater Company") when there is one."""
    like = spelled_like(c, known)
    zh_word = "字段" if word == "field" else "列"
    if like is not None:
        chinese = c.strip() in CHINESE_HEADERS
        how = ("columns are named in English" if chinese
               else "names are lower case, words joined by _")
        how_zh = "列名须用英文" if chinese else "名称用小写字母，单词以 _ 连接"
        return Problem(f"{word} {c!r} should be named {like!r} ({how}); rename it", path=c,
                       message_zh=f"{zh_word} {c!r} 应改名为 {like!r}（{how_zh}）", **where)
    return Problem(f"unknown {word} {c!r}; {word}s are {', '.join(known)}", path=c,
                   message_zh=f"未知的{zh_word} {c!r}；可用的{zh_word}为 {', '.join(known)}",
                   **where)
