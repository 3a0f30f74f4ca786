"""The first blind measure of the personal-data mask, on sheets it had never been tuned on; since
then development data (its errors were read to fix the mask: see docs/syntheses.md, and
``eval_privacy_gdn_blind.py`` for the latest blind set).

    .venv/bin/python benchmarks/eval_privacy_blind.py

The masker of ``ess_nlp.privacy`` was tuned on ``decider-ensemble-fiches`` and
``apriles-initiatives-openscraper`` (``benchmarks/eval_privacy.py``), whose test part was then
inspected. This script measures it on another source, ``presdecheznous-niort`` (directory sheets
of local initiatives around Niort), from a seeded random sample of its sheets (``SEED``,
``SAMPLE``), chosen without looking at their content, and labelled by reading before the masker
ran on them. The gold lives in ``benchmarks/data/privacy_blind_gold.tsv`` as sheet ids, field
names, offsets and SHA-1 prefixes only (see its header for the labelling definition): the texts
are read from ``../shared/data`` at run time and nothing personal is printed.

Counting (as ``benchmarks/eval_privacy.py``): a gold span is found when every one of its letters
and digits lies inside masked spans; the precision of a kind is the share of its masked spans
that overlap a gold span of that kind (masked spans overlapping another kind of personal data are
left out of it). Each masked span that overlaps no gold personal span is a wrong mask; the gold
file names what it hit (``organisation``, ``commune``, ``common_noun``, ``other``), labelled
after the run; a wrong mask with no such label is counted as ``unlabelled``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import math
import os
import random
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_privacy import KIND_OF_TOKEN, _covered, judge_masks
from privacy_gold import Span

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ESS_NLP_SHARED_DATA", ROOT.parent / "shared" / "data"))
SOURCE = Path("presdecheznous-niort") / "initiatives.csv"
GOLD = ROOT / "benchmarks" / "data" / "privacy_blind_gold.tsv"
SEED = 2026
SAMPLE = 80
FIELDS = ("title", "summary", "description", "commitment")
PERSONAL = ("person", "email", "phone", "address")
KEEP_GROUPS = ("organisation", "commune", "common_noun", "other")


def sha(text: str) -> str:
    """SHA-1 prefix that detects a text or a span that changed."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def load_fields(shared: Path) -> dict[str, str]:
    """Every non-empty text field of the sheets, keyed ``<sheet id>:<field>``."""
    with (shared / SOURCE).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        f"{row['id']}:{name}": row[name] for row in rows for name in FIELDS if (row.get(name) or "").strip()
    }


def sample_ids(shared: Path) -> list[str]:
    """The sheets of the blind sample: ``SAMPLE`` ids drawn with ``SEED`` from the sorted ids."""
    with (shared / SOURCE).open(encoding="utf-8", newline="") as handle:
        ids = sorted({row["id"] for row in csv.DictReader(handle)})
    return sorted(random.Random(SEED).sample(ids, min(SAMPLE, len(ids))))


@dataclass(frozen=True)
class GoldRow:
    """One row of the gold: a sampled field (``text``), a personal span or a never-mask span."""

    kind: str
    doc: str
    start: int
    end: int
    sha1: str

    def span(self) -> Span:
        """The same span as ``benchmarks/privacy_gold.py`` writes it (for the shared counting)."""
        return Span(self.doc, self.start, self.end, self.kind)


def read_gold(path: Path = GOLD) -> list[GoldRow]:
    """The rows of the gold file (comment lines start with ``#``; the first other line is the header)."""
    lines = [
        line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")
    ]
    rows = []
    for line in lines[1:]:
        kind, doc, start, end, digest = line.split("\t")
        rows.append(GoldRow(kind, doc, int(start), int(end), digest))
    return rows


def drift(rows: list[GoldRow], fields: dict[str, str], ids: list[str]) -> list[str]:
    """What no longer matches ``../shared/data``: sample, field texts, span texts (ids only, no text)."""
    problems = []
    texts = {r.doc for r in rows if r.kind == "text"}
    sampled = {d for d in fields if d.split(":")[0] in set(ids)}
    if texts != sampled:
        problems.append(f"sampled fields differ: {len(texts - sampled)} gone, {len(sampled - texts)} new")
    for r in rows:
        text = fields.get(r.doc)
        if text is None:
            problems.append(f"{r.doc}: field absent")
        elif r.kind == "text" and (r.end != len(text) or sha(text) != r.sha1):
            problems.append(f"{r.doc}: text changed")
        elif r.kind != "text" and sha(text[r.start : r.end]) != r.sha1:
            problems.append(f"{r.doc} {r.start}-{r.end}: {r.kind} span changed")
    return problems


def wilson(successes: int, total: int, z: float = 1.96) -> str:
    """95 % Wilson score interval of a proportion, as ``[low, high]`` (the gold is small)."""
    p = successes / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return f"[{centre - half:.2f}, {centre + half:.2f}]"


