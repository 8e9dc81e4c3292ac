"""What the fake Slack Web API checks in a request, as the real API would: reading its
parameters, and the Block Kit and modal limits a message or view must keep."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiohttp import web


async def read_params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                params.update(body)
        else:
            form = await request.post()
            params.update({k: v for k, v in form.items() if isinstance(v, str)})
    return params


def is_ok(body: str) -> bool:
    try:
        return bool(json.loads(body).get("ok"))
    except (ValueError, AttributeError):
        return False


def as_json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def message_problems(params: Mapping[str, Any]) -> list[str]:
    """What the real API would refuse in a message: Block Kit limits and a missing text."""
    problems: list[str] = []
    blocks = as_json(params.get("blocks")) if "blocks" in params else None
    if "blocks" in params and not isinstance(blocks, list):
        return ["'blocks' is not a JSON array"]
    if not params.get("text") and not blocks:
        problems.append("neither text nor blocks (Slack answers no_text)")
    if blocks is None:
        return problems
    if len(blocks) > 50:
        problems.append(f"{len(blocks)} blocks (Block Kit allows 50)")
    for i, block in enumerate(blocks):
        if not isinstance(block, dict) or "type" not in block:
            problems.append(f"block {i} has no type")
            continue
        if block["type"] == "section":
            text = (block.get("text") or {}).get("text", "")
            if not 1 <= len(text) <= 3000:
                problems.append(f"section {i} text is {len(text)} characters (1 to 3,000)")
        elif block["type"] == "actions":
            elements = block.get("elements", [])
            ids = [e.get("action_id") for e in elements]
            if not 1 <= len(elements) <= 25:
                problems.append(f"actions block {i} has {len(elements)} elements (1 to 25)")
            if len(set(ids)) != len(ids):
                problems.append(f"actions block {i} repeats an action_id: {ids}")
            for element in elements:
                label = (element.get("text") or {}).get("text", "")
                if not 1 <= len(label) <= 75:
                    problems.append(f"button label '{label}' is not 1 to 75 characters")
                if len(str(element.get("value", ""))) > 2000:
                    problems.append("button value longer than 2,000 characters")
    return problems


def block_text_length(params: Mapping[str, Any]) -> int:
    blocks = as_json(params.get("blocks"))
    if not isinstance(blocks, list):
        return 0
    return sum(
        len(str((b.get("text") or {}).get("text", ""))) for b in blocks if isinstance(b, dict)
    )


def view_problems(value: Any) -> list[str]:
    view = as_json(value)
    if not isinstance(view, dict):
        return ["'view' is not a JSON object"]
    problems = []
    if view.get("type") != "modal":
        problems.append("view type is not 'modal'")
    if len(view.get("blocks", [])) > 100:
        problems.append("a modal holds at most 100 blocks")
    if len(str(view.get("private_metadata", ""))) > 3000:
        problems.append("private_metadata longer than 3,000 characters")
    title = (view.get("title") or {}).get("text", "")
    if not 1 <= len(title) <= 24:
        problems.append(f"modal title '{title}' is not 1 to 24 characters")
    return problems
