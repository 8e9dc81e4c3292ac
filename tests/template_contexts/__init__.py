"""Sample contexts for feature templates, one module per feature.

Each module defines `contexts(user: str) -> dict[str, dict[str, Any]]` (template name -> a
realistic context, with `user` standing in for whatever people typed) and may define
`NO_USER_TEXT: set[str]` for templates that show nothing a person wrote.
`tests/text/test_library.py`
renders every template with them for every target and checks that user text stays inert.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any


def feature_contexts(user: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for module in _modules():
        found.update(module.contexts(user))
    return found


def feature_no_user_text() -> set[str]:
    names: set[str] = set()
    for module in _modules():
        names |= set(getattr(module, "NO_USER_TEXT", ()))
    return names


def _modules() -> list[Any]:
    return [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)
    ]
