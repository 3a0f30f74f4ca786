"""Crash safety of the main job (issue 17): ``kill -9`` of ``ess-nlp run`` at five points, then a re-run.

Setup: a first ``ess-nlp run`` stores half of the files, then a theme synthesis citing some of
their units is saved (what a working group does). That database is the starting point of every
trial. Reference: ``ess-nlp run`` over all the files, uninterrupted. Each trial copies the
starting database, starts ``ess-nlp run`` over all the files and kills it with SIGKILL the
first time the database shows one of five moments (a first new file stored; every file stored;
the classification's predictions committed; the extraction's proposals committed; the topics
committed), then runs the same command again to the end. Checks after the re-run: ``PRAGMA
integrity_check``; nothing stored twice (sources by content, units by source and span,
proposals and constats by unit and span, initiatives by id, citations by synthesis and unit);
nothing lost (every count equal to the reference's, the saved synthesis and its citations
included).

    .venv/bin/python benchmarks/crash_benchmark.py                 # 12 sample files
    .venv/bin/python benchmarks/crash_benchmark.py --files 6
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpus" / "sample"
ESS_NLP = [sys.executable, "-c", "from ess_nlp.cli import main; main()"]

COUNTS = {
    "sources": "SELECT count(*) FROM sources",
    "units": "SELECT count(*) FROM units",
    "predictions": "SELECT count(*) FROM predictions",
    "proposals": "SELECT count(*) FROM proposals",
    "constats": "SELECT count(*) FROM constats",
    "initiatives": "SELECT count(*) FROM initiatives",
    "citations": "SELECT count(*) FROM synthesis_citations",
    "syntheses": "SELECT count(*) FROM syntheses",
}
DUPLICATES = {
    "sources": "SELECT count(*) - count(DISTINCT sha256) FROM sources",
    "units": "SELECT count(*) - count(DISTINCT source_id || ':' || level || ':' || start || ':' || end) FROM units",
    "proposals": "SELECT count(*) - count(DISTINCT unit_id || ':' || start || ':' || end) FROM proposals",
    "constats": "SELECT count(*) - count(DISTINCT unit_id || ':' || start || ':' || end) FROM constats",
    "initiatives": "SELECT count(*) - count(DISTINCT id) FROM initiatives",
    "citations": "SELECT count(*) - count(DISTINCT synthesis_id || ':' || unit_id) FROM synthesis_citations",
}


def pick_files(count: int, folder: Path) -> tuple[Path, Path]:
    """``count`` sample files split into two folders: the first half, and all of them."""
    files = sorted(p for p in SAMPLE.rglob("*") if p.is_file() and not p.name.endswith(".columns.yaml"))
    chosen = [files[i * len(files) // count] for i in range(count)]
    half, full = folder / "moitie", folder / "tout"
    for target in (half, full):
        target.mkdir(parents=True)
    for i, path in enumerate(chosen):
        name = f"{i:02d}-{path.name}"
        shutil.copy(path, full / name)
        if i < count // 2:
            shutil.copy(path, half / name)
    return half, full


def run(db: Path, folder: Path) -> tuple[int, float, str]:
    started = time.perf_counter()
    done = subprocess.run([*ESS_NLP, "run", "--quiet", "--db", str(db), str(folder)], capture_output=True)
    return done.returncode, time.perf_counter() - started, done.stderr.decode("utf-8", "replace")


def save_synthesis(db: Path) -> None:
    from ess_nlp.store import Store
    from ess_nlp.synthesis import create_synthesis, draft_synthesis, resolve_scope

    with Store(db) as store:
        row = store.conn.execute(
            "SELECT label FROM predictions WHERE facet = 'themes' AND assigned = 1"
            " GROUP BY label ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
        doc = draft_synthesis(store, resolve_scope(store, "theme", row["label"] if row else "T1"))
        create_synthesis(store, doc, author="banc")


def measure(db: Path) -> tuple[str, dict[str, int], dict[str, int]]:
    with sqlite3.connect(db) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        counts = {name: conn.execute(sql).fetchone()[0] for name, sql in COUNTS.items()}
        duplicates = {name: conn.execute(sql).fetchone()[0] for name, sql in DUPLICATES.items()}
    return integrity, counts, duplicates


STATE = {
    "sources": "SELECT count(*) FROM sources",
    "predictions": "SELECT count(*) FROM predictions",
    "proposals": "SELECT count(*) FROM proposals",
    "topic_runs": "SELECT count(*) FROM topic_runs",
}


def state(db: Path) -> dict[str, int] | None:
    """What the running command has committed so far (None while the database is unreadable)."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2) as conn:
            return {name: conn.execute(sql).fetchone()[0] for name, sql in STATE.items()}
    except sqlite3.Error:
        return None


