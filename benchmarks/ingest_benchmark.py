"""Ingest + split throughput and peak memory (issue 2). Prints figures; never asserts on time.

    .venv/bin/python benchmarks/ingest_benchmark.py            # sample corpus + Grand Débat
    .venv/bin/python benchmarks/ingest_benchmark.py --limit 1000

On the sample corpus: every file of corpus/sample/ read, split and stored in a fresh database.
On the Grand Débat local-meeting reports (../shared/data/gdn-reunions-locales, 9,278 rows): each
report written as a .txt document (title, constats, propositions as labelled sections), then
read, split and stored the same way. Peak memory is the process's maximum resident set size
(ru_maxrss, which includes the spaCy pipeline loaded before the first phase) after each phase.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from ess_nlp.ingest import iter_source_files
from ess_nlp.nlp import sentence_pipeline
from ess_nlp.pipeline import ingest_paths
from ess_nlp.store import Store

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ESS_NLP_SHARED_DATA", ROOT.parent / "shared" / "data"))


def measure(name: str, paths: list[Path], db: Path) -> None:
    files = list(iter_source_files(paths))
    started = time.perf_counter()
    with Store(db) as store:
        reports = ingest_paths(paths, store, nlp=sentence_pipeline())
        units = store.count_units()
    elapsed = time.perf_counter() - started
    failed = [r for r in reports if r.outcome == "failed"]
    outcomes = ", ".join(f"{n} {outcome}" for outcome, n in sorted(Counter(r.outcome for r in reports).items()))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    chars = sum(p.stat().st_size for p in files)
    print(
        f"{name}: {len(files)} files ({outcomes}), {units.get('cahier', 0)} cahiers, {units.get('sentence', 0)} "
        f"sentences | {elapsed:.1f} s, {len(files) / elapsed:.1f} documents/s, "
        f"{chars / elapsed / 1e3:.0f} kB/s | peak RSS {rss:.0f} MiB"
    )
    for report in failed[:5]:
        print("  failed:", report.message)


def write_grand_debat(folder: Path, limit: int | None) -> int:
    csv.field_size_limit(sys.maxsize)
    path = SHARED / "gdn-reunions-locales" / "gdn_reunions_locales.csv"
    count = 0
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if limit is not None and count >= limit:
                break
            parts = [row["title"] or f"Réunion {row['contribution_id']}"]
            for label, field in (("Constats", "constats"), ("Propositions", "propositions")):
                if row[field].strip():
                    parts += [label, row[field].strip()]
            (folder / f"{row['contribution_id']}.txt").write_text("\n\n".join(parts), encoding="utf-8")
            count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--limit", type=int, default=None, help="Grand Débat reports to use (default: all)")
    args = parser.parse_args()
    sentence_pipeline()  # loaded once, outside the measured phases
    print(
        f"after loading the spaCy pipeline: peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )
    with tempfile.TemporaryDirectory() as tmp:
        measure("sample corpus", [ROOT / "corpus" / "sample"], Path(tmp) / "sample.sqlite3")
        if not SHARED.is_dir():
            print(f"Grand Débat: skipped, {SHARED} is absent")
            return
        folder = Path(tmp) / "gdn"
        folder.mkdir()
        n = write_grand_debat(folder, args.limit)
        measure(f"Grand Débat reports ({n})", [folder], Path(tmp) / "gdn.sqlite3")


if __name__ == "__main__":
    main()
