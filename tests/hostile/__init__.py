"""The hostile-input catalogue: every bad or strange input the library has met, with what it
must do about it.

Each case (:class:`~tests.hostile.cases.Case`) names its input, the exact error class, where
the error points (row and column of a table, line and column of a rubric), a fragment of the
message, and the command line's exit code; an input that is accepted instead states how many
rows are read, used and dropped (read = used + dropped always holds). ``test_catalogue.py``
runs every case through the Python API and through the command line.

The case lists are ``ratings.py``, ``claims.py``, ``companies.py``, ``columns.py`` (inputs only
the Python API can receive) and ``rubrics.py`` (which folds in ``tests/rubrics/broken/`` and the
YAML bombs of ``tests/test_loading.py`` by reference). To grow the catalogue, add a ``Case`` to
the list of the input's kind: one line per bug found, kept for good.
"""
