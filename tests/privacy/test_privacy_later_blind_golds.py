"""The third and fourth blind personal-data golds (``benchmarks/data/privacy_blind{3,4}_gold.tsv``)
still point at the same texts of ``../shared/data`` and share no report with the earlier sets (ids and
hashes only). Nothing personal is printed: failures name document ids and offsets only. No masker runs
here (fast). The second set, drawn differently, has its own module (``test_privacy_blind2_gold.py``)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import eval_privacy_blind2 as blind2
import eval_privacy_blind3 as blind3
import eval_privacy_blind4 as blind4
from eval_privacy_blind import PERSONAL, read_gold

pytestmark = pytest.mark.shared_data

# Each later set, with the sets drawn before it (it must share no report with them).
SETS = [pytest.param(blind3, [blind2], id="blind3"), pytest.param(blind4, [blind2, blind3], id="blind4")]


@pytest.mark.parametrize(("blind", "earlier"), SETS)
def test_gold_matches_shared_data_and_is_disjoint_from_earlier_sets(
    blind: ModuleType, earlier: list[ModuleType], shared_data: Path
) -> None:
    if not (shared_data / blind2.REPORTS).is_file():
        pytest.skip(f"{blind2.REPORTS} is absent from ../shared/data")
    docs = blind.load_documents(shared_data)
    rows = read_gold(blind.GOLD)
    assert len(docs) == blind.CUED + blind.PLAIN
    assert blind2.drift(rows, docs) == []
    for before in earlier:
        assert not set(docs) & set(before.load_documents(shared_data))
    assert sum(r.kind == "person" for r in rows) >= 40  # big enough to count


@pytest.mark.parametrize(("blind", "earlier"), SETS)
def test_gold_file_holds_no_text(blind: ModuleType, earlier: list[ModuleType]) -> None:
    for line in blind.GOLD.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and not line.startswith("kind\t"):
            kind, doc, start, end, digest = line.split("\t")
            assert kind in {"text", *PERSONAL, "keep:organisation", "keep:commune"}
            source, number = doc.split(":")
            assert source == "gdn" and number.isdigit()
            assert start.isdigit() and end.isdigit() and len(digest) == 12 and int(digest, 16) >= 0
