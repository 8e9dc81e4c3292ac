"""Hostile but correctly signed requests for `POST /slack/events` and `POST /telegram/webhook`.

`HostileBodies(seed)` makes a reproducible stream of requests a forger holding the secrets could
send: random shapes, wrong types, missing fields, large strings, deep nesting, invalid UTF-8, lone
surrogates, NUL bytes, bidirectional overrides, bogus action ids, junk modals and odd slash
commands and numbers (`²`, `--3`, `99999999999999999999`). `drive` sends them to a running bot
and counts the answers; the fuzz test and `bench/hostile.py` both use it.
"""

from __future__ import annotations

import io
import json
import random
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp

from tests.fakes import slack_events as ev

TELEGRAM_SECRET = "s3cret-token_fuzz"
SLACK_USER = "U0ALEX"
SLACK_CHANNEL = "C0CORE"
TELEGRAM_CHAT = -1001

ODD_TEXTS = (
    "",
    "\u200b\u200c",
    "\x00",
    "a\x00b",
    "\ud800",
    "\udfff lone",
    "\u202eevil\u202c",
    "²",
    "--3",
    "99999999999999999999",
    "-2147483649",
    "٣",
    "story ²",
    "story edit --3 words",
    "blocker done 99999999999999999999",
    "experiment 2147483648 study it",
    "maturity vision ² because",
    "maturity vision --3 because",
    "learned " + "x" * 5000,
    "cafe\u0301",
    "<@U0NOBODY> <#C0NOWHERE|x> <!here>",
    "🎉" * 300,
)
ODD_VALUES: tuple[Any, ...] = (
    None,
    True,
    0,
    -1,
    10**30,
    1.5,
    [],
    {},
    [[["deep"]]],
    "x" * 200,
    "é" * 70,
    *ODD_TEXTS,
)
VERBS = ("learned", "blocker", "story", "experiment", "help", "score", "pulse", "forget", "zzz")
ACTIONS = ("story_share", "maturity_score", "pulse_answer", "nomination", "bogus", "x" * 300)


@dataclass(frozen=True, slots=True)
class Request:
    """One request to send: where, the raw body, and its headers."""

    path: str
    body: bytes
    headers: dict[str, str]


