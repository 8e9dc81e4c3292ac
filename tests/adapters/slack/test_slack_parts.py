"""The Slack adapter's pure parts: Block Kit building, text, pacing, errors, and the manifest."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.blocks import (
    MAX_BLOCKS,
    MAX_SECTION_CHARS,
    ModalContext,
    action_name,
    message_blocks,
    section_texts,
    split_text,
)
from adapters.slack.inbound import split_command
from adapters.slack.pacing import Pacer, retry_after
from adapters.slack.text import escape_mrkdwn, mentioned_users, plain_text
from bot.core.messages import Button
from tests.fakes.slack_api import FakeSlackAPI, VirtualTime
from tests.fakes.spec import events_spec, web_api_spec

MANIFEST = Path(__file__).resolve().parents[3] / "slack" / "manifest.yml"
METHODS_USED = (
    "chat.postMessage",
    "chat.postEphemeral",
    "users.info",
    "users.list",
    "views.open",
    "auth.test",
    "conversations.info",  # huddlebot check
)
GRANULAR = {"conversations:read": {"channels:read", "groups:read"}}
"""The spec's umbrella scopes, as a bot token asks for them (public and private channels)."""
EVENTS_USED = ("message.channels", "message.groups", "message.im")


# ---- blocks


def test_each_paragraph_is_one_verbatim_section() -> None:
    blocks = message_blocks("*Learned*\n• one\n• two\n\n_Blocked_\n• three")
    assert [b["text"]["text"] for b in blocks] == ["*Learned*\n• one\n• two", "_Blocked_\n• three"]
    assert all(b["text"]["verbatim"] for b in blocks)


def test_a_long_paragraph_is_cut_at_line_breaks() -> None:
    lines = [f"• line {i} " + "x" * 90 for i in range(60)]
    pieces = split_text("\n".join(lines))
    assert all(len(p) <= MAX_SECTION_CHARS for p in pieces)
    assert "\n".join(pieces).splitlines() == lines


def test_too_many_paragraphs_are_packed_not_lost() -> None:
    text = "\n\n".join(f"para {i}" for i in range(200))
    sections = section_texts(text, budget=49)
    assert len(sections) <= 49
    assert "\n\n".join(sections) == text


def test_many_buttons_fill_several_action_blocks() -> None:
    buttons = [Button("vote", str(i), f"Option {i}") for i in range(30)]
    blocks = message_blocks("Choose", buttons)
    assert [b["type"] for b in blocks] == ["section", "actions", "actions"]
    assert [len(b["elements"]) for b in blocks[1:]] == [25, 5]


def test_action_names_survive_the_round_trip() -> None:
    assert action_name("story_visibility#3") == "story_visibility"
    assert action_name("plain") == "plain"
    assert action_name("with#hash#12") == "with#hash"


@given(st.text(alphabet=st.sampled_from("ab *_\n\t•"), max_size=12000))
def test_any_text_fits_block_kit(text: str) -> None:
    blocks = message_blocks(text, [Button("a", "v", "label")])
    assert len(blocks) <= MAX_BLOCKS
    for block in blocks:
        if block["type"] == "section":
            assert 1 <= len(block["text"]["text"]) <= MAX_SECTION_CHARS


def test_modal_context_round_trip_and_refusal() -> None:
    context = ModalContext(channel="C1", message_ts="1.2", thread_ts="1.0", author="U1")
    assert ModalContext.decode(context.encode()) == context
    with pytest.raises(ValueError):
        ModalContext.decode('{"m": "1.2"}')


# ---- text


@pytest.mark.parametrize(
    ("slack", "plain"),
    [
        ("<!channel> hi", "@channel hi"),
        ("<!here|here> now", "here now"),
        ("see <https://x.example|the notes>", "see the notes (https://x.example)"),
        ("see <https://x.example>", "see https://x.example"),
        ("ask <@U0SAM>", "ask @Sam"),
        ("ask <@U0OTHER>", "ask @U0OTHER"),
        ("in <#C123|general>", "in #general"),
        ("mail <mailto:a@b.org|a@b.org>", "mail a@b.org"),
        ("<!subteam^S1|@stewards> look", "@stewards look"),
        ("a &lt;b&gt; &amp;amp; c", "a <b> &amp; c"),
    ],
)
def test_slack_markup_becomes_plain_words(slack: str, plain: str) -> None:
    assert plain_text(slack, user_name={"U0SAM": "Sam"}.get) == plain  # type: ignore[arg-type]


