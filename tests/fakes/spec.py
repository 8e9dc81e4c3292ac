"""Slack's published API descriptions, loaded for the fakes to hold requests and payloads against.

The files live in `tests/data/specs/` (its README gives each one's source, version and licence).
They are reference data written by Slack: the Web API one is an OpenAPI 2 document archived in
2021, so parameters added since then show up as *unknown* and are reported as warnings, never as
violations, except the few huddlebot uses on purpose, listed in `NEWER_PARAMETERS`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

SPECS_DIR = Path(__file__).resolve().parents[1] / "data" / "specs"
WEB_API_SPEC = "slack-web-api-openapi-v2.json"
EVENTS_API_SPEC = "slack-events-api-asyncapi-v1.json"

NEWER_METHODS: Mapping[str, frozenset[str]] = {
    # Real methods that came after the archived spec; the value lists their required params.
    "apps.connections.open": frozenset(),
}
"""Methods huddlebot uses that Slack added after the 2021 spec was archived."""

NEWER_PARAMETERS: Mapping[str, frozenset[str]] = {
    # message metadata, added in 2022: https://docs.slack.dev/messaging/message-metadata
    "chat.postMessage": frozenset({"metadata"}),
    "conversations.history": frozenset({"include_all_metadata"}),
    "conversations.replies": frozenset({"include_all_metadata"}),
}
"""Optional parameters huddlebot uses that Slack added after the 2021 spec was archived."""

_SCOPE_NOTE = re.compile(r"Requires scope: `([^`]+)`")


class SpecMissing(RuntimeError):
    """The spec files are not where the tests expect them."""


def _load(name: str) -> dict[str, Any]:
    path = SPECS_DIR / name
    if not path.is_file():
        raise SpecMissing(
            f"Slack spec {path} is missing: the tests check every request against it. "
            "It belongs to the repository (tests/data/specs/, see its README): restore it with "
            "`git checkout -- tests/data/specs`."
        )
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True, slots=True)
class MethodSpec:
    """One Web API method as the spec describes it."""

    name: str
    required: frozenset[str]
    known: frozenset[str]
    scope: str
    """The bot scope the spec's token note names (`none` when none is needed)."""


@dataclass(frozen=True, slots=True)
class WebApiSpec:
    methods: Mapping[str, MethodSpec]

    def method(self, name: str) -> MethodSpec | None:
        return self.methods.get(name)


@cache
def web_api_spec() -> WebApiSpec:
    """The Web API spec, parsed once per test run."""
    data = _load(WEB_API_SPEC)
    methods: dict[str, MethodSpec] = {}
    for path, operations in data["paths"].items():
        name = path.lstrip("/")
        for operation in operations.values():
            params = operation.get("parameters", [])
            scope = "none"
            for param in params:
                if param["name"] == "token":
                    match = _SCOPE_NOTE.search(param.get("description", ""))
                    if match:
                        scope = match.group(1)
            newer = NEWER_PARAMETERS.get(name, frozenset())
            methods[name] = MethodSpec(
                name=name,
                required=frozenset(p["name"] for p in params if p.get("required")),
                known=frozenset(p["name"] for p in params) | newer,
                scope=scope,
            )
    for name, required in NEWER_METHODS.items():
        methods.setdefault(
            name,
            MethodSpec(name=name, required=required, known=required, scope="connections:write"),
        )
    return WebApiSpec(methods=methods)


@dataclass(frozen=True, slots=True)
class EventsSpec:
    wrapper_required: frozenset[str]
    event_required: frozenset[str]
    topic_scopes: Mapping[str, tuple[str, ...]]
    """Event subscription name (`message.channels`) to the scopes it needs."""


@cache
def events_spec() -> EventsSpec:
    """The Events API spec, parsed once per test run."""
    data = _load(EVENTS_API_SPEC)
    wrapper = data["components"]["schemas"]["GenericEventWrapper"]
    topics = {
        name: tuple(topic.get("subscribe", {}).get("x-scopes-required", ()))
        for name, topic in data["topics"].items()
    }
    return EventsSpec(
        wrapper_required=frozenset(wrapper["required"]),
        event_required=frozenset(wrapper["properties"]["event"]["required"]),
        topic_scopes=topics,
    )


def envelope_problems(envelope: Mapping[str, Any]) -> list[str]:
    """What an Events API envelope lacks compared with the spec's wrapper (empty when fine)."""
    spec = events_spec()
    missing = sorted(spec.wrapper_required - envelope.keys())
    problems = [f"envelope lacks '{key}'" for key in missing]
    event = envelope.get("event")
    if isinstance(event, Mapping):
        problems += [f"event lacks '{key}'" for key in sorted(spec.event_required - event.keys())]
    else:
        problems.append("envelope 'event' is not an object")
    return problems
