"""Extraction throughput, memory and linearity, side by side with quantulum3.

Run: ``python bench/bench_extract.py``. Prints MB/s for claimtrack's
extractor and for quantulum3's ``parser.parse`` on the same generated
news-like text (quantulum3 on a slice: it is much slower), their ratio, the
peak memory of one extraction, and the time for one 10 MB article against a
1 MB one (about 10x means linear).

Not part of the test suite: figures depend on the machine.
"""
from __future__ import annotations

import random
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from worker.aliases import load_aliases  # noqa: E402
from worker.core.extract import extract  # noqa: E402
from worker.core.types import ArticleIn  # noqa: E402

PLACES = ["Gaza", "the Gaza Strip", "Sudan", "Khartoum", "southern Turkey", "northwest Syria", "Derna",
          "eastern Libya", "Kharkiv", "Port-au-Prince", "Sindh province", "Herat"]
SOURCES = ["the health ministry said", "according to the UN humanitarian office", "officials told Reuters",
           "the Red Crescent said in a statement", "police said", "said the World Health Organization",
           "the ministry added", "local authorities reported", "the IOM said on Tuesday"]
EVENTS = ["an airstrike", "the floods", "the earthquake", "heavy shelling", "the fighting", "a landslide"]
FILLER = [
    "Aid groups have warned for weeks that supplies were running low.",
    "The prime minister met the envoy in the capital on Monday to discuss a truce.",
    "Read more: what we know about the crisis so far.",
    "Residents described scenes of devastation as rescue teams worked through the night.",
    "The talks, mediated by Qatar and Egypt, are expected to resume next week.",
    "Photo: A man walks past damaged buildings (AFP)",
    "Schools remain closed and 40 trucks of aid crossed the border on Sunday.",
    "The agency's budget for 2024 is $3.4 billion, up 12% from last year.",
]


def sentence(rng: random.Random) -> str:
    """One news-like sentence: a figure with its source, or filler."""
    n = rng.choice([rng.randint(2, 99), rng.randint(100, 9999), rng.randint(10_000, 60_000)])
    num = f"{n:,}" if rng.random() < 0.7 else str(n)
    qual = rng.choice(["", "at least ", "more than ", "about ", "nearly ", "up to "])
    place, src, ev = rng.choice(PLACES), rng.choice(SOURCES), rng.choice(EVENTS)
    forms = [
        f"{qual.capitalize()}{num} people have been killed in {place} since the start of the war, {src}.",
        f"{ev.capitalize()} killed {qual}{num} civilians in {place} overnight, {src}.",
        f"The death toll in {place} has risen to {num}, {src}.",
        f"{qual.capitalize()}{num} people were injured and {rng.randint(2, 900)} remain missing in {place}.",
        f"{qual.capitalize()}{rng.randint(1, 9)}.{rng.randint(1, 9)} million people have been displaced, {src}.",
        f"Of the dead, {num} were children and {rng.randint(10, 900)} were women, {src}.",
    ]
    return rng.choice(forms + FILLER + FILLER)


def corpus(size: int, seed: int = 7) -> str:
    """About ``size`` characters of paragraphs of generated sentences."""
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < size:
        para = " ".join(sentence(rng) for _ in range(rng.randint(2, 5)))
        parts.append(para)
        total += len(para) + 2
    return "\n\n".join(parts)[:size]


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    aliases = load_aliases()
    extract(ArticleIn(id="warm", text="5 people were killed."), aliases)  # build indexes once
    text = corpus(4_000_000)
    nbytes = len(text.encode())
    arts = [ArticleIn(id=f"b{i}", text=text[i:i + 4000], published=date(2024, 3, 19))
            for i in range(0, len(text), 4000)]
    counts: list[int] = []
    dt = timed(lambda: counts.extend(len(extract(a, aliases)) for a in arts))
    ours = nbytes / dt / 1e6
    print(f"claimtrack extract : {nbytes / 1e6:.1f} MB in {len(arts)} articles, {dt:.2f} s, "
          f"{ours:.2f} MB/s, {sum(counts)} claims")

    from quantulum3 import parser
    slice_ = text[:100_000]
    qbytes = len(slice_.encode())
    qarts = [slice_[i:i + 4000] for i in range(0, len(slice_), 4000)]
    qdt = timed(lambda: [parser.parse(a) for a in qarts])
    odt = timed(lambda: [extract(ArticleIn(id="q", text=a), aliases) for a in qarts])
    theirs, ours_slice = qbytes / qdt / 1e6, qbytes / odt / 1e6
    print(f"quantulum3 parse   : {qbytes / 1e6:.2f} MB slice, {qdt:.2f} s, {theirs:.3f} MB/s "
          f"(claimtrack on the same slice: {ours_slice:.2f} MB/s)")
    print(f"ratio claimtrack / quantulum3: {ours_slice / theirs:.0f}x")

    one = ArticleIn(id="one", text=corpus(1_000_000, seed=11), published=date(2024, 3, 19))
    tracemalloc.start()
    extract(one, aliases)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak memory extracting one 1 MB article: {peak / 1e6:.1f} MB (tracemalloc)")

    ten = ArticleIn(id="ten", text=corpus(10_000_000, seed=11), published=date(2024, 3, 19))
    t1 = timed(lambda: extract(one, aliases))
    t10 = timed(lambda: extract(ten, aliases))
    print(f"single article: 1 MB {t1:.2f} s, 10 MB {t10:.2f} s, ratio {t10 / t1:.1f} (10 = linear)")


if __name__ == "__main__":
    main()
