"""The blind personal-data gold (``benchmarks/data/privacy_blind_gold.tsv``) still points at the same
texts of ``../shared/data``: same seeded sample, same fields, same spans (ids and hashes only).
Nothing personal is printed: failures name sheet ids and offsets only. No masker runs here (fast)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from eval_privacy_blind import (
    FIELDS,
    GOLD,
    PERSONAL,
    SAMPLE,
    SOURCE,
    GoldRow,
    drift,
    load_fields,
    read_gold,
    sample_ids,
)

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def fields(shared_data: Path) -> dict[str, str]:
    if not (shared_data / SOURCE).is_file():
        pytest.skip(f"{SOURCE} is absent from ../shared/data")
    return load_fields(shared_data)


def test_gold_ids_offsets_and_hashes_match_shared_data(fields: dict[str, str], shared_data: Path) -> None:
    rows = read_gold()
    ids = sample_ids(shared_data)
    assert len(ids) == SAMPLE
    assert drift(rows, fields, ids) == []
    assert sum(r.kind == "person" for r in rows) > 0
    assert all(r.kind in PERSONAL or r.kind == "text" or r.kind.startswith("keep:") for r in rows)


def test_drift_is_reported_without_text(fields: dict[str, str], shared_data: Path) -> None:
    rows = read_gold()
    person = next(r for r in rows if r.kind == "person")
    moved = GoldRow(person.kind, person.doc, person.start + 1, person.end + 1, person.sha1)
    changed = {**fields, person.doc: fields[person.doc] + " "}
    problems = drift([*rows, moved], changed, sample_ids(shared_data))
    assert f"{person.doc}: text changed" in problems
    assert f"{person.doc} {moved.start}-{moved.end}: person span changed" in problems
    assert not any(fields[person.doc][person.start : person.end] in p for p in problems)


def test_gold_file_holds_no_text() -> None:
    # Every data line is kind, id:field, two offsets and a hash: no room for a name.
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and not line.startswith("kind\t"):
            kind, doc, start, end, digest = line.split("\t")
            assert kind in {"text", *PERSONAL} or kind.startswith("keep:")
            assert doc.split(":")[1] in FIELDS and doc.split(":")[0].isalnum()
            assert start.isdigit() and end.isdigit() and len(digest) == 12 and int(digest, 16) >= 0
