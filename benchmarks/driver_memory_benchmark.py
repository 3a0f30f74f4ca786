"""Peak memory of the Dask driver at 10k, 100k and 1 M units (issue 20), without hours of compute.

    .venv/bin/python benchmarks/driver_memory_benchmark.py                        # 10k, 100k, 1M units
    .venv/bin/python benchmarks/driver_memory_benchmark.py --units 10000,100000 --templates 100

What is real and what is replayed:

- **Real, computed once:** the worker results of the first ``--templates`` Grand Débat meeting
  reports (``../shared/data/gdn-reunions-locales``, as plain-text cahiers: ``benchmarks/gdn_reports.py``),
  each computed by the real task, :func:`ess_nlp.parallel.process_file` (read and split in the
  reading process, scored by the current model of a fresh database, extracted by the shipped
  pipeline), in this process, before any measurement.
- **Replayed:** for each size, a folder of small placeholder files (one per cahier, about 25 units
  each, as many as the size needs) is run by the real driver,
  ``ess_nlp.pipeline.run(folder, store, steps=["classify", "extract"], client=<LocalCluster>)``:
  the same listing of files, the same submission of tasks to Dask workers, the same writer
  storing the results in batches, in file order. Only the task the workers run is swapped: instead
  of reading the placeholder, it returns the precomputed result of template ``i % templates`` for
  file ``i``, under a fresh source name and fresh ids (every id, the content hash and every string
  naming the template's source are rewritten, so nothing collides and every unit, score and item
  is stored as new rows). The task's result travels from the worker to the driver as a real one does.
- **Not run on replayed sizes:** the near-duplicate grouping that ends the extract step (a
  corpus-wide step on the driver, issue 20's item on grouping with bounded memory): on replayed
  copies it would group each template's proposals with its thousands of copies, which measures
  nothing real (``--groups`` runs it anyway).
- **All real, with ``--reports N,...``:** the first N reports themselves, run by the real task and
  the real driver, grouping included; the driver's peak is printed before the grouping and
  after it, so that the two parts of the driver can be told apart on real text.

Each size runs in a fresh process of this script (so that its peak is its own) on a fresh
database. Printed per size: units and sources stored, seconds, the driver's peak resident memory
(``VmHWM``: the whole driver process, with the Dask scheduler that ``LocalCluster`` runs in it),
its ratio to the first size's, the peak of each worker, the database's size on disk, and the
driver's CPU seconds during the run (from the first listing of files to the report, after its
imports and the cluster's start), per unit stored: on replayed sizes the workers have almost
nothing to do, so this is the cost of the writer and of Dask's bookkeeping alone.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import pickle
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from gdn_reports import GDN_CSV, gdn_text, iter_gdn
from scale_benchmark import child_json, cpu_seconds, peak_bytes

TEMPLATES_ENV = "ESS_NLP_REPLAY_TEMPLATES"
CACHE_ENV = "ESS_NLP_REPLAY_BULK_CACHE_KIB"  # --bulk-cache-kib, for the runs in fresh processes
FILES_PER_FOLDER = 1000


# --- the replayed task (runs on the workers) -----------------------------------------------------

_templates: list[Any] = []


def _load_templates() -> list[Any]:
    if not _templates:
        with open(os.environ[TEMPLATES_ENV], "rb") as handle:
            _templates.extend(pickle.load(handle))
    return _templates


def _rewrite(value: Any, swaps: tuple[tuple[str, str], ...]) -> Any:
    """``value`` with every string's ``old`` replaced by ``new`` for each pair of ``swaps``, in
    strings nested in dataclasses, tuples, lists and dicts."""
    if isinstance(value, str):
        for old, new in swaps:
            if old in value:
                value = value.replace(old, new)
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _rewrite(getattr(value, f.name), swaps) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(_rewrite(v, swaps) for v in value)
    if isinstance(value, list):
        return [_rewrite(v, swaps) for v in value]
    if isinstance(value, dict):
        return {_rewrite(k, swaps): _rewrite(v, swaps) for k, v in value.items()}
    return value


def replay_file(request: Any, plan: Any) -> Any:
    """The Dask task of the replay: the precomputed output of template ``i % templates`` for the
    placeholder file number ``i``, under ``request.source`` and fresh ids."""
    del plan  # the template was computed with the same plan
    templates = _load_templates()
    number = int(Path(request.source).stem)
    output = templates[number % len(templates)]
    result = output.result
    assert result is not None and result.document is not None
    old_sha = result.document.sha256
    new_sha = hashlib.sha256(f"{old_sha}:{number}".encode()).hexdigest()
    swaps = ((result.source, request.source), (old_sha, new_sha), (old_sha[:10], new_sha[:10]))
    return dataclasses.replace(_rewrite(output, swaps), pid=os.getpid())


# --- templates, computed once with the real task --------------------------------------------------


def compute_templates(count: int, target: Path) -> None:
    """The real worker results of the first ``count`` reports, pickled into ``target``."""
    from ess_nlp.classify.step import current_model
    from ess_nlp.extract._run import DEFAULT_MODEL
    from ess_nlp.ingest import source_name
    from ess_nlp.ingest._limits import DEFAULT_LIMITS
    from ess_nlp.isolation import FileRequest
    from ess_nlp.parallel import Plan, process_file
    from ess_nlp.store import Store

    with tempfile.TemporaryDirectory(prefix="ess-replay-src-") as tmp:
        folder = Path(tmp)
        with Store(folder / "model.sqlite3") as store:
            model = current_model(store)
        plan = Plan(True, str(model.path) if model.path else None, True, DEFAULT_MODEL)
        outputs = []
        for i, row in enumerate(iter_gdn(count)):
            path = folder / f"t{i:07d}.txt"
            path.write_text(gdn_text(row), encoding="utf-8")
            output = process_file(FileRequest(source_name(path), path=str(path), limits=DEFAULT_LIMITS), plan)
            if output.result is not None and output.result.ok:
                outputs.append(output)
    with open(target, "wb") as handle:
        pickle.dump(outputs, handle, protocol=pickle.HIGHEST_PROTOCOL)


def write_placeholders(folder: Path, templates: list[Any], units: int) -> int:
    """One placeholder file per replayed source until the templates' units reach ``units``."""
    sizes = [len(t.result.units) for t in templates]
    total = files = 0
    while total < units:
        sub = folder / f"{files // FILES_PER_FOLDER:04d}"
        if files % FILES_PER_FOLDER == 0:
            sub.mkdir(parents=True, exist_ok=True)
        (sub / f"{files:07d}.txt").write_text(f"replay {files}\n", encoding="utf-8")
        total += sizes[files % len(sizes)]
        files += 1
    return files


