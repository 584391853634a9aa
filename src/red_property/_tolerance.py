"""The one tolerance of the engine: how much float error a comparison forgives.

Sums of weighted floats miss exact values in their last bits
(``np.average([0.2] * 3, weights=[.1, .1, .6])`` is ``0.19999999999999998``); every comparison
of a computed value with a stated threshold forgives :data:`TOLERANCE`, relative to the
threshold's magnitude (absolute below 1), so float error never costs a star.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

#: Relative tolerance of every comparison with a stated threshold (absolute below 1).
TOLERANCE = 1e-9


def slack(threshold: Any) -> npt.NDArray[np.float64]:
    """The float error forgiven at ``threshold``: ``TOLERANCE * max(1, |threshold|)``."""
    t = np.asarray(threshold, dtype=np.float64)
    return np.asarray(TOLERANCE * np.maximum(1.0, np.abs(t)), dtype=np.float64)


def at_least(x: Any, threshold: Any) -> npt.NDArray[np.bool_]:
    """``x >= threshold``, forgiving float error (see :data:`TOLERANCE`)."""
    t = np.asarray(threshold, dtype=np.float64)
    return np.asarray(x >= t - slack(t))


def at_most(x: Any, threshold: Any) -> npt.NDArray[np.bool_]:
    """``x <= threshold``, forgiving float error (see :data:`TOLERANCE`)."""
    t = np.asarray(threshold, dtype=np.float64)
    return np.asarray(x <= t + slack(t))
