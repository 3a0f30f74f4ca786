"""Retraining that cannot silently make things worse (issue 15, item 4): where annotations came
from, the held-out part, the comparison on confirmed annotations only, the impact report, and
« Rendre courant » refused for a worse model until someone confirms (library and page)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import ess_nlp.app
from ess_nlp.annotate import retraining
from ess_nlp.annotate.annotations import confirmed_units, origin_counts, save_annotation
from ess_nlp.classify.step import current_model
from ess_nlp.store import Store
from ess_nlp.store.views import corpus as corpus_view
from ess_nlp.synthesis import Scope, Synthesis, create_synthesis, edit, item_for

MAIN = str(Path(ess_nlp.app.__file__).resolve().parents[1] / "streamlit_app.py")
dbfixtures = sys.modules["ess_ui_dbfixtures"]


@pytest.fixture
def db(sample_db: Path, tmp_path: Path) -> Path:
    return dbfixtures.copy_db(sample_db, tmp_path / "retrain.sqlite3")


def cahiers(db: Path) -> list[str]:
    with Store(db) as store:
        return [u.id for u in store.units("cahier")]


def test_each_annotation_records_where_its_labels_came_from(db: Path) -> None:
    first, second, third, fourth = cahiers(db)[:4]
    with Store(db) as store:
        save_annotation(store, first, "domains", ["financer"], annotator="a", seen=0, prefilled=["financer"])
        save_annotation(store, second, "domains", ["financer"], annotator="a", seen=0, prefilled=["financer"], confirmed=True)
        save_annotation(store, third, "domains", ["creer"], annotator="a", seen=0, prefilled=["financer"])
        save_annotation(store, fourth, "domains", ["creer"], annotator="a", seen=0)  # nothing pre-filled
        store.conn.execute("UPDATE app_annotations SET origin = NULL WHERE unit_id = ?", (fourth,))  # saved before 0013
        origins = dict(store.conn.execute("SELECT unit_id, origin FROM app_annotations").fetchall())
        assert origins == {first: "prefilled", second: "confirmed", third: "person", fourth: None}
        assert confirmed_units(store, ["domains"]) == {"domains": {second, third}}
        assert origin_counts(store, ["domains"]) == {"prefilled": 1, "confirmed": 1, "person": 1, "unknown": 1}
        # a later confirmation by someone else makes the unit count
        save_annotation(store, first, "domains", ["financer"], annotator="b", seen=1)
        assert confirmed_units(store, ["domains"])["domains"] == {first, second, third}


def test_the_held_out_part_is_a_fixed_quarter() -> None:
    ids = [f"cahier-{n}" for n in range(4000)]
    chosen = [u for u in ids if retraining.held_out(u)]
    assert 0.22 < len(chosen) / len(ids) < 0.28
    assert chosen == [u for u in ids if retraining.held_out(u)]  # same answer every time
    assert retraining.held_out("cahier-1", share=1.0) and not retraining.held_out("cahier-1", share=0.0)


def metrics(macro: float) -> dict[str, dict[str, object]]:
    per_label = {"financer": {"f1": macro, "precision": macro, "recall": macro, "support": 4}}
    return {"domains": {"macro_f1": macro, "per_label": per_label}}


def candidate(model: object, new: float | None, current: float | None, held: int = 4) -> retraining.Candidate:
    return retraining.Candidate(
        model, retraining.APP_MODEL_NAME, "1", 40,
        new=metrics(new) if new is not None else {},
        current=metrics(current) if current is not None else None,
        cv=metrics(0.9), held_out={"domains": held},
    )  # fmt: skip


def app_model(store: Store) -> object:
    """A model under the app's name: the current one, copied (what it scores does not matter
    here, only the metrics the candidate carries)."""
    model = current_model(store)
    model.meta = {**model.meta, "name": retraining.APP_MODEL_NAME, "version": "1"}
    return model


def test_a_worse_or_uncompared_model_needs_a_confirmation() -> None:
    assert not candidate(None, 0.8, 0.7).needs_confirmation
    assert not candidate(None, 0.7, 0.7).needs_confirmation
    worse = candidate(None, 0.22, 1.0)
    assert worse.needs_confirmation and worse.worse_facets() == ["domains"]
    assert "0,220 contre 1,000" in worse.reasons()[0]
    unmeasured = candidate(None, None, None, held=0)
    assert unmeasured.needs_confirmation and "Aucune annotation confirmée" in unmeasured.reasons()[0]
    no_current = candidate(None, 0.8, None)
    assert no_current.needs_confirmation and "pas pu être évalué" in no_current.reasons()[0]


def test_the_library_refuses_to_make_a_worse_model_current_without_confirmation(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ESS_NLP_MODELS", str(tmp_path / "models"))
    with Store(db) as store:
        before = corpus_view.current_model_info(store)
        worse = candidate(current_model(store), 0.22, 1.0)
        with pytest.raises(retraining.WorseModelError, match="moins bien que le modèle courant"):
            retraining.make_current(store, worse)
        assert corpus_view.current_model_info(store) == before
        assert not (tmp_path / "models").exists()


def test_impact_lists_changed_cahiers_and_flags_citing_syntheses(db: Path) -> None:
    """The current model reproduces its stored labels: nothing changes. The zero-shot scorer
    labels differently: the cahiers that change are listed, and a synthesis citing one of
    them is flagged; a cahier a person annotated is never counted (its labels stay)."""
    from ess_nlp.classify.step import zero_shot_model

    with Store(db) as store:
        same = retraining.impact(store, current_model(store))
        assert same.cahiers == () and same.syntheses == () and same.cahiers_total == len(cahiers(db))
        other = retraining.impact(store, zero_shot_model())
        changed = sorted({c.unit for c in other.cahiers})
        assert changed and all(c.removed or c.added for c in other.cahiers)
        annotated = changed[0]
        save_annotation(store, annotated, "domains", ["financer"], annotator="a", seen=0)
        save_annotation(store, annotated, "themes", ["T4"], annotator="a", seen=0)
        citing_changed = next(u for u in changed if u != annotated)
        doc = edit.add_item(Synthesis("Citée", Scope("theme", "T4")), item_for(store, citing_changed, kind="constat"))
        saved = create_synthesis(store, doc, author="a")
        after = retraining.impact(store, zero_shot_model())
    assert annotated not in {c.unit for c in after.cahiers}
    assert [(s.id, s.passages) for s in after.syntheses] == [(saved.id, 1)]
    assert set(after.frame().columns) == {"cahier", "étiquettes", "retirées", "ajoutées"}


def annotate_page(db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("ESS_NLP_DB", str(db))
    at = AppTest.from_file(MAIN, default_timeout=300)
    at.run()
    at.switch_page("app/pages/annotate.py").run()
    at.text_input(key="annotate_annotator").input("Claire").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_page_asks_before_making_a_worse_model_current(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A candidate worse on the held-out part: the first click changes nothing and says why;
    « Non » keeps the current model; only « Oui, … malgré tout » makes it current."""
    monkeypatch.setenv("ESS_NLP_MODELS", str(tmp_path / "models"))
    with Store(db) as store:
        before = corpus_view.current_model_info(store)
        worse = candidate(app_model(store), 0.22, 1.0)
        worse.impact = retraining.impact(store, current_model(store))
    at = annotate_page(db, monkeypatch)
    at.session_state["annotate_candidate"] = worse
    at.run()
    assert any("moins bon que le modèle courant" in m.value for m in at.markdown)
    assert any("Si ce modèle devient courant" in m.value for m in at.markdown)
    at.button(key="annotate_make_current").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("0,220 contre 1,000" in w.value for w in at.warning)
    with Store(db) as store:
        assert corpus_view.current_model_info(store) == before
    at.button(key="annotate_make_current_cancel").click().run()
    assert not any("0,220 contre 1,000" in w.value for w in at.warning)
    at.button(key="annotate_make_current").click().run()
    at.button(key="annotate_make_current_confirm").click().run()
    assert not at.exception and not at.error, [e.value for e in at.exception] + [e.value for e in at.error]
    assert any("désormais le modèle courant" in s.value for s in at.success)
    shown = [e.value for e in (*at.success, *at.markdown, *at.caption, *at.info, *at.warning)]
    assert not any(str(tmp_path) in text or "models/" in text for text in shown)  # no folder path shown
    folder = tmp_path / "models" / retraining.APP_MODEL_NAME / "1"
    with Store(db) as store:
        path = store.conn.execute("SELECT path FROM model_versions WHERE is_current = 1").fetchone()[0]
    assert (folder / "meta.json").is_file() and Path(path).resolve() == folder.resolve()


def test_a_pre_filled_suggestion_saved_as_is_is_recorded_as_such(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = annotate_page(db, monkeypatch)
    form = next(m for m in at.multiselect if m.key and m.key.startswith("annotate_labels_"))
    unit = form.key.removeprefix("annotate_labels_").removesuffix("_domains")
    assert form.value  # the machine's suggestion, pre-filled
    at.button(key="annotate_save").click().run()
    second = next(m for m in at.multiselect if m.key and m.key.startswith("annotate_labels_"))
    other = second.key.removeprefix("annotate_labels_").removesuffix("_domains")
    at.checkbox(key=f"annotate_checked_{other}_domains").check().run()
    at.button(key="annotate_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with Store(db) as store:
        origins = dict(store.conn.execute("SELECT unit_id, origin FROM app_annotations").fetchall())
    assert origins == {unit: "prefilled", other: "confirmed"}
