"""The prompt library: the catalog of reflective questions and the templates of what the bot says.

    prompts/<language>/catalog.toml       [prompts.<id>] and [kinds.<kind>] tables
    prompts/<language>/templates/*.j2     Jinja2 templates, subfolders allowed ("replies/saved")

A language other than `en` may hold only what it translates: missing prompts, kinds and templates
come from `en`. Everything is read and compiled once, at load, so a broken file stops start-up with
its path and line. One template serves every target: `{{ value }}` and the template's own text are
escaped for the target, and the filters `bold`, `italic`, `heading`, `quote`, `bullet` and `code`
add the target's markup (see `bot.text.formats`). Templates also see `text_format`.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast, get_args

import jinja2
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream

from bot.core.ports import TextFormat
from bot.errors import TemplateError
from bot.text.formats import Formatter, formatter_for

logger = logging.getLogger(__name__)

FALLBACK_LANGUAGE = "en"
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
FILTERS = ("bold", "italic", "heading", "quote", "bullet", "code")


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


class _EscapeTemplateText(Extension):
    """Escapes a template's own text for the environment's target, as `{{ }}` output is."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        formatter = cast(Formatter, getattr(self.environment, "huddle_formatter"))  # noqa: B009
        for token in stream:
            if token.type == "data":
                yield Token(token.lineno, "data", formatter.escape(token.value))
            else:
                yield token


def _environment(loader: jinja2.BaseLoader, fmt: TextFormat) -> jinja2.Environment:
    formatter = formatter_for(fmt)
    env = jinja2.Environment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        auto_reload=False,
        cache_size=-1,
        finalize=formatter.safe,
        extensions=[_EscapeTemplateText],
    )
    env.extend(huddle_formatter=formatter)
    env.filters.update({name: getattr(formatter, name) for name in FILTERS})
    return env


def _toml_line(error: tomllib.TOMLDecodeError) -> int | None:
    found = re.search(r"line (\d+)", str(error))
    return int(found.group(1)) if found else None


def _table_line(source: str, section: str, key: str) -> int | None:
    header = re.compile(rf"^\s*\[\s*{section}\s*\.\s*[\"']?{re.escape(key)}[\"']?\s*\]")
    for number, line in enumerate(source.splitlines(), start=1):
        if header.match(line):
            return number
    return None


def _read_catalog(path: Path) -> tuple[dict[str, PromptDef], dict[str, KindDef]]:
    source = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"not valid TOML: {exc}", path=str(path), line=_toml_line(exc)) from exc

    def fields(section: str, key: str, table: object, names: tuple[str, ...]) -> dict[str, str]:
        line = _table_line(source, section, key)
        if not isinstance(table, dict):
            raise TemplateError(f"'{section}.{key}' must be a table", path=str(path), line=line)
        for name in names:
            if not isinstance(table.get(name), str) or not table[name].strip():
                raise TemplateError(
                    f"[{section}.{key}] needs '{name}' as text (it needs {', '.join(names)})",
                    path=str(path),
                    line=line,
                )
        return {name: table[name].strip() for name in names}

    prompts = {
        key: PromptDef(id=key, **fields("prompts", key, table, PROMPT_FIELDS))
        for key, table in dict(data.get("prompts", {})).items()
    }
    kinds = {
        key: KindDef(**fields("kinds", key, table, KIND_FIELDS))
        for key, table in dict(data.get("kinds", {})).items()
    }
    return prompts, kinds


def _check_catalog(
    path: Path, prompts: Mapping[str, PromptDef], kinds: Mapping[str, KindDef]
) -> None:
    if not prompts:
        raise TemplateError("the catalog has no [prompts.<id>] tables", path=str(path))
    for kind in KINDS:
        if kind not in kinds:
            raise TemplateError(
                f"no [kinds.{kind}] table (with a label and a heading)", path=str(path)
            )
    source = path.read_text(encoding="utf-8")
    for prompt in prompts.values():
        if prompt.entry_kind not in kinds:
            raise TemplateError(
                f"prompt '{prompt.id}' has entry_kind '{prompt.entry_kind}'; "
                f"kinds in the catalog: {', '.join(kinds)}",
                path=str(path),
                line=_table_line(source, "prompts", prompt.id),
            )


