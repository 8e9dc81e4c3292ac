"""The composition root: builds the store, core, outbox, scheduler, adapters and web app, and
tears them down in reverse order. Nothing here is global; everything is passed in."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import text
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from adapters.registry import PLATFORM_SPECS
from bot.config.environment import Settings
from bot.config.partnership import Config
from bot.core.background import Background
from bot.core.clock import Clock
from bot.core.inbound import Core
from bot.core.lookups import Memo
from bot.core.outbox import Outbox
from bot.core.ports import Adapter, KnowsVerbs, MovesRooms, TakesTurns
from bot.core.room_moves import RoomMoves, follow_moves
from bot.core.router import Router
from bot.core.runtime import Queue, Runtime
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.in_doubt import doubt_handler
from bot.delivery.leases import Turns
from bot.delivery.own_parts import OwnParts
from bot.delivery.presence import Presence
from bot.delivery.run_lock import one_running_bot
from bot.delivery.unreachable import unreachable_handler
from bot.digests.contributions import Contributors
from bot.errors import ConfigError
from bot.package_data import builtin_prompts
from bot.practices import contributions
from bot.practices.protocols import HasTimers, Practice, PracticeKind
from bot.practices.registry import PRACTICES, build_practices
from bot.practices.services import Services
from bot.rituals.runner import Huddle
from bot.rituals.scheduler import JobScheduler
from bot.rituals.timers import Timers
from bot.storage.database import SessionFactory, one_at_a_time, open_database
from bot.storage.models import Circle, CircleStart, Room
from bot.storage.sql import insert_ignore
from bot.text.library import PromptLibrary, library_for
from bot.web import WebServer, build_web_app
from bot.web.archive import Archive
from bot.web.pages import HasWebPages
from bot.web.rendering import WebTemplates
from bot.web.verb import PublicAddress, SignInVerb
from bot.web.view import WebView
from bot.web.week import week_page

log = logging.getLogger(__name__)

PROMPTS_ROOT = builtin_prompts()


@dataclass
class Bot:
    """Everything a running huddlebot is made of."""

    config: Config
    settings: Settings
    sessions: SessionFactory
    library: PromptLibrary
    outbox: Outbox
    dispatcher: Dispatcher
    core: Core
    huddle: Huddle
    router: Router
    adapters: dict[str, Adapter] = field(default_factory=dict)
    features: list[Practice] = field(default_factory=list)
    """The practices the bot was built with, in the order of their list."""
    web: WebView | None = None
    """The people's web pages under /app, served with the web app."""
    address: PublicAddress | None = None


def check_prompts(config: Config, library: PromptLibrary) -> None:
    known = {p.id for p in library.prompts()}
    for c_index, circle in enumerate(config.circles):
        if circle.language != library.language:
            log.warning(
                "%s: circles[%d].language = %r is not used yet; every message is in the "
                "partnership's language, %r",
                config.source,
                c_index,
                circle.language,
                library.language,
            )
        for r_index, ritual in enumerate(circle.rituals):
            if ritual.prompt not in known:
                raise ConfigError(
                    f"there is no prompt '{ritual.prompt}' in the prompt library",
                    source=str(config.source),
                    key=f"circles[{c_index}].rituals[{r_index}].prompt",
                    fix=f"use one of: {', '.join(sorted(known))}",
                )


async def sync_circles(
    sessions: SessionFactory, config: Config, memo: Memo, *, now: datetime
) -> None:
    """Make the stored circles and rooms match the configuration; note the inactive rooms.

    The configuration is the truth: a stored room it no longer lists is retired (`configured`
    false), so it gets nothing more while its history stays, and the log names what was retired.
    A circle new to the configuration is noted as started `now`.
    """
    async with sessions.begin() as session:
        await one_at_a_time(session)  # processes starting together sync one after another
        for circle in config.circles:
            row = await session.get(Circle, circle.id)
            if row is None:
                session.add(
                    Circle(
                        id=circle.id, name=circle.name, kind=circle.kind, timezone=circle.timezone
                    )
                )
            else:
                row.name, row.kind, row.timezone = circle.name, circle.kind, circle.timezone
                session.add(row)
        await session.flush()
        wanted: set[tuple[str, str, str]] = set()
        for circle in config.circles:
            await insert_ignore(session, CircleStart, {"circle_id": circle.id, "started_at": now})
            for room in circle.rooms:
                wanted.add((room.platform, room.chat, room.topic or ""))
                values = {
                    "circle_id": circle.id,
                    "platform": room.platform,
                    "chat": room.chat,
                    "topic": room.topic or "",
                    "active": True,
                    "inactive_reason": "",
                    "configured": True,
                }
                if await insert_ignore(session, Room, values) is None:
                    existing = (
                        await session.exec(
                            select(Room).where(
                                Room.platform == room.platform,
                                Room.chat == room.chat,
                                Room.topic == (room.topic or ""),
                            )
                        )
                    ).one()
                    existing.circle_id = circle.id
                    existing.configured = True
                    if not existing.active:
                        log.warning(
                            "%s room %s is inactive (%s); it comes back when the bot hears "
                            "from it again",
                            room.platform,
                            room.chat,
                            existing.inactive_reason,
                        )
                    session.add(existing)
        await _retire_rooms(session, config, wanted, memo)
        inactive = await session.exec(select(Room).where(Room.active == False))  # noqa: E712
        memo.inactive_rooms.update((room.platform, room.chat) for room in inactive.all())


