"""Text for each platform: escaping, a little markup, and splitting within a platform's limits.

One template serves every target: `{{ value }}` is escaped for the target and filters such as
`bold` add the target's own markup. The targets (`bot.core.ports.TextFormat`):

    slack      mrkdwn; `&`, `<`, `>` escaped so typed `<!channel>` or `<url|label>` stay inert
    telegram   Telegram's HTML subset; `&`, `<`, `>`, `"` escaped
    markdown   files: the archive and the export; only what would turn into markup is
               backslash-escaped (`*`, `_`, `` ` ``, brackets, `<`, an entity, a line start that
               would make a heading, list or quote), so `drop-in` and `today!` stay as written
    plain      the console chat; nothing escaped
    terminal   the command line's own output; like plain, and templates may name commands in
               their command-line form (`text_format == "terminal"`)

Markup never spans a line break, so a message split between lines keeps its HTML balanced;
`split_message` still rebalances tags when it has to cut inside a line.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from itertools import accumulate

from bot.core.ports import Limits, TextFormat


class Formatted(str):
    """Text already escaped and marked up for one target: it is never escaped again."""

    __slots__ = ()


def _each_line(text: str, wrap: Callable[[str], str]) -> str:
    return "\n".join(wrap(line.strip()) if line.strip() else "" for line in text.split("\n"))


class Formatter:
    """Escaping and markup for one target (this base class is the plain one).

    Every markup method escapes its argument first, unless it is already `Formatted`.
    """

    text_format: TextFormat = "plain"
    html = False
    """Whether the target reads HTML, whose tags must stay balanced in every part."""
    _bold = ("*", "*")
    _italic = ("", "")
    _heading = ("== ", " ==")
    _quote = ("> ", "")
    _bullet = "- "
    _code = ("`", "`")
    _command = ""
    """What comes before a verb typed in a room: Telegram groups hear only `/verb`."""

    def escape(self, text: str) -> str:
        return text

    def safe(self, value: object) -> str:
        """`value` as text for this target: escaped, unless it is already `Formatted`."""
        if isinstance(value, Formatted):
            return str(value)
        return self.escape("" if value is None else str(value))

    def _wrap(self, value: object, marks: tuple[str, str]) -> Formatted:
        before, after = marks
        return Formatted(_each_line(self.safe(value), lambda line: f"{before}{line}{after}"))

    def bold(self, value: object) -> Formatted:
        return self._wrap(value, self._bold)

    def italic(self, value: object) -> Formatted:
        return self._wrap(value, self._italic)

    def heading(self, value: object) -> Formatted:
        """A heading on one line (line breaks inside become spaces)."""
        before, after = self._heading
        text = " ".join(self.safe(value).split())
        return Formatted(f"{before}{text}{after}" if text else "")

    def quote(self, value: object) -> Formatted:
        return self._wrap(value, self._quote)

    def bullet(self, value: object) -> Formatted:
        """A list item; further lines are indented under it and blank lines dropped."""
        lines = [line.strip() for line in self.safe(value).split("\n") if line.strip()]
        if not lines:
            return Formatted(self._bullet.rstrip())
        rest = [f"  {line}" for line in lines[1:]]
        return Formatted("\n".join([self._bullet + lines[0], *rest]))

    def code(self, value: object) -> Formatted:
        return self._wrap(value, self._code)

    def numbered(self, value: object, number: object = None) -> Formatted:
        """`value` after the number people use for it (`#3` as code), when it has one."""
        text = self.safe(value)
        if number is None or number == "":
            return Formatted(text)
        return Formatted(f"{self.code(f'#{number}')} {text}")

    def command(self, value: object) -> str:
        """A verb (with its words) as people type it on this platform: `commit ...` in a
        terminal, `/commit ...` in Telegram, where a group bot sees only commands and replies."""
        text = "" if value is None else str(value)
        return text if text.startswith("/") else f"{self._command}{text}"


class SlackFormatter(Formatter):
    text_format: TextFormat = "slack"
    _bold = ("*", "*")
    _italic = ("_", "_")
    _heading = ("*", "*")
    _bullet = "• "

    def escape(self, text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class TelegramFormatter(Formatter):
    text_format: TextFormat = "telegram"
    html = True
    _bold = ("<b>", "</b>")
    _italic = ("<i>", "</i>")
    _heading = ("<b>", "</b>")
    _quote = ("<blockquote>", "</blockquote>")
    _bullet = "• "
    _code = ("<code>", "</code>")
    _command = "/"

    def escape(self, text: str) -> str:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return text.replace('"', "&quot;")


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~<])|&(?=#?\w+;)")
_MD_LINE_MARK = re.compile(r"^([ \t]*)([#+=>-])", re.MULTILINE)
_MD_LINE_NUMBER = re.compile(r"^([ \t]*\d+)([.)])", re.MULTILINE)


class MarkdownFormatter(Formatter):
    text_format: TextFormat = "markdown"
    _bold = ("**", "**")
    _italic = ("*", "*")
    _heading = ("## ", "")

    def escape(self, text: str) -> str:
        text = _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), text)
        text = _MD_LINE_MARK.sub(r"\1\\\2", text)
        return _MD_LINE_NUMBER.sub(r"\1\\\2", text)

    def code(self, value: object) -> Formatted:
        # Code spans are literal in Markdown: no escaping, a fence longer than any run inside.
        raw = str(value) if isinstance(value, Formatted) else ("" if value is None else str(value))

        def wrap(line: str) -> str:
            fence = "`" * (max((len(run) for run in re.findall(r"`+", line)), default=0) + 1)
            pad = " " if line.startswith("`") or line.endswith("`") else ""
            return f"{fence}{pad}{line}{pad}{fence}"

        return Formatted(_each_line(raw, wrap))


class TerminalFormatter(Formatter):
    """The command line's own output: plain text, for a person at a terminal."""

    text_format: TextFormat = "terminal"


