"""What a web back end or a reporting job does: one call, JSON out.

    python examples/service.py [RATINGS.csv] [CLAIMS.csv]

Loads the bundled Shanyang rubric from the installed package (no path into the source tree),
scores the season and prints each company's stars with the provenance a published result needs.
Bad input becomes a JSON error with every located problem and exit code 1, never a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import red_property as rp

HERE = Path(__file__).resolve().parent / "shanyang-2019"


def main(argv: list[str]) -> int:
    ratings = argv[0] if argv else HERE / "ratings.csv"
    claims = argv[1] if len(argv) > 1 else HERE / "claims.csv"
    try:
        report = rp.evaluate(rp.bundled_rubric("shanyang-red-property-2019"), ratings,
                             claims=claims)
    except (rp.RatingsError, rp.RubricError) as exc:
        print(json.dumps({"error": str(exc).splitlines()[0], "problems": exc.to_dicts()},
                         ensure_ascii=False))
        return 1
    stars = dict(report.stars)  # None for a company not rated
    print(json.dumps({"provenance": report.provenance(), "stars": stars}, ensure_ascii=False,
                     indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
