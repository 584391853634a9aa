"""The ``red-property`` command: a thin layer that turns library errors into messages and exit
codes, in one place.

Exit codes: 0 success; 1 invalid input found (a rubric, ratings or claims problem, or a policy
refusing to evaluate); 2 usage error. Results go to stdout, diagnostics to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ._factorize import NO_ARROW, arrow
from ._option_names import command_line
from .errors import EvaluationError, Problem, RatingsError, RedPropertyError, RubricError
from .evaluation import evaluate, library_version
from .loading import load_rubric
from .ratings import Ratings
from .report import Report
from .schema import rubric_json_schema_text

OK, INVALID, USAGE = 0, 1, 2


def _github(p: Problem) -> str:
    """A GitHub Actions annotation (``::error file=F,line=L,col=C::message``)."""
    where = [f"file={p.file}"] if p.file else []
    if p.line:
        where.append(f"line={p.line}")
    if p.column:
        where.append(f"col={p.column}")
    if p.row and not p.line:
        where.append(f"line={p.row}")
    text = f"{p.path}: {p.message}" if p.path else p.message
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return f"::error {','.join(where)}::{text}" if where else f"::error::{text}"


def _print_problems(problems: Sequence[Problem], fmt: str, lang: str | None = None) -> None:
    """Problems as text on stderr (in Chinese under ``--lang zh`` where the library words them
    so), or as annotations on stdout (where GitHub Actions reads workflow commands)."""
    for p in problems:
        if fmt == "github":
            print(_github(p))
        else:
            print(p.zh() if lang == "zh" else str(p), file=sys.stderr)


def _cmd_validate(args: argparse.Namespace) -> int:
    results = []
    status = OK
    for name in args.files:
        try:
            rubric = load_rubric(name)
            results.append({"file": name, "valid": True, "id": rubric.id,
                            "version": rubric.version, "problems": []})
        except RubricError as exc:
            status = INVALID
            results.append({"file": name, "valid": False,
                            "problems": [p.to_dict() for p in exc.problems]})
            if args.format != "json":
                _print_problems(exc.problems, args.format)
    if args.format == "json":
        print(json.dumps({"valid": status == OK, "files": results}, indent=2,
                         ensure_ascii=False))
    elif args.format == "text":
        for r in results:
            if r["valid"]:
                print(f"{r['file']}: ok ({r['id']}@{r['version']})")
        bad = sum(1 for r in results if not r["valid"])
        n_problems = sum(len(r["problems"]) for r in results)
        print(f"{len(results)} file(s) checked, {bad} invalid, {n_problems} problem(s)")
    return status


def _cmd_schema(args: argparse.Namespace) -> int:
    sys.stdout.write(rubric_json_schema_text())
    return OK


def _cmd_migrate(args: argparse.Namespace) -> int:
    from .migration import migrate_rubric

    text = migrate_rubric(args.rubric)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out} (language version 2)", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return OK


_hinted: list[bool] = []


def _ratings(args: argparse.Namespace) -> Ratings:
    """The RATINGS file read with the --encoding, --delimiter and --sheet given; says once, on
    stderr, how to get the fast reader when it is missing."""
    if not _hinted and arrow() is None and os.environ.get(NO_ARROW, "") in ("", "0"):
        _hinted.append(True)
        print("red-property: reading CSV with the built-in reader; for the fast columnar reader: "
              "pip install 'red-property[fast]'", file=sys.stderr)
    with command_line():  # a problem names --encoding/--delimiter, not Python's keywords
        return Ratings.from_csv(args.ratings, encoding=args.encoding, delimiter=args.delimiter,
                                sheet=args.sheet)


def _input_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--encoding", metavar="E",
                   help="encoding of RATINGS (default: UTF-8, UTF-16 with BOM, else GB18030)")
    p.add_argument("--delimiter", metavar="D", type=_delimiter,
                   help="field delimiter of RATINGS: ',', ';' or 'tab' (default: found from the "
                   "header)")
    p.add_argument("--sheet", metavar="S", help="sheet of an Excel workbook: its name, or its "
                   "position counting from 1 (default: the first)")


def _delimiter(text: str) -> str:
    value = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";"}.get(text, text)
    if len(value) != 1:
        raise argparse.ArgumentTypeError(f"one character, or 'tab', not {text!r}")
    return value


def _season(args: argparse.Namespace) -> Report:
    """The report of ``args.ratings`` under ``args.rubric``."""
    return evaluate(args.rubric, _ratings(args), claims=args.claims, companies=args.companies)


def _cmd_score(args: argparse.Namespace) -> int:
    report = _season(args)
    if args.format == "json":
        text = report.to_json() + "\n"
    elif args.format == "xlsx":
        if not args.out:
            print("red-property score: --format xlsx needs --out FILE", file=sys.stderr)
            return USAGE
        report.to_excel(args.out, lang=args.lang)
        _wrote(report, args)
        return OK
    elif args.format == "csv":
        if args.out:
            report.to_csv(args.out, lang=args.lang)
            _wrote(report, args)
            return OK
        with tempfile.TemporaryDirectory() as tmp:
            report.to_csv(Path(tmp) / "report.csv", lang=args.lang)
            with open(Path(tmp) / "report.csv", encoding="utf-8-sig", newline="") as fh:
                sys.stdout.write(fh.read())  # without the BOM, which only spreadsheets need
        return OK
    else:
        text = report.table(lang=args.lang) + "\n"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        _wrote(report, args)
    else:
        sys.stdout.write(text)
    return OK


def _cmd_explain(args: argparse.Namespace) -> int:
    report = _season(args)
    try:
        explanation = report.explain(args.company, lang=args.lang)
    except KeyError:
        known = ", ".join(report.companies[:10].tolist())
        print(_msg("cli.no_company", args, report, company=args.company, known=known),
              file=sys.stderr)
        return INVALID
    if args.format == "json":
        print(json.dumps(explanation.to_dict(), indent=2, ensure_ascii=False, allow_nan=False))
    else:
        print(explanation)
    return OK


def _cmd_notice(args: argparse.Namespace) -> int:
    report = _season(args)
    report.notice(args.out, title=args.title, period=args.period, contact=args.contact,
                  lang=args.lang)
    print(_msg("cli.wrote_notice", args, report, path=args.out), file=sys.stderr)
    return OK


def _msg(key: str, args: argparse.Namespace, report: Report, **fields: object) -> str:
    """A line of the command line's own, in the output's language."""
    from . import _messages as m

    return m.msg(key, m.resolve(args.lang, report.plan.rubric), **fields)


def _wrote(report: Report, args: argparse.Namespace) -> None:
    print(_msg("cli.wrote", args, report, n=len(report), path=args.out), file=sys.stderr)


def _cmd_diff(args: argparse.Namespace) -> int:
    from .analysis.diff import diff

    result = diff(args.old, args.new, _ratings(args), claims=args.claims)
    if args.format == "json":
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    elif args.format == "github":
        level = "error" if args.fail_on_change else "warning"  # an error is what blocks
        for change in result.star_changes:
            print(f"::{level} file={args.new}::{change}")
        if result.version_unchanged:
            print(f"::warning file={args.new}::the rubric changed but its version did not; "
                  "bump `version`")
        print(str(result))
    else:
        print(result)
    n = len(result.star_changes)
    if args.fail_on_change and n:
        print(f"red-property diff: {n} {'company changes' if n == 1 else 'companies change'} "
              "stars", file=sys.stderr)
        return INVALID
    return OK


def _add_lang(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=("en", "zh"), default=None,
                   help="language of the output: en or zh (simplified Chinese); "
                   "default the rubric's `language`, else en")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for the docs test)."""
    parser = argparse.ArgumentParser(
        prog="red-property",
        description="Star ratings of property-management companies from authority, "
        "association and peer ratings: explained, reproducible, defensible.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {library_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("validate", help="check rubric files; report every problem",
                       description="Check rubric YAML files (or bundled rubrics, by name, such as "
                       "shanyang-red-property-2019). Exit 0 when all are valid, 1 when "
                       "any has a problem (each reported as file:line:column: path: message).")
    p.add_argument("files", nargs="+", metavar="RUBRIC",
                   help="a rubric file, or the name of a bundled rubric")
    p.add_argument("--format", choices=("text", "json", "github"), default="text")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("schema", help="print the rubric JSON Schema",
                       description="Print the JSON Schema of rubric files (for editors).")
    p.set_defaults(func=_cmd_schema)

    p = sub.add_parser("migrate", help="rewrite a rubric in language version 2",
                       description="Rewrite a version-1 rubric as language version 2 with the "
                       "same meaning (checked by compiling both); comments are kept when only "
                       "the `language_version` line is added. Prints the result unless --out is "
                       "given.")
    p.add_argument("rubric", metavar="RUBRIC",
                   help="a rubric file, or the name of a bundled rubric")
    p.add_argument("--out", metavar="F", help="write to this file (may be RUBRIC itself)")
    p.set_defaults(func=_cmd_migrate)

    p = sub.add_parser("score", help="score a season and print the star table",
                       description="Score every company of a ratings CSV against a rubric.")
    p.add_argument("rubric", metavar="RUBRIC",
                   help="a rubric file, or the name of a bundled rubric")
    p.add_argument("ratings", metavar="RATINGS")
    p.add_argument("--claims", metavar="F", help="CSV with columns company, stars")
    p.add_argument("--companies", metavar="F",
                   help="CSV with columns company, name, district: the full list of companies")
    _input_options(p)
    p.add_argument("--format", choices=("table", "json", "csv", "xlsx"), default="table")
    _add_lang(p)
    p.add_argument("--out", metavar="F",
                   help="write to this file instead of stdout (csv: UTF-8 with a BOM; xlsx "
                   "needs it)")
    p.set_defaults(func=_cmd_score)

    p = sub.add_parser("explain", help="explain one company's stars",
                       description="Why a company got its stars and what the next star takes.")
    p.add_argument("rubric", metavar="RUBRIC",
                   help="a rubric file, or the name of a bundled rubric")
    p.add_argument("ratings", metavar="RATINGS")
    p.add_argument("company", metavar="COMPANY")
    p.add_argument("--claims", metavar="F", help="CSV with columns company, stars")
    p.add_argument("--companies", metavar="F",
                   help="CSV with columns company, name, district: the full list of companies")
    _input_options(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    _add_lang(p)
    p.set_defaults(func=_cmd_explain)

    p = sub.add_parser("notice", help="write the public notice of the stars (HTML or PDF)",
                       description="Write the public notice: the companies awarded stars, "
                       "grouped by level, with the objection period, the contact and the "
                       "rubric's version and fingerprint. OUT ending in .pdf is printed with "
                       "headless Chromium; any other name gets HTML.")
    p.add_argument("rubric", metavar="RUBRIC")
    p.add_argument("ratings", metavar="RATINGS")
    p.add_argument("--claims", metavar="F", help="CSV with columns company, stars")
    p.add_argument("--companies", metavar="F",
                   help="CSV with columns company, name, district: the full list of companies")
    p.add_argument("--title", metavar="T", help="the notice's heading")
    p.add_argument("--period", metavar="P", required=True, help="the objection period")
    p.add_argument("--contact", metavar="C", required=True,
                   help="where objections go: office, telephone, address")
    p.add_argument("--out", metavar="F", required=True, help="notice.html or notice.pdf")
    _input_options(p)
    _add_lang(p)
    p.set_defaults(func=_cmd_notice)

    p = sub.add_parser("diff", help="what a rubric change does to a season's stars",
                       description="Score RATINGS under OLD and NEW rubrics; list the rubric "
                       "edits and every company whose stars, rank or total change.")
    p.add_argument("old", metavar="OLD", help="a rubric file, or the name of a bundled rubric")
    p.add_argument("new", metavar="NEW", help="a rubric file, or the name of a bundled rubric")
    p.add_argument("ratings", metavar="RATINGS")
    p.add_argument("--claims", metavar="F", help="CSV with columns company, stars")
    _input_options(p)
    p.add_argument("--format", choices=("text", "json", "github"), default="text")
    p.add_argument("--fail-on-change", action="store_true",
                   help="exit 1 when any company's stars change")
    p.set_defaults(func=_cmd_diff)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help/--version exit 0, usage errors exit 2
        return int(exc.code or 0)
    try:
        return int(args.func(args))
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return OK
    except (RubricError, RatingsError) as exc:
        _print_problems(exc.problems, getattr(args, "format", "text"), getattr(args, "lang", None))
        return INVALID
    except (EvaluationError, RedPropertyError) as exc:
        if getattr(args, "format", "text") == "github":
            print(_github(Problem(str(exc))))
        else:
            print(f"red-property: {exc}", file=sys.stderr)
        return INVALID
    except OSError as exc:  # writing --out: a folder, a missing directory, no permission
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"red-property: {where}cannot write: {exc.strerror or exc}", file=sys.stderr)
        return INVALID


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
