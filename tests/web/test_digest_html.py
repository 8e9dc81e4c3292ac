"""An archived digest's Markdown as HTML: the digest's own structure becomes elements, and what
people wrote, escaped by the Markdown formatter when the digest was written, stays text."""

from __future__ import annotations

from bot.text.formats import MarkdownFormatter
from bot.web.digest_html import digest_html
from bot.web.paging import Paging

HOSTILE = (
    '<script>alert("x")</script> [x](javascript:alert(1)) **loud** *quiet* @channel '
    "<https://evil.example> `tick` &amp; _under_ ~strike~ |pipe|"
)


def written(lines: list[str]) -> str:
    return "\n".join(lines)


def test_peoples_words_stay_text_whatever_they_hold() -> None:
    md = MarkdownFormatter()
    text = written(
        [
            str(md.heading("Huddle digest for Core")),
            str(md.italic("From 1 March to 8 March")),
            "",
            str(md.heading("What we learned")),
            str(md.bullet(md.numbered(HOSTILE, 12))),
            str(md.bullet(HOSTILE + "\n" + "- a second line\n# and a third")),
            "",
            str(md.quote(HOSTILE)),
            str(md.safe("1. not a numbered list")),
        ]
    )
    shown = str(digest_html(text))
    assert shown.startswith("<h3>Huddle digest for Core</h3>\n<p><em>From 1 March to 8 March</em>")
    assert "<h3>What we learned</h3>" in shown and shown.count("<li>") == 2
    assert "<code>#12</code>" in shown
    for made in ("<script", "<a ", "href", "<strong>loud", "<em>quiet", "<h3>and a third"):
        assert made not in shown
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in shown
    assert (
        "[x](javascript:alert(1)) **loud** *quiet* @channel &lt;https://evil.example&gt;" in shown
    )
    assert "`tick` &amp;amp; _under_ ~strike~ |pipe|" in shown
    assert "<br>- a second line<br># and a third</li>" in shown
    assert "<blockquote><p>&lt;script&gt;" in shown
    assert "<p>1. not a numbered list</p>" in shown


def test_marks_never_run_past_their_line_and_always_nest() -> None:
    shown = str(digest_html("**open bold\nplain *a **b* c**"))
    bold_line = "<strong>open bold</strong>"
    nested = "plain <em>a <strong>b</strong></em><strong> c</strong>"
    assert shown == f"<p>{bold_line}<br>{nested}</p>"


def test_an_archive_written_with_entities_reads_them_as_characters() -> None:
    assert str(digest_html("Fish &amp; chips &lt;3")) == "<p>Fish &amp; chips &lt;3</p>"


def test_a_page_asked_for_is_always_one_there_is() -> None:
    assert Paging.of("3", size=10, total=25).number == 3
    assert Paging.of("9", size=10, total=25).number == 3
    assert Paging.of("-2", size=10, total=25).number == 1
    assert Paging.of("two", size=10, total=25).number == 1
    assert Paging.of(None, size=10, total=0).pages == 1
    middle = Paging.of("2", size=10, total=25).links("/app/digests", {"q": "oranges", "page": "2"})
    assert middle["previous"] == "/app/digests?q=oranges&page=1"
    assert middle["next"] == "/app/digests?q=oranges&page=3"
    assert (middle["first"], middle["last"], middle["pages"]) == (11, 20, 3)
    last = Paging.of("3", size=10, total=25).links("/app/blockers", {}, group="open")
    assert last["next"] is None and last["previous"] == "/app/blockers?group=open&page=2"
