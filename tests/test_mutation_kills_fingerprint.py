"""The rubric fingerprint's canonical form, as the README states it so that anyone can
recompute it, and its stability for the bundled rubrics (published notices carry it)."""

from __future__ import annotations

import hashlib

import red_property as rp

from .conftest import ROOT, SHANYANG

#: Fingerprints of the bundled rubrics. A change here changes what published notices carry:
#: make it only with a change of the rubric itself, and say so in the CHANGELOG.
BUNDLED = {
    "shanyang-red-property-2019.yaml":
        "22d397420443b666e429a01e21bb36969cd77439ef332c8c58635b12f42c1ee4",
    "provincial-property-service-grading.yaml":
        "c8ee9b7d2c97795766b59efb5185a4f4bbf1acbad854206813abc560385cb466",
}


def test_bundled_fingerprints_are_stable() -> None:
    """The bundled rubrics keep the fingerprints their published notices carry."""
    for name, sha in BUNDLED.items():
        assert rp.fingerprint(rp.load_rubric(ROOT / "rubrics" / name)) == sha, name


def test_fingerprint_is_sha256_of_compact_sorted_utf8_json() -> None:
    """The canonical JSON has sorted keys, no spaces and Chinese as is, in UTF-8: the bundled
    rubric's fingerprint is the sha256 of that text, written here without the json module."""
    rubric = rp.load_rubric(SHANYANG)
    dumped = rubric.model_dump(mode="json")
    text = _canonical(dumped)
    assert '"label":{"en":"On the black list","zh":"列入黑榜"}' in text
    assert rp.fingerprint(rubric) == hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canonical(value: object) -> str:
    """Canonical JSON written without the json module: sorted keys, ',' and ':' alone,
    strings with only the escapes JSON requires."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{_canonical(k)}:{_canonical(v)}"
                              for k, v in sorted(value.items())) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_canonical(v) for v in value) + "]"
    if isinstance(value, str):
        out = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{out}"'
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)
