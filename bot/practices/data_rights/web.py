"""The "My data" page of the web view: what `mydata` gives, as a download, and `forget` with a
confirmation. Both are the data-rights practice's own: the download is `person_data`, and
forgetting is the `forget confirm` verb from the person's private chat."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.practices.data_rights.holdings import as_json, person_data
from bot.web.pages import Download, Form, Page, Reading


async def read(reading: Reading) -> dict[str, Any]:
    return {"erasure": reading.config.partnership.erasure}


async def download(reading: Reading) -> bytes:
    data = await person_data(reading.session, reading.viewer.person_id, now=reading.now)
    return as_json(data).encode("utf-8")


def to_verb(fields: Mapping[str, str]) -> tuple[str, str] | None:
    if fields.get("action") == "forget" and fields.get("sure") == "yes":
        return "forget", "confirm"
    return None


def data_pages() -> tuple[Page, ...]:
    return (
        Page(
            "mydata",
            "My data",
            read,
            order=90,
            form=Form(to_verb),
            download=Download("my-huddlebot-data.json", "application/json", download),
        ),
    )
