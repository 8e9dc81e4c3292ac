"""How long `find_themes` takes on 1,000, 10,000 and 100,000 entries, and how it grows.

Run it from the repository: `.venv/bin/python bench/themes.py` (`--sizes 1000 10000` to choose).
The entries are made from the labelled test corpus (`tests/data/reflections.toml`): each takes a
reflection, swaps one of its words for another word of the corpus and adds a rare made-up place
name, so the vocabulary keeps growing with the batch as real text does. Each size is timed as the
best of `--repeat` runs (3) in this process. It prints the seconds, the growth from one size to
the next beside what n log n would allow, and the themes found at the largest size.

Floors, printed with PASS or FAIL: 10,000 entries in under 300 ms (the whole digest must fit in
that, so themes should take a fraction of it), and growth no worse than n log n. This is a
benchmark, not a test: the exit code is 0 either way.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.digests.themes.grouping import Theme, find_themes  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "reflections.toml"
FLOOR_10K_MS = 300.0
PLACES = ("Ashby", "Brook", "Carrow", "Denton", "Elm", "Fair", "Gorse", "Holt", "Iver", "Jarrow")


def entries(n: int, *, seed: int = 6) -> list[tuple[int, str]]:
    """n synthetic reflections, the same for the same n and seed."""
    with CORPUS.open("rb") as f:
        texts = [row["text"] for row in tomllib.load(f)["reflection"]]
    vocabulary = sorted({w for t in texts for w in t.split() if w.isalpha() and len(w) > 3})
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        words = rnd.choice(texts).split()
        words[rnd.randrange(len(words))] = rnd.choice(vocabulary)
        place = f"{rnd.choice(PLACES)}{rnd.randrange(max(10, n // 20))}"
        out.append((i + 1, f"{' '.join(words)} Seen in {place}."))
    rnd.shuffle(out)
    return out


def timed(batch: list[tuple[int, str]], *, repeat: int) -> tuple[float, list[Theme]]:
    best, themes = math.inf, []
    for _ in range(repeat):
        start = time.perf_counter()
        themes = find_themes(batch, max_themes=6)
        best = min(best, time.perf_counter() - start)
    return best, themes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    results: list[tuple[int, float]] = []
    themes: list[Theme] = []
    for n in sorted(args.sizes):
        seconds, themes = timed(entries(n), repeat=args.repeat)
        placed = sum(len(t.members) for t in themes)
        line = f"{n:>8,} entries  {seconds * 1000:9.1f} ms  ({placed:,} in {len(themes)} themes)"
        if results:
            m, before = results[-1]
            allowed = (n * math.log(n)) / (m * math.log(m))
            grew = seconds / before
            verdict = "PASS" if grew <= allowed else "FAIL"
            line += f"  growth x{grew:.2f} (n log n allows x{allowed:.2f}) {verdict}"
        if n == 10_000:
            verdict = "PASS" if seconds * 1000 < FLOOR_10K_MS else "FAIL"
            line += f"  floor {FLOOR_10K_MS:.0f} ms {verdict}"
        print(line)
        results.append((n, seconds))
    for theme in themes:
        print(f"  {len(theme.members):>7,}  {theme.label}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
