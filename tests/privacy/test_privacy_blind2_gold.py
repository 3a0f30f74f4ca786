"""The second blind personal-data gold (``benchmarks/data/privacy_blind2_gold.tsv``) still points at the
same texts of ``../shared/data``: same selection and draw, same texts, same spans (ids and hashes only).
Nothing personal is printed: failures name document ids and offsets only. No masker runs here (fast)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from eval_privacy_blind import PERSONAL, read_gold
from eval_privacy_blind2 import CUED, GOLD, MEMBERS, PLAIN, REPORTS, drift, load_documents

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def docs(shared_data: Path) -> dict[str, str]:
    if not (shared_data / MEMBERS).is_file() or not (shared_data / REPORTS).is_file():
        pytest.skip(f"{MEMBERS} or {REPORTS} is absent from ../shared/data")
    return load_documents(shared_data)


def test_gold_ids_offsets_and_hashes_match_shared_data(docs: dict[str, str]) -> None:
    rows = read_gold(GOLD)
    assert sum(d.startswith("gdn:") for d in docs) == CUED + PLAIN
    assert drift(rows, docs) == []
    assert sum(r.kind == "person" for r in rows) >= 40  # big enough to count
    assert all(r.kind in PERSONAL or r.kind == "text" or r.kind.startswith("keep:") for r in rows)


def test_drift_is_reported_without_text(docs: dict[str, str]) -> None:
    rows = read_gold(GOLD)
    person = next(r for r in rows if r.kind == "person")
    problems = drift(rows, {**docs, person.doc: docs[person.doc] + " "})
    assert f"{person.doc}: text changed" in problems
    assert not any(docs[person.doc][person.start : person.end] in p for p in problems)


def test_gold_file_holds_no_text() -> None:
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and not line.startswith("kind\t"):
            kind, doc, start, end, digest = line.split("\t")
            assert kind in {"text", *PERSONAL, "keep:organisation", "keep:commune"}
            source, number = doc.split(":")
            assert source in {"cis", "gdn"} and number.isdigit()
            assert start.isdigit() and end.isdigit() and len(digest) == 12 and int(digest, 16) >= 0
