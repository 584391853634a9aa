"""What a web back end or a reporting job does: one call, JSON out.

    python examples/service.py [RATINGS.csv] [CLAIMS.csv]

Loads the bundled Shanyang rubric from the installed package (no path into the source tree),
scores the season and prints each company's stars with the provenance a published result needs.
Bad input, or a rubric policy refusing to produce a result, becomes a JSON error with every
located problem and exit code 1; anything unexpected becomes a bare JSON error and exit code 2.
Never a traceback, and never the server's paths: files are named by their base name only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import red_property as rp

HERE = Path(__file__).resolve().parent / "shanyang-2019"


def public(value: Any, files: list[Path]) -> Any:
    """``value`` with every spelling of each file's path replaced by the file's base name."""
    if isinstance(value, str):
        spellings = {str(f): f.name for f in files} | {str(f.resolve()): f.name for f in files}
        for path in sorted(spellings, key=len, reverse=True):
            value = value.replace(path, spellings[path])
        return value
    if isinstance(value, dict):
        return {k: public(v, files) for k, v in value.items()}
    if isinstance(value, list):
        return [public(v, files) for v in value]
    return value


def main(argv: list[str]) -> int:
    ratings = Path(argv[0]) if argv else HERE / "ratings.csv"
    claims = Path(argv[1]) if len(argv) > 1 else HERE / "claims.csv"
    try:
        report = rp.evaluate(rp.bundled_rubric("shanyang-red-property-2019"), ratings,
                             claims=claims)
    except (rp.RatingsError, rp.RubricError) as exc:
        doc: dict[str, Any] = {"error": str(exc).splitlines()[0], "problems": exc.to_dicts()}
        status = 1
    except rp.RedPropertyError as exc:  # EvaluationError: a policy refused to produce a result
        doc, status = {"error": str(exc), "problems": []}, 1
    except Exception as exc:  # a service answers; its own log, not the caller, gets details
        print(f"service: unexpected {type(exc).__name__}", file=sys.stderr)
        doc, status = {"error": "internal error", "problems": []}, 2
    else:
        stars = dict(report.stars)  # None for a company not rated
        doc, status = {"provenance": report.provenance(), "stars": stars}, 0
    print(json.dumps(public(doc, [ratings, claims]), ensure_ascii=False, indent=1))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
