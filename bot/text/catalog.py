"""The prompt catalog: `[prompts.<id>]` and `[kinds.<kind>]` tables, merged across folders.

Each folder's `catalog.toml` may hold only what it adds or changes, down to one field of one
prompt: the tables are merged field by field, higher folders over lower ones (see
`bot.text.layers`). Every problem is a TemplateError naming the file (and line) that last
defined the table in question.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import TemplateError
from bot.text.layers import Layer, Origin

KINDS = (
    "learning",
    "blocker",
    "celebration",
    "story",
    "experiment_update",
    "question",
    "reflection",
)
"""Entry kinds the catalog must name, in the order a digest shows them."""
PROMPT_FIELDS = ("title", "question", "entry_kind", "hint")
KIND_FIELDS = ("label", "heading")
SECTIONS = {"prompts": PROMPT_FIELDS, "kinds": KIND_FIELDS}


@dataclass(frozen=True, slots=True)
class PromptDef:
    """One reflective prompt from the catalog."""

    id: str
    title: str
    question: str
    entry_kind: str
    hint: str


@dataclass(frozen=True, slots=True)
class KindDef:
    """How people and digests name one kind of entry."""

    label: str
    heading: str


@dataclass(frozen=True, slots=True)
class Catalog:
    """The merged catalog, and the file each prompt and kind came from."""

    prompts: Mapping[str, PromptDef]
    kinds: Mapping[str, KindDef]
    origins: tuple[Origin, ...] = field(default=())


@dataclass(slots=True)
class _Table:
    """One prompt's or kind's fields so far, and the highest file that defined any of them."""

    values: dict[str, object]
    path: Path
    source: str
    own: bool


def _toml_line(error: tomllib.TOMLDecodeError) -> int | None:
    found = re.search(r"line (\d+)", str(error))
    return int(found.group(1)) if found else None


def _table_line(source: str, section: str, key: str) -> int | None:
    header = re.compile(rf"^\s*\[\s*{section}\s*\.\s*[\"']?{re.escape(key)}[\"']?\s*\]")
    for number, line in enumerate(source.splitlines(), start=1):
        if header.match(line):
            return number
    return None


def _read(path: Path) -> tuple[dict[str, object], str]:
    source = path.read_text(encoding="utf-8")
    try:
        return tomllib.loads(source), source
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"not valid TOML: {exc}", path=str(path), line=_toml_line(exc)) from exc


def _fields(section: str, key: str, table: _Table) -> dict[str, str]:
    names = SECTIONS[section]
    line = _table_line(table.source, section, key)
    for name in names:
        value = table.values.get(name)
        if not isinstance(value, str) or not value.strip():
            raise TemplateError(
                f"[{section}.{key}] needs '{name}' as text (it needs {', '.join(names)})",
                path=str(table.path),
                line=line,
            )
    return {name: str(table.values[name]).strip() for name in names}


def load_catalog(order: Sequence[Layer]) -> Catalog:
    """Merge the catalogs of `order` (highest first) and check what the bot needs is there."""
    merged: dict[str, dict[str, _Table]] = {section: {} for section in SECTIONS}
    top: tuple[Path, str] | None = None
    for layer in reversed(order):  # lowest first, so higher folders overwrite
        if not layer.catalog.is_file():
            continue
        data, source = _read(layer.catalog)
        top = (layer.catalog, source)
        for section in SECTIONS:
            for key, table in dict(data.get(section, {})).items():  # type: ignore[call-overload]
                if not isinstance(table, dict):
                    raise TemplateError(
                        f"'{section}.{key}' must be a table",
                        path=str(layer.catalog),
                        line=_table_line(source, section, key),
                    )
                earlier = merged[section].get(key)
                values = {**(earlier.values if earlier else {}), **table}
                merged[section][key] = _Table(values, layer.catalog, source, layer.own)
    if top is None:
        folder = order[0].folder if order else Path(".")
        raise TemplateError("catalog.toml is missing", path=str(folder / "catalog.toml"))
    prompts = {
        key: PromptDef(id=key, **_fields("prompts", key, table))
        for key, table in merged["prompts"].items()
    }
    kinds = {key: KindDef(**_fields("kinds", key, table)) for key, table in merged["kinds"].items()}
    _check(top[0], prompts, kinds, merged["prompts"])
    origins = tuple(
        Origin("prompt" if section == "prompts" else "kind", key, table.path, table.own)
        for section, tables in merged.items()
        for key, table in tables.items()
    )
    return Catalog(prompts=prompts, kinds=kinds, origins=origins)


def _check(
    top: Path,
    prompts: Mapping[str, PromptDef],
    kinds: Mapping[str, KindDef],
    tables: Mapping[str, _Table],
) -> None:
    if not prompts:
        raise TemplateError("the catalog has no [prompts.<id>] tables", path=str(top))
    for kind in KINDS:
        if kind not in kinds:
            raise TemplateError(
                f"no [kinds.{kind}] table (with a label and a heading)", path=str(top)
            )
    for prompt in prompts.values():
        if prompt.entry_kind not in kinds:
            table = tables[prompt.id]
            raise TemplateError(
                f"prompt '{prompt.id}' has entry_kind '{prompt.entry_kind}'; "
                f"kinds in the catalog: {', '.join(kinds)}",
                path=str(table.path),
                line=_table_line(table.source, "prompts", prompt.id),
            )


__all__ = ["KINDS", "Catalog", "KindDef", "PromptDef", "load_catalog"]
