"""Themes: entries that speak about the same thing, grouped offline and the same way every time.

`find_themes` takes (entry id, text) pairs and returns a few `Theme`s, each with a short label made
of its entries' own words ("referral · form"). Entries that fit no theme are left out; a digest
shows them under "other". No network and no model: plain Python over the batch itself.

1. Terms: every text becomes its set of stems (stop words dropped, a light stemmer; see
   `bot.digests.themes.words`),
   plus one concept term for each concept of a small domain thesaurus its
   words point to (`bot.digests.themes.lexicon`: "GDPR" and "consent" both point to information
   sharing), weighted `CONCEPT_WEIGHT` times a word. Terms in fewer than two entries, or in more
   than half of a large batch, cannot tell themes apart and are dropped. Each entry becomes a
   unit TF-IDF vector (binary term frequency; inverse document frequency within the batch).
2. Seeds: on a sample of the batch (all of it up to `SAMPLE` entries, else every k-th entry in
   id order), each frequent term proposes the entries holding it as a group; the groups whose
   entries agree most (mean cosine to their centroid, times the log of their size) become the
   first centroids, skipping any too like one already chosen.
3. Clusters: spherical k-means from those seeds with a floor (an entry joins the most similar
   centroid only when the cosine is at least `FLOOR`); centroids keep their heaviest
   `CENTROID_TERMS` terms. Centroids that come within `MERGE` of each other are merged, then the
   clusters too small or the smallest are dropped a share at a time and the rest settle again,
   until at most `max_themes` remain.
4. Every entry of the batch is placed once against those centroids through an inverted index
   (term -> weight in each centroid), so the cost is linear in the batch plus a fixed amount for
   the sample; a label is drawn from a theme's first entries (`bot.digests.themes.labels`).

Determinism: entries are handled in (id, text) order, terms are numbered in sorted order, float
sums run in a fixed order, and every tie is broken by a number or a string, never by the order
of a set or of a dict of strings, so neither the input order nor the hash seed changes a theme.
"""

from __future__ import annotations

import functools
import logging
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

from bot.digests.themes.labels import describe
from bot.digests.themes.lexicon import DOMAIN_LEXICON, TAG, Concepts, Lexicon
from bot.digests.themes.words import Stems, Words, words

log = logging.getLogger(__name__)

SAMPLE = 600  # entries clustered; the rest of a larger batch is placed against the result
FLOOR = 0.12  # least cosine similarity between an entry and its theme's centroid
MERGE = 0.45  # centroids at least this similar become one theme
CENTROID_TERMS = 40  # terms a centroid keeps
SEED_CANDIDATES = 100  # frequent terms that may propose a seed group
ROUNDS = 6  # most k-means rounds on the sample in one settling
SEED_FACTOR = 2  # seeds per theme asked for
KEEP_SHARE = 0.7  # share of clusters kept after each settling while there are too many
MAX_DF = 0.5  # a term in more than this share of a batch of at least MAX_DF_FROM entries is dropped
MAX_DF_FROM = 20
CONCEPT_WEIGHT = 2.0  # a concept term weighs this many times a word as rare

Vector = dict[int, float]


@dataclass(frozen=True, slots=True)
class Theme:
    """Entries that speak about the same thing: a label of their own words, and their ids."""

    label: str
    members: tuple[int, ...]
    key_phrases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Batch:
    """The entries in canonical order as term ids, with each term's weight and each norm."""

    docs: list[tuple[int, ...]]  # tuples: the garbage collector stops tracking them
    idf: list[float]
    scale: list[float]  # 1 / norm of each entry's vector (0 for an entry with no terms)
    df: Counter[str]  # entries holding each stem, useful or not


