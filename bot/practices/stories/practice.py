"""Stories: told by the `story` verb or a prompt reply, shared only as far as the teller chose.

Until the teller chooses, the safest choice holds: stewards only, without their name. Every choice
is recorded as a `Consent` with the words the teller saw and the time. The teller can change it,
describe the story (which System Maturity Model dimensions it touches, better/worse/mixed) or
withdraw it at any time, by button or by command:

    story [A title] the story itself        tell a story, with an optional title in brackets
    story list                              your stories, with their numbers
    story share 12 circle|stewards|private  who may read story 12
    story name 12 named|anonymous           whether it carries your name
    story title 12 A new title              give it a title (nothing after the number removes it)
    story about 12                          the buttons to describe it
    story withdraw 12                       take it back: it is never shown again
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.entries import record_choice, save_entry
from bot.core.events import ButtonPress, Command, InboundEvent
from bot.core.inbound import answer_here
from bot.core.messages import Body, Button, Outgoing
from bot.core.router import Context, Router, Saved
from bot.core.visibility import HELD, KEPT_IN_SET
from bot.errors import InputError
from bot.practices.contributions import checked_text
from bot.practices.protocols import EntryDetail
from bot.practices.services import Services
from bot.practices.stories.digest import StoriesInDigests
from bot.practices.stories.labels import (
    DIMENSIONS,
    DIRECTIONS,
    NAMING,
    SHARING,
    STORY_SUBCOMMANDS,
    TITLE_LIMIT,
    TITLE_ONLY,
    WITHDRAW_WORDING,
    sharing_label,
    split_title,
)
from bot.practices.stories.models import StoryDetail
from bot.practices.stories.ownership import (
    about_buttons,
    choice_buttons,
    latest_consent,
    not_withdrawn,
    own_story,
)
from bot.practices.stories.reading import dimension_labels, story_details
from bot.practices.stories.web import story_pages
from bot.rituals.scheduler import JobSpec
from bot.storage.models import Entry
from bot.web.pages import Page


class Stories(StoriesInDigests):
    """The story verb, the teller's buttons and the hook that holds every new story safely."""

    name = "stories"

    async def describe_entries(
        self, session: AsyncSession, entry_ids: Sequence[int]
    ) -> Mapping[int, EntryDetail]:
        """A story's title and the teller's own description, for `huddlebot export`."""
        return await story_details(session, entry_ids)

    def __init__(self, services: Services) -> None:
        self._config = services.config

    def web_pages(self) -> tuple[Page, ...]:
        """Its page of the web view."""
        return story_pages()

    def register(self, router: Router) -> None:
        router.command(
            "story",
            self.on_story,
            description="tell a short story of change (you choose who sees it)",
        )
        router.on_entry("story", self.on_saved, replace_answer=True)
        router.button("story_share", self.on_share_button)
        router.button("story_name", self.on_name_button)
        router.button("story_dim", self.on_dimension_button)
        router.button("story_dir", self.on_direction_button)
        router.button("story_withdraw", self.on_withdraw_button)

    def jobs(self) -> list[JobSpec]:
        return []

    # -- telling -------------------------------------------------------------------------------

    async def on_story(self, ctx: Context, event: Command) -> list[Outgoing]:
        args = event.args.strip()
        reading = STORY_SUBCOMMANDS.read(args)
        if reading is not None and reading.number is None:
            return await self._list(ctx, event)
        if reading is not None:
            return await self._manage(ctx, event, reading.word, str(reading.number), reading.rest)
        if TITLE_ONLY.match(args):
            raise InputError("replies/empty", verb="story")
        text = checked_text(ctx, args, verb="story")
        return await save_entry(ctx, event, kind="story", text=text)

    async def on_saved(self, ctx: Context, event: InboundEvent, saved: Saved) -> list[Outgoing]:
        """Any new story: hold the safe default, keep its title apart, thank the teller."""
        if saved.visibility in HELD:
            return []  # held for its author or kept in a learning set: not widened
        entry = await ctx.session.get_one(Entry, saved.entry_id)
        title, text = split_title(saved.text)
        entry.visibility, entry.anonymous = "stewards", True
        if title:
            entry.text = text
        ctx.session.add(entry)
        ctx.session.add(StoryDetail(entry_id=saved.entry_id, title=title, changed_at=ctx.now))
        body = Body(
            "stories/saved",
            {
                "story_id": saved.entry_id,
                "title": title,
                "care_note": self._config.partnership.care_note,
            },
        )
        key = f"story:{event.platform}:{event.dedup_key}"
        return [replace(answer_here(event, body, key=key), buttons=choice_buttons(saved.entry_id))]

    # -- managing ------------------------------------------------------------------------------

    async def _manage(
        self, ctx: Context, event: InboundEvent, sub: str, number: str, more: str
    ) -> list[Outgoing]:
        entry, detail = await own_story(ctx, number)
        if sub == "withdraw":
            return await self._withdraw(ctx, event, entry, detail)
        not_withdrawn(entry)
        if sub == "share":
            choice = more.lower()
            if choice not in SHARING:
                raise InputError("stories/usage", subcommand="share")
            return await self._choose(ctx, event, entry, detail, visibility=choice)
        if sub == "name":
            choice = more.lower()
            if choice not in NAMING:
                raise InputError("stories/usage", subcommand="name")
            return await self._choose(ctx, event, entry, detail, anonymous=choice == "anonymous")
        if sub == "title":
            return self._title(ctx, event, detail, more)
        body = Body("stories/about", {"story_id": entry.id})
        key = f"story-about:{event.platform}:{event.dedup_key}"
        return [replace(answer_here(event, body, key=key), buttons=about_buttons(entry.id or 0))]

    async def _choose(
        self,
        ctx: Context,
        event: InboundEvent,
        entry: Entry,
        detail: StoryDetail,
        *,
        visibility: str | None = None,
        anonymous: bool | None = None,
    ) -> list[Outgoing]:
        assert entry.id is not None
        if visibility is not None and entry.visibility == KEPT_IN_SET:
            circle = next((c.name for c in ctx.config.circles if c.id == entry.circle_id), "")
            raise InputError("stories/kept_in_set", story_id=entry.id, circle=circle)
        new_visibility = entry.visibility if visibility is None else visibility
        new_anonymous = entry.anonymous if anonymous is None else anonymous
        if visibility is not None:
            wording = SHARING[visibility]
        else:
            wording = NAMING["anonymous" if new_anonymous else "named"]
        latest = await latest_consent(ctx, entry.id)
        unchanged = (
            latest is not None
            and (latest.visibility, latest.anonymous) == (new_visibility, new_anonymous)
            and (new_visibility, new_anonymous) == (entry.visibility, entry.anonymous)
        )
        hooked: list[Outgoing] = []
        if not unchanged:
            hooked = await record_choice(
                ctx,
                event,
                entry,
                visibility=new_visibility,
                anonymous=new_anonymous,
                wording=wording,
            )
            detail.changed_at = ctx.now
            ctx.session.add(detail)
        body = Body(
            "stories/choice",
            {
                "story_id": entry.id,
                "visibility": sharing_label(new_visibility),
                "anonymous": new_anonymous,
                "unchanged": unchanged,
                "first": latest is None,
            },
        )
        answer = answer_here(event, body, key=f"story-choice:{event.platform}:{event.dedup_key}")
        buttons: tuple[Button, ...] = (Button("story_withdraw", str(entry.id), "Withdraw it"),)
        if latest is None:  # the first choice: now invite a one-tap description too
            buttons = about_buttons(entry.id) + buttons
        return [replace(answer, buttons=buttons), *hooked]

    def _title(
        self, ctx: Context, event: InboundEvent, detail: StoryDetail, title: str
    ) -> list[Outgoing]:
        if len(title) > TITLE_LIMIT:
            raise InputError(
                "stories/title_too_long", limit=TITLE_LIMIT, length=len(title), title=title
            )
        detail.title, detail.changed_at = title, ctx.now
        ctx.session.add(detail)
        body = Body("stories/title_saved", {"story_id": detail.entry_id, "title": title})
        return [answer_here(event, body, key=f"story-title:{event.platform}:{event.dedup_key}")]

    async def _withdraw(
        self, ctx: Context, event: InboundEvent, entry: Entry, detail: StoryDetail
    ) -> list[Outgoing]:
        assert entry.id is not None
        if entry.visibility == "withdrawn":
            raise InputError("stories/already_withdrawn", story_id=str(entry.id))
        hooked = await record_choice(
            ctx,
            event,
            entry,
            visibility="withdrawn",
            anonymous=entry.anonymous,
            wording=WITHDRAW_WORDING,
        )
        detail.withdrawn_at = detail.changed_at = ctx.now
        ctx.session.add(detail)
        body = Body("stories/withdrawn", {"story_id": entry.id})
        key = f"story-withdrawn:{event.platform}:{event.dedup_key}"
        return [answer_here(event, body, key=key), *hooked]

    async def _list(self, ctx: Context, event: InboundEvent) -> list[Outgoing]:
        query = (
            select(Entry, StoryDetail)
            .join(StoryDetail, col(StoryDetail.entry_id) == col(Entry.id), isouter=True)
            .where(Entry.kind == "story", Entry.person_id == ctx.who.person_id)
            .order_by(col(Entry.created_at).desc(), col(Entry.id).desc())
            .limit(20)
        )
        stories = [
            {
                "id": entry.id,
                "title": detail.title if detail else "",
                "preview": entry.text if len(entry.text) <= 60 else entry.text[:59] + "…",
                "visibility": sharing_label(entry.visibility),
                "anonymous": entry.anonymous,
                "withdrawn": entry.visibility == "withdrawn",
            }
            for entry, detail in (await ctx.session.exec(query)).all()
        ]
        body = Body("stories/list", {"stories": stories})
        return [answer_here(event, body, key=f"story-list:{event.platform}:{event.dedup_key}")]

    # -- buttons -------------------------------------------------------------------------------

    async def _pressed(self, ctx: Context, event: ButtonPress) -> tuple[Entry, StoryDetail, str]:
        number, _, choice = event.value.partition(":")
        entry, detail = await own_story(ctx, number)
        not_withdrawn(entry)
        return entry, detail, choice

    async def on_share_button(self, ctx: Context, event: ButtonPress) -> list[Outgoing]:
        entry, detail, choice = await self._pressed(ctx, event)
        if choice not in SHARING:
            raise InputError("stories/unknown", story_id=str(entry.id))
        return await self._choose(ctx, event, entry, detail, visibility=choice)

    async def on_name_button(self, ctx: Context, event: ButtonPress) -> list[Outgoing]:
        entry, detail, choice = await self._pressed(ctx, event)
        if choice not in NAMING:
            raise InputError("stories/unknown", story_id=str(entry.id))
        return await self._choose(ctx, event, entry, detail, anonymous=choice == "anonymous")

    async def on_withdraw_button(self, ctx: Context, event: ButtonPress) -> list[Outgoing]:
        entry, detail = await own_story(ctx, event.value)
        return await self._withdraw(ctx, event, entry, detail)

    async def on_dimension_button(self, ctx: Context, event: ButtonPress) -> list[Outgoing]:
        entry, detail, key = await self._pressed(ctx, event)
        if key not in DIMENSIONS:
            raise InputError("stories/unknown", story_id=str(entry.id))
        chosen = [k for k in detail.dimensions.split(",") if k in DIMENSIONS]
        added = key not in chosen
        chosen = [k for k in DIMENSIONS if (k in chosen) != (k == key)]  # toggle, in order
        detail.dimensions, detail.changed_at = ",".join(chosen), ctx.now
        ctx.session.add(detail)
        return self._described(event, detail, changed=DIMENSIONS[key], added=added)

    async def on_direction_button(self, ctx: Context, event: ButtonPress) -> list[Outgoing]:
        entry, detail, key = await self._pressed(ctx, event)
        if key not in DIRECTIONS:
            raise InputError("stories/unknown", story_id=str(entry.id))
        added = detail.direction != key
        detail.direction, detail.changed_at = key, ctx.now
        ctx.session.add(detail)
        return self._described(event, detail, changed=DIRECTIONS[key], added=added)

    def _described(
        self, event: ButtonPress, detail: StoryDetail, *, changed: str, added: bool
    ) -> list[Outgoing]:
        body = Body(
            "stories/described",
            {
                "story_id": detail.entry_id,
                "changed": changed,
                "added": added,
                "dimensions": dimension_labels(detail),
                "direction": DIRECTIONS.get(detail.direction, ""),
            },
        )
        return [answer_here(event, body, key=f"story-about:{event.platform}:{event.dedup_key}")]
