"""Calibration of the rater-effect flags: how large |z| gets when nothing is wrong, and how
large when effects are planted. Reproduces the figures in ``red_property.analysis.effects``.

Usage, from the repository root: ``python benchmarks/calibrate_effects.py [clean] [planted]``
(default 800 clean and 50 planted seasons of ``tests/test_effects.py``'s simulator).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import test_effects as sim

import red_property as rp
from red_property.analysis import rater_effects


def main(clean: int, planted: int) -> None:
    """Print the largest |z| and fit z over clean seasons, and the planted raters' |z|."""
    rubric = rp.load_rubric(sim.RUBRIC_YAML)
    top_z = top_fit = 0.0
    flags = 0
    for seed in range(clean):
        effects = rater_effects(rp.evaluate(rubric, sim.simulate(10_000 + seed).ratings))
        top_z = max([top_z, *(abs(r.z) for r in effects.raters if math.isfinite(r.z))])
        top_fit = max([top_fit, *(r.fit_z for r in effects.raters if math.isfinite(r.fit_z))])
        flags += len(effects.flags)
    print(f"{clean} clean seasons: largest |z| {top_z:.2f}, largest fit z {top_fit:.2f}, "
          f"{flags} flags")
    zs = []
    for seed in range(planted):
        effects = rater_effects(rp.evaluate(rubric, sim.simulate(20_000 + seed,
                                                                 plant=True).ratings))
        zs += [abs(r.z) for r in effects.raters if r.rater in (sim.HARSH, sim.LENIENT)]
    print(f"{planted} planted seasons: the harsh and the lenient rater's |z| from "
          f"{min(zs):.1f} to {max(zs):.1f}")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*(args + [800, 50][len(args):]))
