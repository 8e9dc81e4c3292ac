"""Themes: grouping, labels, determinism and edge cases, against a labelled corpus.

The corpus (`tests/data/reflections.toml`) holds 300 reflections written for these tests: four
circles, four weeks, twelve known themes, each entry with the theme it was written for. Entries
1-240 are the corpus proper; entries 241-300 (`holdout = true`) were written after the concept
lexicon was settled and are scored on their own, so the figures show how much the grouping owes
to a lexicon shaped alongside the text it is tested on.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tomllib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.digests.themes.grouping import Theme, find_themes
from bot.digests.themes.labels import LABEL_CHARS, SEPARATOR
from bot.digests.themes.lexicon import DOMAIN_LEXICON, Concepts
from bot.digests.themes.words import Words, clean, stem

ROOT = Path(__file__).resolve().parents[3]
CORPUS = Path(__file__).resolve().parents[2] / "data" / "reflections.toml"


def load() -> list[dict[str, object]]:
    with CORPUS.open("rb") as f:
        return list(tomllib.load(f)["reflection"])


ROWS = load()
MAIN = [r for r in ROWS if not r.get("holdout")]
HOLDOUT = [r for r in ROWS if r.get("holdout")]
LABELS = sorted({str(r["theme"]) for r in ROWS})


def pairs(rows: Sequence[dict[str, object]]) -> list[tuple[int, str]]:
    return [(int(str(r["id"])), str(r["text"])) for r in rows]


def well_placed(rows: Sequence[dict[str, object]], themes: list[Theme]) -> set[int]:
    """Ids of the entries that land in a theme with most of their labelled peers.

    An entry is well placed when all three hold:
    1. it is a member of some theme (entries left out of every theme fail);
    2. its label is that theme's majority label: strictly more of the theme's members carry it
       than carry any other label (a tie for first place fails every member);
    3. that theme holds more than half of all the entries in `rows` with that label, placed or
       not, so a label split across two themes fails in the smaller part, or in both.
    """
    label = {int(str(r["id"])): str(r["theme"]) for r in rows}
    per_label = Counter(label.values())
    good: set[int] = set()
    for theme in themes:
        counts = Counter(label[m] for m in theme.members).most_common()
        top, k = counts[0]
        if len(counts) > 1 and counts[1][1] == k:
            continue
        if 2 * k > per_label[top]:
            good.update(m for m in theme.members if label[m] == top)
    return good


def test_corpus_shape() -> None:
    assert len(MAIN) == 240 and len(HOLDOUT) == 60
    assert len({r["id"] for r in ROWS}) == len(ROWS)
    assert len(LABELS) == 12
    assert len({r["circle"] for r in ROWS}) >= 3 and len({r["week"] for r in ROWS}) >= 3
    assert Counter(str(r["theme"]) for r in MAIN) == {label: 20 for label in LABELS}
    assert len({r["text"] for r in ROWS}) == len(ROWS)


def test_at_least_80_percent_of_entries_land_with_most_of_their_peers() -> None:
    """The quality bar of issue 6, on the 240 entries of the corpus proper.

    `find_themes` is asked for as many themes as there are labels (12), with the default
    `min_size` (2) and the built-in lexicon. Score = well placed entries (see `well_placed`)
    divided by all 240 entries; left-out entries count as failures. Measured: 199/240 = 0.829.
    """
    themes = find_themes(pairs(MAIN), max_themes=len(LABELS))
    score = len(well_placed(MAIN, themes)) / len(MAIN)
    assert score >= 0.80, score


def test_entries_written_after_the_lexicon_still_mostly_group() -> None:
    """Generalisation, honestly lower: the 60 later entries, clustered with all 300.

    Same definition as above, over all 300 entries and 12 themes, counting only the 60 held-out
    entries. Measured: 37/60 = 0.617 (the 240 others: 0.842; all 300 together: 0.797). Most
    misses use words the lexicon does not know ("hotel room", "tea dance", "complaints").
    The bar here only guards against the grouping getting worse.
    """
    themes = find_themes(pairs(ROWS), max_themes=len(LABELS))
    good = well_placed(ROWS, themes)
    held = {int(str(r["id"])) for r in HOLDOUT}
    assert len(good & held) / len(held) >= 0.55


def test_words_alone_still_group_entries_that_share_them() -> None:
    batch = [
        (1, "The number 12 bus timetable changed and nobody was told."),
        (2, "Bus timetable cuts mean the evening service stops at six."),
        (3, "The timetable for the bus to the hub is wrong online."),
        (4, "Grant bid for the garden project went in on Friday."),
        (5, "Our garden grant bid was turned down, we will try again."),
        (6, "A second garden grant bid is being written with residents."),
        (7, "Lovely sunshine today."),
    ]
    themes = find_themes(batch, lexicon={})
    assert sorted(t.members for t in themes) == [(1, 2, 3), (4, 5, 6)]


def test_same_input_same_themes_and_order_does_not_matter() -> None:
    batch = pairs(MAIN)
    first = find_themes(batch, max_themes=12)
    assert find_themes(batch, max_themes=12) == first
    shuffled = batch[:]
    random.Random(3).shuffle(shuffled)
    again = find_themes(shuffled, max_themes=12)
    assert [(t.label, t.key_phrases, set(t.members)) for t in again] == [
        (t.label, t.key_phrases, set(t.members)) for t in first
    ]
    position = {entry_id: p for p, (entry_id, _) in enumerate(shuffled)}
    for theme in again:  # members come in the order they were given
        assert [position[m] for m in theme.members] == sorted(position[m] for m in theme.members)


def test_themes_do_not_depend_on_the_hash_seed() -> None:
    script = (
        "import json, tomllib, sys\n"
        "from bot.digests.themes.grouping import find_themes\n"
        f"rows = tomllib.load(open({str(CORPUS)!r}, 'rb'))['reflection']\n"
        "themes = find_themes([(r['id'], r['text']) for r in rows], max_themes=12)\n"
        "print(json.dumps([[t.label, list(t.members), list(t.key_phrases)] for t in themes]))\n"
    )
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1
    assert json.loads(outputs.pop())


def test_themes_are_ordered_and_disjoint() -> None:
    themes = find_themes(pairs(MAIN), max_themes=6)
    assert 1 <= len(themes) <= 6
    sizes = [len(t.members) for t in themes]
    assert sizes == sorted(sizes, reverse=True)
    members = [m for t in themes for m in t.members]
    assert len(members) == len(set(members))
    assert all(len(t.members) >= 2 for t in themes)


def test_labels_are_short_and_made_of_the_entries_own_words() -> None:
    rows = {int(str(r["id"])): str(r["text"]) for r in MAIN}
    for theme in find_themes(pairs(MAIN), max_themes=12):
        assert theme.label and len(theme.label) <= LABEL_CHARS
        assert 1 <= len(theme.key_phrases) <= 5
        assert all(part in theme.key_phrases for part in theme.label.split(SEPARATOR))
        said = [
            " " + " ".join(clean(w) for w in rows[m].lower().split()) + " " for m in theme.members
        ]
        for phrase in theme.key_phrases:
            assert any(f" {phrase} " in text for text in said), (phrase, theme.label)


def test_empty_and_tiny_inputs() -> None:
    assert find_themes([]) == []
    assert find_themes([(1, "Trust grew this week.")]) == []
    assert find_themes([(1, "and the of"), (2, "it is, was, were.")]) == []
    assert find_themes([(1, ""), (2, "   ")]) == []
    assert find_themes(pairs(MAIN), max_themes=0) == []
    two = find_themes([(7, "Volunteers are tired."), (3, "Our volunteers need a rest.")])
    assert [t.members for t in two] == [(7, 3)]
    assert two[0].label == "volunteers"


def test_min_size_leaves_small_groups_out() -> None:
    batch = [
        (1, "Hostel beds were full again."),
        (2, "The hostel turned people away, every bed taken."),
        (3, "Funding for the hostel ends in March."),
        (4, "A bus strike kept families at home."),
        (5, "The bus strike meant nobody reached the clinic."),
    ]
    assert [t.members for t in find_themes(batch, lexicon={})] == [(1, 2, 3), (4, 5)]
    assert [t.members for t in find_themes(batch, min_size=3, lexicon={})] == [(1, 2, 3)]


def test_the_built_in_lexicon_is_usable_and_a_bad_entry_is_refused() -> None:
    concepts = Concepts.build(DOMAIN_LEXICON, Words())
    assert concepts.of({"gdpr"}) == {"#information sharing"}
    assert concepts.of({"mental", "health"}) >= {"#mental health"}
    assert concepts.of({"training"}) == set()  # forms match whole, not through the stemmer
    with pytest.raises(ValueError, match="no meaningful word"):
        Concepts.build({"x": "the and"}, Words())


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("referrals", "refer"),
        ("referred", "refer"),
        ("housing", "hous"),
        ("houses", "hous"),
        ("families", "family"),
        ("loneliness", "lonely"),
        ("volunteering", "volunteer"),
        ("bus", "bus"),
        ("agreed", "agreed"),
    ],
)
def test_stemmer(word: str, expected: str) -> None:
    assert stem(word) == expected
