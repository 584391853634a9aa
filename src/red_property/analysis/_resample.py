"""What the resampling analyses share: the quantile rule, the seeding, and running chunks of
replicates or draws locally or on a Dask cluster.

Quantiles are those of the replicates' (draws') values by the inverted empirical distribution
function: the ``q``-quantile of ``m`` values is the ``ceil(q * m)``-th smallest, so it is always
a value some replicate produced.

On a cluster (``client=``, a :class:`distributed.Client`) the compiled inputs are scattered to
the workers once and each chunk of replicates or draws is one task; every chunk draws its random
numbers from the seed and its own position, so the result for a seed is the same whatever runs
it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from .._tolerance import TOLERANCE

T = TypeVar("T")
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def positions(qs: FloatArray, m: IntArray) -> IntArray:
    """(len(m), len(qs)) 0-based positions of the ``qs`` quantiles among ``m`` sorted values
    by the inverted empirical distribution function: the ``ceil(q * m)``-th smallest value."""
    at = np.ceil(qs[None, :] * m[:, None] - TOLERANCE).astype(np.int64) - 1
    return np.clip(at, 0, np.maximum(m[:, None] - 1, 0))


def quantiles(values: FloatArray, qs: Sequence[float]) -> FloatArray:
    """(len(qs), C) quantiles of ``values`` (n, C) over its first axis, by the rule above."""
    x = np.sort(np.asarray(values, dtype=np.float64), axis=0)
    at = positions(np.asarray(qs, dtype=np.float64), np.array([x.shape[0]]))[0]
    return np.asarray(x[at], dtype=np.float64)


def spans(total: int, chunk: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of consecutive chunks of ``chunk`` items out of ``total``."""
    return [(a, min(total, a + chunk)) for a in range(0, total, chunk)]


def run_chunks(fn: Callable[[Any, int, int], T], inputs: Any, parts: list[tuple[int, int]],
               client: Any = None) -> list[T]:
    """``[fn(inputs, a, b) for a, b in parts]``, in order: here, or as tasks on a Dask
    cluster when ``client`` is given (``inputs`` scattered to every worker once)."""
    if client is None:
        return [fn(inputs, a, b) for a, b in parts]
    require_distributed(client)
    import distributed

    if not isinstance(client, distributed.Client):
        raise TypeError(f"client must be a distributed.Client, not {type(client).__name__}")
    dask: Any = client  # distributed ships no type hints for these calls
    # a fresh key per call: a key shared with an earlier call can be released under this one
    shared = dask.scatter(inputs, broadcast=True, hash=False)
    futures = [dask.submit(fn, shared, a, b, pure=False) for a, b in parts]
    out: list[T] = dask.gather(futures)
    return out


def require_count(name: str, value: Any, *, optional: bool = False) -> None:
    """Refuse ``value`` unless it is a positive integer (a bool is none), or None when
    ``optional``, naming the argument."""
    if optional and value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        kind = "a positive integer or None" if optional else "a positive integer"
        raise ValueError(f"{name} must be {kind}, not {value!r}")


def require_distributed(client: Any) -> None:
    """Refuse a ``client`` when dask.distributed is not installed, naming the extra."""
    if client is None:
        return
    try:
        import distributed  # noqa: F401  (only its presence is checked)
    except ImportError:
        raise ImportError("client= needs dask.distributed: "
                          "pip install 'red-property[distributed]'") from None