_FORMATTERS: dict[str, type[Formatter]] = {
    "slack": SlackFormatter,
    "telegram": TelegramFormatter,
    "markdown": MarkdownFormatter,
    "plain": Formatter,
    "terminal": TerminalFormatter,
}


def formatter_for(fmt: TextFormat) -> Formatter:
    """The formatter of one target; raises ValueError for an unknown one."""
    try:
        return _FORMATTERS[fmt]()
    except KeyError:
        known = ", ".join(_FORMATTERS)
        raise ValueError(f"unknown text format {fmt!r}; known: {known}") from None


_MD_HEADING = re.compile(r"^#{1,6} (.*)$")
_MD_READ = re.compile(r"(`+)(.+?)\1|\\([!-/:-@\[-`{-~])|&(lt|gt|amp|quot);|\*\*|\*")
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _read_mark(match: re.Match[str]) -> str:
    if match.group(1):
        return match.group(0)  # a code span stays as written
    if match.group(3):
        return match.group(3)  # an escaped character is itself
    if match.group(4):
        return _ENTITIES[match.group(4)]  # archives written before escapes replaced entities
    return ""  # emphasis marks


def markdown_as_text(text: str) -> str:
    """Markdown as `MarkdownFormatter` writes it, read back as plain text for a terminal:
    headings as in plain text, emphasis dropped, escapes and entities undone."""
    lines = []
    for line in text.split("\n"):
        heading = _MD_HEADING.match(line)
        read = _MD_READ.sub(_read_mark, heading.group(1) if heading else line)
        lines.append(f"== {read} ==" if heading else read)
    return "\n".join(lines)


# --- splitting

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")
_ATOM = re.compile(r"<[^<>\n]*>|&#?\w+;|\\\S")
"""Never cut inside these: tags, Slack's `<...>` links and mentions, entities, escapes."""
_TAG = re.compile(r"<(/?)([A-Za-z][\w-]*)[^<>\n]*>")

_Stack = tuple[tuple[str, str], ...]
"""Open HTML elements, outermost first, as (name, opening tag)."""


