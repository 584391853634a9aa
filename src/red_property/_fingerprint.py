"""A rubric's identity: its content as canonical JSON, and that content's sha256.

Two rubrics that mean the same (whatever their formatting, comments, quoting or key order) have
one fingerprint; reports and notices carry it so anyone can check which standard was applied.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .rubric import Rubric


def canonical_json(rubric: Rubric) -> str:
    """The rubric's full content (defaults included) as canonical JSON: sorted keys, no spaces."""
    data = rubric.model_dump(mode="json")
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def fingerprint(rubric: Rubric) -> str:
    """sha256 of :func:`canonical_json`: equal for rubrics that mean the same, whatever their
    formatting and comments."""
    return hashlib.sha256(canonical_json(rubric).encode("utf-8")).hexdigest()