# --- one size, in a fresh process -----------------------------------------------------------------


def one_size(folder: Path, db: Path, workers: int, groups: bool, replay: bool = True) -> dict[str, Any]:
    import ess_nlp.extract.step as extract_step
    import ess_nlp.parallel as parallel
    import ess_nlp.store
    from ess_nlp.pipeline import run
    from ess_nlp.store import Store

    if os.environ.get(CACHE_ENV):
        ess_nlp.store.BULK_CACHE_KIB = int(os.environ[CACHE_ENV])  # read by Store.bulk at each run
    if replay:
        # The one swapped part, imported by module name so that the workers import it too (not
        # pickled by value from __main__): each worker process loads the templates once.
        from driver_memory_benchmark import replay_file as task

        parallel.process_file = task  # type: ignore[assignment]
    out: dict[str, Any] = {}
    refresh = extract_step.refresh_duplicate_groups

    def groups_or_not(store: Any, *, rebuild: bool, **options: Any) -> int:
        out["writer_peak"] = peak_bytes()
        if not groups:
            return 0
        return refresh(store, rebuild=rebuild, **options)

    extract_step.refresh_duplicate_groups = groups_or_not  # type: ignore[assignment]
    started = time.perf_counter()
    with Store(db) as store, parallel.dask_client(workers=workers) as client:
        cpu = cpu_seconds()
        report = run([folder], store, steps=["classify", "extract"], client=client)
        out["driver_cpu"] = round(cpu_seconds() - cpu, 2)  # the run's, after the imports and the cluster's start
        out["worker_peaks"] = [p["process"] for p in client.run(parallel.memory_peaks).values()]
        counts = {t: store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("sources", "units", "predictions", "proposals")}
    out["seconds"] = round(time.perf_counter() - started, 1)
    out["failed"] = len(report.failures)
    out["driver_peak"] = peak_bytes()
    out["counts"] = counts
    out["db_bytes"] = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
    return out


