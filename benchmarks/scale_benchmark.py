"""The main job on Dask at scale (issue 20): seconds per step, documents per second and peak memory
of the driver and of each worker, for several numbers of workers.

    .venv/bin/python benchmarks/scale_benchmark.py                          # 9,278 reports, N = 1, 2
    .venv/bin/python benchmarks/scale_benchmark.py --reports 500 --workers 0,1,2   # quick look
    .venv/bin/python benchmarks/scale_benchmark.py --reports 0 --units 1000000 --workers 2,4,8,16
    .venv/bin/python benchmarks/scale_benchmark.py --reports 0 --units 1000000 --workers 2 --keep /tmp/scale  # database kept

Corpora (written into a temporary folder, removed at the end; nothing is copied into the repository):

- ``--reports N``: the first N Grand Débat meeting reports (``../shared/data/gdn-reunions-locales``,
  9,278 in all; skipped with a one-line reason when absent), one plain-text cahier each (title,
  place, « Constats », « Propositions »: ``benchmarks/gdn_reports.py``).
- ``--units U``: a generated corpus of about U units, recombined from the real reports: each
  generated cahier takes the title of one report and the « Constats » and « Propositions » of 2
  to 6 others, drawn with a seeded generator (``--seed``), until the estimated number of units
  (cahier, sections, paragraphs, sentences) reaches U. The stored number is printed.

For each N of ``--workers`` (0: the default run, one process without Dask), the job runs in a
fresh process of this script (so that peak memory is its own) on a fresh database:
``ess_nlp.pipeline.run(..., client=<LocalCluster of N processes, one thread each>)``, the
document steps only by default (``--steps``; topics on a million units are another matter). It
prints the wall time, the time of the parallel part, the seconds of each step summed over the
workers, documents per second, the peak resident memory of the driver and of each worker (and of
its reading process), the CPU seconds of the driver, the workers and their reading processes
together (on a busy machine, what wall time hides) and the driver's alone, the counts stored, and a
digest of the stored units, labels, extracted items and near-duplicate groups (paths relative to the
corpus folder), which must be the same for every N and for every invocation on the same corpus.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from gdn_reports import GDN_CSV, gdn_text, iter_gdn

ROOT = Path(__file__).resolve().parents[1]
_SENTENCE_END = re.compile(r"[.!?…]+(?:\s|$)")

# What must not depend on N (no timestamps; the model by name).
DIGEST_QUERIES = (
    "SELECT path, sha256 FROM sources ORDER BY id",
    "SELECT id, level, cahier_id, start, end FROM units ORDER BY source_id, ord",
    "SELECT p.unit_id, m.name, p.facet, p.label, p.score, p.assigned FROM predictions p"
    " JOIN model_versions m ON m.id = p.model_id ORDER BY p.unit_id, p.facet, p.label",
    "SELECT id, unit_id, start, end FROM proposals ORDER BY id",
    "SELECT id, unit_id, start, end FROM constats ORDER BY id",
    "SELECT id, unit_id, start, end FROM initiatives ORDER BY id",
    "SELECT g.id, g.label, g.size, g.cahiers, m.proposal_id, m.similarity FROM duplicate_members m"
    " JOIN duplicate_groups g ON g.id = m.group_id ORDER BY g.id, m.proposal_id",
)


def write_reports(folder: Path, count: int) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for row in iter_gdn(count):
        (folder / f"reunion-{int(row['contribution_id']):05d}.txt").write_text(gdn_text(row), encoding="utf-8")
        written += 1
    return written


def estimated_units(text: str) -> int:
    """Cahier + sections + paragraphs + sentences, roughly as the splitter counts them."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    return 1 + 2 + len(paragraphs) + sum(max(1, len(_SENTENCE_END.findall(p))) for p in paragraphs)