class HostileBodies:
    """A seeded stream of signed hostile requests."""

    def __init__(self, seed: int, *, large: int = 1_100_000) -> None:
        self._random = random.Random(seed)
        self._large = large

    def __iter__(self) -> Iterator[Request]:
        makers = (
            self._slack_message,
            self._slack_command,
            self._slack_action,
            self._slack_view,
            self._slack_junk,
            self._telegram_message,
            self._telegram_callback,
            self._telegram_junk,
        )
        while True:
            yield self._random.choice(makers)()

    # ---- values

    def _odd(self) -> Any:
        return self._random.choice(ODD_VALUES)

    def _text(self) -> str:
        return self._random.choice(ODD_TEXTS)

    def _maybe(self, good: Any) -> Any:
        return good if self._random.random() < 0.6 else self._odd()

    # ---- Slack

    def _slack(self, body: bytes, content_type: str) -> Request:
        headers = {"Content-Type": content_type, **ev.sign(body, timestamp=int(time.time()))}
        return Request("/slack/events", body, headers)

    def _slack_json(self, payload: Any) -> Request:
        body = json.dumps(payload, ensure_ascii=self._random.random() < 0.5).encode(
            "utf-8", "surrogatepass"
        )
        return self._slack(body, "application/json")

    def _slack_form(self, fields: dict[str, Any]) -> Request:
        encoded = urlencode(
            {k: str(v) for k, v in fields.items()}, encoding="utf-8", errors="surrogatepass"
        )
        return self._slack(encoded.encode(), "application/x-www-form-urlencoded")

    def _slack_message(self) -> Request:
        event = {
            "type": "message",
            "user": self._maybe(SLACK_USER),
            "channel": self._maybe(self._random.choice([SLACK_CHANNEL, "D0DM"])),
            "text": self._maybe(self._text()),
            "ts": self._maybe(f"{self._random.randrange(10**9)}.000100"),
            "thread_ts": self._maybe(None),
            "event_ts": "1.1",
            "channel_type": self._maybe("channel"),
        }
        body = {
            "type": "event_callback",
            "team_id": self._maybe("T0TEAM"),
            "event_id": self._maybe(f"Ev{self._random.randrange(10**12)}"),
            "event": self._maybe(event) if self._random.random() < 0.2 else event,
        }
        return self._slack_json(body)

    def _slack_command(self) -> Request:
        fields = {
            "command": "/huddle",
            "text": f"{self._random.choice(VERBS)} {self._text()}",
            "user_id": self._maybe(SLACK_USER),
            "channel_id": self._maybe(SLACK_CHANNEL),
            "team_id": self._maybe("T0TEAM"),
            "trigger_id": self._maybe(f"trig-{self._random.randrange(10**9)}"),
            "user_name": self._text(),
        }
        return self._slack_form(fields)

    def _slack_action(self) -> Request:
        action = {
            "action_id": self._maybe(self._random.choice(ACTIONS)),
            "value": self._maybe(f"{self._text()}:{self._text()}:{self._text()}"),
            "action_ts": self._maybe(f"{self._random.randrange(10**9)}.1"),
        }
        payload = {
            "type": "block_actions",
            "user": self._maybe({"id": self._maybe(SLACK_USER), "name": self._text()}),
            "channel": self._maybe({"id": self._maybe(SLACK_CHANNEL)}),
            "container": self._maybe({"message_ts": self._maybe("1.2")}),
            "actions": self._maybe([action]),
            "trigger_id": "t",
        }
        return self._slack_form({"payload": json.dumps(payload)})

    def _slack_view(self) -> Request:
        metadata = self._random.choice(
            ['{"c": "C0CORE"}', '{"c": 5}', "[" * 5000, '{"c": "\\ud800"}', self._text()]
        )
        view = {
            "id": self._maybe(f"V{self._random.randrange(10**9)}"),
            "callback_id": self._random.choice(["story_modal", "save_modal", "junk"]),
            "private_metadata": metadata,
            "state": self._maybe({"values": self._maybe({"text": {"text": self._odd()}})}),
        }
        payload = {
            "type": "view_submission",
            "user": self._maybe({"id": self._maybe(SLACK_USER)}),
            "view": self._maybe(view),
        }
        return self._slack_form({"payload": json.dumps(payload)})

    def _slack_junk(self) -> Request:
        choice = self._random.randrange(6)
        if choice == 0:
            return self._slack(b"[" * 50_000 + b"]" * 50_000, "application/json")
        if choice == 1:
            return self._slack(bytes(self._random.randrange(256) for _ in range(64)), "text/plain")
        if choice == 2:
            return self._slack(b'{"type": "' + b"y" * self._large + b'"}', "application/json")
        if choice == 3:
            return self._slack_json(self._odd())
        if choice == 4:
            return self._slack(b"ssl_check=1&token=x", "application/x-www-form-urlencoded")
        return self._slack_json({"type": self._odd(), "event": self._odd(), "x": "\x00"})

    # ---- Telegram

    def _telegram(self, payload: Any, *, raw: bytes | None = None) -> Request:
        body = raw if raw is not None else json.dumps(payload).encode("utf-8", "surrogatepass")
        headers = {
            "Content-Type": "application/json",
            "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET,
        }
        return Request("/telegram/webhook", body, headers)

    def _user(self) -> Any:
        return self._maybe(
            {
                "id": self._maybe(self._random.choice([42, 10**30, -5])),
                "is_bot": self._maybe(False),
                "first_name": self._maybe(self._text() or "Alex"),
            }
        )

    def _tg_message(self) -> dict[str, Any]:
        return {
            "message_id": self._maybe(self._random.randrange(1, 10**6)),
            "date": self._maybe(1_700_000_000),
            "chat": self._maybe({"id": self._maybe(TELEGRAM_CHAT), "type": self._maybe("group")}),
            "from": self._user(),
            "text": self._maybe(f"/{self._random.choice(VERBS)} {self._text()}"),
            "message_thread_id": self._maybe(None),
        }

    def _telegram_message(self) -> Request:
        return self._telegram(
            {"update_id": self._maybe(self._random.randrange(10**6)), "message": self._tg_message()}
        )

    def _telegram_callback(self) -> Request:
        query = {
            "id": self._maybe(str(self._random.randrange(10**12))),
            "from": self._user(),
            "chat_instance": "1",
            "data": self._maybe(f"{self._random.choice(ACTIONS)}|{self._text()}:{self._text()}"),
            "message": self._maybe(self._tg_message()),
        }
        return self._telegram({"update_id": 1, "callback_query": query})

    def _telegram_junk(self) -> Request:
        choice = self._random.randrange(4)
        if choice == 0:
            return self._telegram(None, raw=b"{" + b'"a":{' * 5000 + b"}" * 5001)
        if choice == 1:
            return self._telegram(None, raw=b'{"update_id": 1, "message": "\xff\xfe"}')
        if choice == 2:
            return self._telegram(None, raw=b'{"x": "' + b"z" * self._large + b'"}')
        return self._telegram({"update_id": self._odd(), self._text() or "k": self._odd()})


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a run of hostile requests got back."""

    statuses: Counter[int]
    failures: int
    """Requests that got no HTTP answer at all (the connection failed)."""


async def drive(base_url: str, *, count: int, seed: int) -> Outcome:
    """Send `count` requests from `HostileBodies(seed)` to the bot at `base_url`."""
    statuses: Counter[int] = Counter()
    failures = 0
    requests = iter(HostileBodies(seed))
    async with aiohttp.ClientSession() as client:
        for _ in range(count):
            request = next(requests)
            try:
                async with client.post(
                    base_url + request.path, data=io.BytesIO(request.body), headers=request.headers
                ) as answer:
                    await answer.read()
                    statuses[answer.status] += 1
            except aiohttp.ClientError:
                failures += 1
    return Outcome(statuses, failures)