class _Layout:
    """One text with what splitting needs to know about it: atoms, cut points, open tags."""

    def __init__(self, text: str, *, balance: bool) -> None:
        self.text = text
        self._units = list(accumulate((2 if ord(c) > 0xFFFF else 1 for c in text), initial=0))
        atoms = [m.span() for m in _ATOM.finditer(text)]
        self._atom_starts = [start for start, _ in atoms]
        self._atom_ends = [end for _, end in atoms]
        self.newlines = [i for i, c in enumerate(text) if c == "\n"]
        self.spaces = [
            m.start() for m in re.finditer(r"[ \t]", text) if not self.inside_atom(m.start())
        ]
        self._marks: list[int] = [0]
        self._stacks: list[_Stack] = [()]
        if balance:
            self._scan_tags()

    def _scan_tags(self) -> None:
        tags = list(_TAG.finditer(self.text))
        waiting: list[int] = []
        paired: set[int] = set()
        for index, tag in enumerate(tags):
            if not tag.group(1):
                waiting.append(index)
                continue
            for depth in range(len(waiting) - 1, -1, -1):
                if tags[waiting[depth]].group(2).lower() == tag.group(2).lower():
                    paired.update((waiting[depth], index))
                    del waiting[depth:]
                    break
        stack: list[tuple[str, str]] = []
        for index in sorted(paired):
            tag = tags[index]
            name = tag.group(2).lower()
            if tag.group(1):
                at = max(i for i, (open_name, _) in enumerate(stack) if open_name == name)
                del stack[at:]
            else:
                stack.append((name, tag.group(0)))
            self._marks.append(tag.end())
            self._stacks.append(tuple(stack))

    def inside_atom(self, pos: int) -> bool:
        i = bisect_right(self._atom_starts, pos) - 1
        return i >= 0 and self._atom_starts[i] < pos < self._atom_ends[i]

    def atom_end(self, pos: int) -> int:
        i = bisect_right(self._atom_starts, pos) - 1
        if i >= 0 and self._atom_starts[i] == pos:
            return self._atom_ends[i]
        return pos + 1

    def stack_at(self, pos: int) -> _Stack:
        return self._stacks[bisect_right(self._marks, pos) - 1]

    def opening(self, pos: int) -> str:
        return "".join(tag for _, tag in self.stack_at(pos))

    def closing(self, pos: int) -> str:
        return "".join(f"</{name}>" for name, _ in reversed(self.stack_at(pos)))

    def size(self, start: int, end: int) -> int:
        """Length in UTF-16 code units (how Telegram counts), never less than `len`."""
        return self._units[end] - self._units[start]

    def cost(self, start: int, end: int) -> int:
        """The size of text[start:end] sent on its own, tags reopened and closed."""
        return len(self.opening(start)) + self.size(start, end) + len(self.closing(end))

    def rstrip(self, start: int, end: int) -> int:
        while end > start and self.text[end - 1].isspace():
            end -= 1
        return end

    def lstrip(self, start: int, end: int) -> int:
        while start < end and self.text[start].isspace():
            start += 1
        return start


def _cut_point(layout: _Layout, start: int, end: int, limit: int) -> int:
    """Where to end the next piece of text[start:end]: a line break, a space, or any safe place."""
    top = min(end, start + limit)
    for candidates in (layout.newlines, layout.spaces):
        low = bisect_right(candidates, start)
        for i in range(bisect_right(candidates, top) - 1, low - 1, -1):
            stop = layout.rstrip(start, candidates[i])
            if stop > start and layout.cost(start, stop) <= limit:
                return candidates[i]
    for pos in range(top, start, -1):
        if not layout.inside_atom(pos) and layout.cost(start, pos) <= limit:
            return pos
    return layout.atom_end(start)  # nothing fits: take one atom so that splitting moves on


def _pieces(layout: _Layout, limit: int) -> list[tuple[int, int]]:
    """Paragraphs as (start, end) spans, longer ones cut into pieces of at most `limit`."""
    text = layout.text
    bounds = [0]
    for brk in _PARAGRAPH_BREAK.finditer(text):
        bounds += [brk.start(), brk.end()]
    bounds.append(len(text))
    pieces: list[tuple[int, int]] = []
    for i in range(0, len(bounds), 2):
        start, end = layout.lstrip(bounds[i], bounds[i + 1]), bounds[i + 1]
        end = layout.rstrip(start, end)
        while start < end:
            if layout.cost(start, end) <= limit:
                pieces.append((start, end))
                break
            cut = _cut_point(layout, start, end, limit)
            pieces.append((start, layout.rstrip(start, cut)))
            start = layout.lstrip(cut, end)
    return pieces


def split_message(text: str, limits: Limits, *, fmt: TextFormat | None = None) -> list[str]:
    """Split `text` into messages within `limits`, in order, losing nothing but blank space.

    Whole paragraphs are packed into each part; a paragraph too long for one is cut at line
    breaks, then between words, then (last resort) anywhere but inside a tag or entity. Sizes
    count UTF-16 code units, so a part never exceeds `limits.max_chars` however Python counts.
    HTML tags are rebalanced across cuts (closed at the end of a part, reopened at the start of
    the next) unless `fmt` names a target that does not read HTML (see `Formatter.html`).
    Whitespace-only text gives no parts.
    """
    balance = fmt is None or formatter_for(fmt).html
    layout = _Layout(text, balance=balance)
    max_chars = max(1, limits.max_chars)
    piece_limit = min(limits.max_paragraph_chars or max_chars, max_chars)
    pieces = _pieces(layout, piece_limit)
    most = max(1, limits.max_paragraphs or len(pieces) or 1)
    parts: list[str] = []
    first = 0
    while first < len(pieces):
        last = first + 1
        size = layout.size(*pieces[first])
        head = len(layout.opening(pieces[first][0]))
        while last < len(pieces) and last - first < most:
            grown = size + 2 + layout.size(*pieces[last])
            if head + grown + len(layout.closing(pieces[last][1])) > max_chars:
                break
            size, last = grown, last + 1
        body = "\n\n".join(text[start:end] for start, end in pieces[first:last])
        parts.append(layout.opening(pieces[first][0]) + body + layout.closing(pieces[last - 1][1]))
        first = last
    return parts
