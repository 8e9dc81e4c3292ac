"""Charts as SVG drawn on the server: each with a title, a text alternative that says what it
shows in words, and the same numbers as a table. No script; colours come from the style sheet
(classes `series-N`), so a partnership restyles them with its own `web/style.css`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import count

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 12, 40
_ids = count(1)


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    summary: str
    """The text alternative: what the chart shows, in a sentence or two."""
    svg: Markup
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...] = field(default=())


def _x(index: int, total: int) -> float:
    inner = WIDTH - LEFT - RIGHT
    return LEFT + (inner * (index + 0.5) / max(total, 1))


def _y(value: float, low: float, high: float) -> float:
    inner = HEIGHT - TOP - BOTTOM
    return TOP + inner * (1 - (value - low) / ((high - low) or 1))


def _frame(title: str, summary: str, body: list[str], labels: Sequence[str]) -> Markup:
    number = next(_ids)
    ticks = []
    step = max(1, len(labels) // 8)
    for index, label in enumerate(labels):
        if index % step == 0:
            x = _x(index, len(labels))
            ticks.append(
                f'<text class="tick" x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="chart-{number}-title chart-{number}-desc" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="chart-{number}-title">{escape(title)}</title>'
        f'<desc id="chart-{number}-desc">{escape(summary)}</desc>'
        f'<line class="axis" x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" '
        f'y2="{HEIGHT - BOTTOM}"/>' + "".join(body) + "".join(ticks) + "</svg>"
    )


def line_chart(
    title: str,
    *,
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    low: float,
    high: float,
    summary: str,
) -> Chart:
    """One line per series over `labels`; a missing value breaks the line."""
    body = []
    for level in range(int(low), int(high) + 1):
        y = _y(level, low, high)
        body.append(
            f'<line class="grid" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}"/>'
            f'<text class="tick" x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">{level}</text>'
        )
    for number, (name, values) in enumerate(series.items(), start=1):
        points = []
        for index, value in enumerate(values):
            if value is None:
                continue
            x, y = _x(index, len(labels)), _y(value, low, high)
            points.append(f"{x:.1f},{y:.1f}")
            body.append(
                f'<circle class="series-{number}" cx="{x:.1f}" cy="{y:.1f}" r="4">'
                f"<title>{escape(name)}, {escape(labels[index])}: {value:g}</title></circle>"
            )
        if len(points) > 1:
            body.append(
                f'<polyline class="series-{number} line" fill="none" points="{" ".join(points)}"/>'
            )
    columns = ("", *series)
    rows = tuple(
        (label, *(_cell(values[index]) for values in series.values()))
        for index, label in enumerate(labels)
    )
    return Chart(title, summary, _frame(title, summary, body, labels), columns, rows)


def stacked_bars(
    title: str,
    *,
    labels: Sequence[str],
    parts: Mapping[str, Sequence[int | None]],
    summary: str,
) -> Chart:
    """One bar per label, its parts stacked (counts); a missing bar is drawn as a gap."""
    totals = [
        sum(values[i] or 0 for values in parts.values()) if _present(parts, i) else None
        for i in range(len(labels))
    ]
    high = max((t for t in totals if t), default=1)
    width = (WIDTH - LEFT - RIGHT) / max(len(labels), 1) * 0.7
    body = []
    for index, total in enumerate(totals):
        if total is None:
            continue
        base = 0
        x = _x(index, len(labels)) - width / 2
        for number, (name, values) in enumerate(parts.items(), start=1):
            value = values[index] or 0
            if value:
                top, bottom = _y(base + value, 0, high), _y(base, 0, high)
                body.append(
                    f'<rect class="series-{number}" x="{x:.1f}" y="{top:.1f}" '
                    f'width="{width:.1f}" height="{bottom - top:.1f}">'
                    f"<title>{escape(labels[index])}: {escape(name)} {value}</title></rect>"
                )
            base += value
    columns = ("", *parts)
    rows = tuple(
        (label, *(_cell(values[index]) for values in parts.values()))
        for index, label in enumerate(labels)
    )
    return Chart(title, summary, _frame(title, summary, body, labels), columns, rows)


def _present(parts: Mapping[str, Sequence[int | None]], index: int) -> bool:
    return any(values[index] is not None for values in parts.values())


def _cell(value: float | None) -> str:
    return "not shown" if value is None else f"{value:g}"