def find_themes(
    texts: Sequence[tuple[int, str]],
    *,
    max_themes: int = 6,
    min_size: int = 2,
    lexicon: Lexicon | None = None,
) -> list[Theme]:
    """Group entries into at most `max_themes` themes of at least `min_size` entries each.

    Themes come largest first (ties: the one whose first entry has the lowest id); members are
    entry ids in the order of `texts`. The same entries always give the same themes, whatever
    their order. `lexicon` maps concept names to comma-separated words and phrases; None uses
    the built-in `DOMAIN_LEXICON`, `{}` groups by shared words alone.
    """
    if max_themes < 1 or not texts:
        return []
    min_size = max(1, min_size)
    order = sorted(range(len(texts)), key=lambda i: (texts[i][0], texts[i][1]))
    known, stems = Words(), Stems()
    concepts = _domain_concepts() if lexicon is None else Concepts.build(lexicon, known)
    found: list[tuple[str, ...]] = []
    for i in order:
        said = words(texts[i][1], known)
        doc = set(map(stems.__getitem__, said))
        if concepts.rules:
            doc |= concepts.of(said)
        found.append(tuple(doc))
    batch = _vectorise(found)
    n = len(order)
    sample = list(range(n)) if n <= SAMPLE else [(k * n) // SAMPLE for k in range(SAMPLE)]
    centroids = _cluster(batch, sample, max_themes=max_themes, min_size=min_size)
    if not centroids:
        return []
    placed = _assign(batch, range(n), centroids)
    groups: list[list[int]] = [[] for _ in centroids]
    for d, cluster in enumerate(placed):
        if cluster >= 0:
            groups[cluster].append(d)
    groups = [g for g in groups if len(g) >= min_size]
    groups.sort(key=lambda g: (-len(g), g[0]))
    themes = []
    for group in groups[:max_themes]:
        own = [texts[order[d]][1] for d in group]
        label, key_phrases = describe(own, known, stems, df=batch.df, total=n)
        ids = sorted(order[d] for d in group)  # positions in `texts`, so in input order
        themes.append(Theme(label, tuple(texts[i][0] for i in ids), key_phrases))
    log.debug("themes: %s entries, %s themes", n, len(themes))
    return themes


@functools.cache
def _domain_concepts() -> Concepts:
    """The built-in thesaurus ready for matching, built once: it is a constant, and building it
    costs more than grouping a week's entries of one circle."""
    return Concepts.build(DOMAIN_LEXICON, Words())


def _vectorise(found: list[tuple[str, ...]]) -> _Batch:
    """Number the useful terms in sorted order and weigh them by inverse document frequency.

    Term ids start at 1 (slot 0 of `idf` is unused) so that a missing term maps to a falsy id.
    """
    n = len(found)
    df: Counter[str] = Counter(chain.from_iterable(found))
    top = MAX_DF * n if n >= MAX_DF_FROM else n
    vocab = sorted(t for t, k in df.items() if 2 <= k <= top)
    tid = {t: i for i, t in enumerate(vocab, start=1)}
    idf = [0.0] + [
        (math.log(n / df[t]) + 1.0) * (CONCEPT_WEIGHT if t.startswith(TAG) else 1.0) for t in vocab
    ]
    square = [w * w for w in idf].__getitem__
    get = tid.get
    docs: list[tuple[int, ...]] = []
    scale: list[float] = []
    for doc in found:
        ids = tuple(sorted(filter(None, map(get, doc))))
        docs.append(ids)
        norm = math.sqrt(sum(map(square, ids)))
        scale.append(1.0 / norm if norm else 0.0)
    return _Batch(docs, idf, scale, df)


def _centroid(batch: _Batch, members: Sequence[int]) -> Vector:
    """The unit mean of the members' vectors, cut to its heaviest terms."""
    return _mean(batch, members)[0]


def _mean(batch: _Batch, members: Sequence[int]) -> tuple[Vector, float]:
    """The centroid of the members and the length of their summed (cut) vectors.

    That length over the number of members is their mean cosine to the centroid: how well the
    group holds together.
    """
    total: Vector = {}
    idf, scale, docs = batch.idf, batch.scale, batch.docs
    for d in members:
        s = scale[d]
        for t in docs[d]:
            total[t] = total.get(t, 0.0) + idf[t] * s
    # a stable sort: equal weights keep the order the terms were met in, which is fixed
    heaviest = sorted(sorted(total, key=total.__getitem__, reverse=True)[:CENTROID_TERMS])
    norm = math.sqrt(sum(total[t] * total[t] for t in heaviest))
    return ({t: total[t] / norm for t in heaviest} if norm else {}), norm


def _cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b[t] for t, w in a.items() if t in b)


