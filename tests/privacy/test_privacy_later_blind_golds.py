"""The later blind personal-data golds (``benchmarks/data/privacy_blind{3,…,8}_gold.tsv``, drawn by
``benchmarks/eval_privacy_gdn_blind.py``) still point at the same texts of ``../shared/data`` and share no
report with the second set or with one another (ids and hashes only). Nothing personal is printed:
failures name document ids and offsets only. No masker runs here (fast). The second set, drawn
differently, has its own module (``test_privacy_blind2_gold.py``)."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import eval_privacy_blind2 as blind2
import eval_privacy_gdn_blind as later
from eval_privacy_blind import PERSONAL, read_gold

pytestmark = pytest.mark.shared_data

NUMBERS = sorted(later.SETS)


@functools.cache
def documents(shared_data: Path, number: int | None) -> dict[str, str]:
    """The drawn documents of set ``number`` (None: the second set), read once per module: each
    set is compared with every earlier one (issue 14: 27 reads of the reports file, now 7)."""
    if number is None:
        return blind2.load_documents(shared_data)
    return later.load_documents(shared_data, number)


@pytest.mark.parametrize("number", NUMBERS)
def test_gold_matches_shared_data_and_is_disjoint_from_earlier_sets(number: int, shared_data: Path) -> None:
    if not (shared_data / blind2.REPORTS).is_file():
        pytest.skip(f"{blind2.REPORTS} is absent from ../shared/data")
    blind = later.SETS[number]
    docs = documents(shared_data, number)
    rows = read_gold(blind.gold)
    assert len(docs) == blind.cued + blind.plain
    assert blind2.drift(rows, docs) == []
    assert not set(docs) & set(documents(shared_data, None))
    for before in NUMBERS[: NUMBERS.index(number)]:
        assert not set(docs) & set(documents(shared_data, before))
    # big enough to count; the eighth set has every cued report left (53, not 80), so fewer names
    assert sum(r.kind == "person" for r in rows) >= (40 if number < 8 else 25)


@pytest.mark.parametrize("number", NUMBERS)
def test_gold_file_holds_no_text(number: int) -> None:
    for line in later.SETS[number].gold.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and not line.startswith("kind\t"):
            kind, doc, start, end, digest = line.split("\t")
            assert kind in {"text", *PERSONAL, "keep:organisation", "keep:commune", "keep:common_noun"}
            source, number_ = doc.split(":")
            assert source == "gdn" and number_.isdigit()
            assert start.isdigit() and end.isdigit() and len(digest) == 12 and int(digest, 16) >= 0
