"""A theme's label and key phrases, taken from its own entries' words.

A word weighs more the more of the theme's entries use it and the rarer it is in the whole batch
(count times inverse document frequency). A word whose entries mostly use it in the same pair
("waiting" in "waiting list") is shown as that pair. Each phrase is written the way the entries
wrote it most often, so a label never shows a stem. Ties go to the alphabetically first phrase.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence

from bot.digests.themes.words import Phrase, Stems, Words, phrase_counts

LABEL_PHRASES = 2  # phrases in a label
KEY_PHRASES = 5  # phrases kept on a theme
LABEL_CHARS = 40  # a longer two-phrase label keeps its first phrase only
LABEL_SAMPLE = 100  # a large theme is described from its first entries in id order
SEPARATOR = " · "


def describe(
    texts: Sequence[str], known: Words, stems: Stems, *, df: Mapping[str, int], total: int
) -> tuple[str, tuple[str, ...]]:
    """The label and key phrases of a theme whose entries are `texts` (in id order).

    `df` counts the entries of the whole batch holding each stem, `total` is the batch size.
    """
    counts, written = phrase_counts(texts[:LABEL_SAMPLE], known, stems)
    least = 2 if len(texts) > 1 else 1

    def weight(key: Phrase) -> float:
        return counts[key] * (math.log(total / max(1, df.get(key[0], 1))) + 1.0)

    singles = sorted(
        (key for key, k in counts.items() if len(key) == 1 and k >= least),
        key=lambda key: (-weight(key), key),
    ) or sorted(  # entries held together by concepts alone may share no word
        (key for key in counts if len(key) == 1), key=lambda key: (-weight(key), key)
    )
    pairs = sorted(
        (key for key, k in counts.items() if len(key) == 2 and k >= least),
        key=lambda key: (-counts[key], key),
    )
    covered: set[str] = set()
    chosen: list[str] = []
    for single in singles:
        if single[0] in covered:
            continue
        phrase: Phrase = single
        for pair in pairs:
            if single[0] in pair and 2 * counts[pair] > counts[single]:
                if not covered.intersection(pair):
                    phrase = pair
                break
        covered.update(phrase)
        chosen.append(_as_written(written[phrase]))
        if len(chosen) >= KEY_PHRASES:
            break
    label = SEPARATOR.join(chosen[:LABEL_PHRASES])
    if len(label) > LABEL_CHARS:
        label = chosen[0]
    return label, tuple(chosen)


def _as_written(ways: Counter[str]) -> str:
    """The most used way of writing a phrase; the alphabetically first among equals."""
    return min(ways.items(), key=lambda kv: (-kv[1], kv[0]))[0]
