"""`huddlebot export --circle ID --format csv|json|md`: a circle's entries for its stewards.

Every person's choices hold (`bot.core.visibility`): nothing from other circles, nothing anyone
kept to themselves, no withdrawn story, nothing said in a learning set, and no name on anything
its author shared anonymously (nor on anything by someone who asked to be forgotten). What was
shared with the stewards only is included, marked as such, since stewards are who this export is
for.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.visibility import seen_by
from bot.practices.protocols import DescribesEntries, EntryDetail
from bot.storage.models import Entry, Person
from bot.text.formats import formatter_for

FORMATS = ("csv", "json", "md")
FIELDS = (
    "id",
    "created_at",
    "kind",
    "visibility",
    "author",
    "title",
    "text",
    "dimensions",
    "direction",
    "selections",
)


async def circle_entries(
    session: AsyncSession,
    *,
    circle_id: str,
    start: datetime | None = None,
    end: datetime | None = None,
    describers: Sequence[DescribesEntries] = (),
) -> list[dict[str, Any]]:
    """A circle's entries as their authors allow stewards to see them, oldest first, with what
    the `describers` (the practices that keep more about their entries) add to each."""
    query = (
        select(Entry, Person)
        .join(Person, col(Entry.person_id) == col(Person.id), isouter=True)
        .where(Entry.circle_id == circle_id, seen_by("stewards"))
        .order_by(col(Entry.created_at), col(Entry.id))
    )
    if start is not None:
        query = query.where(col(Entry.created_at) >= start)
    if end is not None:
        query = query.where(col(Entry.created_at) < end)
    found = (await session.exec(query)).all()
    ids = [entry.id for entry, _person in found if entry.id is not None]
    details: dict[int, EntryDetail] = {}
    for describer in describers:
        for entry_id, detail in (await describer.describe_entries(session, ids)).items():
            details[entry_id] = details.get(entry_id, EntryDetail()).merged(detail)
    rows = []
    for entry, person in found:
        named = person is not None and not entry.anonymous and person.erased_at is None
        detail = details.get(entry.id or 0, EntryDetail())
        rows.append(
            {
                "id": entry.id,
                "created_at": entry.created_at.isoformat(),
                "kind": entry.kind,
                "visibility": entry.visibility,
                "author": person.display_name if named and person else None,
                "title": detail.title,
                "text": entry.text,
                "dimensions": list(detail.dimensions),
                "direction": detail.direction,
                "selections": list(detail.selections),
            }
        )
    return rows


def render(
    rows: list[dict[str, Any]], fmt: str, *, circle_name: str, kept_in_set: bool = False
) -> str:
    """The rows as `fmt`; `kept_in_set` for a learning set, whose words no export carries."""
    if fmt == "json":
        return json.dumps(rows, indent=1, ensure_ascii=False) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {
                    **row,
                    "author": row["author"] or "",
                    "dimensions": "; ".join(row["dimensions"]),
                    "selections": "; ".join(row["selections"]),
                }
            )
        return out.getvalue()
    return _markdown(rows, circle_name, kept_in_set=kept_in_set)


def _md(text: str) -> str:
    """Text as literal Markdown: only what would become markup is escaped (as in the archived
    digests), so people's words read as they wrote them and none of them turns into markup."""
    return formatter_for("markdown").escape(text).replace("\n", "  \n")


def _markdown(rows: list[dict[str, Any]], circle_name: str, *, kept_in_set: bool) -> str:
    lines = [f"# {_md(circle_name)}: entries", ""]
    if kept_in_set:
        lines.append(
            f"What {_md(circle_name)} says stays in the set, so this export carries none of its "
            "words."
        )
    elif not rows:
        lines.append("Nothing has been shared with this circle yet.")
    for row in rows:
        heading = f"## {row['kind'].replace('_', ' ')} #{row['id']}"
        if row["title"]:
            heading += f": {_md(row['title'])}"
        lines += [heading, ""]
        about = [row["created_at"][:16].replace("T", " ")]
        about.append(_md(row["author"]) if row["author"] else "anonymous")
        if row["visibility"] == "stewards":
            about.append("stewards only")
        if row["dimensions"]:
            about.append(", ".join(row["dimensions"]))
        if row["direction"]:
            about.append(row["direction"].lower())
        lines += [f"*{' · '.join(about)}*", "", _md(row["text"]), ""]
        lines += [f"> {_md(selection)}" for selection in row["selections"]]
        if row["selections"]:
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def add_parser(sub: Any) -> None:
    export = sub.add_parser("export", help="a circle's entries for its stewards, as people allow")
    export.add_argument("--circle", required=True, help="circle id from the config")
    export.add_argument("--format", choices=FORMATS, default="md", help="csv, json or md")
    export.add_argument("--output", metavar="PATH", help="write to a file (default: print)")


async def run(args: argparse.Namespace) -> int:
    from bot.cli.one_shot import cli_bot

    async with cli_bot(args, reads_only=True) as bot:
        circle = bot.config.circle(args.circle)
        async with bot.sessions() as session:
            describers = [p for p in bot.features if isinstance(p, DescribesEntries)]
            rows = await circle_entries(session, circle_id=circle.id, describers=describers)
    in_set = circle.kind == "learning_set"
    text = render(rows, args.format, circle_name=circle.name, kept_in_set=in_set)
    if in_set:
        note = f"huddlebot: what {circle.name} says stays in the set; no export carries it."
        print(note, file=sys.stderr)
    if args.output:
        await asyncio.to_thread(Path(args.output).write_text, text, encoding="utf-8")
        print(f"Wrote {len(rows)} entries from {circle.name} to {args.output}.", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
