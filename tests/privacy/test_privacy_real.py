"""The mask on the real personal-data gold of ``benchmarks/privacy_gold.py`` (../shared/data).

The PDF fiches are left out here (reading them takes a minute); ``benchmarks/eval_privacy.py``
measures everything. Nothing personal is printed: failures name documents and offsets only.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ess_nlp.privacy import Masker

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from eval_privacy import measure
from privacy_gold import build_gold, load_documents

pytestmark = [pytest.mark.slow, pytest.mark.shared_data]


@pytest.fixture(scope="module")
def gold(shared_data: Path) -> tuple[dict[str, str], list, list]:
    docs = load_documents(shared_data, pdfs=False)
    personal, keep, problems = build_gold(shared_data, docs)
    assert not problems
    return docs, personal, keep


def test_emails_phones_and_addresses_on_real_sheets(gold: tuple[dict[str, str], list, list]) -> None:
    docs, personal, keep = gold
    masker = Masker(names=False)
    ids = list(docs)
    masked = dict(zip(ids, masker.spans_many([docs[d] for d in ids]), strict=True))
    result = measure(docs, personal, keep, masked, ("dev", "test"))
    assert result["email"]["gold"] > 200 and result["email"]["recall"] >= 0.99  # type: ignore[index]
    assert result["phone"]["gold"] > 200 and result["phone"]["recall"] >= 0.99  # type: ignore[index]
    assert result["email"]["precision"] >= 0.99 and result["phone"]["precision"] >= 0.99  # type: ignore[index]
    # measured 0.944 and 1.000 (issue 13's precision round; 0.80 before the lowercase streets)
    assert result["address"]["recall"] >= 0.90 and result["address"]["precision"] >= 0.95  # type: ignore[index]
    never = result["never_mask"]
    assert isinstance(never, dict)
    touched = sum(hit for hit, _ in never.values())
    total = sum(n for _, n in never.values())
    assert total > 3000 and touched == 0, never


def test_people_masked_organisations_named_after_people_kept(gold: tuple[dict[str, str], list, list]) -> None:
    docs, personal, keep = gold
    chosen = sorted(
        {s.doc for s in personal if s.kind == "person"} | {k.doc for k in keep if k.group == "named_after"}
    )
    chosen = [d for d in chosen if d.startswith("apriles:") or d.startswith("csv:")]
    subset = {d: docs[d] for d in chosen}
    masked = dict(zip(chosen, Masker().spans_many(list(subset.values())), strict=True))
    result = measure(subset, [s for s in personal if s.doc in subset], [k for k in keep if k.doc in subset],
                     masked, ("dev", "test"))  # fmt: skip
    person = result["person"]
    assert isinstance(person, dict) and person["gold"] >= 15
    # Regression floors (measured R 1.000 P 0.944 here; R 0.889 before issue 13's precision round,
    # 0.667 before the variants of issue 18); the issue asks R 0.90 at P 0.90 on the test part of the
    # whole gold: see README « Personal data ».
    assert person["recall"] >= 0.95 and person["precision"] >= 0.90, person
    never = result["never_mask"]
    assert isinstance(never, dict)
    hit, total = never.get("named_after", (0, 0))
    assert total >= 20 and hit <= 1, never  # a shop named « Mademoiselle … » in a list of partners
    assert all(h == 0 for group, (h, _) in never.items() if group != "named_after"), never