def kill_points(start: dict[str, int], files: int) -> list[tuple[str, Callable[[dict[str, int]], bool]]]:
    """Five moments of a run, each the first time its condition holds (polled every 50 ms)."""
    return [
        ("pendant l'ingestion", lambda s: s["sources"] > start["sources"]),
        ("ingestion finie", lambda s: s["sources"] >= files),
        ("classification enregistrée", lambda s: s["predictions"] > start["predictions"]),
        ("extraction enregistrée", lambda s: s["proposals"] > start["proposals"]),
        ("thèmes enregistrés", lambda s: s["topic_runs"] > start["topic_runs"]),
    ]


def shown(seen: dict[str, int] | None) -> str:
    if seen is None:
        return "?"
    return (
        f"{seen['sources']} sources, {seen['predictions']} prédictions, {seen['proposals']} propositions, "
        f"{seen['topic_runs']} runs de thèmes"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=12, help="sample files to use (default 12)")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")
    with tempfile.TemporaryDirectory(prefix="crash-") as tmp_name:
        tmp = Path(tmp_name)
        half, full = pick_files(args.files, tmp)
        start_db = tmp / "depart.sqlite3"
        code, seconds, err = run(start_db, half)
        assert code in (0, 1), err
        save_synthesis(start_db)
        reference = tmp / "reference.sqlite3"
        shutil.copy(start_db, reference)
        code, ref_seconds, err = run(reference, full)
        ref_integrity, ref_counts, ref_dupes = measure(reference)
        print(
            f"starting database: {half.name}, {seconds:.0f} s; reference run over {args.files} files: "
            f"{ref_seconds:.0f} s, exit {code}, integrity {ref_integrity}, duplicates {sum(ref_dupes.values())}, "
            f"counts {ref_counts}"
        )
        start = state(start_db)
        assert start is not None
        print(f"{'kill when':<28} {'s':>5}  {'committed when killed':<62} {'rerun':>5}  integrity  duplicates  lost")
        for label, reached in kill_points(start, args.files):
            db = tmp / f"essai-{len(label)}.sqlite3"
            shutil.copy(start_db, db)
            started = time.perf_counter()
            process = subprocess.Popen(
                [*ESS_NLP, "run", "--quiet", "--db", str(db), str(full)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            seen = None
            while process.poll() is None:
                seen = state(db)
                if seen is not None and reached(seen):
                    break
                time.sleep(0.05)
            killed = process.poll() is None
            process.send_signal(signal.SIGKILL)
            process.wait()
            at = time.perf_counter() - started
            time.sleep(1)  # the worker process dies with its parent
            seen = state(db) if killed else None
            code, _, err = run(db, full)
            integrity, counts, dupes = measure(db)
            lost = {k: ref_counts[k] - counts[k] for k in counts if counts[k] != ref_counts[k]}
            print(
                f"{label:<28} {at:>5.0f}  {shown(seen) if killed else 'déjà fini, pas tué':<62} {code:>5}  "
                f"{integrity:<9}  {sum(dupes.values()):>10}  {lost or 0}",
                flush=True,
            )
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
