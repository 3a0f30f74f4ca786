"""Cost of ``synchronous = FULL`` for people's edits (issue 18, item 8), SQLite in WAL mode.

A synthesis of ``--items`` items (a realistic one has 20-60) is saved ``--saves`` times, each
save rewording one item (what autosave does after each change): once with every commit at
``synchronous = NORMAL`` (the pipeline's setting), once with ``durable=True`` (``FULL``, what
syntheses, annotations and topic edits use). Prints milliseconds per save (median, 95th
percentile, mean) and the difference. A bulk write (one transaction per source, as ingest does) is
timed too at both settings for comparison.

The database goes in ``--dir`` (default: ``var/`` of the repository, on the disk the app uses;
``/dev/shm`` would hide the cost of fsync).

    .venv/bin/python benchmarks/durability_benchmark.py
    .venv/bin/python benchmarks/durability_benchmark.py --saves 500 --dir /srv/data
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ess_nlp.store import Store  # noqa: E402
from ess_nlp.synthesis import Item, Scope, Synthesis, create_synthesis, edit, save_synthesis  # noqa: E402


def synthesis(items: int) -> Synthesis:
    proposals = tuple(
        Item(f"p{n}", "proposal", f"Proposition {n} : créer un fonds régional de garantie pour les coopératives.")
        for n in range(items)
    )
    return Synthesis("Financer l'ESS", Scope("theme", "T4"), introduction="Introduction. " * 20, proposals=proposals)


def time_saves(store: Store, saves: int, items: int, *, durable: bool) -> list[float]:
    saved = create_synthesis(store, synthesis(items), author="amelie")
    doc, version = saved.doc, saved.version
    if not durable:  # the same function, with its transaction made non-durable
        plain = store.transaction

        def normal(*, durable: bool = False):  # type: ignore[no-untyped-def]
            return plain()

        store.transaction = normal  # type: ignore[method-assign]
    times = []
    try:
        for n in range(saves):
            doc = edit.set_text(doc, f"p{n % items}", f"Proposition {n % items}, version {n}.")
            started = time.perf_counter()
            version = save_synthesis(store, saved.id, doc, base_version=version, author="amelie").version
            times.append((time.perf_counter() - started) * 1000)
    finally:
        if not durable:
            del store.transaction
    return times


def time_bulk(store: Store, transactions: int, *, durable: bool) -> float:
    store.conn.execute("CREATE TABLE IF NOT EXISTS bulk(id INTEGER PRIMARY KEY, text TEXT)")
    started = time.perf_counter()
    for n in range(transactions):
        with store.transaction(durable=durable) as conn:
            conn.executemany("INSERT INTO bulk(text) VALUES (?)", [(f"unité {n}-{k} " * 20,) for k in range(200)])
    return (time.perf_counter() - started) * 1000 / transactions


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"median {statistics.median(times):.2f} ms, p95 {p95:.2f} ms, mean {statistics.mean(times):.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description="synchronous=FULL vs NORMAL for synthesis saves (WAL)")
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--bulk", type=int, default=50, help="bulk transactions of 200 rows each")
    parser.add_argument("--dir", type=Path, default=ROOT / "var")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    results: dict[str, list[float]] = {}
    bulk: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="durability-", dir=args.dir) as tmp:
        for label, durable in (("NORMAL", False), ("FULL", True), ("NORMAL again", False), ("FULL again", True)):
            with Store(Path(tmp) / f"{label.replace(' ', '-')}.sqlite3") as store:
                assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
                results[label] = time_saves(store, args.saves, args.items, durable=durable)
                bulk[label] = time_bulk(store, args.bulk, durable=durable)
    print(f"{args.saves} synthesis saves of {args.items} items each, WAL, database in {args.dir}")
    for label, times in results.items():
        print(f"  {label:13s} {summary(times)}; total {sum(times) / 1000:.2f} s; bulk write {bulk[label]:.2f} ms/transaction")
    normal = statistics.median(results["NORMAL"] + results["NORMAL again"])
    full = statistics.median(results["FULL"] + results["FULL again"])
    print(f"FULL costs {full - normal:+.2f} ms per save (median {normal:.2f} -> {full:.2f} ms, x{full / normal:.2f})")


if __name__ == "__main__":
    main()
