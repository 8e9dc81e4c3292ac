"""Data rights in the console: mydata, forget (and again after a restore), retention, export."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import textwrap
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select
from starlette.routing import BaseRoute

from bot.cli.export import circle_entries, render
from bot.cli.main import main
from bot.config.partnership import Config, load_config
from bot.core.events import Command, Sender
from bot.core.messages import Delivery
from bot.core.ports import EventSink, Limits, TextFormat
from bot.practices.blockers.models import Blocker
from bot.practices.data_rights.erasure import ErasureLog, replay_erasures
from bot.practices.data_rights.models import Erasure
from bot.practices.protocols import DescribesEntries
from bot.practices.stories.models import StoryDetail
from bot.storage.models import Consent, Digest, Entry, Identity, Membership, Person
from tests.adapters.telegram import test_telegram_core
from tests.fakes.telegram_api import start_from_link
from tests.fakes.telegram_updates import user
from tests.harness import CONFIG, SUNDAY, Harness, open_harness
from tests.worlds import TELEGRAM_GROUP as GROUP
from tests.worlds import TelegramWorld

telegram_world = test_telegram_core.world  # the bot with a fake Telegram, as a fixture

MONDAY_10 = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
THURSDAY_17 = datetime(2026, 3, 12, 17, 0, tzinfo=UTC)


def config_with(tmp_path: Path, extra: str = "") -> Config:
    body = CONFIG.replace("max_entry_chars = 500", "max_entry_chars = 500\n" + extra)
    path = tmp_path / "huddlebot.toml"
    path.write_text(textwrap.dedent(body))
    return load_config(path)


def number(said: str) -> int:
    found = re.search(r"number (\d+)", said)
    assert found, said
    return int(found.group(1))


async def person_of(harness: Harness, user_id: str) -> int | None:
    async with harness.bot.sessions() as session:
        query = select(Identity.person_id).where(Identity.user_id == user_id)
        return (await session.exec(query)).first()


async def tell_and_share(harness: Harness, who: str, story: str, choice: str) -> int:
    await harness.say(f"@{who} /story {story}")
    story_id = number(harness.take())
    await harness.say(f"@{who} /press story_share {story_id}:{choice}")
    harness.take()
    return story_id


class PrivateChatAdapter:
    """A platform where people may or may not have opened a private chat: records what is sent."""

    platform = "chat"
    text_format: TextFormat = "markdown"
    limits = Limits(max_chars=4000)

    def __init__(self) -> None:
        self.sent: list[Delivery] = []

    def routes(self) -> Sequence[BaseRoute]:
        return ()

    @asynccontextmanager
    async def connect(self, sink: EventSink) -> AsyncIterator[None]:
        yield

    async def send(self, delivery: Delivery) -> str:
        self.sent.append(delivery)
        return f"ref-{len(self.sent)}"


def chat_command(verb: str, *, user: str, dm_chat: str, n: int) -> Command:
    return Command(
        platform="chat",
        dedup_key=f"chat-{n}",
        sender=Sender(platform="chat", user_id=user, display_name=user.title(), dm_chat=dm_chat),
        chat="room-1",
        received_at=SUNDAY,
        verb=verb,
        args="" if verb != "learned" else "Evening sessions suit families.",
    )


# --- mydata -------------------------------------------------------------------------------------


async def test_mydata_in_the_console_writes_json_and_csv_of_only_their_own_data(
    tmp_path: Path, database_url: str
) -> None:
    async with open_harness(config_with(tmp_path), database_url) as harness:
        mine = await tell_and_share(harness, "ana", "A dad now helps run Saturdays.", "private")
        await harness.say("@ana /learned Evening sessions suit families.")
        await tell_and_share(harness, "ben", "Ben's secret story about a carer.", "stewards")
        await harness.say(f"@ana /story withdraw {mine}")
        harness.take()
        await harness.say("@ana /mydata")
        said = harness.take()
        assert "only @ana sees this" in said
        paths = re.findall(r"`([^`]+\.(?:json|csv))`", said)
        assert len(paths) == 2, said
    data = json.loads(Path(paths[0]).read_text())  # noqa: ASYNC240
    table = Path(paths[1]).read_text()  # noqa: ASYNC240
    assert Path(paths[0]).is_relative_to(tmp_path / "data" / "exports")
    texts = [e["text"] for e in data["tables"]["entries"]]
    assert texts == ["A dad now helps run Saturdays.", "Evening sessions suit families."]
    assert data["person"]["display_name"] == "Ana"
    assert [c["visibility"] for c in data["tables"]["consents"]] == ["private", "withdrawn"]
    assert data["tables"]["story_details"][0]["entry_id"] == mine
    assert "Ben's secret" not in json.dumps(data) and "Ben's secret" not in table
    assert table.startswith("table,row,field,value\n")
    assert "entries,2,text,Evening sessions suit families." in table


async def test_mydata_elsewhere_goes_privately_or_explains_how(
    tmp_path: Path, database_url: str
) -> None:
    chat = PrivateChatAdapter()
    config = config_with(tmp_path)
    async with open_harness(config, database_url, extra_adapters=(chat,)) as harness:
        core = harness.bot.core
        await core.handle(chat_command("learned", user="dee", dm_chat="", n=1))
        await core.handle(chat_command("mydata", user="dee", dm_chat="", n=2))
        await harness.bot.dispatcher.drain()
        assert (
            chat.sent[-1].chat == "room-1" and "cannot write to you privately" in chat.sent[-1].text
        )
        assert "Evening sessions" not in chat.sent[-1].text

        await core.handle(chat_command("learned", user="eve", dm_chat="dm-eve", n=3))
        await core.handle(chat_command("mydata", user="eve", dm_chat="dm-eve", n=4))
        await harness.bot.dispatcher.drain()
    private = [d for d in chat.sent if d.chat == "dm-eve"]
    assert private and "Evening sessions suit families" in "".join(d.text for d in private)
    assert "table,row,field,value" in "".join(d.text for d in private)
    assert any("sent you everything" in d.text for d in chat.sent if d.chat == "room-1")


async def test_mydata_too_large_for_chat_is_kept_as_files_and_said_so(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.practices.data_rights.practice.INLINE_LIMIT", 200)
    chat = PrivateChatAdapter()
    async with open_harness(config_with(tmp_path), database_url, extra_adapters=(chat,)) as harness:
        await harness.bot.core.handle(chat_command("learned", user="eve", dm_chat="dm-eve", n=1))
        await harness.bot.core.handle(chat_command("mydata", user="eve", dm_chat="dm-eve", n=2))
        await harness.bot.dispatcher.drain()
    private = "".join(d.text for d in chat.sent if d.chat == "dm-eve")
    assert "more than a chat message can hold" in private and ".json" in private
    assert "Evening sessions" not in private
    assert len(list((tmp_path / "data" / "exports").glob("mydata-*"))) == 2


# --- forget ------------------------------------------------------------------------------------


async def test_forget_asks_then_anonymises_and_a_second_press_is_answered_kindly(
    tmp_path: Path, database_url: str
) -> None:
    async with open_harness(config_with(tmp_path), database_url) as harness:
        await harness.until(MONDAY_10)
        shared = await tell_and_share(harness, "ana", "A family found a home.", "circle")
        await harness.say(f"@ana /story name {shared} named")
        kept = await tell_and_share(harness, "ana", "Only for me, this one.", "private")
        await harness.say("@ana /learned Evening sessions suit families.")
        await harness.say("@ben /learned Ben keeps his name.")
        ana = await person_of(harness, "ana")
        assert ana is not None
        harness.take()

        await harness.say("@ana /forget")
        asked = harness.take()
        assert "cannot be undone" in asked and "without your name" in asked
        assert f"/press forget_confirm {ana}" in asked
        await harness.say("@ana /forget maybe")
        assert "did not understand" in harness.take()
        await harness.say(f"@ben /press forget_confirm {ana}")
        assert "not for you" in harness.take()
        assert await person_of(harness, "ana") == ana  # nothing happened to ana

        await harness.say(f"@ana /press forget_confirm {ana}")
        assert "has forgotten you" in harness.take()
        await harness.say(f"@ana /press forget_confirm {ana}")  # pressed again
        assert "already been used" in harness.take()

        async with harness.bot.sessions() as session:
            person = await session.get_one(Person, ana)
            entries = (await session.exec(select(Entry).order_by(col(Entry.id)))).all()
            identities = (await session.exec(select(Identity.person_id))).all()
            memberships = (await session.exec(select(Membership.person_id))).all()
            consents = (await session.exec(select(Consent))).all()
            logged = (await session.exec(select(Erasure.person_id))).all()
        assert person.display_name == "" and person.erased_at is not None
        assert ana not in identities and ana not in memberships
        assert kept not in [e.id for e in entries]  # a private story goes
        left = {e.text: e for e in entries}
        assert left["A family found a home."].person_id is None
        assert left["A family found a home."].anonymous is True
        assert left["Evening sessions suit families."].person_id is None
        assert all(c.person_id is None for c in consents)
        assert logged == [ana]
        assert ErasureLog(tmp_path / "data" / "erasures.log").read() == [ana]

        await harness.until(THURSDAY_17)
        digest = harness.take()
        assert "A family found a home." in digest and "Ana" not in digest
        assert "Ben keeps his name." in digest


async def test_forgetting_rewrites_the_archived_digests_that_named_them(
    tmp_path: Path, database_url: str
) -> None:
    async with open_harness(config_with(tmp_path), database_url) as harness:
        await harness.until(MONDAY_10)
        shared = await tell_and_share(harness, "ana", "A family found a home.", "circle")
        await harness.say(f"@ana /story name {shared} named")
        await harness.say("@ben /learned Ben keeps his name.")
        await harness.until(THURSDAY_17)
        async with harness.bot.sessions() as session:
            before = (await session.exec(select(Digest))).one().markdown
        assert "Ana" in before and "Ben" in before
        await harness.say("@ana /forget")
        await harness.say("@ana /forget confirm")
        async with harness.bot.sessions() as session:
            after = (await session.exec(select(Digest))).one().markdown
    assert "Ana" not in after and "Ben" in after and "family found a home" in after


async def test_forget_with_erase_deletes_entries_and_what_hangs_on_them(
    tmp_path: Path, database_url: str
) -> None:
    config = config_with(tmp_path, 'erasure = "erase"')
    async with open_harness(config, database_url) as harness:
        await tell_and_share(harness, "ana", "A family found a home.", "circle")
        await harness.say("@ana /blocker We cannot share referral forms.")
        await harness.say("@ben /learned Ben stays.")
        await harness.say("@ana /forget")
        await harness.say("@ana /forget confirm")
        assert "Everything you shared is deleted" in harness.take()
        async with harness.bot.sessions() as session:
            texts = (await session.exec(select(Entry.text))).all()
            assert (await session.exec(select(Consent))).all() == []
            assert (await session.exec(select(StoryDetail))).all() == []
            assert (await session.exec(select(Blocker))).all() == []
    assert texts == ["Ben stays."]


async def test_an_erasure_is_applied_again_after_a_restore(
    tmp_path: Path, database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("the restore is simulated by copying the SQLite file")
    config = config_with(tmp_path)
    db = Path(database_url.split(":///", 1)[1])
    backup = tmp_path / "backup.db"
    async with open_harness(config, database_url) as harness:
        await harness.say("@ana /learned Something Ana learned.")
        ana = await person_of(harness, "ana")
        with closing(sqlite3.connect(db)) as source, closing(sqlite3.connect(backup)) as copy:
            source.backup(copy)
        await harness.say("@ana /forget")
        await harness.say("@ana /forget confirm")
    for leftover in db.parent.glob(db.name + "-*"):
        leftover.unlink()
    shutil.copy(backup, db)  # the backup from before the erasure comes back
    async with open_harness(config, database_url, run_id="t2") as harness:
        assert await person_of(harness, "ana") == ana  # restored: ana is back
        sessions = harness.bot.sessions
        log_file = ErasureLog(tmp_path / "data" / "erasures.log")
        again = await replay_erasures(sessions, log_file, mode="anonymise", now=SUNDAY)
        assert again == [ana]
        assert await person_of(harness, "ana") is None
        async with sessions() as session:
            entry = (await session.exec(select(Entry))).one()
        assert entry.person_id is None
        assert await replay_erasures(sessions, log_file, mode="anonymise", now=SUNDAY) == []


def test_forget_replay_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config_with(tmp_path)
    monkeypatch.setenv("HUDDLEBOT_DATA_DIR", str(tmp_path / "data"))
    for name in ("DATABASE_URL", "SLACK_BOT_TOKEN", "TELEGRAM_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    ErasureLog(tmp_path / "data" / "erasures.log").append(999)  # a person no longer there
    assert main(["--config", str(tmp_path / "huddlebot.toml"), "forget", "--replay"]) == 0
    assert "nothing needed doing" in capsys.readouterr().out


# --- retention ---------------------------------------------------------------------------------


async def test_entries_past_the_retention_period_are_purged_daily(
    tmp_path: Path, database_url: str
) -> None:
    config = config_with(tmp_path, "retention_days = 30")
    async with open_harness(config, database_url) as harness:
        await tell_and_share(harness, "ana", "An old story.", "circle")
        await harness.say("@ana /blocker An old blocker.")
        await harness.until(SUNDAY + timedelta(days=20))
        await harness.say("@ana /learned A newer learning.")
        assert await harness.bot.huddle.post_digest("core", end=SUNDAY + timedelta(days=1)) > 0
        await harness.until(SUNDAY + timedelta(days=31, hours=12))
        async with harness.bot.sessions() as session:
            texts = (await session.exec(select(Entry.text))).all()
            ends = (await session.exec(select(Digest.period_end))).all()
            assert ends and min(ends) > SUNDAY + timedelta(days=1)  # the old archive went too
            assert (await session.exec(select(Consent))).all() == []
            assert (await session.exec(select(StoryDetail))).all() == []
            assert (await session.exec(select(Blocker))).all() == []
    assert texts == ["A newer learning."]


async def test_retention_zero_keeps_everything(tmp_path: Path, database_url: str) -> None:
    async with open_harness(config_with(tmp_path), database_url) as harness:
        await harness.say("@ana /learned Kept for ever.")
        await harness.until(SUNDAY + timedelta(days=40))
        async with harness.bot.sessions() as session:
            assert (await session.exec(select(Entry.text))).all() == ["Kept for ever."]


# --- export -------------------------------------------------------------------------------------


async def test_the_steward_export_honours_every_choice(tmp_path: Path, database_url: str) -> None:
    async with open_harness(config_with(tmp_path), database_url) as harness:
        named = await tell_and_share(harness, "ana", "[Home] A family found a home.", "circle")
        await harness.say(f"@ana /story name {named} named")
        await tell_and_share(harness, "ben", "Ben told only the stewards.", "stewards")
        await tell_and_share(harness, "cy", "Cy kept this private.", "private")
        gone = await tell_and_share(harness, "dee", "Dee withdrew this.", "circle")
        await harness.say(f"@dee /story withdraw {gone}")
        await harness.say("#stewards @eve /learned Another circle's learning.")
        await harness.say("#core @fay /learned Fay's learning, with her name.")
        async with harness.bot.sessions() as session:
            describers = [p for p in harness.bot.features if isinstance(p, DescribesEntries)]
            rows = await circle_entries(session, circle_id="core", describers=describers)
    by_text = {row["text"]: row for row in rows}
    assert set(by_text) == {
        "A family found a home.",
        "Ben told only the stewards.",
        "Fay's learning, with her name.",
    }
    assert by_text["A family found a home."]["author"] == "Ana"
    assert by_text["A family found a home."]["title"] == "Home"
    assert by_text["Ben told only the stewards."]["author"] is None
    assert by_text["Ben told only the stewards."]["visibility"] == "stewards"
    for fmt in ("csv", "json", "md"):
        out = render(rows, fmt, circle_name="Core")
        assert "Cy kept" not in out and "Dee withdrew" not in out and "Another circle" not in out
        assert "Ben" not in out.replace("Ben told", "")
    md = render(rows, "md", circle_name="Core")
    assert "stewards only" in md and "A family found a home." in md


def test_export_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config_with(tmp_path)
    monkeypatch.setenv("HUDDLEBOT_DATA_DIR", str(tmp_path / "data"))
    for name in ("DATABASE_URL", "SLACK_BOT_TOKEN", "TELEGRAM_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert main(["db", "upgrade"]) == 0  # export only reads: it makes no database of its own
    capsys.readouterr()
    args = ["--config", str(tmp_path / "huddlebot.toml"), "export", "--circle", "core"]
    assert main([*args, "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("id,created_at,kind,visibility,author")
    out = tmp_path / "core.json"
    assert main([*args, "--format", "json", "--output", str(out)]) == 0
    assert json.loads(out.read_text()) == []


# --- through Telegram --------------------------------------------------------------------------


async def test_a_story_and_mydata_through_telegram(telegram_world: TelegramWorld) -> None:
    world = telegram_world
    h, fake = world.harness, world.fake
    ada = user(2002, "Ada", "Okafor")
    await world.push(fake.message_update(2002, start_from_link("core"), sender=ada))
    story = "/story [Evenings] Families came once the drop-in moved to evenings."
    await world.push(fake.message_update(GROUP, story, sender=ada))
    answer = [m for m in fake.sent_messages if m["chat"]["id"] == 2002][-1]  # privately
    assert "Thank you for trusting us" in answer["text"] and "Evenings" in answer["text"]
    keys = [key for row in answer["reply_markup"]["inline_keyboard"] for key in row]
    share = next(key for key in keys if key["text"] == "Share it with the circle")
    await world.push(fake.callback_update(answer, share["callback_data"], sender=ada))
    assert "Share it with the circle" in fake.sent(2002)[-1]["text"]
    await world.push(fake.callback_update(answer, share["callback_data"], sender=ada))
    assert "Nothing needed changing" in fake.sent(2002)[-1]["text"]  # pressed twice

    await world.push(fake.message_update(2002, "/mydata", sender=ada))  # in the private chat
    private = "".join(m["text"] for m in fake.sent(2002))
    assert "Families came once the drop-in moved to evenings." in private
    assert "table,row,field,value" in private
    bo = user(3003, "Bo", None)  # has never opened a private chat with the bot
    name = fake.bot["username"]
    await world.push(fake.message_update(GROUP, f"/mydata@{name}", sender=bo))
    answer_to_bo = fake.calls("sendMessage")[-1].params  # privately, or in the group
    assert "cannot write to you privately" in answer_to_bo["text"]
    assert "Families" not in answer_to_bo["text"]

    await h.until(THURSDAY_17)
    [digest] = [m["text"] for m in fake.sent(GROUP) if "Huddle digest" in m["text"]]
    assert "Families came once the drop-in moved to evenings." in digest
    assert "Ada" not in digest  # still anonymous
