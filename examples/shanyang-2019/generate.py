"""Generate the bundled Shanyang 2019 season: ratings.csv, claims.csv, companies.csv.

A made-up but realistic season for the Shanyang rubric, seeded so it is identical on every run:
40 property companies (项目); 3 authority officials rate every company on every indicator, 2
association assessors rate what the association covers, 8 peer companies (one rater each, never
the company itself) rate service quality and public image.

Real-life imperfections, on purpose:
- one association assessor did not rate company sy-17 (the median uses the one left);
- company sy-23 got only 2 peer sheets, below the peer quorum of 3: the peer weight is
  renormalised onto the authority and the association;
- one peer sheet rates its own company (sy-05 rating sy-05): dropped as a self-rating, counted;
- company sy-31 had a serious safety accident: vetoed;
- company sy-38 has not been in operation for a year: not rated (eligibility gate);
- the peer rater of sy-14 marks its rivals down (about a quarter of the scale): the rater-effects
  analysis flags it as harsh on rivals;
- a few companies claim a level (对标认领).

Run: python examples/shanyang-2019/generate.py
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SEED = 2019
N = 40

NAMES = [
    "焦作建业物业", "山阳锦华物业", "新城悦物业", "恒大金碧物业", "正弘物业", "鑫苑物业",
    "永威物业",
    "建业城市花园", "万科物业", "保利物业", "绿城服务", "碧桂园服务", "金地物业", "中海物业",
    "招商积余", "世茂服务", "龙湖智创", "融创服务", "华润万象", "雅生活", "彩生活", "康桥物业",
    "昌建物业", "亚新物业", "蓝城物业", "光明物业", "和美物业", "安居物业", "福兴物业", "兴业物业",
    "宏达物业", "民生物业", "家园物业", "红旗物业", "东方物业", "西城物业", "南苑物业", "北辰物业",
    "太行物业", "怀府物业",
]

# indicator -> (kind, generator of a raw value from quality q in [0, 1] and noise)
CHECKS = ["six_haves", "secretary_on_community_party", "cross_appointment", "grid_ledger",
          "volunteer_team"]


def main() -> None:
    rng = np.random.default_rng(SEED)
    companies = [f"sy-{k:02d}" for k in range(1, N + 1)]
    quality = np.clip(rng.beta(4, 3, size=N), 0.05, 0.99)
    quality[companies.index("sy-31")] = 0.93  # strong, but vetoed
    rows: list[dict[str, object]] = []

    def add(company: str, source: str, rater: str, indicator: str, value: object,
            rater_company: str = "") -> None:
        rows.append({"company": company, "source": source, "rater": rater,
                     "indicator": indicator, "value": value, "rater_company": rater_company})

    def raw(indicator: str, q: float, noise: float) -> object:
        x = float(np.clip(q + noise, 0.0, 1.0))
        if indicator in CHECKS:
            return int(x > 0.45)
        if indicator == "party_rules":
            return ["none", "occasional", "regular"][min(2, int(x * 3))]
        if indicator == "needs_survey":
            return ["none", "yearly", "quarterly"][min(2, int(x * 3))]
        if indicator == "four_in_one":
            return ["none", "set_up", "working"][min(2, int(x * 3))]
        if indicator == "party_member_graduates":
            return round(x * 6)
        if indicator == "party_applicants":
            return round(x * 4)
        if indicator == "livelihood_coverage":
            return round(40 + 60 * x, 1)
        if indicator == "resident_satisfaction":
            return round(55 + 45 * x, 1)
        if indicator in ("party_work_coverage",):
            return round(4 * x, 1)
        if indicator in ("activists_training", "tailored_services", "grid_patrol",
                         "policy_outreach"):
            return round(5 * x, 1)
        if indicator == "reputation":
            return round(10 * x, 1)
        raise KeyError(indicator)

    authority_only = ["six_haves", "secretary_on_community_party", "party_rules",
                      "party_work_coverage", "complaints_upheld", "in_operation_one_year",
                      "serious_safety_accident", "serious_violation", "black_list",
                      "commendations"]
    association = ["cross_appointment", "party_member_graduates", "party_applicants",
                   "activists_training", "needs_survey", "grid_ledger", "volunteer_team",
                   "tailored_services", "livelihood_coverage", "four_in_one", "grid_patrol",
                   "resident_satisfaction", "reputation", "policy_outreach"]
    peer = ["needs_survey", "grid_ledger", "volunteer_team", "tailored_services",
            "livelihood_coverage", "reputation", "policy_outreach"]

    for k, company in enumerate(companies):
        q = float(quality[k])
        facts = {
            "complaints_upheld": int(rng.poisson(3 * (1 - q))),
            "in_operation_one_year": 0 if company == "sy-38" else 1,
            "serious_safety_accident": 1 if company == "sy-31" else 0,
            "serious_violation": 0,
            "black_list": 0,
            "commendations": int(rng.poisson(2 * q)),
        }
        for a in range(1, 4):
            rater = f"authority-{a}"
            for ind in authority_only:
                if ind in facts:
                    add(company, "authority", rater, ind, facts[ind])
                else:
                    add(company, "authority", rater, ind, raw(ind, q, rng.normal(0, 0.05)))
            for ind in association:
                add(company, "authority", rater, ind, raw(ind, q, rng.normal(0, 0.07)))
        for a in range(1, 3):
            if company == "sy-17" and a == 2:
                continue  # one assessor missed this company
            for ind in association:
                add(company, "association", f"association-{a}", ind,
                    raw(ind, q, rng.normal(0.02, 0.08)))
        others = [c for c in companies if c != company]
        n_peers = 2 if company == "sy-23" else 8
        for rc in rng.choice(others, size=n_peers, replace=False):
            bias = -0.25 if rc == "sy-14" else -0.03
            for ind in peer:
                add(company, "peer", f"peer-{rc}", ind, raw(ind, q, rng.normal(bias, 0.12)),
                    rater_company=str(rc))
    # a peer sheet for its own company: the rubric drops it and the report counts it
    for ind in peer:
        add("sy-05", "peer", "peer-sy-05", ind, raw(ind, 1.0, 0.0), rater_company="sy-05")

    with open(HERE / "ratings.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["company", "source", "rater", "indicator", "value",
                                           "rater_company"])
        w.writeheader()
        w.writerows(rows)
    with open(HERE / "companies.csv", "w", newline="", encoding="utf-8") as fh:
        w2 = csv.writer(fh)
        w2.writerow(["company", "name", "district"])
        for company, name in zip(companies, NAMES, strict=True):
            w2.writerow([company, name, "山阳区"])
    claims = {"sy-03": 4, "sy-08": 3, "sy-12": 5, "sy-20": 3, "sy-31": 4, "sy-33": 2}
    with open(HERE / "claims.csv", "w", newline="", encoding="utf-8") as fh:
        w3 = csv.writer(fh)
        w3.writerow(["company", "stars"])
        w3.writerows(claims.items())
    print(f"wrote {len(rows)} ratings for {N} companies to {HERE / 'ratings.csv'}")


if __name__ == "__main__":
    main()