def measure(fields: dict[str, str], rows: list[GoldRow], masked: dict[str, list[tuple[int, int, str]]]) -> dict[str, object]:  # fmt: skip
    """Recall and precision per personal kind; wrong masks by the group they touched."""
    personal = [r for r in rows if r.kind in PERSONAL]
    keep = [r for r in rows if r.kind.startswith("keep:")]
    gold: dict[str, list[GoldRow]] = {}
    for r in personal:
        gold.setdefault(r.doc, []).append(r)
    result: dict[str, object] = {}
    for kind in PERSONAL:
        spans = [r for r in personal if r.kind == kind]
        found = sum(_covered(fields[r.doc], r.span(), masked.get(r.doc, [])) for r in spans)
        predicted = [(doc, a, b) for doc, spans_of in masked.items() for a, b, t in spans_of if KIND_OF_TOKEN[t] == kind]
        right, wrong = judge_masks(predicted, gold, kind)
        result[kind] = {
            "gold": len(spans),
            "found": found,
            "recall": found / len(spans) if spans else float("nan"),
            "masked": right + wrong,
            "right": right,
            "precision": right / (right + wrong) if right + wrong else float("nan"),
        }
    errors: Counter[str] = Counter()
    for doc, found_spans in masked.items():
        for a, b, _ in found_spans:
            if any(g.doc == doc and g.start < b and a < g.end for g in personal):
                continue
            groups = [k.kind.split(":", 1)[1] for k in keep if k.doc == doc and k.start < b and a < k.end]
            errors[groups[0] if groups else "unlabelled"] += 1
    result["wrong_masks"] = dict(errors)
    return result


def print_kinds(result: dict[str, object]) -> None:
    """One line per personal kind: gold, found, recall and precision with their Wilson intervals."""
    for kind in PERSONAL:
        r = result[kind]
        assert isinstance(r, dict)
        recall = (
            f"recall {r['recall']:.3f} {wilson(r['found'], r['gold'])}" if r["gold"] else "none in the sample"
        )
        precision = (
            f"precision {r['precision']:.3f} {wilson(r['right'], r['masked'])}"
            if r["masked"]
            else "nothing masked"
        )
        print(f"{kind:<8} gold {r['gold']:>3}  found {r['found']:>3}  {recall}  "
              f"masked {r['masked']:>3}  right {r['right']:>3}  {precision}")  # fmt: skip


def print_errors(texts: dict[str, str], rows: list[GoldRow], masked: dict[str, list[tuple[int, int, str]]]) -> None:  # fmt: skip
    """The ids and offsets (never the text) of the missed personal spans and of the wrong masks."""
    personal = [r for r in rows if r.kind in PERSONAL]
    for r in personal:
        if not _covered(texts[r.doc], r.span(), masked.get(r.doc, [])):
            print(f"missed {r.kind} {r.doc} {r.start}-{r.end}")
    for doc, spans in sorted(masked.items()):
        for a, b, token in spans:
            if not any(g.doc == doc and g.start < b and a < g.end for g in personal):
                print(f"wrong {KIND_OF_TOKEN[token]} {doc} {a}-{b}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ner-model", default=None, help="spaCy pipeline of the entity recogniser")
    parser.add_argument("--show-errors", action="store_true",
                        help="list the ids and offsets (never the text) of missed spans and wrong masks")  # fmt: skip
    args = parser.parse_args()
    if not (SHARED / SOURCE).is_file():
        print(f"SKIP: {SHARED / SOURCE} is absent (../shared/data sits beside the project)")
        return 0
    from ess_nlp.privacy import Masker

    fields, ids, rows = load_fields(SHARED), sample_ids(SHARED), read_gold()
    problems = drift(rows, fields, ids)
    for problem in problems:
        print("gold drift:", problem)
    if problems:
        return 1
    docs = sorted(r.doc for r in rows if r.kind == "text")
    masker = Masker(model=args.ner_model) if args.ner_model else Masker()
    masked = dict(zip(docs, masker.spans_many([fields[d] for d in docs]), strict=True))
    masked = {d: s for d, s in masked.items() if s}
    print(f"blind gold: {len(ids)} sheets (seed {SEED}), {len(docs)} fields, "
          f"{sum(len(fields[d]) for d in docs):,} characters")  # fmt: skip
    result = measure(fields, rows, masked)
    print_kinds(result)
    wrong = result["wrong_masks"]
    assert isinstance(wrong, dict)
    never = {g: wrong.get(g, 0) for g in ("organisation", "commune", "common_noun")}
    print(
        f"wrong masks (no personal data under them): {sum(wrong.values())}: "
        + ", ".join(f"{g} {n}" for g, n in {**never, **wrong}.items())
    )
    print(f"never-mask errors (organisation, commune, common noun masked): {sum(never.values())}")
    if args.show_errors:
        print_errors(fields, rows, masked)
    return 0


if __name__ == "__main__":
    sys.exit(main())
