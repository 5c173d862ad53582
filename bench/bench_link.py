"""Per-claim linking time with 10^4, 10^5 and 10^6 claims already stored.

Prints p50/p99 of `pipeline.link_claim` (indexed candidate lookups + the pure relation
core + insert) on SQLite and PostgreSQL, beside a brute-force rapidfuzz scan over every
stored claim, measured in the same run on the same data.

    python bench/bench_link.py                       # SQLite, 10^4 10^5 10^6
    python bench/bench_link.py --postgres postgresql://postgres@127.0.0.1/claimtrack_bench
    python bench/bench_link.py --sizes 10000 100000  # quicker
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pycountry  # noqa: E402
from rapidfuzz import fuzz, process, utils  # noqa: E402
from sqlalchemy import delete, insert, select, text  # noqa: E402

from store.db import drop_everything, make_engine, session_scope, upgrade  # noqa: E402
from store.models import Article, Claim, ClaimLink  # noqa: E402
from worker.core.relate import metric_key  # noqa: E402
from worker.pipeline import Config, link_claim, observation_key, order_key  # noqa: E402

KINDS = ["killed", "injured", "displaced", "missing", "hostages", "detained", "food_insecure"]
CLASSES = ["people", "children", "women", "soldiers"]
SCOPES = ["cumulative", "cumulative", "cumulative", "incident", "period"]
REGIONS = sorted(c.name for c in pycountry.countries)
ORIGINATORS = [f"Authority {i}" for i in range(60)] + [f"outlet:news{i}.example" for i in range(40)]
START = date(2020, 1, 1)
PER_ARTICLE = 50


def synthetic_claim(rng: random.Random, article_id: int, i: int) -> dict:
    kind, region = rng.choice(KINDS), rng.choice(REGIONS)
    cls, scope = rng.choice(CLASSES), rng.choice(SCOPES)
    period = "24h" if scope == "period" else None
    as_of = START + timedelta(days=rng.randrange(365 * 4))
    value = int(rng.lognormvariate(7, 2)) + 1
    m = metric_key(kind, region, cls, scope, period)
    who, key = rng.choice(ORIGINATORS), order_key(as_of, as_of, value, f"{article_id:024x}", i * 40)
    return dict(article_id=article_id, kind=kind, value=value, qualifier="exact", low=value, high=value,
                scope=scope, period=period, subject=cls, subject_class=cls, location=region, region=region,
                source=None, source_id=None, originator=who, as_of=as_of,
                quote=f"{value} {kind}", start=i * 40, end=i * 40 + 12, metric=m, order_key=key,
                role="total", regions="", observation=observation_key(m, region, who, key, "exact", value, value, value))


def fill(engine, target: int, rng: random.Random) -> int:
    """Grow the store to ``target`` claims; returns how many there are."""
    with engine.connect() as conn:
        have = conn.execute(text("SELECT count(*) FROM claims")).scalar_one()
        next_article = (conn.execute(text("SELECT coalesce(max(id), 0) FROM articles")).scalar_one() or 0) + 1
    t0 = time.perf_counter()
    while have < target:
        n_art = min(2000, (target - have + PER_ARTICLE - 1) // PER_ARTICLE)
        arts, claims = [], []
        for a in range(next_article, next_article + n_art):
            arts.append(dict(id=a, ext_id=f"bench-{a}", content_hash=f"{a:064x}", outlet_id=None, url=None,
                             published=START, title="", text="synthetic", copy_of_id=None))
            # each stored figure is its own observation's first mention (its head)
            claims.extend({**synthetic_claim(rng, a, i), "head": True} for i in range(PER_ARTICLE))
        with engine.begin() as conn:
            conn.execute(insert(Article), arts)
            conn.execute(insert(Claim), claims)
        next_article += n_art
        have += n_art * PER_ARTICLE
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE claims"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    print(f"    filled to {have:,} claims in {time.perf_counter() - t0:.1f}s", flush=True)
    return have


def time_linking(engine, rng: random.Random, n: int) -> list[float]:
    """Insert ``n`` new claims and time link_claim for each (the store keeps them)."""
    cfg, times = Config(), []
    with engine.connect() as conn:
        art_id = conn.execute(text("SELECT max(id) FROM articles")).scalar_one()
    for i in range(n):
        with session_scope(engine) as s:
            row = Claim(**synthetic_claim(rng, art_id, 10_000 + i))
            s.add(row)
            s.flush()
            t0 = time.perf_counter()
            link_claim(s, row, cfg, Counter())
            s.flush()
            times.append(time.perf_counter() - t0)
    return times


def brute_force(engine, rng: random.Random, n: int) -> list[float]:
    """The naive way: compare each new claim with every stored claim by fuzzy name and number."""
    with engine.connect() as conn:
        rows = conn.execute(select(Claim.metric, Claim.originator, Claim.value, Claim.as_of)).all()
    names = [f"{r[0]} {r[1]}" for r in rows]
    times = []
    for _ in range(n):
        c = synthetic_claim(rng, 0, 0)
        t0 = time.perf_counter()
        hits = process.extract(f"{c['metric']} {c['originator']}", names, scorer=fuzz.token_set_ratio,
                               processor=utils.default_process, score_cutoff=90, limit=None)
        _ = [h for h in hits if abs((rows[h[2]][3] - c["as_of"]).days) <= 2]
        times.append(time.perf_counter() - t0)
    return times


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] * 1000


def run(label: str, url: str, sizes: list[int], probes: int, brute: int) -> list[tuple]:
    print(f"== {label}: {url.split('@')[-1]}", flush=True)
    drop_everything(url)
    upgrade(url)
    engine = make_engine(url)
    rng = random.Random(7)
    out = []
    for size in sizes:
        fill(engine, size, rng)
        t = time_linking(engine, rng, probes)
        b = brute_force(engine, rng, brute)
        with engine.begin() as conn:
            conn.execute(delete(ClaimLink))
        out.append((label, size, pct(t, 0.5), pct(t, 0.99), statistics.median(b) * 1000))
        print(f"    {size:>9,} stored: link p50 {pct(t, .5):6.2f} ms  p99 {pct(t, .99):6.2f} ms   "
              f"brute-force scan p50 {statistics.median(b) * 1000:8.1f} ms  "
              f"(×{statistics.median(b) / max(statistics.median(t), 1e-9):,.0f})", flush=True)
    engine.dispose()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--probes", type=int, default=500, help="new claims linked per size")
    ap.add_argument("--brute", type=int, default=20, help="brute-force scans per size")
    ap.add_argument("--sqlite", default=None, help="SQLite file (default: a temporary one)")
    ap.add_argument("--postgres", default=None, help="a PostgreSQL url to run on as well (its tables are dropped)")
    args = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results += run("sqlite", f"sqlite:///{args.sqlite or Path(tmp) / 'bench.db'}", args.sizes, args.probes, args.brute)
    if args.postgres:
        url = args.postgres.replace("postgresql://", "postgresql+psycopg://", 1)
        results += run("postgres", url, args.sizes, args.probes, args.brute)
    print("\nsummary (ms)")
    print(f"{'store':<9}{'claims':>11}{'p50':>8}{'p99':>8}{'brute p50':>11}")
    for label, size, p50, p99, b in results:
        print(f"{label:<9}{size:>11,}{p50:>8.2f}{p99:>8.2f}{b:>11.1f}")
    for label in sorted({r[0] for r in results}):
        rs = [r for r in results if r[0] == label]
        if len(rs) > 1:
            print(f"{label}: p50 growth {rs[0][1]:,} → {rs[-1][1]:,} claims: ×{rs[-1][2] / rs[0][2]:.2f}")


if __name__ == "__main__":
    main()