async def _retire_rooms(
    session: AsyncSession, config: Config, wanted: set[tuple[str, str, str]], memo: Memo
) -> None:
    """Mark the stored rooms the configuration no longer lists; say which were retired now."""
    circles = {circle.id for circle in config.circles}
    newly: list[str] = []
    gone_circles: set[str] = set()
    for room in (await session.exec(select(Room).order_by(col(Room.id)))).all():
        address = (room.platform, room.chat, room.topic)
        if address in wanted:
            continue
        memo.retired_rooms.add(address)
        if room.configured:
            room.configured = False
            session.add(room)
            topic = f" topic {room.topic}" if room.topic else ""
            newly.append(f"{room.platform} {room.chat}{topic} (circle {room.circle_id})")
            if room.circle_id not in circles:
                gone_circles.add(room.circle_id)
    if newly:
        log.warning(
            "%s no longer lists %s%s, so nothing more is sent there; what was said there stays",
            config.source,
            "these rooms: " if len(newly) > 1 else "the room ",
            ", ".join(newly),
        )
    if gone_circles:
        log.warning(
            "%s no longer lists the circle%s %s; its history stays, and it gets no prompts, "
            "digests or notices",
            config.source,
            "s" if len(gone_circles) > 1 else "",
            ", ".join(sorted(gone_circles)),
        )


