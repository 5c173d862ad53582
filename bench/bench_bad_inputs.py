"""One `claimtrack ingest DIR` over 1,000 generated bad files beside 100 good articles.

The bad files are every kind in claimtrack_testdata.bad_inputs (empty, binary, not
UTF-8, malformed JSON, non-object JSON, `text` null or a number, a 25 MB text, NUL
bytes, a 5,000-character id, a `javascript:` url, a bad date, HTML without a main text,
a broken feed, a BOM alone, whitespace only, JSON nested 100,000 deep, a lone surrogate).
Checks and prints: the exit status (1), every bad file named with the reason its kind
must get, the 100 good articles stored, the claims stored before the run unchanged.

    python bench/bench_bad_inputs.py
    python bench/bench_bad_inputs.py --bad 200 --good 20
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from claimtrack_testdata.articles import iter_synthetic, write_jsonl  # noqa: E402
from claimtrack_testdata.bad_inputs import BAD_FILES, write_corpus  # noqa: E402
from claimtrack_testdata.processes import run_measured, store_counts  # noqa: E402

EARLIER = 20


def claimtrack(env: dict, *args: str) -> dict:
    return run_measured([sys.executable, "-m", "worker.cli", *args], env)


def claims_of(env: dict, ids: set[str]) -> list[str]:
    out = claimtrack(env, "claims", "--format", "jsonl")["stdout"].splitlines()
    return sorted(line for line in out if json.loads(line)["article"] in ids)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bad", type=int, default=1000)
    ap.add_argument("--good", type=int, default=100)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        url = f"sqlite:///{tmp / 'bench.db'}"
        env = {"CLAIMTRACK_DATABASE_URL": url}
        earlier = write_jsonl(tmp / "earlier.jsonl", iter_synthetic(EARLIER, seed=5))
        assert claimtrack(env, "ingest", "-q", str(earlier))["status"] == 0
        earlier_ids = {p["id"] for p in iter_synthetic(EARLIER, seed=5)}
        before = claims_of(env, earlier_ids)

        corpus = tmp / "corpus"
        expected = write_corpus(corpus, bad=args.bad, good=args.good, seed=5, start=EARLIER, gigantic=1)
        size = sum(p.stat().st_size for p in corpus.iterdir()) / 1e6
        r = claimtrack(env, "ingest", str(corpus))
        lines = [line for line in r["stderr"].splitlines() if line.startswith("rejected ")]
        named = {name for name in expected if any(f"/{name}" in line for line in lines)}
        wrong = [name for name in named
                 if not all(expected[name] in line for line in lines if f"/{name}" in line)]
        counts = store_counts(url)
        after = claims_of(env, earlier_ids)

        print(f"{args.bad:,} bad files ({len(BAD_FILES) + 1} kinds) + {args.good} good articles, {size:,.1f} MB, "
              f"{EARLIER} articles ({len(before)} claims) stored before")
        print(f"exit status                         {r['status']}  (expected 1)")
        print(f"bad files named with their reason   {len(named) - len(wrong):,} / {len(expected):,}"
              + (f"   missing: {sorted(set(expected) - named)[:5]} wrong reason: {wrong[:5]}" if
                 len(named) - len(wrong) != len(expected) else ""))
        print(f"rejection lines printed             {len(lines):,}   traceback: {'Traceback' in r['stderr']}")
        print(f"articles stored                     {counts['articles'] - EARLIER} new / {args.good} good "
              f"(+{EARLIER} before); failed {counts['failed']}; rejections recorded {counts['rejected']:,}")
        print(f"claims stored before, unchanged     {after == before}")
        print(f"time                                {r['seconds']:.1f} s   peak RSS {r['peak_rss_mb']:.0f} MB")
        print(r["stdout"].strip())


if __name__ == "__main__":
    main()
