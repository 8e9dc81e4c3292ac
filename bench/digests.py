"""How long building a digest takes as a partnership grows, on SQLite.

Run it from the repository: `.venv/bin/python bench/digests.py` (`--quick` skips 100,000). It
prints:

1. a huddle digest of one circle over a week holding 1,000, 10,000 and 100,000 entries (every
   kind: learnings, blockers, celebrations, stories, questions, reflections, experiment
   updates), from the store to the Markdown archived; the best of `--repeat` runs each;
2. the growth from one size to the next beside what n log n would allow (10 n log 10n / n log n);
3. a steward digest over 100 circles of 1,000 entries each (100,000 entries in the week).

Floors: the 10,000-entry huddle digest under 300 ms, the steward digest under 3 s, and growth no
worse than n log n. This is a benchmark, not a test: it uses the real clock. It exits 0 whether
or not the floors are met (a missed floor prints FAIL), and 1 when a digest came out wrong.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import math
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config.partnership import CircleConfig, Config, DigestConfig, PartnershipConfig  # noqa: E402
from bot.digests.contributions import Contributors  # noqa: E402
from bot.digests.huddle_digest import digest_context  # noqa: E402
from bot.digests.steward_digest import steward_context  # noqa: E402
from bot.practices.blockers.digest import BlockersInDigests  # noqa: E402
from bot.practices.experiments.digest import ExperimentsInDigests  # noqa: E402
from bot.practices.learning_sets.digest import LearningSetsInDigests  # noqa: E402
from bot.practices.pulse.digest import PulseInDigests  # noqa: E402
from bot.practices.stories.digest import StoriesInDigests  # noqa: E402
from bot.storage.database import SessionFactory, open_database  # noqa: E402
from bot.storage.driver import SQLITE_TIME  # noqa: E402
from bot.text.library import PromptLibrary  # noqa: E402

SIZES = (1_000, 10_000, 100_000)
FLOOR_10K_MS = 300.0
FLOOR_STEWARD_MS = 3_000.0
STEWARD_CIRCLES, STEWARD_EACH = 100, 1_000
END = datetime(2026, 3, 12, 16, 0, tzinfo=UTC)
START = END - timedelta(days=7)
PEOPLE = 500

KINDS = (
    ("learning", 40),
    ("blocker", 12),
    ("celebration", 15),
    ("question", 8),
    ("story", 5),
    ("reflection", 12),
    ("experiment_update", 8),
)
TOPICS = (
    ("housing", "waiting list", "tenants", "council", "repairs", "rent arrears"),
    ("young carers", "food", "session", "school", "cooking", "respite"),
    ("referral form", "handover", "charities", "triage", "duplicate", "consent"),
    ("volunteers", "lived experience", "trust", "training", "peer support", "mentoring"),
    ("funding", "grant", "budget", "commissioners", "evening outreach", "contract"),
    ("data sharing", "case notes", "records", "information governance", "systems", "logins"),
    ("transport", "bus fares", "rural", "appointments", "distance", "lifts"),
)
FILLER = ("we noticed", "people told us", "this week", "again", "it helped", "next time")

CONTRIBUTORS = Contributors.of(
    [
        ExperimentsInDigests(),
        BlockersInDigests(),
        StoriesInDigests(),
        LearningSetsInDigests(),
        PulseInDigests(),
    ]
)
"""The practices' digest parts, in the practices' order (the bench builds no whole bot)."""


def text_for(rng: random.Random) -> str:
    topic = rng.choice(TOPICS)
    words = rng.sample(topic, 3) + rng.sample(FILLER, 2)
    rng.shuffle(words)
    return " ".join(words).capitalize() + "."


def _stamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime(SQLITE_TIME)


def fill(path: Path, circles: list[tuple[str, str, int]], *, seed: int = 7) -> None:
    """Write circles, people and each circle's entries straight into the migrated database."""
    rng = random.Random(seed)
    kinds = [kind for kind, weight in KINDS for _ in range(weight)]
    db = sqlite3.connect(path)
    with db:
        db.executemany(
            "INSERT INTO circles (id, name, kind, timezone) VALUES (?, ?, ?, ?)",
            [(cid, name, "partnership", "Europe/London") for cid, name, _n in circles],
        )
        db.executemany(
            "INSERT INTO people (id, display_name, created_at) VALUES (?, ?, ?)",
            [(i, f"Person {i}", _stamp(START)) for i in range(1, PEOPLE + 1)],
        )
        span = (END - START).total_seconds()
        rows = []
        for cid, _name, count in circles:
            for k in range(count):
                at = START + timedelta(seconds=span * (k + 0.5) / count)
                kind = rng.choice(kinds)
                rows.append(
                    (
                        cid,
                        rng.randint(1, PEOPLE),
                        kind,
                        text_for(rng),
                        "stewards" if kind == "story" and k % 2 else "circle",
                        kind == "story" or k % 7 == 0,
                        "bench",
                        f"{cid}:{k}",
                        _stamp(at),
                    )
                )
        db.executemany(
            "INSERT INTO entries (circle_id, person_id, kind, text, visibility, anonymous, "
            "platform, source_ref, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    db.execute("ANALYZE")
    db.close()


def circle_config(cid: str, name: str) -> CircleConfig:
    return CircleConfig(
        id=cid,
        name=name,
        kind="partnership",
        timezone="Europe/London",
        language="en",
        rooms=(),
        rituals=(),
        digest=DigestConfig(cron="0 16 * * THU"),
    )


def config_for(circles: list[tuple[str, str, int]]) -> Config:
    partnership = PartnershipConfig(name="Benchmark Partnership", timezone="Europe/London")
    stewards = CircleConfig(
        id="stewards",
        name="Stewards",
        kind="stewards",
        timezone="Europe/London",
        language="en",
        rooms=(),
        rituals=(),
        digest=None,
    )
    return Config(
        partnership=partnership,
        circles=(*(circle_config(c, n) for c, n, _k in circles), stewards),
        source=Path("bench"),
    )


async def best_of(repeat: int, build: Callable[[], Awaitable[str]]) -> tuple[float, str]:
    best, text = math.inf, ""
    for _ in range(repeat):
        started = time.perf_counter()
        text = await build()
        best = min(best, time.perf_counter() - started)
    return best, text


async def prepared(folder: Path, circles: list[tuple[str, str, int]]) -> tuple[str, Path]:
    path = folder / "bench.db"
    url = f"sqlite+aiosqlite:///{path}"
    async with open_database(url):
        pass  # migrated
    with_stewards = [*circles, ("stewards", "Stewards", 0)]
    fill(path, with_stewards)
    return url, path


async def huddle(size: int, library: PromptLibrary, repeat: int) -> tuple[float, str]:
    circles = [("core", "Core partnership", size)]
    config = config_for(circles)
    with tempfile.TemporaryDirectory(prefix="huddlebot-bench-") as folder:
        url, _path = await prepared(Path(folder), circles)
        async with open_database(url, migrate=False) as sessions:
            return await best_of(repeat, lambda: _huddle(sessions, config, library))


async def _huddle(sessions: SessionFactory, config: Config, library: PromptLibrary) -> str:
    async with sessions() as session:
        context = await digest_context(
            session,
            circle=config.circle("core"),
            start=START,
            end=END,
            library=library,
            contributors=CONTRIBUTORS,
        )
    return library.render("huddle_digest", context, "markdown")


async def steward(library: PromptLibrary, repeat: int) -> tuple[float, str]:
    circles = [(f"c{n:03d}", f"Circle {n:03d}", STEWARD_EACH) for n in range(STEWARD_CIRCLES)]
    config = config_for(circles)
    with tempfile.TemporaryDirectory(prefix="huddlebot-bench-") as folder:
        url, _path = await prepared(Path(folder), circles)
        async with open_database(url, migrate=False) as sessions:

            async def build() -> str:
                async with sessions() as session:
                    context = await steward_context(
                        session,
                        config=config,
                        start=START,
                        end=END,
                        library=library,
                        contributors=CONTRIBUTORS,
                    )
                return library.render("steward_digest", context, "markdown")

            return await best_of(repeat, build)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


async def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    options.add_argument("--quick", action="store_true", help="skip the 100,000-entry digest")
    options.add_argument("--repeat", type=int, default=3, help="runs per size; the best counts")
    args = options.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    library = PromptLibrary.load(ROOT / "prompts", "en")
    sizes = SIZES[:2] if args.quick else SIZES
    broken = False
    times: dict[int, float] = {}
    print(f"Huddle digest of one circle over a week (SQLite, best of {args.repeat}):")
    for size in sizes:
        seconds, text = await huddle(size, library, args.repeat)
        times[size] = seconds
        broken |= "What we learned" not in text or "people shared" not in text
        print(f"  {size:>7,} entries: {seconds * 1000:8.1f} ms  ({len(text):,} characters)")
    print("Growth from one size to the next (n log n allows about 10 x log(10n) / log(n)):")
    growth_ok = True
    for small, big in itertools.pairwise(sizes):
        ratio = times[big] / times[small]
        allowed = (big * math.log(big)) / (small * math.log(small))
        growth_ok &= ratio <= allowed
        print(
            f"  {small:>7,} -> {big:,}: x{ratio:5.2f}  (n log n: x{allowed:5.2f})  "
            f"{verdict(ratio <= allowed)}"
        )
    seconds, text = await steward(library, args.repeat)
    broken |= "Themes across the circles" not in text
    print(
        f"Steward digest over {STEWARD_CIRCLES} circles x {STEWARD_EACH:,} entries: "
        f"{seconds * 1000:8.1f} ms  ({len(text):,} characters)"
    )
    print("Floors:")
    under = times[10_000] * 1000 < FLOOR_10K_MS
    print(f"  10,000 entries under {FLOOR_10K_MS:.0f} ms: {verdict(under)}")
    print(
        f"  steward digest under {FLOOR_STEWARD_MS / 1000:.0f} s: "
        f"{verdict(seconds * 1000 < FLOOR_STEWARD_MS)}"
    )
    print(f"  growth no worse than n log n: {verdict(growth_ok)}")
    if broken:
        print("A digest came out without the sections it should have.", file=sys.stderr)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
