"""Shared fixtures: paths of the bundled rubrics and example season; the mutation profile."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from .budget import MUTATION_EXAMPLES

ROOT = Path(__file__).resolve().parent.parent
SHANYANG = ROOT / "rubrics" / "shanyang-red-property-2019.yaml"
EXAMPLE = ROOT / "examples" / "shanyang-2019"

# A mutation run (scripts/mutation.sh) runs the tests once per planted fault: few examples, the
# same ones every time (a fault is killed or not, never by chance), nothing kept between runs.
settings.register_profile(
    "mutation", max_examples=MUTATION_EXAMPLES, derandomize=True, database=None, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                           HealthCheck.data_too_large],
)
if os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])


@pytest.fixture(scope="session")
def shanyang_report():  # type: ignore[no-untyped-def]
    """The bundled Shanyang season, scored once per session."""
    import red_property as rp

    return rp.evaluate(SHANYANG, EXAMPLE / "ratings.csv", claims=EXAMPLE / "claims.csv")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked ``cluster`` starts a Dask cluster in this process: it runs everywhere but
    under a mutant of a mutation run, whose test processes are forked from one that already
    holds threads, where Dask's threads hang until the time limit (every survivor the test
    covers would then count as killed by a timeout)."""
    if item.get_closest_marker("cluster") and "__mutmut_" in os.environ.get(
            "MUTANT_UNDER_TEST", ""):
        pytest.skip("a Dask cluster cannot start in a mutation run's forked test process")
