"""A blind measure of the personal-data mask on sheets it was never tuned on.

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

import csv
import hashlib
import os
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ESS_NLP_SHARED_DATA", ROOT.parent / "shared" / "data"))
SOURCE = Path("presdecheznous-niort") / "initiatives.csv"
GOLD = ROOT / "benchmarks" / "data" / "privacy_blind_gold.tsv"
SEED = 2026
SAMPLE = 80
FIELDS = ("title", "summary", "description", "commitment")
PERSONAL = ("person", "email", "phone", "address")
KEEP_GROUPS = ("organisation", "commune", "common_noun", "other")
KIND_OF_TOKEN = {"[courriel]": "email", "[téléphone]": "phone", "[adresse]": "address", "[personne]": "person"}


def sha(text: str) -> str:
    """SHA-1 prefix that detects a text or a span that changed."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def load_fields(shared: Path) -> dict[str, str]:
    """Every non-empty text field of the sheets, keyed ``<sheet id>:<field>``."""
    with (shared / SOURCE).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {f"{row['id']}:{name}": row[name] for row in rows for name in FIELDS if (row.get(name) or "").strip()}


def sample_ids(shared: Path) -> list[str]:
    """The sheets of the blind sample: ``SAMPLE`` ids drawn with ``SEED`` from the sorted ids."""
    with (shared / SOURCE).open(encoding="utf-8", newline="") as handle:
        ids = sorted({row["id"] for row in csv.DictReader(handle)})
    return sorted(random.Random(SEED).sample(ids, min(SAMPLE, len(ids))))
