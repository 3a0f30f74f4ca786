"""The labelled paraphrase pair sets (issue 16) hold ids and labels only, and still point at
the same real texts in ../shared/data; each blind set shares nothing with the sets before it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _module():  # type: ignore[no-untyped-def]
    if "ess_paraphrase_pairs" not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            "ess_paraphrase_pairs", ROOT / "benchmarks" / "paraphrase_pairs.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["ess_paraphrase_pairs"] = module  # before running it: its dataclass looks itself up
        spec.loader.exec_module(module)
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


def test_the_blind_set_is_ids_and_labels_apart_from_the_first_set() -> None:
    pp = _module()
    first, blind = pp.read_pairs(pp.PAIRS), pp.read_pairs(pp.BLIND_PAIRS)
    text = pp.BLIND_PAIRS.read_text(encoding="utf-8")
    assert pp.DEFINITION in text and pp.DEFINITION in pp.PAIRS.read_text(encoding="utf-8")  # word for word
    positives = sum(r["label"] == "1" for r in blind)
    assert f"# {len(blind)} pairs, {positives} labelled 1 (same demand)\n" in text
    assert len(blind) >= 300
    assert {r["label"] for r in blind} == {"0", "1"} and {r["split"] for r in blind} == {"blind"}
    assert len({(r["a"], r["b"]) for r in blind}) == len(blind)
    assert not {(r["a"], r["b"]) for r in blind} & {(r["a"], r["b"]) for r in first}
    assert not pp.pair_ids(blind) & pp.pair_ids(first)  # no proposal seen in the first set
    assert all(r["a"].split(":")[0] in {"gdn", "vd", "mel"} and " " not in r["a"] + r["b"] for r in blind)


@pytest.mark.parametrize("name", ["blind3", "blind4"])
def test_a_later_blind_set_is_ids_and_labels_apart_from_every_earlier_set(name: str) -> None:
    pp = _module()
    pair_set = pp.SETS[name]
    later = pp.read_pairs(pair_set.path)
    text = pair_set.path.read_text(encoding="utf-8")
    assert pp.DEFINITION in text  # word for word the first set's definition
    positives = sum(r["label"] == "1" for r in later)
    assert f"# {len(later)} pairs, {positives} labelled 1 (same demand)\n" in text
    assert len(later) >= 300
    assert {r["label"] for r in later} == {"0", "1"} and {r["split"] for r in later} == {name}
    assert len({(r["a"], r["b"]) for r in later}) == len(later)
    assert all(r["a"].split(":")[0] in {"gdn", "vd", "mel"} and " " not in r["a"] + r["b"] for r in later)
    earlier_paths = [s.path for s in pp.SETS.values()][: list(pp.SETS).index(name)]
    for earlier in (pp.read_pairs(path) for path in earlier_paths):
        assert not {(r["a"], r["b"]) for r in later} & {(r["a"], r["b"]) for r in earlier}
        assert not pp.pair_ids(later) & pp.pair_ids(earlier)  # no proposal seen in an earlier set
    assert pair_set.apart == tuple(earlier_paths) and pair_set.exact


@pytest.mark.parametrize("name", ["blind3", "blind4"])
def test_a_later_set_shares_no_folded_text_with_the_earlier_sets(shared_data: Path, name: str) -> None:
    pp = _module()
    from ess_nlp.text import fold

    proposals = pp.load_proposals(shared_data)

    def texts(path: Path) -> set[str]:
        return {" ".join(fold(proposals[p]).split()) for p in pp.pair_ids(pp.read_pairs(path))}

    earlier = set().union(*(texts(path) for path in pp.SETS[name].apart))
    assert not texts(pp.SETS[name].path) & earlier


def test_the_exact_products_need_no_blas() -> None:
    pp = _module()
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(40, 7))
    assert np.allclose(pp._gram(rows), rows @ rows.T, atol=1e-12)
    unit = pp._unit_rows(rows)
    assert np.allclose(np.linalg.norm(unit, axis=1), 1.0)
    direction = pp._top_direction(rows + 3.0)  # a strong common direction, as word-vector means have
    top = np.linalg.svd(rows + 3.0)[2][0]
    assert np.isclose(abs(float(direction @ top)), 1.0, atol=1e-9)


def test_a_set_keeps_the_proposals_of_another_out_of_its_pool(tmp_path: Path) -> None:
    pp = _module()
    proposals = {f"gdn:{i}:0": f"proposition numéro {i}" for i in range(3000)}  # all 3,000 are drawn
    proposals |= {"vd:x": "Baisser la TVA", "vd:y": "baisser la tva ", "mel:z": "Proposition Numero 7"}
    other = tmp_path / "other.tsv"
    other.write_text("# comment\na\tb\thash\tstratum\tsplit\tlabel\n"
                     "gdn:7:0\tvd:x\t0\trandom\tdev\t0\n", encoding="utf-8")
    everything = pp._pool(proposals, pp.PairSet("u", tmp_path / "u.tsv", 1616, "", ("blind",)))
    assert len(everything) == len(set(everything)) == 3001  # folded twins kept once: vd:y, mel:z
    assert "vd:x" in everything and not {"vd:y", "mel:z"} & set(everything)
    apart = pp._pool(proposals, pp.PairSet("t", tmp_path / "t.tsv", 1616, "", ("blind",), apart=(other,)))
    # the other set's ids are out, and so is every text folded identical to one of theirs
    assert set(apart) == set(everything) - {"gdn:7:0", "vd:x"}


def test_labels_are_written_by_row_and_checked() -> None:
    pp = _module()
    rows = [{"a": str(n), "label": ""} for n in range(5)]
    assert [r["label"] for r in pp.set_labels(rows, 1, "1 0 1")] == ["", "1", "0", "1", ""]
    assert rows[1]["label"] == ""  # a new list; the rows given are left as they were
    for start, labels in ((0, "102"), (3, "111"), (-1, "1")):
        with pytest.raises(ValueError):
            pp.set_labels(rows, start, labels)


@pytest.mark.parametrize("which", ["first", "blind", "blind3", "blind4"])
def test_the_pairs_point_at_unchanged_texts(shared_data: Path, which: str) -> None:
    pp = _module()
    proposals = pp.load_proposals(shared_data)
    rows = pp.read_pairs(pp.SETS[which].path)
    changed = pp.changed_pairs(proposals, rows)
    assert rows and not changed, f"{len(changed)} pairs point at texts that changed"


def test_eval_paraphrase_measures_the_blind_set_it_is_asked_for() -> None:
    pp = _module()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        spec = importlib.util.spec_from_file_location("ess_eval_paraphrase", ROOT / "benchmarks" / "eval_paraphrase.py")
        assert spec is not None and spec.loader is not None
        ev = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(ev)
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    assert ev.chosen_blind_set(False, None) is None
    assert ev.chosen_blind_set(True, None).path == pp.BLIND_PAIRS  # --blind alone: the first blind set
    assert ev.chosen_blind_set(True, "blind3").path == pp.BLIND3_PAIRS
    assert ev.chosen_blind_set(False, "blind3").splits == ("blind3",)  # --blind-set implies --blind
    assert set(ev.BLIND_SETS) <= set(pp.SETS)