def test_mentions_and_escaping() -> None:
    assert mentioned_users("<@U1> and <@U2|two> and <@U1>") == ["U1", "U2"]
    assert (
        escape_mrkdwn("<!channel> & <https://x|y>") == "&lt;!channel&gt; &amp; &lt;https://x|y&gt;"
    )


@pytest.mark.parametrize(
    ("text", "verb", "args"),
    [
        ("", "help", ""),
        ("   ", "help", ""),
        ("Learned  we listen better\nnow", "learned", "we listen better\nnow"),
        ("story", "story", ""),
    ],
)
def test_split_command(text: str, verb: str, args: str) -> None:
    assert split_command(text) == (verb, args)


# ---- pacing


async def test_the_pacer_spaces_one_channel_and_the_workspace() -> None:
    vt = VirtualTime(start=0.0)
    pacer = Pacer(per_channel=1.0, workspace=4.0, monotonic=vt.monotonic, sleep=vt.sleep)
    times = []
    for channel in ["A", "B", "A", "C", "D", "E"]:
        await pacer.wait(channel)
        times.append(vt.now)
    assert times == pytest.approx([0.0, 0.25, 1.0, 1.25, 1.5, 1.75])


async def test_the_pacer_holds_a_channel_slack_asked_to_wait_for() -> None:
    vt = VirtualTime(start=0.0)
    pacer = Pacer(monotonic=vt.monotonic, sleep=vt.sleep)
    pacer.hold("A", 30)
    await pacer.wait("A")
    assert vt.now == pytest.approx(30.0)


def test_retry_after_reads_headers_in_any_shape() -> None:
    assert retry_after({"Retry-After": ["7"]}) == 7
    assert retry_after({"retry-after": "3"}) == 3
    assert retry_after({"Retry-After": "soon"}) == 1.0
    assert retry_after(None) == 1.0


# ---- the manifest


def _manifest_list(key: str) -> list[str]:
    text = MANIFEST.read_text(encoding="utf-8")
    match = re.search(rf"^(\s*){key}:\n((?:\1\s+- .*\n)+)", text, re.MULTILINE)
    assert match, f"{key} not found in {MANIFEST}"
    return [line.strip()[2:] for line in match.group(2).splitlines()]


def test_the_manifest_asks_for_exactly_the_scopes_the_adapter_uses() -> None:
    spec = web_api_spec()
    umbrella = {spec.methods[m].scope for m in METHODS_USED} - {"none"}
    needed = {granular for scope in umbrella for granular in GRANULAR.get(scope, {scope})}
    needed |= {scope for event in EVENTS_USED for scope in events_spec().topic_scopes[event]}
    needed |= {"commands"}
    assert sorted(_manifest_list("bot")) == sorted(needed)
    assert _manifest_list("bot_events") == list(EVENTS_USED)


def test_the_manifest_names_the_command_and_the_shortcut() -> None:
    text = MANIFEST.read_text(encoding="utf-8")
    assert "command: /huddle" in text
    assert "callback_id: save_to_huddle" in text
    assert "socket_mode_enabled: false" in text


# ---- the fake holds requests to the spec


async def test_the_fake_reports_what_slack_would_refuse() -> None:
    async with FakeSlackAPI() as slack:
        client = AsyncWebClient(token="xoxb-test", base_url=slack.url)
        with pytest.raises(SlackApiError):
            await client.api_call("chat.postMessage", json={"text": "no channel"})
        with pytest.raises(SlackApiError):
            await client.api_call("chat.postMesage", json={"channel": "C1", "text": "typo"})
        too_many = [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}] * 51
        with pytest.raises(SlackApiError):
            await client.chat_postMessage(channel="C1", text="x", blocks=too_many)
        await client.chat_postMessage(channel="C1", text="fine", metadata_extra="new")
    assert len(slack.violations) == 3
    assert "required parameter 'channel' missing" in slack.violations[0]
    assert "unknown method" in slack.violations[1]
    assert "51 blocks" in slack.violations[2]
    assert slack.warnings == [
        "chat.postMessage: parameter 'metadata_extra' is not in the 2021 spec"
    ]
    with pytest.raises(AssertionError):
        slack.assert_no_violations()
