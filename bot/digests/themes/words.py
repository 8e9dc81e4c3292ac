"""Words for themes: stop words, a light English stemmer, and the terms and phrases of a text.

Everything here is plain string work with no state between calls, so the same text always gives
the same terms. `Words` (raw token to cleaned word, "" for a stop word) and `Stems` (word to
stem) are caches that `find_themes` makes afresh for every batch.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator

STOP_WORDS = frozenset(
    """
    a about above across after afterwards again against ago all almost along already also
    although always am among an and another any anybody anyone anything anyway anywhere are
    around as ask asked at away back be became because become been before began being below
    beside best better between beyond big both but by came can cannot could did do does doing
    done down during each either else enough even ever every everybody everyone everything
    far few find first for found from further get gets getting give given go goes going gone
    good got great had has have having he her here hers herself him himself his how however i
    if in instead into is it its itself just keep kept know knew known last least less let like
    little long lot lots made main make makes making many may maybe me mean means might more
    most much must my myself near need needs never new next no nobody none nor not nothing now
    of off often old on once one only onto or other others otherwise our ours ourselves out over
    own part people per perhaps put quite rather really right said same saw say says see seem
    seemed seems seen several shall she should since so some somebody someone something sometimes
    somewhere soon still such sure take taken takes than that the their theirs them themselves
    then there therefore these they thing things think this those though through thus time times
    to together told too took toward towards try trying under until up upon us use used very
    via want wanted was way ways we week weeks well went were what whatever when where whether
    which while who whole whom whose why will with within without work worked works would yet
    you your yours yourself
    two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred
    thousand half
    don't doesn't didn't can't couldn't won't wouldn't shouldn't isn't aren't wasn't weren't
    haven't hasn't hadn't it's that's there's here's what's who's let's i'm i've i'd i'll
    we're we've we'd we'll they're they've they'd they'll you're you've you'd he's she's
    """.split()
)

_EDGE = "\"'`()[]{}<>.,;:!?*_/\\|~#%&+=@^$0123456789"
_CLAUSE = re.compile(r"[.,;:!?()\[\]\"\u201c\u201d\u2013\u2014/]+|\s-+\s")
_DOUBLE_KEEP = frozenset("lsz")
_VOWELS = frozenset("aeiouy")


def stem(word: str) -> str:
    """A light stem of one lower-case word: plural, verb and a few noun endings taken off.

    It aims to put "referral", "referrals" and "referred" together, and "house", "houses" and
    "housing", while leaving short words alone. It is not a full Porter stemmer on purpose.
    """
    w = word
    if w.endswith(("'s", "\u2019s")):
        w = w[:-2]
    w = w.replace("'", "").replace("\u2019", "")
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith(("sses", "shes", "ches", "xes", "zes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ness", "ment", "ing", "ed"):
        if w.endswith(suffix) and not w.endswith("eed"):
            rest = w[: -len(suffix)]
            if len(rest) >= 3 and _VOWELS.intersection(rest[:-1] or rest):
                w = rest[:-1] + "y" if suffix == "ness" and rest.endswith("i") else rest
                if len(w) > 3 and w[-1] == w[-2] and w[-1] not in _DOUBLE_KEEP:
                    w = w[:-1]
            break
    if w.endswith("rral"):
        w = w[:-3]
    if len(w) > 4 and w.endswith("e") and not w.endswith("ee"):
        w = w[:-1]
    return w


def clean(raw: str) -> str:
    """The word inside a raw lower-case token: edge punctuation, digits and a final 's gone."""
    word = raw.replace("\u2019", "'").strip(_EDGE).strip("'-")
    return word[:-2] if word.endswith("'s") else word


def meaningful(word: str) -> bool:
    """Whether a cleaned word may be a term: letters (with inner hyphens), not a stop word."""
    if len(word) < 3 or word in STOP_WORDS:
        return False
    return word.replace("-", "").replace("'", "").isalpha()


class Words(dict[str, str]):
    """Raw lower-case token to its cleaned word, or "" when it is no term; filled as met."""

    def __missing__(self, raw: str) -> str:
        word = clean(raw)
        value = word if meaningful(word) else ""
        self[raw] = value
        return value


class Stems(dict[str, str]):
    """Cleaned word to its stem (each part of a hyphenated word stemmed); filled as met."""

    def __missing__(self, word: str) -> str:
        value = "-".join(stem(part) for part in word.split("-") if part)
        self[word] = value
        return value


def words(text: str, known: Words) -> set[str]:
    """The distinct meaningful words of a text, cleaned."""
    found = set(map(known.__getitem__, text.lower().split()))
    found.discard("")
    return found


Phrase = tuple[str, ...]


def phrases(text: str, known: Words, stems: Stems) -> Iterator[tuple[Phrase, str]]:
    """Every unigram and bigram of a text with the words as written (lower case).

    A bigram is two meaningful words side by side in one clause: a stop word or punctuation
    between them breaks it. Each comes as (stems, surface), e.g. (("wait", "list"), "waiting list").
    """
    for clause in _CLAUSE.split(text.lower()):
        previous: tuple[str, str] | None = None
        for raw in clause.split():
            word = known[raw]
            if not word:
                previous = None
                continue
            key = stems[word]
            yield (key,), word
            if previous is not None:
                yield (previous[0], key), f"{previous[1]} {word}"
            # "children's school" would read as "children school": a possessive ends the run
            possessive = raw.replace("\u2019", "'").rstrip(_EDGE).endswith("'s")
            previous = None if possessive else (key, word)


def phrase_counts(
    texts: Iterable[str], known: Words, stems: Stems
) -> tuple[Counter[Phrase], dict[Phrase, Counter[str]]]:
    """In how many texts each phrase occurs, and how often each way of writing it was used."""
    seen: Counter[Phrase] = Counter()
    written: dict[Phrase, Counter[str]] = {}
    for text in texts:
        here: dict[Phrase, None] = {}
        for key, surface in phrases(text, known, stems):
            here[key] = None
            written.setdefault(key, Counter())[surface] += 1
        seen.update(here.keys())
    return seen, written
