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

While a run goes on, the store (its highest article id, read-only) and the process's CPU
time are sampled every half second, so the rate is printed over the first and the last
tenth of the articles too, per second and per CPU second (on a shared machine the wall
clock says more about the neighbours): a rate that degrades with the size of the store
shows as a last tenth slower than the first. ``--deciles`` prints every tenth.
"""
from __future__ import annotations

import argparse
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from claimtrack_testdata.articles import iter_synthetic, write_jsonl  # noqa: E402
from claimtrack_testdata.processes import ROOT  # noqa: E402


def stored_so_far(db: Path) -> int | None:
    """The highest article id stored (one process inserts them in order), or None while
    the store is not there yet."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2)
        try:
            return conn.execute("SELECT max(id) FROM articles").fetchone()[0] or 0
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def ingest(path: Path, db: Path, code: Path, every: float = 0.5) -> dict:
    """One ``claimtrack ingest`` process: its output, wall and CPU time, peak RSS (from
    ``wait4``) and the (seconds, articles stored) seen while it ran."""
    env = {**os.environ, "CLAIMTRACK_DATABASE_URL": f"sqlite:///{db}", "PYTHONPATH": str(code)}
    samples: list[tuple[float, int]] = []
    done = threading.Event()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "worker.cli", "ingest", "-q", str(path)], cwd=code, env=env,
                                stdout=out, stderr=err)

        def poll() -> None:
            while not done.wait(every):
                n, cpu = stored_so_far(db), cpu_seconds(proc.pid)
                if n is not None and cpu is not None:
                    samples.append((time.monotonic() - started, cpu, n))

        sampler = threading.Thread(target=poll, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.monotonic() - started
        done.set()
        sampler.join()
        out.seek(0)
        err.seek(0)
        r = {"status": os.waitstatus_to_exitcode(status), "stdout": out.read().decode("utf-8", "replace"),
             "stderr": err.read().decode("utf-8", "replace"), "seconds": seconds,
             "cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_rss_mb": usage.ru_maxrss / 1024}
    m = re.search(r"articles stored (\d+)", r["stdout"])
    r["stored"] = int(m.group(1)) if m else 0
    r["samples"] = samples + [(seconds, r["cpu_seconds"], r["stored"])]
    return r


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """The CPU time (user + system) a running process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS


def rate_between(samples: list[tuple[float, float, int]], lo: int, hi: int, cpu: bool = False) -> float | None:
    """Articles per second (of wall-clock time, or of the process's CPU time) while the
    store grew from ``lo`` to ``hi`` articles, between the first samples at or past each
    (from the first batch stored when ``lo`` is 0, so the start-up is not counted)."""
    a = next((x for x in samples if x[2] >= max(lo, 1)), None)
    b = next((x for x in samples if x[2] >= hi), None)
    k = 1 if cpu else 0
    if a is None or b is None or b[k] <= a[k]:
        return None
    return (b[2] - a[2]) / (b[k] - a[k])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="articles per file")
    ap.add_argument("--article-bytes", type=int, default=1500, help="text size of each article")
    ap.add_argument("--compare", type=Path, help="another checkout to run the same files through")
    ap.add_argument("--deciles", action="store_true", help="print the rate over each tenth of the articles too")
    args = ap.parse_args()

    runs = [("this checkout", ROOT)] + ([(f"{args.compare}", args.compare)] if args.compare else [])
    # the rate per CPU second too: on a shared machine the wall-clock rate says more about the neighbours
    # the rate over the first and the last tenth of the articles, per second and per CPU second
    print(f"{'code':<24} {'articles':>9} {'MB':>7} {'stored':>8} {'seconds':>8} {'articles/s':>10} "
          f"{'first 10%':>9} {'last 10%':>9} {'CPU s':>7} {'per CPU s':>9} {'first 10%':>9} {'last 10%':>9} "
          f"{'peak RSS MB':>11}")
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
                tenths = {cpu: [rate_between(r["samples"], n * i // 10, n * (i + 1) // 10, cpu) for i in range(10)]
                          for cpu in (False, True)}
                fmt = lambda x: f"{x:>9.1f}" if x is not None else f"{'-':>9}"  # noqa: E731
                print(f"{label[-24:]:<24} {n:>9,} {mb:>7.1f} {r['stored']:>8,} {r['seconds']:>8.1f} {rate:>10.1f} "
                      f"{fmt(tenths[False][0])} {fmt(tenths[False][-1])} {r['cpu_seconds']:>7.1f} "
                      f"{r['stored'] / max(r['cpu_seconds'], 1e-6):>9.1f} {fmt(tenths[True][0])} "
                      f"{fmt(tenths[True][-1])} {r['peak_rss_mb']:>11.1f}{note}", flush=True)
                if args.deciles:
                    for cpu, what in ((False, "articles/s"), (True, "per CPU s")):
                        print(" " * 25 + f"{what} by tenth: " +
                              " ".join(f"{x:.0f}" if x else "-" for x in tenths[cpu]), flush=True)
                peaks.setdefault(label, []).append(r["peak_rss_mb"])
                db.unlink(missing_ok=True)
            path.unlink()
        for label, values in peaks.items():
            if len(values) > 1:
                print(f"{label}: peak RSS from {args.sizes[0]:,} to {args.sizes[-1]:,} articles grew by "
                      f"{values[-1] - values[0]:+.1f} MB")


if __name__ == "__main__":
    main()