def run_size(
    folder: Path, workers: int, groups: bool, templates: Path | None, timeout: float
) -> dict[str, Any] | None:
    """One size in a fresh process (``templates`` None: the real tasks, no replay)."""
    with tempfile.TemporaryDirectory(prefix="ess-replay-db-") as tmp:
        db = Path(tmp) / "base.sqlite3"
        command = [sys.executable, __file__, "--one", str(folder), "--db", str(db), "--workers", str(workers)]
        command += ["--groups"] if groups else []
        command += ["--real"] if templates is None else []
        env = {TEMPLATES_ENV: str(templates or "")}
        return child_json(command, timeout, folder.name, env)


def gib(n: float) -> str:
    return f"{n / 2**30:.2f}"


def print_size(label: str, result: dict[str, Any], first: int | None) -> None:
    c = result["counts"]
    ratio = f"x{result['driver_peak'] / first:.2f} the first size; " if first else ""
    print(
        f"{label:>22}: {c['units']:>8} units, {c['sources']:>6} sources, {c['predictions']:>9} scores, "
        f"{c['proposals']:>7} proposals  {result['seconds']:>7.1f} s  driver peak {gib(result['driver_peak'])} GiB "
        f"({ratio}{gib(result['writer_peak'])} GiB before the grouping)  "
        f"workers [{' '.join(gib(p) for p in result['worker_peaks'])}] GiB  "
        f"database {gib(result['db_bytes'])} GiB  driver CPU {result['driver_cpu']:.1f} s "
        f"({1000 * result['driver_cpu'] / max(1, c['units']):.2f} ms per unit)  failed {result['failed']}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", default="10000,100000,1000000", help="sizes in units, comma-separated")
    parser.add_argument("--templates", type=int, default=200, help="real reports computed once")
    parser.add_argument("--workers", type=int, default=1, help="Dask worker processes")
    parser.add_argument("--groups", action="store_true", help="also run the near-duplicate grouping on replays")
    parser.add_argument("--reports", default="", help="also the first N real reports, unreplayed (N,...)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per size")
    parser.add_argument("--bulk-cache-kib", type=int, default=0,
                        help="the writer's page cache while it stores (Store.bulk; 0: the shipped BULK_CACHE_KIB)")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--real", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one_size(args.one, args.db, args.workers, args.groups or args.real, not args.real)))
        return
    if not GDN_CSV.exists():
        print(f"skipped: {GDN_CSV} is absent (../shared/data beside the repository)")
        return
    sizes = [int(n) for n in args.units.split(",") if n.strip()]
    if args.bulk_cache_kib:
        os.environ[CACHE_ENV] = str(args.bulk_cache_kib)
    work = Path(tempfile.mkdtemp(prefix="ess-replay-"))
    try:
        for count in [int(n) for n in args.reports.split(",") if n.strip()]:
            folder = work / f"reports-{count}"
            folder.mkdir()
            for i, row in enumerate(iter_gdn(count)):
                (folder / f"{i:07d}.txt").write_text(gdn_text(row), encoding="utf-8")
            result = run_size(folder, args.workers, True, None, args.timeout)
            shutil.rmtree(folder, ignore_errors=True)
            if result is not None:
                print_size(f"{count} real reports", result, None)
        if not sizes:
            return
        started = time.perf_counter()
        templates = work / "templates.pickle"
        compute_templates(args.templates, templates)
        with open(templates, "rb") as handle:
            loaded = pickle.load(handle)
        per_source = sum(len(t.result.units) for t in loaded) / len(loaded)
        print(f"{len(loaded)} real reports computed in {time.perf_counter() - started:.0f} s "
              f"({per_source:.1f} units each); workers: {args.workers}", flush=True)
        first = None
        for size in sizes:
            folder = work / f"replay-{size}"
            write_placeholders(folder, loaded, size)
            result = run_size(folder, args.workers, args.groups, templates, args.timeout)
            shutil.rmtree(folder, ignore_errors=True)
            if result is None:
                continue
            first = first or result["driver_peak"]
            print_size(f"{size} units asked", result, first)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
