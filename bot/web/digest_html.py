"""An archived digest's Markdown as safe HTML for the Digests page.

The archive keeps each digest as `bot.text.formats.MarkdownFormatter` wrote it: the digest's own
structure in Markdown (headings, list items, bold and italic, code spans for numbers and
commands, quotes) and people's words with everything that could turn into markup
backslash-escaped. So the structure is what is *not* escaped, and only that becomes HTML:

- every character is HTML-escaped first, and what a backslash escapes is always a plain
  character, never the start of markup;
- only `#` headings, `- ` list items (with their indented lines), `> ` quotes, `**bold**`,
  `*italic*` and code spans become elements, each within one line, so a stray mark cannot run
  on into the rest of the digest;
- nothing becomes a link: the digests the bot writes hold none, so a person's
  `[x](javascript:...)` or `<https://...>` stays the text they typed;
- entities in archives written before escapes replaced them (`&lt;`) are read as the character.

What comes out is `Markup` for the page's template to place as it is.
"""

from __future__ import annotations

import html
import re

from markupsafe import Markup, escape

_HEADING = re.compile(r"^#{1,6}[ \t]+(.*?)[ \t#]*$")
_BULLET = re.compile(r"^[-+][ \t]+(.*)$")
_QUOTE = re.compile(r"^>[ \t]?(.*)$")
_CONTINUED = re.compile(r"^[ \t]{2,}(\S.*)$")
_INLINE = re.compile(
    r"(?P<code>(?P<fence>`+)(?P<literal>.+?)(?P=fence))"
    r"|\\(?P<escaped>[!-/:-@\[-`{-~])"
    r"|&(?P<entity>lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});"
    r"|(?P<strong>\*\*)"
    r"|(?P<em>\*)"
)
_TAGS = {"strong": "strong", "em": "em"}


def _inline(line: str) -> str:
    """One line's text: escaped, with its bold, italic and code spans as elements."""
    out: list[str] = []
    opened: list[str] = []  # the marks open now, outermost first
    at = 0
    for found in _INLINE.finditer(line):
        out.append(str(escape(line[at : found.start()])))
        at = found.end()
        if found.group("code"):
            literal = found.group("literal")
            if literal.startswith(" ") and literal.endswith(" ") and literal.strip():
                literal = literal[1:-1]
            out.append(f"<code>{escape(literal)}</code>")
        elif found.group("escaped") is not None:
            out.append(str(escape(found.group("escaped"))))
        elif found.group("entity"):
            out.append(str(escape(html.unescape(f"&{found.group('entity')};"))))
        else:
            mark = "strong" if found.group("strong") else "em"
            if mark in opened:
                above = opened[opened.index(mark) + 1 :]
                out.extend(f"</{_TAGS[m]}>" for m in reversed(above))
                out.append(f"</{_TAGS[mark]}>")
                opened = opened[: opened.index(mark)]
                out.extend(f"<{_TAGS[m]}>" for m in above)
                opened.extend(above)
            else:
                out.append(f"<{_TAGS[mark]}>")
                opened.append(mark)
    out.append(str(escape(line[at:])))
    out.extend(f"</{_TAGS[m]}>" for m in reversed(opened))  # nothing runs past its line
    return "".join(out)


class _Blocks:
    """The HTML blocks of a digest, built line by line."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.paragraph: list[str] = []
        self.quote: list[str] = []
        self.items: list[list[str]] = []

    def flush(self, *, keep_list: bool = False) -> None:
        if self.paragraph:
            self.parts.append("<p>" + "<br>".join(self.paragraph) + "</p>")
            self.paragraph = []
        if self.quote:
            self.parts.append("<blockquote><p>" + "<br>".join(self.quote) + "</p></blockquote>")
            self.quote = []
        if self.items and not keep_list:
            lis = "".join("<li>" + "<br>".join(item) + "</li>" for item in self.items)
            self.parts.append(f"<ul>{lis}</ul>")
            self.items = []

    def line(self, raw: str) -> None:
        line = raw.rstrip()
        if not line.strip():
            self.flush()
            return
        continued = _CONTINUED.match(line)
        if continued and self.items and not self.paragraph:
            self.items[-1].append(_inline(continued.group(1)))
            return
        line = line.strip()
        if heading := _HEADING.match(line):
            self.flush()
            self.parts.append(f"<h3>{_inline(heading.group(1))}</h3>")
        elif bullet := _BULLET.match(line):
            self.flush(keep_list=True)
            self.items.append([_inline(bullet.group(1))])
        elif quote := _QUOTE.match(line):
            if not self.quote:
                self.flush()
            self.quote.append(_inline(quote.group(1)))
        else:
            if self.items or self.quote:
                self.flush()
            self.paragraph.append(_inline(line))


def digest_html(markdown: str) -> Markup:
    """An archived digest as HTML: its own structure as elements, everyone's words as text."""
    blocks = _Blocks()
    for line in markdown.replace("\r\n", "\n").split("\n"):
        blocks.line(line)
    blocks.flush()
    return Markup("\n".join(blocks.parts))
