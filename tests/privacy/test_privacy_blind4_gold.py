"""The fourth blind personal-data gold (``benchmarks/data/privacy_blind4_gold.tsv``) still points at the
same texts of ``../shared/data`` and shares no report with the second or third set (ids and hashes only).
Nothing personal is printed: failures name document ids and offsets only. No masker runs here (fast)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import eval_privacy_blind2 as blind2
import eval_privacy_blind3 as blind3
from eval_privacy_blind import PERSONAL, read_gold
from eval_privacy_blind4 import CUED, GOLD, PLAIN, load_documents

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def docs(shared_data: Path) -> dict[str, str]:
    if not (shared_data / blind2.REPORTS).is_file():
        pytest.skip(f"{blind2.REPORTS} is absent from ../shared/data")
    return load_documents(shared_data)


def test_gold_matches_shared_data_and_is_disjoint_from_earlier_sets(
    docs: dict[str, str], shared_data: Path
) -> None:
    rows = read_gold(GOLD)
    assert len(docs) == CUED + PLAIN
    assert blind2.drift(rows, docs) == []
    assert not set(docs) & set(blind2.load_documents(shared_data))
    assert not set(docs) & set(blind3.load_documents(shared_data))
    assert sum(r.kind == "person" for r in rows) >= 40  # big enough to count


def test_gold_file_holds_no_text() -> None:
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and not line.startswith("kind\t"):
            kind, doc, start, end, digest = line.split("\t")
            assert kind in {"text", *PERSONAL, "keep:organisation", "keep:commune"}
            source, number = doc.split(":")
            assert source == "gdn" and number.isdigit()
            assert start.isdigit() and end.isdigit() and len(digest) == 12 and int(digest, 16) >= 0
