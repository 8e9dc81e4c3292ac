"""Reading a platform's JSON body (adapters/common/body.py): nesting is bounded before parsing,
and brackets inside strings do not count."""

from __future__ import annotations

import pytest

from adapters.common.body import DEPTH_LIMIT, Unreadable, nesting, parse_json


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ('{"a": 1}', 1),
        ('{"a": [[1], {"b": [2]}]}', 4),
        ('{"a": "[[[{{{", "b": [1]}', 2),  # brackets in a string are words, not nesting
        ('["\\"[[[", ["x"]]', 2),  # an escaped quote does not end the string
        ('["\\\\", [[1]]]', 3),  # an escaped backslash does not escape the closing quote
        ('{"a": "never closed [[[[', 1),  # the rest of the text after an open quote is a string
        ("[" * 40, 40),
    ],
)
def test_nesting_counts_brackets_outside_strings(text: str, depth: int) -> None:
    assert nesting(text) == depth


def test_a_body_that_nests_too_deeply_is_refused_before_it_is_parsed() -> None:
    deep = "[" * (DEPTH_LIMIT + 1) + "]" * (DEPTH_LIMIT + 1)
    with pytest.raises(Unreadable, match="nests over"):
        parse_json(deep)
    # as many brackets, but inside a string: read as it is
    words = '{"text": "' + "[" * (DEPTH_LIMIT + 5) + '"}'
    assert parse_json(words) == {"text": "[" * (DEPTH_LIMIT + 5)}
    exactly = "[" * DEPTH_LIMIT + "]" * DEPTH_LIMIT
    assert parse_json(exactly) is not None
