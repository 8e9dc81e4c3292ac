"""The boundary check for values from a platform."""

from __future__ import annotations

import pytest

from bot.core import checks


@pytest.mark.parametrize("value", ["U0ALEX", "1700000200.000200", "-1001234567890", 42, "a" * 64])
def test_an_id_is_taken_as_it_is(value: object) -> None:
    assert checks.identifier(value, what="id") == str(value)


@pytest.mark.parametrize(
    "value",
    ["", "a" * 65, "U 0", "U\x00", "\ud800", "é", None, 1.5, True, ["U1"], 10**80],
)
def test_an_id_that_the_store_cannot_hold_is_refused_without_echoing_it(value: object) -> None:
    with pytest.raises(checks.Refused) as refused:
        checks.identifier(value, what="user id")
    assert str(refused.value).startswith("user id")
    assert "\ud800" not in str(refused.value) and "aaaa" not in str(refused.value)


def test_text_is_cleaned_and_normalised() -> None:
    assert checks.text("cafe\u0301", what="t") == "café"
    assert checks.text("a\x00b\ud800c\u202ed\u2066e", what="t") == "abcde"
    assert checks.text("line\n\ttab", what="t") == "line\n\ttab"
    assert checks.text("\u200b\u200c \u2060\n", what="t") == ""
    assert checks.text("x" * 50_000, what="t") == "x" * checks.TEXT_LIMIT
    with pytest.raises(checks.Refused):
        checks.text(5, what="t")


def test_a_name_is_one_short_line() -> None:
    assert checks.name("Alex\n  Morgan\u202e", what="n") == "Alex Morgan"
    assert checks.name(None, what="n") == ""
    assert len(checks.name("y" * 1000, what="n")) == checks.NAME_LIMIT


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("7", 7),
        ("0042", 42),
        ("2147483647", 2**31 - 1),
        ("2147483648", None),
        ("²", None),
        ("--3", None),
        ("-3", None),
        ("٣", None),
        ("3 ", None),
        ("", None),
        ("1e3", None),
    ],
)
def test_whole_numbers_are_strict_ascii_within_the_stores_integers(
    value: str, number: int | None
) -> None:
    assert checks.whole_number(value) == number
