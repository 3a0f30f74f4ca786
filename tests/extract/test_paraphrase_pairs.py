"""The labelled paraphrase pair set (issue 16) holds ids and labels only, and still points at
the same real texts in ../shared/data."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _module():  # type: ignore[no-untyped-def]
    if "ess_paraphrase_pairs" not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            "ess_paraphrase_pairs", ROOT / "benchmarks" / "paraphrase_pairs.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules["ess_paraphrase_pairs"] = module
    return sys.modules["ess_paraphrase_pairs"]


def test_the_pair_set_is_ids_and_labels_split_dev_test() -> None:
    pp = _module()
    text = pp.PAIRS.read_text(encoding="utf-8")
    assert "Definition used to label" in text  # the definition lives in the header
    rows = pp.read_pairs()
    assert len(rows) >= 300
    assert set(rows[0]) == {"a", "b", "hash", "stratum", "split", "label"}
    assert {r["label"] for r in rows} == {"0", "1"}
    assert {r["split"] for r in rows} == {"dev", "test"}
    assert all(r["a"].split(":")[0] in {"gdn", "vd", "mel"} and " " not in r["a"] + r["b"] for r in rows)
    assert len({(r["a"], r["b"]) for r in rows}) == len(rows)


def test_the_pairs_point_at_unchanged_texts(shared_data: Path) -> None:
    pp = _module()
    proposals = pp.load_proposals(shared_data)
    rows = pp.read_pairs()
    changed = [r for r in rows if pp.pair_hash(proposals.get(r["a"], ""), proposals.get(r["b"], "")) != r["hash"]]
    assert rows and not changed, f"{len(changed)} pairs point at texts that changed"
