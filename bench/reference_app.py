"""The yardstick for `bench/reference.py`: a small Slack bot as a careful developer would write it
without huddlebot.

    python bench/reference_app.py --port 8123 --database-url URL [--inline]

A slack-bolt `AsyncApp` on uvicorn (the server huddlebot uses), behind Starlette. Each `message`
event is stored with one SQLAlchemy insert whose unique `event_id` makes a redelivery change
nothing; with `--inline`, the listener then posts a thank-you with the app's Web API client before
the request is answered (`process_before_response`), so the acknowledgement waits for both. There
is no outbox, no retry after a crash, no pacing and no per-room order: that is what huddlebot adds,
and what the bench prices.

The database URL is SQLAlchemy's: `sqlite+aiosqlite:///path` (with WAL and synchronous=NORMAL, as
huddlebot sets them) or `postgresql+asyncpg://...`. The Slack settings come from the environment:
SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and SLACK_API_URL (the fake Web API's address).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import uvicorn
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, event
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

metadata = MetaData()
messages = Table(
    "messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("event_id", String(64), nullable=False, unique=True),
    Column("channel", String(64), nullable=False),
    Column("user_id", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)


def build(database_url: str, *, inline: bool) -> tuple[Starlette, AsyncEngine]:
    engine = create_async_engine(database_url)
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    insert = sqlite_insert if sqlite else postgres_insert
    client = AsyncWebClient(
        token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"].rstrip("/") + "/"
    )
    app = AsyncApp(
        client=client,
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        process_before_response=True,
    )

    @app.event("message")
    async def on_message(body: dict[str, Any], event: dict[str, Any]) -> None:
        statement = (
            insert(messages)
            .values(
                event_id=body["event_id"],
                channel=event["channel"],
                user_id=event.get("user", ""),
                text=event.get("text", ""),
                received_at=datetime.now(UTC),
            )
            .on_conflict_do_nothing(index_elements=["event_id"])
        )
        async with engine.begin() as connection:
            stored = (await connection.execute(statement)).rowcount == 1
        if inline and stored:
            await client.chat_postMessage(channel=event["channel"], text="Thank you, saved.")

    handler = AsyncSlackRequestHandler(app)

    async def events(request: Request) -> Response:
        return await handler.handle(request)

    async def healthz(_request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    routes = [
        Route("/slack/events", events, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
        yield
        await engine.dispose()

    return Starlette(routes=routes, lifespan=lifespan), engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--inline", action="store_true", help="post a thank-you before acking")
    args = parser.parse_args()
    app, _engine = build(args.database_url, inline=args.inline)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