def write_generated(folder: Path, units: int, seed: int) -> tuple[int, int]:
    """Cahiers recombined from the real reports until about ``units`` units: (files, estimate)."""
    rows = [
        (r["title"].strip(), r["constats"].strip(), r["propositions"].strip())
        for r in iter_gdn()
        if r["constats"].strip() or r["propositions"].strip()
    ]
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    total = files = 0
    while total < units:
        picks = rng.sample(rows, rng.randint(2, 6))
        title = rng.choice(rows)[0] or "Réunion"
        constats = "\n\n".join(p[1] for p in picks if p[1])
        propositions = "\n\n".join(p[2] for p in picks if p[2])
        text = f"{title}\n\nConstats\n\n{constats or '(non renseigné)'}\n\nPropositions\n\n{propositions or '(non renseigné)'}\n"
        files += 1
        (folder / f"{files // 1000:04d}" / f"cahier-{files:07d}.txt").parent.mkdir(exist_ok=True)
        (folder / f"{files // 1000:04d}" / f"cahier-{files:07d}.txt").write_text(text, encoding="utf-8")
        total += estimated_units(text)
    return files, total


def peak_bytes(pid: int | str = "self") -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int | str = "self") -> float:
    """User + system CPU seconds of one process (``/proc/PID/stat``)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def worker_cpu() -> float:
    """CPU seconds of a worker process and of its reading process (run on each worker)."""
    from ess_nlp.isolation import shared_worker

    reader = shared_worker()._process
    return cpu_seconds() + (cpu_seconds(reader.pid) if reader is not None and reader.poll() is None else 0.0)


def digest(db: Path, folder: Path) -> tuple[str, dict[str, int]]:
    """A hash of what must not depend on N, and the counts stored. Paths count relative to the
    corpus ``folder``, so that two invocations of the script (two temporary folders) compare."""
    sha = hashlib.sha256()
    prefix = f"{folder}{os.sep}"
    with sqlite3.connect(db) as conn:
        for sql in DIGEST_QUERIES:
            for row in conn.execute(sql):
                row = tuple(v.removeprefix(prefix) if isinstance(v, str) else v for v in row)
                sha.update(repr(row).encode())
        counts = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("sources", "units", "predictions", "proposals", "constats", "initiatives", "duplicate_groups")
        }
    return sha.hexdigest()[:16], counts


def one_run(folder: Path, db: Path, workers: int, steps: list[str]) -> dict[str, Any]:
    """One configuration, in this (fresh) process."""
    from ess_nlp.isolation import shared_worker
    from ess_nlp.parallel import dask_client, memory_peaks
    from ess_nlp.pipeline import run
    from ess_nlp.store import Store

    out: dict[str, Any] = {"workers": workers}
    started = time.perf_counter()
    with Store(db) as store:
        if workers == 0:
            report = run([folder], store, steps=steps)
            reader = shared_worker()._process
            out["worker_peaks"] = [{"reader": peak_bytes(reader.pid)}] if reader is not None else []
            out["cpu"] = worker_cpu()
        else:
            with dask_client(workers=workers) as client:
                out["startup_seconds"] = round(time.perf_counter() - started, 1)
                report = run([folder], store, steps=steps, client=client)
                out["worker_peaks"] = list(client.run(memory_peaks).values())
                out["driver_cpu"] = cpu_seconds()
                out["cpu"] = out["driver_cpu"] + sum(client.run(worker_cpu).values())
    out["seconds"] = round(time.perf_counter() - started, 1)
    out["documents_seconds"] = report.ingest_seconds  # read, split and (with Dask) classify and extract
    out["steps"] = {s.name: s.seconds for s in report.steps}
    out["failed"] = len(report.failures) + sum(s.failed for s in report.steps)
    out["documents"] = sum(s.outcome in ("added", "replaced") for s in report.sources)
    out["driver_peak"] = peak_bytes()
    out["driver_maxrss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    out["digest"], out["counts"] = digest(db, folder)
    return out


def gib(n: int) -> str:
    return f"{n / 2**30:.2f}"


def print_row(corpus: str, r: dict[str, Any]) -> None:
    docs = r["documents"]
    per_s = docs / r["seconds"] if r["seconds"] else 0.0
    steps = ", ".join(f"{k} {v:.1f}" for k, v in r["steps"].items())
    workers = " ".join(
        "/".join(gib(p.get(k, 0)) for k in ("process", "reader") if k in p) for p in r["worker_peaks"]
    )
    label = "sans Dask" if r["workers"] == 0 else f"N={r['workers']}"
    driver_cpu = f" (driver {r['driver_cpu']:.0f} s)" if "driver_cpu" in r else ""
    print(
        f"{corpus:<14} {label:<9} {docs:>8} docs {r['counts']['units']:>9} units  {r['seconds']:>8.1f} s"
        f"  {per_s:>7.1f} docs/s  (documents {r['documents_seconds']:.1f} s, start {r.get('startup_seconds', 0):.1f} s;"
        f" steps [{steps}])  driver peak {gib(r['driver_peak'])} GiB  workers [{workers}] GiB"
        f"  CPU {r['cpu']:.0f} s{driver_cpu}  failed {r['failed']}  digest {r['digest']}",
        flush=True,
    )


def run_in_child(
    folder: Path, workers: int, steps: list[str], timeout: float, keep: Path | None = None
) -> dict[str, Any] | None:
    """One configuration in a fresh process, on a fresh database: in a temporary folder, or
    ``keep/<folder name>-N<workers>.sqlite3`` (kept, for the later steps to be measured on it)."""
    with tempfile.TemporaryDirectory(prefix="ess-scale-db-") as tmp:
        db = Path(tmp) / "base.sqlite3"
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            db = keep / f"{folder.name}-N{workers}.sqlite3"
            db.unlink(missing_ok=True)
        command = [
            sys.executable, __file__, "--one", str(workers), "--folder", str(folder), "--db", str(db),
            "--steps", ",".join(steps),
        ]
        return child_json(command, timeout, f"N={workers}")


def child_json(command: list[str], timeout: float, label: str, env: dict[str, str] | None = None) -> dict[str, Any] | None:
    """The last JSON line ``command`` prints (run with ``env`` added, and the repository and this
    folder on ``PYTHONPATH``), or None after saying why (``label``: which run)."""
    path = os.pathsep.join(filter(None, [str(ROOT), str(Path(__file__).parent), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, **(env or {}), "PYTHONPATH": path}
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired:
        print(f"  {label}: stopped after {timeout:g} s (--timeout)", flush=True)
        return None
    line = next((x for x in reversed(done.stdout.splitlines()) if x.startswith("{")), None)
    if done.returncode != 0 or line is None:
        print(f"  {label}: failed ({done.returncode}): {done.stderr[-1500:]}", flush=True)
        return None
    result: dict[str, Any] = json.loads(line)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=9278, help="Grand Débat reports (0: none)")
    parser.add_argument("--units", type=int, default=0, help="also a generated corpus of about this many units")
    parser.add_argument("--workers", default="1,2", help="numbers of workers, comma-separated (0: without Dask)")
    parser.add_argument("--steps", default="classify,extract", help="steps after reading and splitting")
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=600, help="seconds per configuration")
    parser.add_argument("--keep", type=Path, help="keep each run's database in this folder (default: removed)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    steps = [s for s in args.steps.split(",") if s]
    if args.one is not None:
        print(json.dumps(one_run(args.folder, args.db, args.one, steps)))
        return
    if not GDN_CSV.exists():
        print(f"skipped: {GDN_CSV} is absent (../shared/data beside the repository)")
        return
    counts = [int(n) for n in args.workers.split(",") if n.strip()]
    print(f"{os.cpu_count()} CPU(s); steps: {', '.join(steps) or 'none'}; workers: {counts}", flush=True)
    folder = Path(tempfile.mkdtemp(prefix="ess-scale-"))
    try:
        corpora = []
        if args.reports:
            n = write_reports(folder / "reports", args.reports)
            corpora.append((f"GDN {n}", folder / "reports"))
        if args.units:
            files, estimate = write_generated(folder / "generated", args.units, args.seed)
            print(f"generated corpus: {files} cahiers, about {estimate} units (seed {args.seed})", flush=True)
            corpora.append((f"gen ~{args.units}", folder / "generated"))
        for name, path in corpora:
            digests = set()
            timings: dict[int, float] = {}
            for workers in counts:
                result = run_in_child(path, workers, steps, args.timeout, args.keep)
                if result is None:
                    continue
                print_row(name, result)
                digests.add(result["digest"])
                timings[workers] = result["seconds"]
            if len(digests) > 1:
                print(f"  {name}: the stored units, labels, items or groups DIFFER between runs: {sorted(digests)}")
            elif digests:
                print(f"  {name}: same stored units, labels, items and groups for every N ({digests.pop()})")
            if 1 in timings and 2 in timings:
                print(f"  {name}: N=2 is {timings[1] / timings[2]:.2f}x faster than N=1 (wall time)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
