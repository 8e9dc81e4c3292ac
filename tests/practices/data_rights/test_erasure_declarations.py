"""Erasure and `mydata` reach the references declared on columns that have no foreign key.

A blocker's `raised_by` and `taken_by`, an experiment's `created_by`, its leads and updates, and a
blocker's `entry_id` point at people and entries by id alone; their declarations
(`bot.storage.references`) are all erasure has to find them by.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from bot.practices.blockers.models import Blocker, BlockerChange
from bot.practices.data_rights.practice import person_data
from bot.practices.experiments.models import Experiment, ExperimentLead, ExperimentUpdate
from bot.storage.models import Entry, Identity, Membership
from tests.harness import SUNDAY, Harness, open_harness
from tests.practices.data_rights.test_data_rights import config_with, person_of
from tests.practices.data_rights.test_erasure_reach import add


async def entry_of(harness: Harness, person_id: int) -> int:
    async with harness.bot.sessions() as session:
        found = (await session.exec(select(Entry.id).where(Entry.person_id == person_id))).first()
    assert found is not None
    return found


async def ana_and_ben_at_work(harness: Harness) -> dict[str, int]:
    """Ana takes Ben's blocker and leads an experiment with him; ids of what was made."""
    await harness.say("@ana /learned Ana was here.")
    await harness.say("@ben /learned Ben was here.")
    ana, ben = await person_of(harness, "ana"), await person_of(harness, "ben")
    assert ana is not None and ben is not None
    ana_entry, ben_entry = await entry_of(harness, ana), await entry_of(harness, ben)
    when: dict[str, Any] = {"raised_at": SUNDAY, "changed_at": SUNDAY}
    ids = {"ana": ana, "ben": ben, "ana_entry": ana_entry}
    ids["blocker"] = await add(
        harness,
        Blocker,
        entry_id=ben_entry,
        circle_id="core",
        status="taken",
        raised_by=ben,
        taken_by=ana,
        **when,
    )
    ids["ana_blocker"] = await add(
        harness, Blocker, entry_id=ana_entry, circle_id="core", raised_by=ana, **when
    )
    ids["change"] = await add(
        harness, BlockerChange, blocker_id=ids["blocker"], status="taken", person_id=ana, at=SUNDAY
    )
    ids["experiment"] = await add(
        harness,
        Experiment,
        circle_id="core",
        title="Evening sessions",
        prediction="More families come.",
        review_date=date(2026, 4, 1),
        created_by=ana,
        created_at=SUNDAY,
        updated_at=SUNDAY,
    )
    for person in (ana, ben):
        await add(harness, ExperimentLead, experiment_id=ids["experiment"], person_id=person)
    for person, entry in ((ana, ana_entry), (ben, ben_entry)):
        await add(
            harness,
            ExperimentUpdate,
            experiment_id=ids["experiment"],
            stage="do",
            text=f"update by {person}",
            person_id=person,
            entry_id=entry,
            created_at=SUNDAY,
        )
    return ids


async def test_mydata_holds_the_rows_that_name_them_by_id_alone(
    tmp_path: Path, database_url: str
) -> None:
    async with open_harness(config_with(tmp_path), database_url) as harness:
        ids = await ana_and_ben_at_work(harness)
        async with harness.bot.sessions() as session:
            data = await person_data(session, ids["ana"], now=SUNDAY)
    tables = data["tables"]
    assert sorted(row["id"] for row in tables["blockers"]) == sorted(
        [ids["blocker"], ids["ana_blocker"]]
    )
    assert [row["id"] for row in tables["blocker_changes"]] == [ids["change"]]
    assert [row["id"] for row in tables["experiments"]] == [ids["experiment"]]
    assert [row["person_id"] for row in tables["experiment_leads"]] == [ids["ana"]]
    assert [row["text"] for row in tables["experiment_updates"]] == [f"update by {ids['ana']}"]


async def test_erase_clears_them_from_shared_rows_and_deletes_what_hangs_on_their_entries(
    tmp_path: Path, database_url: str
) -> None:
    config = config_with(tmp_path, 'erasure = "erase"')
    async with open_harness(config, database_url) as harness:
        ids = await ana_and_ben_at_work(harness)
        await harness.say("@ana /forget")
        await harness.say("@ana /forget confirm")
        async with harness.bot.sessions() as session:
            blockers = (await session.exec(select(Blocker).order_by(col(Blocker.id)))).all()
            change = await session.get(BlockerChange, ids["change"])
            experiment = await session.get(Experiment, ids["experiment"])
            leads = (await session.exec(select(ExperimentLead.person_id))).all()
            updates = (await session.exec(select(ExperimentUpdate.text))).all()
    left = [(b.id, b.raised_by, b.taken_by) for b in blockers]
    assert left == [(ids["blocker"], ids["ben"], None)]  # Ana's own blocker went with her entry
    assert change is not None and change.person_id is None
    assert experiment is not None and experiment.created_by is None
    assert leads == [ids["ben"]]
    assert updates == [f"update by {ids['ben']}"]


async def test_anonymise_keeps_their_shared_rows_without_naming_them(
    tmp_path: Path, database_url: str
) -> None:
    async with open_harness(config_with(tmp_path), database_url) as harness:
        ids = await ana_and_ben_at_work(harness)
        await harness.say("@ana /forget")
        await harness.say("@ana /forget confirm")
        ana = ids["ana"]
        async with harness.bot.sessions() as session:
            blocker = await session.get(Blocker, ids["blocker"])
            own_blocker = await session.get(Blocker, ids["ana_blocker"])
            experiment = await session.get(Experiment, ids["experiment"])
            leads = (await session.exec(select(ExperimentLead.person_id))).all()
            known = (await session.exec(select(Identity).where(Identity.person_id == ana))).all()
            circles = (
                await session.exec(select(Membership).where(Membership.person_id == ana))
            ).all()
    assert blocker is not None and blocker.taken_by is None and blocker.raised_by == ids["ben"]
    assert own_blocker is not None and own_blocker.raised_by is None  # their entry stays, unnamed
    assert experiment is not None and experiment.created_by is None
    assert sorted(leads) == sorted([ana, ids["ben"]])  # a lead row is kept for the count
    assert known == [] and circles == []
