"""Paraphrase grouping measured on the labelled real pair set: P/R/F1 before/after, dev and test.

The pair set (``benchmarks/data/paraphrase_pairs.tsv``, built by ``paraphrase_pairs.py``) holds
ids into ``../shared/data`` and a label (same demand or not), split dev/test by a seeded
permutation. Every proposal of the pool the pairs were drawn from (about 3,500 real proposals,
the pairs' texts among them) is grouped as the extraction step groups a database's proposals
(``group_duplicates``; a Grand Débat report, a Vrai Débat or a Decidim proposal is one
"cahier"); a pair is predicted "same demand" when both its proposals land in the same group.

- before: the lexical method at its threshold (0.40, the default);
- after: the semantic method (``method="semantic"``); its threshold is the one with the best F1
  on the DEV part among those whose dev precision is at least 0.85 (printed, and shipped as
  ``SEMANTIC_THRESHOLD``), then applied to the test part.

Also printed: the time of the grouping step on 2,000 Grand Débat proposals and, with
``--db``, on the proposals of a database (e.g. the sample's).

    .venv/bin/python benchmarks/eval_paraphrase.py [--db sample.sqlite3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import paraphrase_pairs as pp

from ess_nlp.extract.duplicates import (
    LEXICAL_THRESHOLD,
    SEMANTIC_THRESHOLD,
    DuplicateGroup,
    group_duplicates,
    groups_from_similarity,
    similarity_matrix,
)

MIN_DEV_PRECISION = 0.85


def scores(groups: list[DuplicateGroup], rows: list[dict[str, str]], split: str) -> dict[str, float]:
    where = {m: g.centre for g in groups for m in g.members}
    tp = fp = fn = 0
    for r in rows:
        if r["split"] != split:
            continue
        same = r["a"] in where and where.get(r["a"]) == where.get(r["b"])
        gold = r["label"] == "1"
        tp += same and gold
        fp += same and not gold
        fn += gold and not same
    p = tp / (tp + fp) if tp + fp else 1.0
    r_ = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r_ / (p + r_) if p + r_ else 0.0
    return {"precision": p, "recall": r_, "f1": f, "pairs": tp + fp + fn}


def digest(groups: list[DuplicateGroup]) -> str:
    """A short fingerprint of the groups (compare runs with OPENBLAS_CORETYPE set and unset)."""
    import hashlib

    text = "\n".join(",".join(g.members) + ":" + ",".join(f"{s:.4f}" for s in g.similarities) for g in groups)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def line(name: str, sc: dict[str, float]) -> str:
    return f"P {sc['precision']:.3f}  R {sc['recall']:.3f}  F1 {sc['f1']:.3f}  ({name})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None, help="also time the grouping of this database's proposals")
    parser.add_argument("--sweep", action="store_true", help="print every threshold tried on the dev part")
    args = parser.parse_args(argv)
    if not pp.SHARED.is_dir():
        print(f"eval_paraphrase: skipped ({pp.SHARED} is absent)")
        return 0
    proposals = pp.load_proposals()
    rows = pp.read_pairs()
    changed = [r for r in rows if pp.pair_hash(proposals.get(r["a"], ""), proposals.get(r["b"], "")) != r["hash"]]
    if changed:
        print(f"eval_paraphrase: {len(changed)} pair(s) point at texts that changed or vanished in {pp.SHARED}")
        return 1
    pool = sorted(set(pp._pool(proposals)) | {r["a"] for r in rows} | {r["b"] for r in rows})
    texts = [proposals[p] for p in pool]
    owners = [pp.contribution(p) for p in pool]
    counts = {s: sum(r["split"] == s for r in rows) for s in ("dev", "test")}
    positives = {s: sum(r["split"] == s and r["label"] == "1" for r in rows) for s in ("dev", "test")}
    print(f"pairs: dev {counts['dev']} ({positives['dev']} same demand), test {counts['test']} "
          f"({positives['test']} same demand); {len(pool):,} proposals grouped")

    before = groups_from_similarity(similarity_matrix(texts, threshold=LEXICAL_THRESHOLD), pool, owners,
                                    threshold=LEXICAL_THRESHOLD)
    semantic = similarity_matrix(texts, threshold=0.3, method="semantic")
    best: tuple[float, float] | None = None
    for t in np.round(np.arange(0.40, 0.80, 0.01), 2):
        sc = scores(groups_from_similarity(semantic, pool, owners, threshold=float(t)), rows, "dev")
        if args.sweep:
            print(f"  dev sweep {t:.2f}: " + line("semantic", sc))
        if sc["precision"] >= MIN_DEV_PRECISION and (best is None or sc["f1"] > best[1]):
            best = (float(t), sc["f1"])
    chosen = best[0] if best is not None else SEMANTIC_THRESHOLD
    after = groups_from_similarity(semantic, pool, owners, threshold=SEMANTIC_THRESHOLD)
    print(f"threshold picked on dev (best F1 with P >= {MIN_DEV_PRECISION}): {chosen:.2f}; "
          f"shipped: {SEMANTIC_THRESHOLD:.2f}")
    print(f"groups: before {len(before)} (fingerprint {digest(before)}), after {len(after)} "
          f"(fingerprint {digest(after)})")
    for split in ("dev", "test"):
        print(f"[{split}] before  " + line(f"lexical, threshold {LEXICAL_THRESHOLD:.2f}", scores(before, rows, split)))
        print(f"[{split}] after   " + line(f"semantic, threshold {SEMANTIC_THRESHOLD:.2f}", scores(after, rows, split)))

    gdn = [p for p in pool if p.startswith("gdn:")][:2000]
    items = [(p, proposals[p], pp.contribution(p)) for p in gdn]
    for method in ("lexical", "semantic"):
        started = time.perf_counter()
        groups = group_duplicates(items, method=method)  # type: ignore[arg-type]
        print(f"time: {len(items):,} Grand Débat proposals grouped ({method}) in "
              f"{time.perf_counter() - started:.1f} s, {len(groups)} groups")
    if args.db is not None:
        from ess_nlp.store import Store

        with Store(args.db) as store:
            found = [(r["id"], r["text"], r["cahier_id"]) for r in store.conn.execute(
                "SELECT id, text, cahier_id FROM proposals WHERE alternative = 0 ORDER BY id")]
        for method in ("lexical", "semantic"):
            started = time.perf_counter()
            groups = group_duplicates(found, method=method)  # type: ignore[arg-type]
            print(f"time: {len(found):,} proposals of {args.db.name} grouped ({method}) in "
                  f"{time.perf_counter() - started:.1f} s, {len(groups)} groups, largest "
                  f"{groups[0].cahiers if groups else 0} cahiers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
