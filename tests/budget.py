"""How many examples a property test draws: its own number, or only a few in a mutation run.

A mutation run (``HYPOTHESIS_PROFILE=mutation``, set by ``scripts/mutation.sh``) runs the tests
once per planted fault, so the randomised tests draw at most :data:`MUTATION_EXAMPLES` examples
there; the fixed examples carry the killing. Every other run draws the number the test asks for.
"""

from __future__ import annotations

import os

MUTATION_EXAMPLES = 10


def examples(wanted: int) -> int:
    """``wanted``, capped at :data:`MUTATION_EXAMPLES` under the mutation profile."""
    if os.environ.get("HYPOTHESIS_PROFILE") == "mutation":
        return min(wanted, MUTATION_EXAMPLES)
    return wanted
