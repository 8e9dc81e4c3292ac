"""Escaping and markup for each target, and splitting long messages within platform limits."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.ports import Limits
from bot.text.formats import Formatted, formatter_for, markdown_as_text, split_message

SLACK = Limits(max_chars=11000, max_paragraph_chars=2900, max_paragraphs=48)
TELEGRAM = Limits(max_chars=4096)
EVIL = 'Hi <!channel> see <https://x|y> & <b>bold</b> @here "q"'


# --- escaping and markup


def test_slack_escapes_only_ampersand_and_angle_brackets() -> None:
    assert formatter_for("slack").escape(EVIL) == (
        'Hi &lt;!channel&gt; see &lt;https://x|y&gt; &amp; &lt;b&gt;bold&lt;/b&gt; @here "q"'
    )


def test_telegram_escapes_html_and_quotes() -> None:
    assert formatter_for("telegram").escape(EVIL) == (
        "Hi &lt;!channel&gt; see &lt;https://x|y&gt; &amp; "
        "&lt;b&gt;bold&lt;/b&gt; @here &quot;q&quot;"
    )


def test_markdown_escapes_specials_and_line_starts() -> None:
    text = "a*b_c [x](y) `z` & &amp; <t>\n- item\n# title\n12. twelve\n+ plus\n> quote"
    assert formatter_for("markdown").escape(text) == (
        "a\\*b\\_c \\[x\\](y) \\`z\\` & \\&amp; \\<t>\n\\- item\n\\# title\n12\\. twelve\n"
        "\\+ plus\n\\> quote"
    )


def test_markdown_leaves_ordinary_text_as_written() -> None:
    text = "The drop-in works, today! (Plan) 3 > 2, 1.5 hours & more: see you at 10.30 #team"
    assert formatter_for("markdown").escape(text) == text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.just("\n")))
def test_markdown_read_back_as_text_is_what_was_written(text: str) -> None:
    assert markdown_as_text(formatter_for("markdown").escape(text)) == text


def test_an_archived_digest_reads_as_plain_text() -> None:
    md = formatter_for("markdown")
    archived = "\n".join(
        [md.heading("Huddle <digest>"), md.italic("From a to b"), md.bullet(md.bold("x_y"))]
    )
    assert markdown_as_text(archived) == "== Huddle <digest> ==\nFrom a to b\n- x_y"
    # archives written before entities gave way to escapes read the same
    assert markdown_as_text("- \\&amp; &lt;script&gt;") == "- &amp; <script>"


def test_numbered_puts_the_number_people_use_before_the_text() -> None:
    assert formatter_for("telegram").numbered("a<b", 3) == "<code>#3</code> a&lt;b"
    assert formatter_for("plain").numbered("a<b", None) == "a<b"
    tg = formatter_for("telegram")
    assert tg.bullet(tg.numbered("x", 12)) == "• <code>#12</code> x"


def test_plain_escapes_nothing() -> None:
    assert formatter_for("plain").escape(EVIL) == EVIL


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        (
            "slack",
            [
                "*a &amp; b*",
                "_a &amp; b_",
                "*a &amp; b*",
                "> a &amp; b",
                "• a &amp; b",
                "`a &amp; b`",
            ],
        ),
        (
            "telegram",
            [
                "<b>a &amp; b</b>",
                "<i>a &amp; b</i>",
                "<b>a &amp; b</b>",
                "<blockquote>a &amp; b</blockquote>",
                "• a &amp; b",
                "<code>a &amp; b</code>",
            ],
        ),
        (
            "markdown",
            ["**a & b**", "*a & b*", "## a & b", "> a & b", "- a & b", "`a & b`"],
        ),
        ("plain", ["*a & b*", "a & b", "== a & b ==", "> a & b", "- a & b", "`a & b`"]),
    ],
)
def test_markup_escapes_its_argument(fmt: str, expected: list[str]) -> None:
    f = formatter_for(fmt)  # type: ignore[arg-type]
    results = [f.bold("a & b"), f.italic("a & b"), f.heading("a & b"), f.quote("a & b")]
    results += [f.bullet("a & b"), f.code("a & b")]
    assert results == expected
    assert all(isinstance(r, Formatted) for r in results)


def test_markup_stays_on_one_line_per_line_of_text() -> None:
    tg = formatter_for("telegram")
    assert tg.bold("one\ntwo") == "<b>one</b>\n<b>two</b>"
    assert tg.quote("one\n\ntwo") == "<blockquote>one</blockquote>\n\n<blockquote>two</blockquote>"
    assert tg.heading("one\ntwo") == "<b>one two</b>"
    assert tg.bullet("one\n\n two") == "• one\n  two"


def test_formatted_text_is_not_escaped_twice() -> None:
    slack = formatter_for("slack")
    assert slack.bullet(slack.code("a<b")) == "• `a&lt;b`"
    assert slack.safe(Formatted("<@U1>")) == "<@U1>"
    assert slack.safe(None) == ""


def test_markdown_code_uses_a_longer_fence() -> None:
    assert formatter_for("markdown").code("a `b` c") == "``a `b` c``"
    assert formatter_for("markdown").code("`x") == "`` `x ``"


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="known: slack, telegram"):
        formatter_for("sms")  # type: ignore[arg-type]


# --- splitting


class _BalanceChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack}"
        self.stack.pop()


def assert_valid_telegram_html(part: str) -> None:
    checker = _BalanceChecker()
    checker.feed(part)
    checker.close()
    assert checker.stack == [], f"unclosed {checker.stack}"
    assert not re.search(r"&(?!(?:amp|lt|gt|quot|#\d+);)", part), "a broken entity"
    assert not re.search(r"<(?![a-z/])", part), "a stray <"


def words(text: str) -> list[str]:
    return re.sub(r"<[^<>]*>", "", text).split()


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def digest(fmt: str, *, sections: int, entries: int, long_entry: int = 0) -> str:
    f = formatter_for(fmt)  # type: ignore[arg-type]
    out: list[str] = [
        f.heading("Huddle digest for Riverside & friends"),
        f.italic("From 2024-03-04 to 2024-03-10"),
    ]
    for s in range(sections):
        lines: list[str] = [f.heading(f"Section {s}")]
        for e in range(entries):
            text = f"Entry {s}.{e}: families <b>told</b> us & evenings suit them better {EVIL}"
            lines.append(f"{f.bullet(text)} ({f.italic(f'Person {e}')})")
        if long_entry:
            lines.append(f.bold(" ".join(f"bold{s}w{i} &" for i in range(long_entry))))
            lines.append(f.quote(" ".join(f"quote{s}w{i}" for i in range(long_entry))))
        out.append("\n".join(lines))
    out.append("12 people shared 48 entries. Thank you.")
    return "\n\n".join(out)


def test_short_text_is_one_part_and_blank_text_none() -> None:
    assert split_message("  hello\n\nthere  ", TELEGRAM) == ["hello\n\nthere"]
    assert split_message(" \n\n ", TELEGRAM) == []


def test_slack_digest_fits_limits_in_order() -> None:
    text = digest("slack", sections=40, entries=30)
    parts = split_message(text, SLACK, fmt="slack")
    assert len(parts) > 1
    for part in parts:
        paragraphs = part.split("\n\n")
        assert len(part) <= SLACK.max_chars
        assert len(paragraphs) <= 48
        assert all(len(p) <= 2900 for p in paragraphs)
        assert "<!channel>" not in part
    assert words(" ".join(parts)) == words(text)


def test_slack_long_paragraph_splits_between_whole_lines() -> None:
    text = digest("slack", sections=1, entries=120)
    parts = split_message(text, SLACK, fmt="slack")
    assert all(len(p) <= 2900 for part in parts for p in part.split("\n\n"))
    original_lines = [line for line in text.split("\n") if line.strip()]
    assert [line for part in parts for line in part.split("\n") if line.strip()] == original_lines


def test_telegram_digest_parts_are_balanced_html() -> None:
    text = digest("telegram", sections=12, entries=20, long_entry=700)
    parts = split_message(text, TELEGRAM)
    assert len(parts) > 3
    for part in parts:
        assert utf16(part) <= TELEGRAM.max_chars
        assert_valid_telegram_html(part)
    assert words(" ".join(parts)) == words(text)
    # the long bold and quoted lines were cut inside their element: the next part reopens it
    assert any(re.match(r"<b>bold0w[1-9]", p) for p in parts)
    assert any(re.match(r"<blockquote>quote0w[1-9]", p) for p in parts)


def test_hard_cut_never_breaks_an_entity_or_tag() -> None:
    text = "<i>" + "x&amp;y" * 2000 + "</i>"
    parts = split_message(text, Limits(max_chars=100))
    for part in parts:
        assert len(part) <= 100
        assert_valid_telegram_html(part)
    joined = "".join(p.removeprefix("<i>").removesuffix("</i>") for p in parts)
    assert joined == "x&amp;y" * 2000


def test_slack_links_stay_whole_when_cut_between_words() -> None:
    text = " ".join(["<https://example.org/a|a link with spaces>"] * 200)
    for part in split_message(text, Limits(max_chars=500), fmt="slack"):
        assert len(part) <= 500
        assert part.count("<") == part.count(">")


def test_non_html_targets_get_no_added_tags() -> None:
    text = "<b>" + "word " * 2000 + "</b>"
    parts = split_message(text, Limits(max_chars=1000), fmt="plain")
    assert "".join(parts).count("<b>") == 1


def test_sizes_count_utf16_like_telegram() -> None:
    text = " ".join(["🙂🙂🙂"] * 2000)
    parts = split_message(text, TELEGRAM, fmt="telegram")
    assert all(utf16(p) <= 4096 for p in parts)
    assert words(" ".join(parts)) == words(text)


_plain = st.lists(
    st.sampled_from(["a", "bb", "ccc ", " ", "\n", "\n\n", "&amp;", "é", "🙂", "x y z "]),
    max_size=12,
).map("".join)
_segment = st.one_of(
    _plain, _plain.map(lambda s: f"<b>{s}</b>"), _plain.map(lambda s: f"<i>a {s}</i>")
)


@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@given(
    segments=st.lists(_segment, max_size=40),
    max_chars=st.integers(min_value=30, max_value=150),
    max_paragraphs=st.one_of(st.none(), st.integers(min_value=1, max_value=4)),
)
def test_split_properties(segments: list[str], max_chars: int, max_paragraphs: int | None) -> None:
    text = "".join(segments)
    limit = max_chars // 2
    limits = Limits(max_chars=max_chars, max_paragraph_chars=limit, max_paragraphs=max_paragraphs)
    parts = split_message(text, limits)
    assert "".join("".join(words(p)) for p in parts) == "".join(words(text))
    for part in parts:
        assert part == part.strip() and part
        assert utf16(part) <= max_chars
        paragraphs = part.split("\n\n")
        assert len(paragraphs) <= (max_paragraphs or len(paragraphs))
        assert all(utf16(p) <= limit for p in paragraphs)
        assert_valid_telegram_html(part)


def test_unbalanced_tags_are_left_alone() -> None:
    text = "</b> stray " + "<b>never closed " * 50 + "</i>"
    parts = split_message(text, Limits(max_chars=60))
    assert "".join("".join(p.split()) for p in parts) == "".join(text.split())
