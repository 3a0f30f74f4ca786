"""Extraction on real text no one here wrote (../shared/data), on small seeded samples.

The full measurement is ``benchmarks/eval_extraction.py``; these tests guard against regressions.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ess_nlp.extract import extract_units
from ess_nlp.extract._context import sentence_bounds
from ess_nlp.records import Document
from ess_nlp.segment import split_document

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]


def document(source: str, text: str) -> Document:
    return Document(source=source, text=text, format="txt", sha256=hashlib.sha256(text.encode()).hexdigest())


def test_grand_debat_proposals_fall_in_the_proposals_field(shared_data: Path, nlp) -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.read_csv(shared_data / "gdn-reunions-locales" / "gdn_reunions_locales.csv", dtype=str).fillna("")
    frame = frame[(frame.constats.str.len() >= 50) & (frame.propositions.str.len() >= 50)]
    rows = frame.sample(n=30, random_state=1)
    hits = {"proposal": 0, "constat": 0}
    right = {"proposal": 0, "constat": 0}
    for _, row in rows.iterrows():
        diag, props = row.constats.strip(), row.propositions.strip()
        text = f"{diag}\n\n{props}\n"
        cut = len(diag)
        extraction = extract_units(split_document(document(row.contribution_id, text)), nlp=nlp)
        for kind, records in (("proposal", extraction.proposals), ("constat", extraction.constats)):
            for record in records:
                assert text[record.start : record.end] == record.text
                hits[kind] += 1
                right[kind] += (record.start >= cut) == (kind == "proposal")
        assert sentence_bounds(text)
    assert hits["proposal"] > 20
    assert right["proposal"] / hits["proposal"] >= 0.55
    assert right["constat"] / max(hits["constat"], 1) >= 0.5


def test_pres_de_chez_nous_sheets_give_named_cards(shared_data: Path, nlp) -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.read_csv(shared_data / "presdecheznous-niort" / "initiatives.csv", dtype=str).fillna("")
    named = cards = 0
    for _, row in frame.head(40).iterrows():
        paragraphs = [row.title] + [p for p in (row.summary, row.description, row.commitment) if p.strip()]
        extraction = extract_units(split_document(document(row.id, "\n\n".join(paragraphs) + "\n")), nlp=nlp)
        if extraction.initiatives:
            cards += 1
            named += extraction.initiatives[0].name == row.title.strip()
    assert cards >= 28
    assert named >= 0.6 * cards
