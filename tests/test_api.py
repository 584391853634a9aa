"""The public API is pinned: it cannot grow or shrink by accident."""

from __future__ import annotations

import red_property as rp

EXPECTED = [
    "Claims",
    "EvaluationError",
    "Explanation",
    "Problem",
    "Ratings",
    "RatingsError",
    "RedPropertyError",
    "Report",
    "Rubric",
    "RubricError",
    "__version__",
    "analysis",
    "bundled_rubric",
    "diff",
    "dump_rubric",
    "evaluate",
    "fingerprint",
    "load_rubric",
]


def test_exported_members() -> None:
    """`red_property.__all__` is exactly the documented API, and every name exists."""
    assert rp.__all__ == EXPECTED
    for name in rp.__all__:
        assert hasattr(rp, name), name


def test_analysis_members() -> None:
    """`red_property.analysis.__all__` is the documented analysis API."""
    assert rp.analysis.__all__ == [
        "ICCResult", "PanelAgreement", "RaterEffects", "RubricDiff", "Uncertainty",
        "WeightSensitivity", "bootstrap", "compare_corrected", "diff", "icc",
        "krippendorff_alpha", "rater_agreement", "rater_effects", "weight_sensitivity",
    ]
    for name in rp.analysis.__all__:
        assert hasattr(rp.analysis, name), name


def test_error_tree() -> None:
    """Every library error derives from RedPropertyError; input errors are ValueErrors too."""
    assert issubclass(rp.RubricError, rp.RedPropertyError)
    assert issubclass(rp.RubricError, ValueError)
    assert issubclass(rp.RatingsError, rp.RedPropertyError)
    assert issubclass(rp.RatingsError, ValueError)
    assert issubclass(rp.EvaluationError, rp.RedPropertyError)
    assert not issubclass(rp.EvaluationError, ValueError)


def test_version_from_metadata() -> None:
    """The version comes from the installed package's metadata (one source of truth)."""
    from importlib.metadata import version

    assert rp.__version__ == version("red-property")
