"""The web view's HTML templates and style sheet, from the prompt library's folders.

They live in `templates/web/` of each language folder, layered like every other template (a
partnership's own folder over the built-in one, its language over English), so a partnership can
restyle its pages by adding its own `web/style.css` or a page's template. Everything is escaped
for HTML unless a template says otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from markupsafe import Markup

from bot.config.environment import Settings
from bot.config.partnership import Config
from bot.errors import TemplateError
from bot.text.layers import layers, own_prompts


class WebTemplates:
    """The pages' templates and the style sheet, found through the prompt folders."""

    def __init__(self, folders: list[Path], *, timezone: str) -> None:
        self._folders = folders
        self._zone = ZoneInfo(timezone)
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(f) for f in folders], encoding="utf-8"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        self._env.filters["day"] = self._day
        self._env.filters["moment"] = self._moment
        self._env.filters["paragraphs"] = _paragraphs

    @classmethod
    def load(cls, config: Config, settings: Settings, *, builtin: Path) -> WebTemplates:
        own = own_prompts(config, settings)
        order = layers(builtin, config.partnership.language, own=own.folder if own else None)
        folders = [layer.templates for layer in order if (layer.templates / "web").is_dir()]
        if not folders:
            raise TemplateError("no web templates in any prompt folder", path=str(builtin))
        return cls(folders, timezone=config.partnership.timezone)

    def render(self, name: str, context: Mapping[str, Any]) -> str:
        try:
            return self._env.get_template(f"web/{name}.html").render(context)
        except jinja2.TemplateNotFound as exc:
            raise TemplateError(f"no web template '{name}.html'") from exc

    def style(self) -> bytes:
        for folder in self._folders:
            path = folder / "web" / "style.css"
            if path.is_file():
                return path.read_bytes()
        return b""

    def _local(self, value: datetime) -> datetime:
        return value.astimezone(self._zone)

    def _day(self, value: datetime | None) -> str:
        if value is None:
            return ""
        return self._local(value).strftime("%-d %B %Y")

    def _moment(self, value: datetime | None) -> str:
        if value is None:
            return ""
        return self._local(value).strftime("%-d %B %Y, %H:%M")


def _paragraphs(text: str) -> Markup:
    """Text with its line breaks kept, escaped."""
    escaped = Markup.escape(text)
    return Markup("<br>").join(escaped.split("\n"))