def _render_error(exc: Exception, name: str) -> TemplateError:
    """The template file and line where rendering failed, from Jinja's rewritten traceback."""
    path, line = name, None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            path, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
        tb = tb.tb_next
    return TemplateError(f"cannot render: {exc}", path=path, line=line)


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


class PromptLibrary:
    """The catalog and compiled templates of one language. Build it with `PromptLibrary.load`."""

    def __init__(
        self,
        *,
        language: str,
        prompts: Mapping[str, PromptDef],
        kinds: Mapping[str, KindDef],
        templates: Mapping[tuple[TextFormat, str], jinja2.Template],
    ) -> None:
        self.language = language
        self._prompts = dict(prompts)
        self._kinds = dict(kinds)
        self._templates = dict(templates)
        self._names = sorted({name for _, name in self._templates})

    @classmethod
    def load(cls, root: Path, language: str = FALLBACK_LANGUAGE) -> PromptLibrary:
        """Read the catalog and compile every template; TemplateError names any broken file."""
        root = Path(root)
        languages = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
        if language not in languages:
            raise TemplateError(
                f"no prompts for language '{language}'; languages here: "
                f"{', '.join(languages) or 'none'}",
                path=str(root / language),
            )
        folders = [root / language]
        if language != FALLBACK_LANGUAGE and (root / FALLBACK_LANGUAGE).is_dir():
            folders.append(root / FALLBACK_LANGUAGE)
        prompts: dict[str, PromptDef] = {}
        kinds: dict[str, KindDef] = {}
        catalog = None
        for folder in reversed(folders):  # the chosen language last, so it wins
            if (folder / "catalog.toml").is_file():
                catalog = folder / "catalog.toml"
                more_prompts, more_kinds = _read_catalog(catalog)
                prompts.update(more_prompts)
                kinds.update(more_kinds)
        if catalog is None:
            raise TemplateError(
                "catalog.toml is missing", path=str(root / language / "catalog.toml")
            )
        _check_catalog(catalog, prompts, kinds)
        loader = jinja2.FileSystemLoader([str(f / "templates") for f in folders], encoding="utf-8")
        names = [name for name in loader.list_templates() if name.endswith(".j2")]
        templates: dict[tuple[TextFormat, str], jinja2.Template] = {}
        for fmt in get_args(TextFormat):
            env = _environment(loader, fmt)
            for name in names:
                try:
                    templates[(fmt, name.removesuffix(".j2"))] = env.get_template(name)
                except jinja2.TemplateSyntaxError as exc:
                    raise TemplateError(
                        f"template syntax: {exc.message}",
                        path=exc.filename or name,
                        line=exc.lineno,
                    ) from exc
        logger.info(
            "prompt library %s: %s prompts, %s templates", language, len(prompts), len(names)
        )
        return cls(language=language, prompts=prompts, kinds=kinds, templates=templates)

    def prompt(self, prompt_id: str) -> PromptDef:
        try:
            return self._prompts[prompt_id]
        except KeyError:
            known = ", ".join(sorted(self._prompts))
            raise TemplateError(
                f"no prompt '{prompt_id}' in the catalog; prompts: {known}"
            ) from None

    def prompts(self) -> tuple[PromptDef, ...]:
        return tuple(self._prompts.values())

    def _kind(self, kind: str) -> KindDef:
        try:
            return self._kinds[kind]
        except KeyError:
            known = ", ".join(self._kinds)
            raise TemplateError(f"no kind '{kind}' in the catalog; kinds: {known}") from None

    def kind_label(self, kind: str) -> str:
        return self._kind(kind).label

    def kind_heading(self, kind: str) -> str:
        return self._kind(kind).heading

    def render(self, template: str, context: Mapping[str, Any], fmt: TextFormat) -> str:
        """Render a template (name without `.j2`, e.g. "replies/saved") for one target."""
        name = template.removesuffix(".j2")
        compiled = self._templates.get((fmt, name))
        if compiled is None:
            if name in self._names:
                raise TemplateError(f"unknown text format '{fmt}'")
            raise TemplateError(f"no template '{name}'; templates: {', '.join(self._names)}")
        try:
            text = compiled.render({"text_format": fmt, **context})
        except TemplateError:
            raise
        except Exception as exc:
            raise _render_error(exc, compiled.filename or name) from exc
        return _tidy(text)


__all__ = ["KINDS", "KindDef", "PromptDef", "PromptLibrary"]
