"""The public API is pinned: names and signatures cannot grow or shrink by accident."""

from __future__ import annotations

import inspect

import red_property as rp
from red_property import analysis

EXPECTED = [
    "ClaimOutcome",
    "Claims",
    "Companies",
    "CompanyResult",
    "EvaluationError",
    "Explanation",
    "Plan",
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
    "compile_plan",
    "diff",
    "dump_rubric",
    "evaluate",
    "fingerprint",
    "load_rubric",
]

ANALYSIS = [
    "CorrectedComparison", "ICCResult", "PanelAgreement", "RaterEffects", "RubricDiff",
    "Uncertainty", "WeightSensitivity", "bootstrap", "compare_corrected", "diff", "icc",
    "krippendorff_alpha", "rater_agreement", "rater_effects", "weight_sensitivity",
]

#: The parameters of every public function: (name, kind, default) in order.
SIGNATURES = {
    rp.evaluate: "(rubric, ratings, *, claims=None, companies=None)",
    rp.compile_plan: "(rubric)",
    rp.load_rubric: "(file, *, name=None)",
    analysis.bootstrap: "(report, *, replicates=500, seed=0, confidence=0.9, chunk=50, "
                        "client=None)",
    analysis.weight_sensitivity: "(report, *, draws=1000, spread=0.2, source_spread=None, "
                                 "dimension_spread=None, seed=0, chunk=None, keep=0, "
                                 "workers=None, client=None)",
    analysis.rater_effects: "(report, *, threshold=3.0, min_ratings=10, floor=0.02, "
                            "indicators=None)",
    analysis.rater_agreement: "(report)",
    analysis.compare_corrected: "(report)",
}


def _params(fn: object) -> str:
    """The signature without annotations."""
    sig = inspect.signature(fn)  # type: ignore[arg-type]
    bare = [p.replace(annotation=inspect.Parameter.empty) for p in sig.parameters.values()]
    return str(sig.replace(parameters=bare, return_annotation=inspect.Signature.empty))


def test_exported_members() -> None:
    """`red_property.__all__` is exactly the documented API, and every name exists."""
    assert rp.__all__ == EXPECTED
    for name in rp.__all__:
        assert hasattr(rp, name), name


def test_analysis_members() -> None:
    """`red_property.analysis.__all__` is the documented analysis API."""
    assert rp.analysis.__all__ == ANALYSIS
    for name in rp.analysis.__all__:
        assert hasattr(rp.analysis, name), name


def test_signatures() -> None:
    """The entry points take what the documentation says, keyword-only past the inputs."""
    for fn, expected in SIGNATURES.items():
        assert _params(fn) == expected, fn


def test_result_constructors_are_keyword_only() -> None:
    """Every public result type is built from keywords only."""
    for cls in (rp.Report, rp.CompanyResult, rp.Plan, analysis.Uncertainty,
                analysis.WeightSensitivity, analysis.RaterEffects,
                analysis.CorrectedComparison, analysis.PanelAgreement):
        params = inspect.signature(cls).parameters.values()
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params), cls


def test_internal_modules_publish_nothing() -> None:
    """Only the package and the analysis package declare `__all__`."""
    import pkgutil

    for info in pkgutil.walk_packages(rp.__path__, "red_property."):
        if info.name == "red_property.__main__":  # running it starts the CLI
            continue
        module = __import__(info.name, fromlist=["_"])
        if info.name != "red_property.analysis":
            assert not hasattr(module, "__all__"), info.name


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
