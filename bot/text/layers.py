"""Where the prompt library's files come from: the built-in folder, and a partnership's own on top.

A partnership's own folder has the built-in one's shape (`<language>/catalog.toml`,
`<language>/templates/...`) and holds only what it changes or adds. The folders are searched
language first, then own before built-in:

    own/<language>, built-in/<language>, own/en, built-in/en

so a template or a prompt found higher up wins, and whatever the own folder leaves out comes from
the built-in library. The own folder is named by `HUDDLEBOT_PROMPTS` or by the `prompts` key of
`[partnership]`; the environment wins when both are set.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bot.config.environment import Settings
from bot.config.partnership import Config
from bot.errors import TemplateError

logger = logging.getLogger(__name__)

FALLBACK_LANGUAGE = "en"
PROMPTS_ENV = "HUDDLEBOT_PROMPTS"

OriginKind = Literal["prompt", "kind", "template"]


@dataclass(frozen=True, slots=True)
class OwnPrompts:
    """A partnership's own prompt folder, and the setting that named it."""

    folder: Path
    named_by: str


@dataclass(frozen=True, slots=True)
class Layer:
    """One folder of one language (`<root>/<language>`), built-in or the partnership's own."""

    folder: Path
    language: str
    own: bool

    @property
    def catalog(self) -> Path:
        return self.folder / "catalog.toml"

    @property
    def templates(self) -> Path:
        return self.folder / "templates"


@dataclass(frozen=True, slots=True)
class Origin:
    """Which file a prompt, a kind of entry or a template was taken from."""

    kind: OriginKind
    name: str
    path: Path
    own: bool


def own_prompts(config: Config, settings: Settings) -> OwnPrompts | None:
    """The partnership's own prompt folder, if one is set (`HUDDLEBOT_PROMPTS` wins)."""
    configured = config.partnership.prompts
    if settings.prompts_dir is not None:
        if configured is not None and configured != settings.prompts_dir:
            logger.warning(
                "%s is set, so %s's prompts = %s is not used",
                PROMPTS_ENV,
                config.source,
                configured,
            )
        return OwnPrompts(settings.prompts_dir, PROMPTS_ENV)
    if configured is not None:
        return OwnPrompts(configured, f"{config.source}: partnership.prompts")
    return None


def _languages(root: Path) -> set[str]:
    return {p.name for p in root.iterdir() if p.is_dir()} if root.is_dir() else set()


def _check_own(own: Path) -> None:
    if not own.is_dir():
        raise TemplateError("the partnership's own prompt folder does not exist", path=str(own))
    for stray in ("catalog.toml", "templates"):
        if (own / stray).exists():
            raise TemplateError(
                f"{stray} belongs in a language folder: move it to "
                f"{own / FALLBACK_LANGUAGE / stray} (or the folder of your language)",
                path=str(own / stray),
            )


def layers(builtin: Path, language: str, *, own: Path | None = None) -> tuple[Layer, ...]:
    """The folders to read, highest first. A language with no folder anywhere falls back to
    English (said once in the log); TemplateError only when there is no English either."""
    roots = [(Path(builtin), False)]
    if own is not None:
        _check_own(Path(own))
        roots.insert(0, (Path(own), True))
    available = set().union(*(_languages(root) for root, _ in roots))
    if language not in available:
        if FALLBACK_LANGUAGE not in available:
            raise TemplateError(
                f"no prompts for language '{language}' and none in English to fall back on",
                path=str(roots[0][0] / FALLBACK_LANGUAGE),
            )
        logger.warning(
            "there are no prompts in language '%s' (languages here: %s), so every message "
            "is in English; to translate them, add a folder %s (prompts/README.md says how)",
            language,
            ", ".join(sorted(available)),
            language,
        )
        language = FALLBACK_LANGUAGE
    wanted = [language] if language == FALLBACK_LANGUAGE else [language, FALLBACK_LANGUAGE]
    return tuple(
        Layer(root / lang, lang, is_own)
        for lang in wanted
        for root, is_own in roots
        if (root / lang).is_dir()
    )


def template_origin(order: tuple[Layer, ...], name: str) -> Origin:
    """The file a template (`name` with `.j2`) is read from: the first layer that has it."""
    for layer in order:
        path = layer.templates / name
        if path.is_file():
            return Origin("template", name.removesuffix(".j2"), path, layer.own)
    raise TemplateError(f"no template file '{name}' in any prompt folder")


__all__ = [
    "FALLBACK_LANGUAGE",
    "PROMPTS_ENV",
    "Layer",
    "Origin",
    "OwnPrompts",
    "layers",
    "own_prompts",
    "template_origin",
]
