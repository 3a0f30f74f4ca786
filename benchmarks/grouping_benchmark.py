"""Time and peak memory of the near-duplicate grouping alone, on real Grand Débat lines repeated k times
(issue 20: the grouping with bounded memory).

    .venv/bin/python benchmarks/grouping_benchmark.py --reports 2000 --repeat 1,5 [--cores-cache cores.pkl]

The proposals are the lines of the « propositions » field of the first ``--reports`` Grand Débat
meeting reports (``../shared/data/gdn-reunions-locales``; lines of three words or more, as
``eval_extraction.py --only duplicates`` takes them), each report one cahier. ``--repeat k`` groups
k copies of that set, copy r of a report being another cahier (« report#r »): every text then
appears k times or more, as in the corpus ``scale_benchmark.py --units 1000000`` generates by
recombining the same reports. The demand cores (``--method core`` or ``sentence``) are computed once per distinct
text beforehand and given to the grouping, as the extraction step stores them (not timed).

Each grouping runs in a fresh process (spawned), so that its peak resident memory (``VmHWM``:
``ru_maxrss`` would keep the parent's, which parsed) is its own: printed before the grouping (the
interpreter, the libraries, the proposals and their cores) and after. Also printed: wall and CPU seconds, the groups, the largest
one and a fingerprint of the groups (members in order and their similarities to the centre, as
``eval_paraphrase.py`` prints it): run the script against another checkout of the package
(``PYTHONPATH=/path/to/checkout``) to compare the groups and the cost.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import pickle
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GDN = ROOT.parent / "shared" / "data" / "gdn-reunions-locales" / "gdn_reunions_locales.csv"

Items = list[tuple[str, str, str]]


def proposals(reports: int) -> Items:
    import pandas as pd

    frame = pd.read_csv(GDN, dtype=str).fillna("").head(reports)
    return [
        (f"{row.contribution_id}/{i}", line.strip(" -•*\t"), str(row.contribution_id))
        for row in frame.itertuples()
        for i, line in enumerate(str(row.propositions).splitlines())
        if len(line.split()) >= 3
    ]


def repeated(items: Items, k: int) -> Items:
    return [(f"{pid}#{r}", text, f"{cahier}#{r}") for r in range(k) for pid, text, cahier in items]


def peak_mib() -> float:
    """This process's peak resident memory (``VmHWM``, MiB)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def group(items: Items, cores: Any, method: str) -> dict[str, Any]:
    """Runs in a fresh process: the grouping's seconds, peak memory and groups."""
    from ess_nlp.extract.duplicates import group_duplicates

    before = peak_mib()
    started, cpu = time.perf_counter(), time.process_time()
    embedding = (0.0, 0.0)
    if method == "sentence":  # its share: the distinct texts embedded first, in the order the grouping would
        from ess_nlp.extract.duplicates import sentence_vectors

        sentence_vectors(list(dict.fromkeys(text for _, text, _ in items)))
        embedding = (time.perf_counter() - started, time.process_time() - cpu)
    groups = group_duplicates(items, method=method, cores=cores)  # type: ignore[arg-type]
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = peak_mib()
    text = "\n".join(",".join(g.members) + ":" + ",".join(f"{s:.4f}" for s in g.similarities) for g in groups)
    return {"seconds": elapsed, "cpu": cpu, "embedding": embedding, "before": before, "peak": peak, "groups": len(groups),
            "largest": max((len(g.members) for g in groups), default=0),
            "fingerprint": hashlib.sha256(text.encode()).hexdigest()[:12]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=2000, help="the first N Grand Débat reports")
    parser.add_argument("--repeat", default="1,5", help="copies of the set, comma-separated (one run each)")
    parser.add_argument("--method", choices=["lexical", "core", "sentence"], default="core")
    parser.add_argument("--cores-cache", type=Path, default=None,
                        help="a pickle of the cores: read when present, else written (runs against two checkouts)")
    args = parser.parse_args(argv)
    if not GDN.is_file():
        print(f"skipped: {GDN} is absent (shared data sits beside the project)")
        return 0
    import ess_nlp

    base = proposals(args.reports)
    cores: dict[str, tuple[set[str], bool]] = {}
    if args.method in ("core", "sentence"):
        from ess_nlp.extract.demand_core import demand_cores

        distinct = sorted({text for _, text, _ in base})
        if args.cores_cache is not None and args.cores_cache.is_file():
            cores = pickle.loads(args.cores_cache.read_bytes())
        if not set(distinct) <= cores.keys():
            started = time.perf_counter()
            features, asking = demand_cores(distinct)
            cores = dict(zip(distinct, zip(features, asking, strict=True), strict=True))
            print(f"cores of {len(distinct):,} distinct texts computed in {time.perf_counter() - started:.1f} s "
                  "(not timed below)")
            if args.cores_cache is not None:
                args.cores_cache.write_bytes(pickle.dumps(cores))
    print(f"package: {Path(ess_nlp.__file__).parent}")
    for k in (int(x) for x in args.repeat.split(",")):
        items = repeated(base, k)
        given = None
        if args.method in ("core", "sentence"):
            given = ([cores[t][0] for _, t, _ in items], [cores[t][1] for _, t, _ in items])
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
            r = pool.submit(group, items, given, args.method).result()
        print(f"{args.reports:,} reports x {k}: {len(items):,} proposals "
              f"({len({t for _, t, _ in items}):,} distinct texts), {args.method}: grouped in {r['seconds']:.1f} s "
              f"({r['cpu']:.1f} s CPU"
              + (f"; of which embedding {r['embedding'][0]:.1f} s, {r['embedding'][1]:.1f} s CPU"
                 if args.method == "sentence" else "")
              + f"), peak RSS {r['peak']:,.0f} MiB ({r['before']:,.0f} MiB before the grouping); "
              f"{r['groups']:,} groups, largest {r['largest']:,} proposals, fingerprint {r['fingerprint']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