def _assign(batch: _Batch, docs: Sequence[int] | range, centroids: list[Vector]) -> list[int]:
    """Each doc's most similar centroid (lowest index on a tie), or -1 below the floor."""
    k = len(centroids)
    rows: dict[int, list[float]] = {}  # term -> its weight in each centroid, times its idf
    for c, centroid in enumerate(centroids):
        for t, w in centroid.items():
            row = rows.get(t)
            if row is None:
                row = rows[t] = [0.0] * k
            row[c] = w * batch.idf[t]
    out = [-1] * len(batch.docs)
    get, scale, floor = rows.get, batch.scale, FLOOR
    for d in docs:
        hit = [row for row in map(get, batch.docs[d]) if row is not None]
        if not hit:
            continue
        scores = list(map(math.fsum, zip(*hit, strict=True))) if len(hit) > 1 else hit[0]
        best = max(scores)
        if best * scale[d] >= floor:
            out[d] = scores.index(best)
    return out


def _seeds(batch: _Batch, sample: list[int], *, limit: int, min_size: int) -> list[Vector]:
    """Centroids of the most coherent groups of sampled entries that share a frequent term."""
    postings: dict[int, list[int]] = {}
    for d in sample:
        for t in batch.docs[d]:
            postings.setdefault(t, []).append(d)
    least = max(2, min_size)
    candidates = sorted(
        ((t, ds) for t, ds in postings.items() if len(ds) >= least),
        key=lambda td: (-len(td[1]), td[0]),
    )[:SEED_CANDIDATES]
    scored = []
    for t, ds in candidates:
        centroid, length = _mean(batch, ds)
        agreement = length / len(ds)  # the group's mean cosine to its centroid
        scored.append((agreement * math.log(len(ds) + 1), t, centroid))
    scored.sort(key=lambda s: (-s[0], s[1]))
    chosen: list[Vector] = []
    for _, _, centroid in scored:
        if all(_cosine(centroid, other) < MERGE for other in chosen):
            chosen.append(centroid)
            if len(chosen) >= limit:
                break
    return chosen


def _cluster(batch: _Batch, sample: list[int], *, max_themes: int, min_size: int) -> list[Vector]:
    """Centroids of at most `max_themes` clusters of the sample, largest first.

    It starts from more seeds than themes, and after each settling drops the clusters too small
    to keep and then the smallest ones, a share at a time, so the rest settle again without them.
    """
    centroids = _seeds(batch, sample, limit=SEED_FACTOR * max_themes + 2, min_size=min_size)
    while True:
        members, centroids = _settle(batch, sample, centroids)
        members, centroids = _merge(batch, members, centroids)
        ranked = sorted(
            (i for i, m in enumerate(members) if len(m) >= min_size),
            key=lambda i: (-len(members[i]), members[i][0]),
        )
        if len(ranked) == len(members) and len(ranked) <= max_themes:
            return [centroids[i] for i in ranked]
        if not ranked:
            return []
        keep = max(max_themes, int(len(ranked) * KEEP_SHARE))
        centroids = [centroids[i] for i in ranked[:keep]]


def _settle(
    batch: _Batch, sample: list[int], centroids: list[Vector]
) -> tuple[list[list[int]], list[Vector]]:
    """Spherical k-means rounds until no entry moves: each cluster's members and centroid."""
    members: list[list[int]] = []
    placed: list[int] = []
    for _ in range(ROUNDS):
        now = _assign(batch, sample, centroids)
        if now == placed:
            break
        placed = now
        members = [m for m in _members(placed, sample, len(centroids)) if m]
        centroids = [_centroid(batch, m) for m in members]
    return members, centroids


def _members(placed: list[int], sample: list[int], k: int) -> list[list[int]]:
    groups: list[list[int]] = [[] for _ in range(k)]
    for d in sample:
        if placed[d] >= 0:
            groups[placed[d]].append(d)
    return groups


def _merge(
    batch: _Batch, members: list[list[int]], centroids: list[Vector]
) -> tuple[list[list[int]], list[Vector]]:
    """Join the two most similar clusters while any pair is at least `MERGE` alike."""
    members = [list(m) for m in members]
    while len(centroids) > 1:
        pairs = [
            (_cosine(centroids[a], centroids[b]), a, b)
            for a in range(len(centroids))
            for b in range(a + 1, len(centroids))
        ]
        sim, a, b = min(pairs, key=lambda p: (-p[0], p[1], p[2]))
        if sim < MERGE:
            break
        members[a] = sorted(members[a] + members[b])
        del members[b]
        del centroids[b]
        centroids[a] = _centroid(batch, members[a])
    return members, centroids
