"""Error analysis of the shipped paraphrase grouping on the first pair set's dev part (issue 16).

Groups the same pool of proposals as ``eval_paraphrase.py`` with the default method (``core``,
average-link groups at ``STRONG_THRESHOLD`` / ``LINK_THRESHOLD``) and prints, for every dev pair
it gets wrong, the three similarities behind the decision: the word view, the character view
(their mean is the lexical similarity) and the demand cores (``ess_nlp.extract.demand_core``),
whether the pair is a strong link itself ("direct"), a false pair only joined through other
proposals of its group ("chain") or a missed pair under the strong threshold ("weak"), and the
size of the groups. The texts are read from ``../shared/data`` and
printed, never stored.

``--grid`` prints instead the dev figures of the trade-offs tried (weight of the word view against
the character view, strong and mean-link thresholds), with the pairwise precision and recall on the
hand-written set of ``tests/extract/data/duplicates.jsonl`` that its test asks to keep (P >= 0.80,
R >= 0.50); ``--test`` adds the test part (a check, not for choosing). The blind sets are never read.

    .venv/bin/python benchmarks/paraphrase_errors.py [--grid [--test]]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from scipy import sparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

import paraphrase_pairs as pp
from eval_paraphrase import hand_written_set, scores

from ess_nlp.extract import duplicates as du

WEIGHTS = (0.5, 0.6, 0.7, 0.8, 0.9)
STRONG = (0.375, 0.40, 0.425, 0.45, 0.50)
LINKS = (0.10, 0.125, 0.15)


def views(texts: list[str]) -> tuple[sparse.csr_matrix, sparse.csr_matrix, sparse.csr_matrix]:
    """The word, character and core similarities of ``texts`` as the core method computes them
    (texts that ask nothing have empty rows), unrounded."""
    v = du._vectorise(texts, "core")
    assert v.core is not None and v.core_t is not None
    return (v.words @ v.words_t).tocsr(), (v.chars @ v.chars_t).tocsr(), (v.core @ v.core_t).tocsr()


def combined(words: sparse.csr_matrix, chars: sparse.csr_matrix, core: sparse.csr_matrix,
             weight: float) -> sparse.csr_matrix:
    """The core method's similarity with the word view weighted ``weight`` (0.5: the shipped mean,
    computed as ``similarity_matrix`` does), rounded, entries under the lowest link dropped."""
    lexical = (words + chars) * 0.5 if weight == 0.5 else words * weight + chars * (1.0 - weight)
    lexical = lexical.tocsr()
    lexical.data = np.round(lexical.data.astype(np.float64), du.DECIMALS).astype(np.float32)
    rounded = core.copy()
    rounded.data = np.round(rounded.data.astype(np.float64), du.DECIMALS).astype(np.float32)
    out = lexical.maximum(rounded).tocsr()
    out.data[out.data < min(LINKS)] = 0
    out.eliminate_zeros()
    return out


def errors(rows: list[dict[str, str]], pool: list[str], owners: list[str], texts: list[str]) -> None:
    words, chars, core = views(texts)
    matrix = combined(words, chars, core, 0.5)
    groups = du.groups_from_similarity(matrix, pool, owners, threshold=du.STRONG_THRESHOLD,
                                       link_threshold=du.LINK_THRESHOLD)
    sc = scores(groups, rows, "dev")
    print(f"[dev] shipped core method, {du.STRONG_THRESHOLD:.2f}/{du.LINK_THRESHOLD:.2f}: "
          f"P {sc['precision']:.3f} R {sc['recall']:.3f}")
    where = {m: g for g in groups for m in g.members}
    index = {p: i for i, p in enumerate(pool)}
    tally: dict[str, int] = {}
    for r in rows:
        if r["split"] != "dev":
            continue
        a, b = r["a"], r["b"]
        same = a in where and where.get(a) is where.get(b)
        gold = r["label"] == "1"
        if same == gold:
            continue
        i, j = index[a], index[b]
        kind = "FP" if same else "FN"
        # a false pair under the strong threshold was joined through its group (average link); a
        # missed pair under it was simply not similar enough
        link = "direct" if matrix[i, j] >= du.STRONG_THRESHOLD else ("chain" if same else "weak")
        source = "core" if core[i, j] > (words[i, j] + chars[i, j]) / 2 else "lexical"
        tally[f"{kind} {link} {source}"] = tally.get(f"{kind} {link} {source}", 0) + 1
        sizes = "/".join(str(len(where[x].members)) if x in where else "0" for x in (a, b))
        print(f"{kind} {link:6} words {words[i, j]:.3f} chars {chars[i, j]:.3f} core {core[i, j]:.3f} "
              f"similarity {matrix[i, j]:.3f} groups {sizes}")
        print(f"    A {' '.join(texts[i].split())[:150]}")
        print(f"    B {' '.join(texts[j].split())[:150]}")
    for key in sorted(tally):
        print(f"{key}: {tally[key]}")


def grid(rows: list[dict[str, str]], pool: list[str], owners: list[str], texts: list[str], test: bool) -> None:
    written, written_gold = hand_written_set()
    w_ids = [w[0] for w in written]
    w_cahiers = [w[2] for w in written]
    pool_views = views(texts)
    written_views = views([w[1] for w in written])
    for weight in WEIGHTS:
        matrix = combined(*pool_views, weight)
        written_matrix = combined(*written_views, weight)
        for strong in STRONG:
            for link in LINKS:
                groups = du.groups_from_similarity(matrix, pool, owners, threshold=strong, link_threshold=link)
                found = du.groups_from_similarity(written_matrix, w_ids, w_cahiers, threshold=strong,
                                                  link_threshold=link)
                ws = du.pairwise_scores([g.members for g in found], written_gold)
                dev = scores(groups, rows, "dev")
                text = (f"words {weight:.1f} strong {strong:.3f} link {link:.3f}: dev P {dev['precision']:.3f} "
                        f"R {dev['recall']:.3f}")
                if test:
                    t = scores(groups, rows, "test")
                    text += f"; test P {t['precision']:.3f} R {t['recall']:.3f}"
                print(text + f"; hand-written set P {ws['precision']:.3f} R {ws['recall']:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", action="store_true", help="print the trade-offs tried instead of the errors")
    parser.add_argument("--test", action="store_true", help="with --grid: also the test part (a check)")
    args = parser.parse_args(argv)
    if not pp.SHARED.is_dir():
        print(f"paraphrase_errors: skipped ({pp.SHARED} is absent)")
        return 0
    proposals = pp.load_proposals()
    rows = pp.read_pairs()
    pool, texts, owners = pp.grouped_pool(proposals, rows)
    if args.grid:
        grid(rows, pool, owners, texts, args.test)
    else:
        errors(rows, pool, owners, texts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
