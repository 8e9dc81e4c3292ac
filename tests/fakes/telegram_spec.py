"""Checks Bot API requests and objects against the published spec in `tests/data/specs/`.

`BotApiSpec.check_request(method, params)` lists what the real Bot API would object to: an unknown
method, a missing required parameter, a parameter it does not know, a value of the wrong type
(objects are checked field by field, recursively). `check_object(type_name, value)` does the same
for an object such as an `Update`, so the payloads tests feed the bot are realistic too.

Form-encoded parameters arrive as strings with JSON-encoded values; `decode_form` turns them back
into values using the spec's field types (a `String` field keeps its text as it is).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

SPECS_DIR = Path(__file__).resolve().parents[1] / "data" / "specs"
SPEC_FILE = "telegram-bot-api.json"
_ARRAY = "Array of "


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    types: tuple[str, ...]
    required: bool


class BotApiSpec:
    """The Bot API's methods and types, as the spec file describes them."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.version = str(document.get("version", "?"))
        self._methods = {name: _fields(m) for name, m in document["methods"].items()}
        self._types = {name: _fields(t) for name, t in document["types"].items()}
        self._subtypes = {
            name: tuple(t["subtypes"]) for name, t in document["types"].items() if t.get("subtypes")
        }

    @classmethod
    def load(cls, directory: Path = SPECS_DIR) -> BotApiSpec:
        path = directory / SPEC_FILE
        if not path.is_file():
            raise FileNotFoundError(
                f"the Telegram Bot API spec is missing: expected it at {path} "
                "(it belongs to the repository: `git checkout -- tests/data/specs`)"
            )
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def knows(self, method: str) -> bool:
        return method in self._methods

    def decode_form(self, method: str, form: Mapping[str, str]) -> dict[str, Any]:
        """Values of a form-encoded request, JSON-decoded unless the field is a plain string."""
        fields = {f.name: f for f in self._methods.get(method, {}).values()}
        decoded: dict[str, Any] = {}
        for name, raw in form.items():
            field = fields.get(name)
            if field is not None and field.types == ("String",):
                decoded[name] = raw
                continue
            try:
                decoded[name] = json.loads(raw)
            except ValueError:
                decoded[name] = raw
        return decoded

    def check_request(self, method: str, params: Mapping[str, Any]) -> list[str]:
        fields = self._methods.get(method)
        if fields is None:
            return [f"{method}: no such Bot API method"]
        return self._check_fields(method, fields, params)

    def check_object(self, type_name: str, value: Any) -> list[str]:
        return self._check_value(value, type_name, type_name)

    def _check_fields(
        self, where: str, fields: Mapping[str, Field], params: Mapping[str, Any]
    ) -> list[str]:
        problems = [
            f"{where}: required field '{f.name}' is missing"
            for f in fields.values()
            if f.required and f.name not in params
        ]
        for name, value in params.items():
            field = fields.get(name)
            if field is None:
                problems.append(f"{where}: unknown field '{name}'")
                continue
            problems.extend(self._check_union(value, field.types, f"{where}.{name}"))
        return problems

    def _check_union(self, value: Any, types: tuple[str, ...], where: str) -> list[str]:
        best: list[str] | None = None
        for type_expr in types:
            problems = self._check_value(value, type_expr, where)
            if not problems:
                return []
            if best is None or len(problems) < len(best):
                best = problems
        return best or []

    def _check_value(self, value: Any, type_expr: str, where: str) -> list[str]:
        if type_expr.startswith(_ARRAY):
            if not isinstance(value, list):
                return [f"{where}: expected {type_expr}, got {type(value).__name__}"]
            inner = type_expr.removeprefix(_ARRAY)
            return [
                p
                for i, item in enumerate(value)
                for p in self._check_value(item, inner, f"{where}[{i}]")
            ]
        scalar = _SCALARS.get(type_expr)
        if scalar is not None:
            return [] if scalar(value) else [f"{where}: expected {type_expr}, got {value!r}"]
        if type_expr in self._subtypes:
            return self._check_union(value, self._subtypes[type_expr], where)
        fields = self._types.get(type_expr)
        if fields is None:
            return []  # InputFile and the like: not checked
        if not isinstance(value, Mapping):
            return [f"{where}: expected a {type_expr} object, got {value!r}"]
        return self._check_fields(where, fields, value)


def _fields(entry: Mapping[str, Any]) -> dict[str, Field]:
    return {
        f["name"]: Field(f["name"], tuple(f["types"]), bool(f["required"]))
        for f in entry.get("fields", ())
    }


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_SCALARS = {
    "Integer": _is_int,
    "Float": lambda v: _is_int(v) or isinstance(v, float),
    "Boolean": lambda v: isinstance(v, bool),
    "True": lambda v: v is True,
    "String": lambda v: isinstance(v, str),
}


@cache
def default_spec() -> BotApiSpec:
    """The spec from tests/data/specs/, read once per test session."""
    return BotApiSpec.load()
