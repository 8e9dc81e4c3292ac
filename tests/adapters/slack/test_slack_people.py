"""Slack people by name (adapters/slack/people.py): the workspace's people are listed as the
adapter connects, so their first messages need no `users.info` while being acknowledged; anyone
else is looked up once; a list Slack refuses leaves every name to the lookups."""

from __future__ import annotations

from tests.adapters.slack.events_harness import ALEX, SAM, Harness, open_harness, reply_event
from tests.fakes.slack_api import FakeSlackAPI, rate_limited, server_error


async def test_people_listed_at_connect_need_no_lookup(bot: Harness) -> None:
    assert len(bot.slack.calls("users.list")) == 1
    await bot.post_json(reply_event(user=ALEX, event_id="Ev1"))
    await bot.post_json(reply_event(user=SAM, event_id="Ev2", ts="1700000300.000300"))
    assert [e.sender.display_name for e in bot.received] == ["alex", "Sam Okoro"]
    assert bot.slack.calls("users.info") == []


async def test_a_large_workspace_is_listed_page_by_page_up_to_a_bound(
    slack: FakeSlackAPI,
) -> None:
    for n in range(1500):  # over the five pages of 200 the adapter reads
        slack.add_user(f"U{n:07d}", real_name=f"Person {n}")
    async for bot in open_harness(slack):
        pages = slack.calls("users.list")
        assert len(pages) == 5
        assert [call.params.get("cursor") for call in pages[:2]] == [None, "page:200"]
        listed, later = "U0000042", "U0001400"  # on the first page, and beyond the fifth
        await bot.post_json(reply_event(user=listed, event_id="Ev1"))
        await bot.post_json(reply_event(user=later, event_id="Ev2", ts="1700000300.000300"))
        assert [e.sender.display_name for e in bot.received] == ["Person 42", "Person 1400"]
        assert [call.params.get("user") for call in slack.calls("users.info")] == [later]


async def test_a_list_slack_refuses_leaves_names_to_lookups(slack: FakeSlackAPI) -> None:
    slack.queue("users.list", server_error(503), times=10)
    async for bot in open_harness(slack):
        await bot.post_json(reply_event(user=ALEX, event_id="Ev1"))
        assert bot.received[0].sender.display_name == "alex"
        assert len(slack.calls("users.info")) == 1


async def test_a_rate_limited_list_is_tried_again_as_slack_asks(slack: FakeSlackAPI) -> None:
    slack.queue("users.list", rate_limited(retry_after=0))
    async for bot in open_harness(slack):
        assert len(slack.calls("users.list")) == 2  # the SDK waited, then asked again
        await bot.post_json(reply_event(user=SAM, event_id="Ev1"))
        assert bot.received[0].sender.display_name == "Sam Okoro"
        assert slack.calls("users.info") == []
