"""Peak memory and rate of `claimtrack ingest` on generated JSON Lines files of growing size.

Each size is a fresh SQLite store and a fresh process (`python -m worker.cli ingest -q`);
the peak RSS is the kernel's count for that process (wait4). Streaming holds one batch
(CLAIMTRACK_BATCH_SIZE articles) at a time, so the peak should not grow with the file.

    python bench/bench_ingest_stream.py                          # 10,000 and 100,000 articles, ~1.5 kB each
    python bench/bench_ingest_stream.py --sizes 2000 20000 --article-bytes 4500   # ~9 and ~90 MB
    python bench/bench_ingest_stream.py --sizes 10000 --compare /tmp/old-checkout  # beside another version

``--compare DIR`` runs the same files through the code checked out in DIR (e.g. the
commit before streaming: ``git worktree add /tmp/old <commit>``) for the rate and memory
side by side.
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from claimtrack_testdata.articles import iter_synthetic, write_jsonl  # noqa: E402
from claimtrack_testdata.processes import ROOT, run_measured  # noqa: E402


def ingest(path: Path, db: Path, code: Path) -> dict:
    r = run_measured([sys.executable, "-m", "worker.cli", "ingest", "-q", str(path)],
                     {"CLAIMTRACK_DATABASE_URL": f"sqlite:///{db}", "PYTHONPATH": str(code)}, cwd=code)
    m = re.search(r"articles stored (\d+)", r["stdout"])
    r["stored"] = int(m.group(1)) if m else 0
    return r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="articles per file")
    ap.add_argument("--article-bytes", type=int, default=1500, help="text size of each article")
    ap.add_argument("--compare", type=Path, help="another checkout to run the same files through")
    args = ap.parse_args()

    runs = [("this checkout", ROOT)] + ([(f"{args.compare}", args.compare)] if args.compare else [])
    # the rate per CPU second too: on a shared machine the wall-clock rate says more about the neighbours
    print(f"{'code':<24} {'articles':>9} {'MB':>7} {'stored':>8} {'seconds':>8} {'articles/s':>10} "
          f"{'CPU s':>7} {'per CPU s':>9} {'peak RSS MB':>11}")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        peaks: dict[str, list[float]] = {}
        for n in args.sizes:
            path = write_jsonl(tmp / f"{n}.jsonl", iter_synthetic(n, seed=21, size=args.article_bytes))
            mb = path.stat().st_size / 1e6
            for label, code in runs:
                db = tmp / f"{n}-{len(peaks.get(label, []))}-{abs(hash(label))}.db"
                r = ingest(path, db, code)
                note = "" if r["stored"] == n else f"   (exit {r['status']}: {r['stderr'].strip()[-160:]})"
                rate = r["stored"] / r["seconds"] if r["seconds"] else 0.0
                print(f"{label[-24:]:<24} {n:>9,} {mb:>7.1f} {r['stored']:>8,} {r['seconds']:>8.1f} {rate:>10.1f} "
                      f"{r['cpu_seconds']:>7.1f} {r['stored'] / max(r['cpu_seconds'], 1e-6):>9.1f} "
                      f"{r['peak_rss_mb']:>11.1f}{note}", flush=True)
                peaks.setdefault(label, []).append(r["peak_rss_mb"])
                db.unlink(missing_ok=True)
            path.unlink()
        for label, values in peaks.items():
            if len(values) > 1:
                print(f"{label}: peak RSS from {args.sizes[0]:,} to {args.sizes[-1]:,} articles grew by "
                      f"{values[-1] - values[0]:+.1f} MB")


if __name__ == "__main__":
    main()
