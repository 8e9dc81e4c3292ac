"""What the core has already looked up, kept in memory so a reply costs a few statements.

Everything here is either immutable once stored (a prompt run's circle and closing time, which
prompt a sent message asked, the circle a person joined first) or checked by an idempotent write
(a membership). Entries are added only after the transaction that made them true has committed;
a person's go when they are forgotten, here or, found out by their event's record, elsewhere.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

from bot.core.events import Sender
from bot.core.people import Who
from bot.storage.models import PromptRun

K = TypeVar("K")
V = TypeVar("V")


class Bounded(Generic[K, V]):
    """A least-recently-used map that forgets its oldest keys past `size`."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        if len(self._items) > self._size:
            self._items.popitem(last=False)

    def drop(self, key: K) -> None:
        self._items.pop(key, None)

    def drop_where(self, test: Callable[[K, V], bool]) -> None:
        for key in [k for k, v in self._items.items() if test(k, v)]:
            del self._items[key]


class Memo:
    """Caches owned by one running bot (never shared between bots)."""

    def __init__(self, *, size: int = 50_000) -> None:
        self.people: Bounded[Sender, Who] = Bounded(size)
        """The person behind a sender, exactly as that sender was last seen."""
        self.memberships: Bounded[tuple[int, str], bool] = Bounded(size)
        self.first_circles: Bounded[int, str] = Bounded(size)
        """A person -> the configured circle they joined first (bot/core/home_circle.py)."""
        self.prompt_for_ref: Bounded[tuple[str, str, str], PromptRun] = Bounded(size)
        """(platform, chat, message ref) of a sent prompt -> its run."""
        self.inactive_rooms: set[tuple[str, str]] = set()
        """(platform, chat) of rooms the bot cannot write to now."""
        self.retired_rooms: set[tuple[str, str, str]] = set()
        """(platform, chat, topic) of stored rooms the configuration no longer lists."""
        self.moved_from: dict[tuple[str, str], str] = {}
        """(platform, new chat) of a room that moved -> the chat the configuration names."""
        self.moved_to: dict[tuple[str, str], str] = {}
        """(platform, old chat) of a room that moved -> where it is now."""

    def forget_person(self, person_id: int) -> None:
        self.people.drop_where(lambda _sender, who: who.person_id == person_id)
        self.memberships.drop_where(lambda key, _v: key[0] == person_id)
        self.first_circles.drop(person_id)
