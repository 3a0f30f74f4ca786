"""The ninth blind personal-data gold (``benchmarks/data/privacy_blind9_gold.tsv``, drawn by
``benchmarks/eval_privacy_blind9.py`` from three sources never used for privacy before) still points at the
same texts of ``../shared/data``: same draw, same texts, same spans (ids and hashes only). Nothing personal
is printed: failures name document ids and offsets only. No masker runs here (fast)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import eval_privacy_blind9 as blind9
from eval_privacy_blind import PERSONAL, read_gold
from eval_privacy_blind2 import drift

pytestmark = pytest.mark.shared_data

_ID = re.compile(r"(?:assises|papeteries|melprop|melcomment|melpcomment):\d+|vraidebat:[0-9a-f-]{36}")
_KINDS = {"text", *PERSONAL, "keep:organisation", "keep:commune", "keep:common_noun"}


@pytest.fixture(scope="module")
def docs(shared_data: Path) -> dict[str, str]:
    for path in (blind9.NANTERRE, blind9.VRAI_DEBAT, blind9.MEL):
        if not (shared_data / path).exists():
            pytest.skip(f"{path} is absent from ../shared/data")
    return blind9.load_documents(shared_data)


def test_gold_ids_offsets_and_hashes_match_shared_data(docs: dict[str, str]) -> None:
    rows = read_gold(blind9.GOLD)
    assert len(docs) == sum(p.cued + p.plain for p in blind9.POOLS)  # every pool has enough cued documents
    assert drift(rows, docs) == []
    assert sum(r.kind == "person" for r in rows) >= 30  # big enough to count


def test_draw_is_stable_and_each_pool_splits_by_the_cue(docs: dict[str, str], shared_data: Path) -> None:
    assert blind9.load_documents(shared_data) == docs
    pools = blind9.load_pools(shared_data)
    for pool in blind9.POOLS:
        drawn = [d for d in docs if d in pools[pool.name]]
        assert sum(blind9.cued(docs[d]) for d in drawn) == pool.cued
        assert sum(not blind9.cued(docs[d]) for d in drawn) == pool.plain


def test_gold_file_holds_no_text() -> None:
    for line in blind9.GOLD.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and not line.startswith("kind\t"):
            kind, doc, start, end, digest = line.split("\t")
            assert kind in _KINDS
            assert _ID.fullmatch(doc), doc
            assert start.isdigit() and end.isdigit() and len(digest) == 12 and int(digest, 16) >= 0
