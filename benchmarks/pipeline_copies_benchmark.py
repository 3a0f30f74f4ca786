"""One copy of the French pipeline for every use in a process, against one copy per use.

    .venv/bin/python benchmarks/pipeline_copies_benchmark.py            # the sample's 20 first .txt cahiers
    .venv/bin/python benchmarks/pipeline_copies_benchmark.py --files 5

What the app's server and a run's main process ask of ``fr_core_news_sm`` is run twice, each time
in a fresh process of this script (so that its peak memory is its own):

- ``shared``: as the package does it: one load (``ess_nlp.nlp.shared_pipeline``), each use
  leaving out at call time what it does not need;
- ``per use`` (the reference, as the package did before): one load per use, with the components
  left out at load time (``load_pipeline(name, disable=...)``), each run as loaded.

The uses: sentences and their lemmas of the sample cahiers (``ess_nlp.segment.sentence_spans``),
the lemmas the classifier reads, the personal names the mask looks for, the lemmas of a few
search queries and the names the reader marks. Printed for each: pipeline copies loaded,
seconds, CPU seconds, peak resident memory, and a digest of every output, which must be the
same for both (the same components ran on the same texts); then the ratios.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from scale_benchmark import cpu_seconds, peak_bytes

from ess_nlp.nlp import LEMMAS_OFF, NAMES_OFF, SENTENCES_OFF

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpus" / "sample" / "txt"
QUERIES = ["coopératives", "créer une monnaie locale", "épargne solidaire", "les jeunes agriculteurs"]

#: What each use leaves out: at load time before (``per use``), at call time now (``shared``).
USES = {"sentences": SENTENCES_OFF, "lemmas": LEMMAS_OFF, "names": NAMES_OFF, "reader": ("parser", "lemmatizer")}


def child(mode: str, files: int) -> dict[str, Any]:
    """Run every use in this process (``mode``: ``shared`` or ``per use``)."""
    from ess_nlp import nlp as pipelines
    from ess_nlp.ingest import read_document
    from ess_nlp.segment._sentences import sentence_spans

    texts = [read_document(p).text for p in sorted(SAMPLE.glob("*.txt"))[:files]]  # each in its own encoding
    paragraphs = [p for t in texts for p in t.split("\n\n") if p.strip()]
    start, cpu = time.perf_counter(), cpu_seconds()

    def pipeline(use: str) -> Any:
        """The shared copy, or (``per use``) a copy of its own with ``use``'s components left
        out when loaded; either runs with them left out (a no-op for the second)."""
        if mode == "shared":
            return pipelines.shared_pipeline()
        return pipelines.load_pipeline(pipelines.DEFAULT_PIPELINE, disable=USES[use])

    def run(use: str, items: list[str]) -> list[Any]:
        return list(pipeline(use).pipe(items, disable=USES[use]))

    nlp = pipeline("sentences")  # sentence_spans leaves out SENTENCES_OFF, the same as USES["sentences"]
    out: dict[str, Any] = {"sentences": list(sentence_spans(paragraphs, nlp))}
    out["lemmas"] = [[t.lemma_ for t in doc] for doc in run("lemmas", paragraphs)]
    out["names"] = [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in run("names", paragraphs)]
    out["queries"] = [[t.lemma_ for t in doc] for doc in run("lemmas", QUERIES)]
    out["reader"] = [[(e.start_char, e.end_char, e.label_, [t.pos_ for t in e]) for e in doc.ents]
                     for doc in run("reader", texts)]
    return {
        "mode": mode,
        "copies": pipelines._cached_pipeline.cache_info().currsize,
        "seconds": time.perf_counter() - start,
        "cpu": cpu_seconds() - cpu,
        "peak": peak_bytes(),
        "paragraphs": len(paragraphs),
        "digest": hashlib.sha256(json.dumps(out, ensure_ascii=False).encode()).hexdigest()[:16],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=20, help="the first N .txt cahiers of corpus/sample")
    parser.add_argument("--child", choices=["shared", "per use"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.files)))
        return
    if not SAMPLE.is_dir():
        print(f"{SAMPLE} absent: nothing to measure.")
        return
    results = {}
    for mode in ("per use", "shared"):
        done = subprocess.run([sys.executable, __file__, "--child", mode, "--files", str(args.files)],
                              capture_output=True, text=True, check=False, cwd=ROOT)
        if done.returncode != 0:
            print(f"{mode}: failed ({done.returncode}): {done.stderr[-1500:]}")
            return
        r = results[mode] = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{mode:>8}: {r['copies']} copy(ies) of the pipeline, {r['paragraphs']} paragraphs, "
              f"{r['seconds']:.1f} s, CPU {r['cpu']:.1f} s, peak memory {r['peak'] / 2**20:.0f} MiB, "
              f"outputs {r['digest']}")
    ref, new = results["per use"], results["shared"]
    same = "the same" if ref["digest"] == new["digest"] else "DIFFERENT"
    print(f"shared / per use: seconds x{new['seconds'] / ref['seconds']:.2f}, CPU x{new['cpu'] / ref['cpu']:.2f}, "
          f"peak memory x{new['peak'] / ref['peak']:.2f} ({(ref['peak'] - new['peak']) / 2**20:.0f} MiB less); "
          f"outputs {same}")


if __name__ == "__main__":
    main()
