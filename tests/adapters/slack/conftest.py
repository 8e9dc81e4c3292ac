"""The fake Slack Web API and an adapter on its events route (events_harness.py), for the tests
of this folder that take them; a module's own fixtures of the same names win."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.adapters.slack.events_harness import ALEX, SAM, Harness, open_harness
from tests.fakes.slack_api import FakeSlackAPI


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlackAPI]:
    async with FakeSlackAPI() as api:
        api.add_user(ALEX, real_name="Alex Morgan", display_name="alex")
        api.add_user(SAM, real_name="Sam Okoro")
        yield api
        api.assert_no_violations()


@pytest.fixture
async def bot(slack: FakeSlackAPI) -> AsyncIterator[Harness]:
    async for harness in open_harness(slack):
        yield harness
