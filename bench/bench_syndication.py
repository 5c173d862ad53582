"""One syndication day: many outlets carrying the statements of a few originators about
one hot metric, beside the same number of articles spread over cold metrics.

A hot day is 20 originators (authorities the alias tables know) each stating its toll
of one metric twice in the day; every statement is carried by outlets drawn from 300,
each copy lightly edited. The cold day is as many articles, each about its own metric
(a country and a kind of count). Both are ingested through the pipeline in batches, on
SQLite and (with --postgres) PostgreSQL, in the same run (the store analyzed after the
cold day, as a store in service is), and the bench prints links,
flags and articles per second for each: links and flags grow with observations and
originators, so the hot day must run at no less than half the cold rate.

    python bench/bench_syndication.py                          # SQLite, 10,000 articles a day
    python bench/bench_syndication.py --articles 2000          # quicker
    python bench/bench_syndication.py --postgres postgresql://postgres@127.0.0.1/claimtrack_bench
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pycountry  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from store.db import drop_everything, make_engine, session_scope, upgrade  # noqa: E402
from store.models import Claim, ClaimLink, Flag  # noqa: E402
from worker.aliases import load_aliases  # noqa: E402
from worker.core.types import ArticleIn  # noqa: E402
from worker.pipeline import Config, ingest_many  # noqa: E402

AUTHORITIES = ("Gaza Health Ministry", "UN OCHA", "WHO", "UNICEF", "UNRWA", "Palestinian Red Crescent", "ICRC",
               "IFRC", "MSF", "Save the Children", "Amnesty International", "Human Rights Watch", "OHCHR",
               "Israeli military", "World Food Programme", "UNHCR", "IOM", "FAO", "ACLED", "US government")
OUTLETS = [f"outlet{i:03d}.example" for i in range(300)]
DAY = date(2023, 11, 6)
EDITS = ("Aid convoys waited at the crossing.", "Hospitals ran short of fuel.", "Families walked south.",
         "Rain flooded the camps overnight.", "The crossing stayed closed.", "Power cuts hit the north.")
COLD_KINDS = (("killed", "people have been killed"), ("injured", "people have been injured"),
              ("displaced", "people have been displaced"), ("missing", "people are missing"))


def hot_day(n: int, rng: random.Random) -> list[ArticleIn]:
    """``n`` copies of 40 statements (20 originators, two figures each) about one metric."""
    statements = []
    for i, who in enumerate(AUTHORITIES):
        base = 11_000 + 40 * (i % 5) if i < 17 else 14_000  # three originators far from the rest
        statements += [(who, base), (who, base + 120)]
    out = []
    for k in range(n):
        who, value = statements[k % len(statements)]
        outlet = rng.choice(OUTLETS)
        out.append(ArticleIn(
            id=f"hot-{k:05d}", outlet=outlet, published=DAY, url=f"https://{outlet}/hot/{k}",
            text=f"{value:,} people have been killed in Gaza, the {who} said on Monday. "
                 f"{rng.choice(EDITS)} {rng.choice(EDITS)} Story {k}."))
    return out


# authorities with no home region of their own: a cold figure's place is its country
WORLDWIDE = ("WHO", "UN OCHA", "UNICEF", "ICRC", "IFRC", "MSF", "IOM", "UNHCR", "OHCHR", "Save the Children",
             "Amnesty International", "Human Rights Watch", "ACLED", "FAO", "World Food Programme")


def placed_countries() -> list[str]:
    """The countries the extractor reads as the place of a figure (each its own metric)."""
    from worker.core.extract import extract

    aliases, out = load_aliases(None), []
    for c in sorted(c.name for c in pycountry.countries if "," not in c.name and "(" not in c.name):
        claims = extract(ArticleIn(id="probe", text=f"120 people have been killed in {c}, the WHO said.",
                                   published=DAY), aliases)
        if claims and claims[0].region:
            out.append((claims[0].region, c))
    regions = {}
    for region, name in out:
        regions.setdefault(region, name)  # one country name per region read
    return sorted(regions.values())


def cold_day(n: int, rng: random.Random) -> list[ArticleIn]:
    """``n`` articles, each about its own metric (a country and a kind of count); when
    there are more articles than such metrics, a metric comes back a week later, out of
    the time window of the one before."""
    countries = placed_countries()
    per_round = len(countries) * len(COLD_KINDS)
    out = []
    for k in range(n):
        country = countries[k % len(countries)]
        kind = COLD_KINDS[(k // len(countries)) % len(COLD_KINDS)][1]
        who, outlet = rng.choice(WORLDWIDE), rng.choice(OUTLETS)
        day = DAY + timedelta(days=7 * (k // per_round))
        out.append(ArticleIn(
            id=f"cold-{k:05d}", outlet=outlet, published=day, url=f"https://{outlet}/cold/{k}",
            text=f"{rng.randint(20, 5000):,} {kind} in {country}, the {who} said on Monday. "
                 f"{rng.choice(EDITS)} Story {k}."))
    return out


def ingest(engine, arts: list[ArticleIn], batch: int) -> float:
    """Ingest in transactions of ``batch`` articles; returns the seconds it took."""
    aliases, cfg = load_aliases(None), Config()
    t0 = time.perf_counter()
    for i in range(0, len(arts), batch):
        outs = ingest_many(engine, arts[i:i + batch], aliases, cfg)
        bad = [o for o in outs if o.status not in ("stored", "known")]
        if bad:
            raise SystemExit(f"{bad[0].article}: {bad[0].reason}")
    return time.perf_counter() - t0


def tally(engine, prefix: str) -> dict:
    """Links, flags and observations of the articles whose id starts with ``prefix``."""
    from store.models import Article

    with session_scope(engine) as s:
        mine = select(Claim.id).join(Article, Claim.article_id == Article.id).where(Article.ext_id.like(f"{prefix}%"))
        rels = Counter(s.scalars(select(ClaimLink.relation).where(ClaimLink.a_id.in_(mine))))
        flags = s.scalar(select(func.count(Flag.id)).where(Flag.a_id.in_(mine)))
        observations = s.scalar(select(func.count(func.distinct(Claim.observation))).where(Claim.id.in_(mine)))
    return {"links": sum(rels.values()), "relations": dict(rels), "flags": flags, "observations": observations}


def run(label: str, url: str, n: int, batch: int) -> list[tuple]:
    print(f"== {label}: {url.split('@')[-1]}", flush=True)
    drop_everything(url)
    upgrade(url)
    engine = make_engine(url)
    rng = random.Random(11)
    rows = []
    for day, arts in (("cold", cold_day(n, rng)), ("hot", hot_day(n, rng))):
        if day == "hot":
            # a store in service has planner statistics (autovacuum keeps them); a table
            # created a minute ago has none, and PostgreSQL then reads a whole metric to
            # find an originator's chain (bench_link.py analyzes after its fill as well)
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("ANALYZE"))
        seconds = ingest(engine, arts, batch)
        t = tally(engine, day)
        rows.append((label, day, n, seconds, t))
        print(f"    {day}: {n:,} articles in {seconds:.1f}s = {n / seconds:,.0f} articles/s; "
              f"{t['observations']:,} observations, {t['links']:,} links {t['relations']}, {t['flags']:,} flags",
              flush=True)
    engine.dispose()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=10_000, help="articles in each day (hot and cold)")
    ap.add_argument("--batch", type=int, default=100, help="articles per transaction")
    ap.add_argument("--sqlite", default=None, help="SQLite file (default: a temporary one)")
    ap.add_argument("--postgres", default=None, help="a PostgreSQL url to run on as well (its tables are dropped)")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows += run("sqlite", f"sqlite:///{args.sqlite or Path(tmp) / 'synd.db'}", args.articles, args.batch)
    if args.postgres:
        rows += run("postgres", args.postgres.replace("postgresql://", "postgresql+psycopg://", 1), args.articles,
                    args.batch)
    print("\nsummary")
    print(f"{'store':<9}{'day':<6}{'articles':>9}{'art/s':>8}{'obs.':>7}{'links':>8}{'flags':>7}")
    for label, day, n, seconds, t in rows:
        print(f"{label:<9}{day:<6}{n:>9,}{n / seconds:>8,.0f}{t['observations']:>7,}{t['links']:>8,}{t['flags']:>7,}")
    for label in sorted({r[0] for r in rows}):
        rate = {day: n / seconds for lab, day, n, seconds, _ in rows if lab == label}
        ok = "ok" if rate["hot"] >= 0.5 * rate["cold"] else "BELOW HALF"
        print(f"{label}: hot / cold rate = {rate['hot'] / rate['cold']:.2f} ({ok}: the hot day must keep >= 0.50)")


if __name__ == "__main__":
    main()
