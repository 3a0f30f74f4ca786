"""Personal-data masking measured on real text (issue 13): recall and precision per kind, and
what of the never-mask gold was masked. Prints figures only, never the personal data itself.

    .venv/bin/python benchmarks/eval_privacy.py              # dev and test parts, test is the figure
    .venv/bin/python benchmarks/eval_privacy.py --ner-model fr_core_news_md
    .venv/bin/python benchmarks/eval_privacy.py --part dev --show-misses   # while tuning: dev only
    .venv/bin/python benchmarks/eval_privacy.py --part test --rules-cpu    # also the rules' CPU time

Gold: ``benchmarks/privacy_gold.py`` (built from ``../shared/data`` at run time; hand-checked
person names kept as offsets and hashes). A gold span counts as found when every one of its
letters and digits lies inside masked spans; precision of a kind is the share of its masked
spans that overlap a gold span of that kind (masked spans overlapping another kind of personal
data are left out of it), counted where the gold of that kind is complete (for addresses: the
CSV's address field; the sheets' addresses are not in the gold). Never-mask: occurrences of communes, organisation names, legal forms,
capitalised common nouns and places or organisations named after someone, outside personal
spans, that a masked span touches.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from privacy_gold import PERSONAL, Span, build_gold, by_doc, load_documents, part

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ESS_NLP_SHARED_DATA", ROOT.parent / "shared" / "data"))
KIND_OF_TOKEN = {
    "[courriel]": "email",
    "[téléphone]": "phone",
    "[adresse]": "address",
    "[personne]": "person",
}


def judge_masks(predicted: Iterable[tuple[str, int, int]], gold: Mapping[str, Sequence[Any]], kind: str) -> tuple[int, int]:  # fmt: skip
    """``(right, wrong)`` of the masks ``(doc, start, end)`` of ``kind``: right when they touch a
    gold span of that kind, wrong when they touch no gold span at all (a mask over a gold span of
    another kind is neither: the kind's recall counts it)."""
    right = wrong = 0
    for d, a, b in predicted:
        touching = [g for g in gold.get(d, ()) if g.start < b and a < g.end]
        if any(g.kind == kind for g in touching):
            right += 1
        elif not touching:
            wrong += 1
    return right, wrong


def measure(docs: dict[str, str], personal: list[Span], keep: list[Span], masked: dict[str, list[tuple[int, int, str]]],
            parts: tuple[str, ...]) -> dict[str, object]:  # fmt: skip
    """Recall, precision per kind and never-mask hits over the documents of ``parts``."""
    chosen = {d for d in docs if part(d) in parts}
    gold = by_doc(s for s in personal if s.doc in chosen)
    result: dict[str, object] = {}
    for kind in PERSONAL:
        spans = [s for s in personal if s.kind == kind and s.doc in chosen]
        found = sum(_covered(docs[s.doc], s, masked.get(s.doc, [])) for s in spans)
        # Precision only where the gold of the kind is complete (addresses: the CSV's address field).
        complete = {d for d in chosen if kind != "address" or d.endswith(":adresse")}
        predicted = [(d, a, b) for d in complete for a, b, t in masked.get(d, []) if KIND_OF_TOKEN[t] == kind]
        right, wrong = judge_masks(predicted, gold, kind)
        result[kind] = {
            "gold": len(spans),
            "recall": found / len(spans) if spans else float("nan"),
            "masked": right + wrong,
            "precision": right / (right + wrong) if right + wrong else float("nan"),
        }
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    for span in keep:
        if span.doc not in chosen:
            continue
        totals[span.group] += 1
        if any(a < span.end and span.start < b for a, b, _ in masked.get(span.doc, [])):
            hits[span.group] += 1
    result["never_mask"] = {group: (hits[group], totals[group]) for group in sorted(totals)}
    return result


def _covered(text: str, span: Span, masked: list[tuple[int, int, str]]) -> bool:
    for i in range(span.start, span.end):
        if text[i].isalnum() and not any(a <= i < b for a, b, _ in masked):
            return False
    return True


def rules_cpu(masker: Any, texts: Sequence[str], repeats: int = 3) -> float:
    """CPU seconds of the mask's patterns and name rules over ``texts`` (no entity recogniser), best of
    ``repeats``; the first-name and commune lists are loaded before timing."""
    masker._name_spans("M. Dupont à Rennes", None)
    best = float("inf")
    for _ in range(repeats):
        cpu = time.process_time()
        for text in texts:
            masker._pattern_spans(text)
            masker._name_spans(text, None)
        best = min(best, time.process_time() - cpu)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ner-model", default=None, help="spaCy pipeline of the entity recogniser")
    parser.add_argument("--no-pdf", action="store_true", help="leave out the PDF fiches (faster)")
    parser.add_argument("--part", choices=("dev", "test", "all"), default=None,
                        help="print only this part (tune on dev; by default dev, test and both)")  # fmt: skip
    parser.add_argument("--rules-cpu", action="store_true",
                        help="also time the rules alone (patterns and name rules, no entity recogniser), best of 3")  # fmt: skip
    parser.add_argument("--show-misses", action="store_true",
                        help="list the ids and offsets (never the text) of missed and wrong spans, dev part only")  # fmt: skip
    args = parser.parse_args()
    if not SHARED.is_dir():
        print(f"SKIP: {SHARED} is absent (it sits beside the project)")
        return 0
    from ess_nlp.privacy import Masker

    started = time.time()
    docs = load_documents(SHARED, pdfs=not args.no_pdf)
    personal, keep, problems = build_gold(SHARED, docs)
    for problem in problems:
        print("gold problem:", problem)
    print(f"gold: {len(docs)} documents, {len(personal)} personal spans, {len(keep)} never-mask spans "
          f"({time.time() - started:.0f} s)")  # fmt: skip
    masker = Masker(model=args.ner_model) if args.ner_model else Masker()
    masker.mask("M. Dupont")  # loads the pipeline: not timed
    if args.rules_cpu:
        print(
            f"rules alone (no entity recogniser), best of 3: {rules_cpu(masker, list(docs.values())):.2f} CPU s"
        )
    started, cpu = time.perf_counter(), time.process_time()
    ids = list(docs)
    spans = masker.spans_many([docs[d] for d in ids])
    masked = dict(zip(ids, spans, strict=True))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"masked {len(ids)} documents ({sum(len(t) for t in docs.values()):,} characters) in {elapsed:.1f} s: "
          f"{len(ids) / elapsed:.1f} texts/s ({len(ids) / cpu:.1f} texts per CPU second)")  # fmt: skip
    for name, parts in (("dev", ("dev",)), ("test", ("test",)), ("all", ("dev", "test"))):
        if args.part and args.part != name:
            continue
        result = measure(docs, personal, keep, masked, parts)
        for kind in PERSONAL:
            r = result[kind]
            assert isinstance(r, dict)
            print(f"{name:<5} {kind:<8} gold {r['gold']:>4}  recall {r['recall']:.3f}  "
                  f"masked {r['masked']:>4}  precision {r['precision']:.3f}")  # fmt: skip
        never = result["never_mask"]
        assert isinstance(never, dict)
        print(f"{name:<5} never-mask touched: " + ", ".join(f"{g} {h}/{t}" for g, (h, t) in never.items()))
    if args.show_misses:
        dev = {d for d in docs if part(d) == "dev"}
        gold = by_doc(personal)
        for s in personal:
            if s.doc in dev and not _covered(docs[s.doc], s, masked.get(s.doc, [])):
                print(f"missed {s.kind} {s.doc} {s.start}-{s.end}")
        for d in sorted(dev):
            for a, b, t in masked.get(d, []):
                if not any(g.start < b and a < g.end for g in gold.get(d, [])):
                    print(f"unmatched {KIND_OF_TOKEN[t]} {d} {a}-{b}")
        for s in keep:
            if s.doc in dev and any(a < s.end and s.start < b for a, b, _ in masked.get(s.doc, [])):
                print(f"never-mask touched {s.group} {s.doc} {s.start}-{s.end}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
