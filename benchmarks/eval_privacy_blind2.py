"""A second blind measure of the personal-data mask, on two sources it had never been tuned on;
development data since its one blind run (see docs/syntheses.md; ``eval_privacy_gdn_blind.py`` holds
the later Grand Débat sets, ``eval_privacy_blind9.py`` the latest blind set).

    .venv/bin/python benchmarks/eval_privacy_blind2.py
    .venv/bin/python benchmarks/eval_privacy_blind2.py --show-errors   # ids and offsets, never text

The first blind set (``benchmarks/eval_privacy_blind.py``, 80 Près de chez nous sheets) was looked at
to fix the masker after it had been measured, so it is development data now. This set was drawn and
labelled by reading before the fixed masker ever ran on it:

- ``cis:<row>``: every member of the CIS collective (``cis-france-sengage-laureats/data/members.csv``)
  whose « CONTACT SUR LE SITE DU CIS » is not empty; its non-empty fields (``MEMBER_FIELDS``) joined by
  new lines, as a directory sheet prints them (organisation, presentation, scale, site, tweet,
  activities, contact, the contact's function). No sampling: all of them.
- ``gdn:<contribution id>``: the « how it went » field of Grand Débat local meeting reports
  (``gdn-reunions-locales``): ``CUED`` reports drawn with ``SEED`` among those whose field matches
  ``CUE`` (a civility, « animé par », « organisé par », « en présence de », a mayor or an MP: where
  people are named), and ``PLAIN`` more drawn with ``SEED`` among all the others with a non-empty field
  (ordinary text, where a mask can only be wrong or right by chance).

The selection rules above were written before any text was read. The gold lives in
``benchmarks/data/privacy_blind2_gold.tsv`` as ids, offsets and SHA-1 prefixes only (its header gives
the labelling definition); the texts are read from ``../shared/data`` at run time and nothing personal
is printed. Counting is that of ``benchmarks/eval_privacy_blind.py``; the never-mask words
(organisations, communes and other places) were labelled before the run too, so every one of them
that a mask touches counts, and a wrong mask on none of them is ``unlabelled``.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_privacy_blind import GoldRow, measure, print_errors, print_kinds, read_gold, sha

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ESS_NLP_SHARED_DATA", ROOT.parent / "shared" / "data"))
MEMBERS = Path("cis-france-sengage-laureats") / "data" / "members.csv"
REPORTS = Path("gdn-reunions-locales") / "gdn_reunions_locales.csv"
GOLD = ROOT / "benchmarks" / "data" / "privacy_blind2_gold.tsv"
MEMBER_FIELDS = (
    "MEMBRE DU COLLECTIF",
    "PRESENTATION SUCCINCTE",
    "ECHELLE DE SON ACTION",
    "SITE WEB ",
    "TWEET",
    "ACTIVITES",
    "CONTACT SUR LE SITE DU CIS",
    "FONCTION DU CONTACT",
)
CONTACT = "CONTACT SUR LE SITE DU CIS"
SEED = 1313
CUED = 50
PLAIN = 40
CUE = re.compile(
    r"\b(?:M\.|Mme|Monsieur|Madame|anim[ée]e?s? par|organis[ée]e?s? par|en présence d|maire|député)", re.I
)
NEVER_MASK = ("organisation", "commune", "common_noun")


def load_documents(shared: Path) -> dict[str, str]:
    """The documents of the set, by id (the selection rules of the module docstring)."""
    docs: dict[str, str] = {}
    with (shared / MEMBERS).open(encoding="utf-8", newline="") as handle:
        for index, row in enumerate(csv.DictReader(handle)):
            if (row.get(CONTACT) or "").strip():
                docs[f"cis:{index}"] = "\n".join(
                    row[name].strip() for name in MEMBER_FIELDS if (row.get(name) or "").strip()
                )
    reports = load_reports(shared)
    for i in draw_reports(reports, SEED, CUED, PLAIN):
        docs[f"gdn:{i}"] = reports[i]
    return docs


def load_reports(shared: Path) -> dict[str, str]:
    """The « how it went » field of every Grand Débat report, by contribution id."""
    csv.field_size_limit(1 << 30)
    with (shared / REPORTS).open(encoding="utf-8", newline="") as handle:
        return {row["contribution_id"]: row["how_it_went"] for row in csv.DictReader(handle)}


def draw_reports(reports: dict[str, str], seed: int, cued: int, plain: int, *, leave_out: frozenset[str] = frozenset()) -> list[str]:  # fmt: skip
    """``cued`` ids drawn with ``seed`` among the non-empty reports that match ``CUE``, then ``plain``
    among the others; ``leave_out`` ids are not drawn."""
    present = sorted(i for i, text in reports.items() if text.strip() and i not in leave_out)
    with_cue = [i for i in present if CUE.search(reports[i])]
    without = [i for i in present if not CUE.search(reports[i])]
    rng = random.Random(seed)
    return sorted(rng.sample(with_cue, cued)) + sorted(rng.sample(without, plain))


def drift(rows: list[GoldRow], docs: dict[str, str]) -> list[str]:
    """What no longer matches ``../shared/data``: the drawn documents, their texts, the span texts
    (ids and offsets only, never text)."""
    problems = []
    texts = {r.doc for r in rows if r.kind == "text"}
    if texts != set(docs):
        problems.append(
            f"drawn documents differ: {len(texts - set(docs))} gone, {len(set(docs) - texts)} new"
        )
    for r in rows:
        text = docs.get(r.doc)
        if text is None:
            problems.append(f"{r.doc}: document absent")
        elif r.kind == "text" and (r.end != len(text) or sha(text) != r.sha1):
            problems.append(f"{r.doc}: text changed")
        elif r.kind != "text" and sha(text[r.start : r.end]) != r.sha1:
            problems.append(f"{r.doc} {r.start}-{r.end}: {r.kind} span changed")
    return problems


def parse_args(description: str | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ner-model", default=None, help="spaCy pipeline of the entity recogniser")
    parser.add_argument("--show-errors", action="store_true",
                        help="list the ids and offsets (never the text) of missed spans and wrong masks")  # fmt: skip
    return parser.parse_args()


def evaluate(docs: dict[str, str], rows: list[GoldRow], args: argparse.Namespace, title: str) -> int:
    """Checks the gold against the texts, masks them once and prints the figures (1 on drift)."""
    from ess_nlp.privacy import Masker

    problems = drift(rows, docs)
    for problem in problems:
        print("gold drift:", problem)
    if problems:
        return 1
    ids = sorted(docs)
    masker = Masker(model=args.ner_model) if args.ner_model else Masker()
    masked = dict(zip(ids, masker.spans_many([docs[d] for d in ids]), strict=True))
    masked = {d: s for d, s in masked.items() if s}
    print(f"{title}, {sum(len(docs[d]) for d in ids):,} characters")
    result = measure(docs, rows, masked)
    print_kinds(result)
    keep = [r for r in rows if r.kind.startswith("keep:")]
    for group in NEVER_MASK:
        spans = [r for r in keep if r.kind == f"keep:{group}"]
        if not spans and group not in NEVER_MASK[:2]:
            continue  # common nouns are labelled from the seventh set on
        hit = sum(any(a < r.end and r.start < b for a, b, _ in masked.get(r.doc, [])) for r in spans)
        print(f"never-mask {group}: {hit} of {len(spans)} masked")
    wrong = result["wrong_masks"]
    assert isinstance(wrong, dict)
    print(f"wrong masks (no personal data under them): {sum(wrong.values())}: "
          + ", ".join(f"{g} {n}" for g, n in sorted(wrong.items())))  # fmt: skip
    if args.show_errors:
        print_errors(docs, rows, masked)
    return 0


def main() -> int:
    args = parse_args(__doc__)
    if not (SHARED / MEMBERS).is_file() or not (SHARED / REPORTS).is_file():
        print(
            f"SKIP: {SHARED / MEMBERS} or {SHARED / REPORTS} is absent (../shared/data sits beside the project)"
        )
        return 0
    docs = load_documents(SHARED)
    counts = {p: sum(d.startswith(p + ":") for d in docs) for p in ("cis", "gdn")}
    title = (f"blind gold 2: {counts['cis']} CIS member sheets, {counts['gdn']} Grand Débat reports "
             f"(seed {SEED}: {CUED} cued, {PLAIN} plain)")  # fmt: skip
    return evaluate(docs, read_gold(GOLD), args, title)


if __name__ == "__main__":
    sys.exit(main())
