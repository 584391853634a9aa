"""Column and field names as people write them, told in English and Chinese: a hyphen for the
underscore, a field of a record that no column has; behaviour that mutation testing found
unguarded."""

from __future__ import annotations

from red_property._headers import unknown_column
from red_property.ratings import OPTIONAL, REQUIRED

KNOWN = REQUIRED + OPTIONAL


def test_a_hyphenated_header_gets_the_name_to_use_in_both_languages() -> None:
    """'Rater-Company' is rater_company written with a hyphen and capitals: the name to use, and
    why, in English and in Chinese."""
    p = unknown_column("Rater-Company", KNOWN)
    assert p.message == ("column 'Rater-Company' should be named 'rater_company' (names are "
                         "lower case, words joined by _); rename it")
    assert p.message_zh == ("列 'Rater-Company' 应改名为 'rater_company'"
                            "（名称用小写字母，单词以 _ 连接）")


def test_an_unknown_field_lists_the_fields_in_both_languages() -> None:
    """A record's unknown field is called a field (字段), with the fields there are."""
    p = unknown_column("bogus", KNOWN, word="field")
    fields = ", ".join(KNOWN)
    assert p.message == f"unknown field 'bogus'; fields are {fields}"
    assert p.message_zh == f"未知的字段 'bogus'；可用的字段为 {fields}"
    assert unknown_column("bogus", KNOWN).message_zh == f"未知的列 'bogus'；可用的列为 {fields}"
