"""A reply far over the length limit is answered in one message, not echoed back whole."""

from __future__ import annotations

from tests.harness import Harness


async def test_a_huge_reply_gets_one_short_answer(harness: Harness) -> None:
    await harness.bot.huddle.send_prompt_now("core", "learned")
    harness.take()
    huge = "The drop-in hours suit families better. " * 25_000  # about a megabyte
    await harness.say(f"@ana /learned {huge}")
    answer = harness.take()
    assert "a little long for one entry" in answer
    assert "Here is how it begins" in answer
    assert 2_500 < len(answer) < 4_000
    assert answer.count("The drop-in hours") < 100


async def test_a_reply_a_little_too_long_is_echoed_whole(harness: Harness) -> None:
    text = "We learned that evening drop-ins suit families. " * 12  # 576 characters, limit 500
    await harness.say(f"@ana /learned {text}")
    answer = harness.take()
    assert "Nothing is lost" in answer
    assert answer.count("evening drop-ins suit families") == 12
