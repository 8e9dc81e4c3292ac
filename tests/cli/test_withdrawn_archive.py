"""Taking words back reaches the archive: a story withdrawn after its digests were posted is in no
archived digest that `huddlebot digest show` prints, and not in `huddlebot export`."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_cli import huddlebot
from tests.cli.test_digest_command import BASE, chat

STORY = "A dad who never came now helps run the Saturday group."


def test_a_withdrawn_story_leaves_every_archived_digest(tmp_path: Path) -> None:
    told = chat(
        tmp_path,
        "@ana /learned Evening sessions suit working parents.",
        f"@cleo /story {STORY}",
        "@cleo /story share 2 circle",
        port=18291,
    )
    assert "(number 2)" in told
    for which in (("--circle", "core"), ("--steward",)):
        posted = huddlebot(tmp_path, *BASE, "digest", *which)
        assert posted.returncode == 0, posted.stderr
    listed = huddlebot(tmp_path, *BASE, "digest", "show").stdout
    ids = [line.split()[0].lstrip("#") for line in listed.splitlines() if "up to" in line]
    assert len(ids) == 2, listed
    shown = [huddlebot(tmp_path, *BASE, "digest", "show", "--id", n).stdout for n in ids]
    assert all("Saturday group" in text for text in shown), shown  # both digests quote it
    assert "Saturday group" in huddlebot(tmp_path, *BASE, "export", "--circle", "core").stdout

    withdrawn = chat(tmp_path, "@cleo /story withdraw 2", port=18292)
    assert "withdrawn" in withdrawn.lower()
    for number in ids:
        again = huddlebot(tmp_path, *BASE, "digest", "show", "--id", number)
        assert again.returncode == 0, again.stderr
        assert "Saturday group" not in again.stdout and "digest for" in again.stdout.lower()
        if "Huddle digest" in again.stdout:  # the rest of the circle's digest stays
            assert "Evening sessions" in again.stdout
    exported = huddlebot(tmp_path, *BASE, "export", "--circle", "core", "--format", "json")
    assert "Saturday group" not in exported.stdout and "Evening sessions" in exported.stdout
