"""The prompt library: the catalog of reflective questions and the templates of what the bot says.

    prompts/<language>/catalog.toml       [prompts.<id>] and [kinds.<kind>] tables
    prompts/<language>/templates/*.j2     Jinja2 templates, subfolders allowed ("replies/saved")

A language other than `en` may hold only what it translates: missing prompts, kinds and templates
come from `en`. A partnership's own folder of the same shape is laid over the built-in one and may
hold only what it changes or adds (see `bot.text.layers`). Everything is read and compiled once, at
load, so a broken file stops start-up with its path and line. One template serves every target:
`{{ value }}` and the template's own text are escaped for the target, and the filters `bold`,
`italic`, `heading`, `quote`, `bullet`, `code` and `numbered` (a thing's `#N` before it) add the
target's markup (see
`bot.text.formats`). `counted` puts a number with its noun (`{{ n | counted("person", "people") }}`:
"1 person", "3 people"). Templates also see `text_format`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, cast, get_args

import jinja2
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream

from bot.config.environment import Settings
from bot.config.partnership import Config
from bot.core.ports import TextFormat
from bot.errors import TemplateError
from bot.text.catalog import KINDS, KindDef, PromptDef, load_catalog
from bot.text.formats import Formatter, formatter_for
from bot.text.layers import (
    FALLBACK_LANGUAGE,
    Layer,
    Origin,
    layers,
    own_prompts,
    template_origin,
)
from bot.text.wording import counted

logger = logging.getLogger(__name__)

FILTERS = ("bold", "italic", "heading", "quote", "bullet", "code", "numbered", "command")


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
    env.filters["counted"] = counted
    return env


def _compile(
    order: tuple[Layer, ...],
) -> tuple[list[str], dict[tuple[TextFormat, str], jinja2.Template]]:
    """Every template file name (with `.j2`) found in `order`, compiled for every target."""
    folders = [str(layer.templates) for layer in order if layer.templates.is_dir()]
    loader = jinja2.FileSystemLoader(folders, encoding="utf-8")
    names = [name for name in loader.list_templates() if name.endswith(".j2")]
    templates: dict[tuple[TextFormat, str], jinja2.Template] = {}
    for fmt in get_args(TextFormat):
        env = _environment(loader, fmt)
        for name in names:
            try:
                templates[(fmt, name.removesuffix(".j2"))] = env.get_template(name)
            except jinja2.TemplateSyntaxError as exc:
                raise TemplateError(
                    f"template syntax: {exc.message}", path=exc.filename or name, line=exc.lineno
                ) from exc
    return names, templates


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
        origins: tuple[Origin, ...] = (),
    ) -> None:
        self.language = language
        self._prompts = dict(prompts)
        self._kinds = dict(kinds)
        self._templates = dict(templates)
        self._names = sorted({name for _, name in self._templates})
        self._origins = origins

    @classmethod
    def load(
        cls, root: Path, language: str = FALLBACK_LANGUAGE, *, own: Path | None = None
    ) -> PromptLibrary:
        """Read the catalog and compile every template; TemplateError names any broken file.

        `own` is a partnership's own folder, laid over `root`, the built-in library."""
        order = layers(root, language, own=own)
        catalog = load_catalog(order)
        names, templates = _compile(order)
        origins = (*catalog.origins, *(template_origin(order, name) for name in names))
        logger.info(
            "prompt library %s: %s prompts, %s templates%s",
            language,
            len(catalog.prompts),
            len(names),
            f", {sum(o.own for o in origins)} of them from {own}" if own is not None else "",
        )
        return cls(
            language=language,
            prompts=catalog.prompts,
            kinds=catalog.kinds,
            templates=templates,
            origins=origins,
        )

    def origins(self) -> tuple[Origin, ...]:
        """Where each prompt, kind and template was read from, the partnership's own or built-in."""
        return self._origins

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

    def kinds(self) -> tuple[str, ...]:
        """Every kind of entry the catalog defines: the built-in ones first, in a digest's order,
        then the partnership's own, in the order their folders define them."""
        own = tuple(kind for kind in self._kinds if kind not in KINDS)
        return (*(kind for kind in KINDS if kind in self._kinds), *own)

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


def library_for(config: Config, settings: Settings, *, builtin: Path) -> PromptLibrary:
    """The partnership's library: its language, its own folder (if set) over `builtin`."""
    own = own_prompts(config, settings)
    return PromptLibrary.load(
        builtin, config.partnership.language, own=own.folder if own is not None else None
    )


__all__ = ["KINDS", "KindDef", "Origin", "PromptDef", "PromptLibrary", "library_for"]
