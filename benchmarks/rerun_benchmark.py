"""Re-running the main job (issue 11): an unchanged folder, then a few added files.

    .venv/bin/python benchmarks/rerun_benchmark.py                 # 2,000 Grand Débat reports
    .venv/bin/python benchmarks/rerun_benchmark.py --reports 300   # quick look

The first ``--reports`` Grand Débat meeting reports (``../shared/data/gdn-reunions-locales``; skipped
with a one-line reason when absent) are written as plain-text cahiers (title, place, « Constats »,
« Propositions ») into a fresh folder, then ``ess-nlp run FOLDER --db DB --json`` runs in a
subprocess:

1. cold, on an empty database;
2. again, nothing changed: everything stored is reused (sources by their bytes, predictions by
   model, extraction by source and version, topics and near-duplicate groups by the hash of their
   input);
3. after a person renames one topic and ``--add`` more reports are written into the folder: only
   the new files are read, classified and extracted; the topics are refitted and matched to the
   previous run, so ids, names and the rename are kept.

Prints the wall time of each run, the ratio of the unchanged re-run to the cold one, the seconds
of each step (from the run's JSON lines) and whether topic ids, names and the edit survived.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from gdn_reports import GDN_CSV, gdn_text, iter_gdn

ROOT = Path(__file__).resolve().parents[1]
ESS_NLP = [str(Path(sys.executable).parent / "ess-nlp")]


def write_reports(folder: Path, rows: list[dict[str, str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for row in rows:
        path = folder / f"reunion-{int(row['contribution_id']):05d}.txt"
        path.write_text(gdn_text(row), encoding="utf-8")


def run(folder: Path, db: Path) -> tuple[float, list[dict[str, Any]]]:
    """``ess-nlp run`` in a subprocess: wall seconds and the step lines of its JSON output."""
    started = time.perf_counter()
    done = subprocess.run(
        [*ESS_NLP, "run", str(folder), "--db", str(db), "--json", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.exit(f"ess-nlp run failed ({done.returncode}):\n{done.stderr[-2000:]}")
    steps = [json.loads(line) for line in done.stdout.splitlines() if line.startswith('{"step"')]
    return seconds, steps


def topics_of(db: Path) -> dict[int, str]:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        run_id = conn.execute("SELECT max(id) FROM topic_runs").fetchone()[0]
        return {int(t): str(n) for t, n in conn.execute("SELECT topic_id, name FROM topics WHERE run_id = ?", (run_id,))}
    finally:
        conn.close()


def rename_first_topic(db: Path) -> tuple[int, str]:
    topic = min(t for t in topics_of(db) if t >= 0)
    name = "Thème renommé par le groupe"
    subprocess.run(
        [*ESS_NLP, "topics-edit", "--name", "section", "--who", "benchmark", "--rename", str(topic),
         "--label", name, "--db", str(db)],
        check=True,
        capture_output=True,
    )
    return topic, name


def step_table(steps: list[dict[str, Any]]) -> str:
    return ", ".join(f"{s['step']} {s.get('seconds', 0.0):.1f} s" for s in steps)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=2000, help="reports written before the first run")
    parser.add_argument("--add", type=int, default=10, help="reports added before the third run")
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one, removed)")
    args = parser.parse_args()
    if not GDN_CSV.is_file():
        print(f"skipped: {GDN_CSV} is absent (shared data sits beside the project)")
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="ess-rerun-"))
    if work.exists():
        shutil.rmtree(work)
    folder, db = work / "cahiers", work / "ess.sqlite3"
    try:
        rows = list(iter_gdn(args.reports + args.add))
        write_reports(folder, rows[: args.reports])
        print(f"{args.reports} Grand Débat reports written to {folder}")
        cold, cold_steps = run(folder, db)
        print(f"cold run:        {cold:7.1f} s  ({step_table(cold_steps)})")
        warm, warm_steps = run(folder, db)
        print(f"unchanged rerun: {warm:7.1f} s  ({step_table(warm_steps)})")
        print(f"ratio unchanged / cold: {warm / cold:.3f} (target <= 0.15)")
        before = topics_of(db)
        topic, name = rename_first_topic(db)
        write_reports(folder, rows[args.reports :])
        added, added_steps = run(folder, db)
        print(f"after adding {args.add} files: {added:5.1f} s  ({step_table(added_steps)})")
        after = topics_of(db)
        kept = [t for t in before if t in after]
        renamed_ok = after.get(topic) == name
        same_names = sum(1 for t in kept if t != topic and after[t] == before[t])
        print(
            f"topics: {len(before)} before, {len(after)} after; ids kept {len(kept)}/{len(before)}; "
            f"names kept {same_names}/{len(kept) - (topic in kept)}; rename kept: {renamed_ok}"
        )
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