@asynccontextmanager
async def assembled(
    config: Config,
    settings: Settings,
    *,
    adapters: Sequence[Adapter],
    clock: Clock,
    scheduler: JobScheduler,
    prompts_root: Path = PROMPTS_ROOT,
    practices: Sequence[PracticeKind] = PRACTICES,
    one_shot: bool = False,
    create_database: bool = True,
) -> AsyncIterator[Bot]:
    """Build a bot whose parts are ready but not yet running (no loops, no network), with
    `practices` (by default every practice in the list).

    The bot delivers the whole outbox: on SQLite it holds the database's run lock
    (bot/delivery/run_lock.py) and marks parts a stopped process was sending as in doubt. A
    `one_shot` bot (a command) takes no lock and leaves other processes' parts alone: it
    delivers only the messages it queued itself. Without `create_database` (a command that
    only reads) a SQLite database that is not there yet is refused rather than made.
    """
    library = library_for(config, settings, builtin=prompts_root)
    check_prompts(config, library)
    lock = nullcontext() if one_shot else one_running_bot(settings.sqlite_path)
    async with AsyncExitStack() as stack:
        stack.enter_context(lock)  # before migrating, so a second bot changes nothing
        sessions = await stack.enter_async_context(
            open_database(settings.database_url, create=create_database)
        )
        presence = await stack.enter_async_context(
            Presence(sessions, role="command" if one_shot else "run")
        )
        memo = Memo()
        config = await follow_moves(sessions, config, memo)  # rooms that moved, where they are now
        await sync_circles(sessions, config, memo, now=clock.now())
        by_platform = {adapter.platform: adapter for adapter in adapters}
        router = Router(menu=contributions.MENU)
        if one_shot:
            outbox = Outbox(renderer=library, platforms=by_platform, memo=memo)
            queue: Queue = (own := OwnParts(outbox))
            dispatcher = Dispatcher(
                sessions, by_platform, clock=clock, presence=presence, only=own.keys
            )
        else:
            dispatcher = Dispatcher(sessions, by_platform, clock=clock, presence=presence)
            stack.push_async_callback(dispatcher.close)  # before this process signs out
            # an answer to a quiet room is stored claimed and sent straight after its commit
            claims = dispatcher.direct
            outbox = Outbox(renderer=library, platforms=by_platform, memo=memo, claims=claims)
            queue = outbox
        runtime = Runtime(sessions=sessions, outbox=queue, clock=clock, wake=dispatcher.wake)
        core = Core(
            config=config,
            runtime=runtime,
            router=router,
            library=library,
            clock=clock,
            memo=memo,
            platforms={spec.name: spec for spec in PLATFORM_SPECS},
        )
        timers = Timers(
            runtime=runtime, sessions=sessions, clock=clock, scheduler=scheduler, holder=presence.id
        )
        huddle = Huddle(
            config=config,
            runtime=runtime,
            sessions=sessions,
            library=library,
            clock=clock,
            scheduler=scheduler,
            timers=timers,
        )
        dispatcher.on_undeliverable = unreachable_handler(config=config, runtime=runtime, memo=memo)
        dispatcher.on_left_in_doubt = doubt_handler(config=config, runtime=runtime, clock=clock)
        contributions.register(router)
        huddle.register(router)
        services = Services(
            config=config,
            runtime=runtime,
            sessions=sessions,
            library=library,
            clock=clock,
            scheduler=scheduler,
            timers=timers,
            memo=memo,
            data_dir=settings.data_dir,
        )
        features = build_practices(services, practices)
        for practice in features:
            practice.register(router)
            if isinstance(practice, HasTimers):
                practice.register_timers(timers)
            huddle.extra_jobs.extend(practice.jobs())
        huddle.contributors = Contributors.of(features)
        moves = RoomMoves(config=config, runtime=runtime, memo=memo)
        address = PublicAddress(settings.public_url, host=settings.host, port=settings.port)
        SignInVerb(address).register(router)
        pages = [
            week_page(library, huddle.contributors),
            Archive(library, huddle.contributors).page(),
            *(page for f in features if isinstance(f, HasWebPages) for page in f.web_pages()),
        ]
        web = WebView(
            config=config,
            sessions=sessions,
            runtime=runtime,
            clock=clock,
            templates=WebTemplates.load(config, settings, builtin=prompts_root),
            pages=pages,
            handle=core.handle,
            secure=address.secure,
        )
        for adapter in adapters:
            if isinstance(adapter, KnowsVerbs):
                adapter.use_verbs(router.verbs)
            if isinstance(adapter, TakesTurns):
                adapter.use_turns(Turns(sessions, presence))
            if isinstance(adapter, MovesRooms):
                adapter.report_moves(moves.moved)
        await dispatcher.recover()
        yield Bot(
            config=config,
            settings=settings,
            sessions=sessions,
            library=library,
            outbox=outbox,
            dispatcher=dispatcher,
            core=core,
            huddle=huddle,
            router=router,
            adapters=by_platform,
            features=features,
            web=web,
            address=address,
        )


async def _stop_delivery(bot: Bot, delivery: asyncio.Task[None], *, grace: float = 30.0) -> None:
    bot.dispatcher.stop()
    try:
        await asyncio.wait_for(asyncio.shield(delivery), timeout=grace)
    except TimeoutError:
        log.warning("delivery did not stop within %gs; parts being sent are left in doubt", grace)
        delivery.cancel()
    except Exception:  # already logged by the background task's own handler
        pass


@asynccontextmanager
async def running(
    bot: Bot, *, background: Background, serve_http: bool = True
) -> AsyncIterator[WebServer | None]:
    """Start the bot's loops: delivery, every adapter, the web app and the schedule."""
    async with AsyncExitStack() as stack:
        for adapter in bot.adapters.values():
            await stack.enter_async_context(adapter.connect(bot.core.handle))
        delivery = background.spawn(bot.dispatcher.run(), name="dispatcher")
        background.spawn(bot.huddle.watch_timers(), name="timers")
        # unwound before the adapters disconnect: parts in flight finish, then delivery stops
        stack.push_async_callback(_stop_delivery, bot, delivery)
        server = None
        if serve_http:
            routes = [route for adapter in bot.adapters.values() for route in adapter.routes()]
            if bot.web is not None:
                routes.extend(bot.web.routes())

            async def health() -> dict[str, object]:
                async with bot.sessions() as session:
                    await (await session.connection()).execute(text("SELECT 1"))
                return {"platforms": sorted(bot.adapters)}

            app = build_web_app(routes, health=health)
            server = await stack.enter_async_context(
                WebServer(
                    app, host=bot.settings.host, port=bot.settings.port, background=background
                )
            )
            if bot.address is not None:
                bot.address.port = server.port
        await bot.huddle.start()
        yield server
