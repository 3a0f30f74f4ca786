"""« Annoter » with a classifier: the queue follows the model's hesitation, the model's labels
are suggested, and retraining compares the new model with the current one before it is chosen."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import ess_nlp.app
from ess_nlp.annotate import queue as queue
from ess_nlp.annotate import retraining
from ess_nlp.app.components.common import md_escape
from ess_nlp.store import Store
from ess_nlp.store.views import corpus as corpus_view

MAIN = str(Path(ess_nlp.app.__file__).resolve().parents[1] / "streamlit_app.py")


def annotate_page(db: Path, monkeypatch: pytest.MonkeyPatch, name: str = "Claire") -> AppTest:
    monkeypatch.setenv("ESS_NLP_DB", str(db))
    at = AppTest.from_file(MAIN, default_timeout=600)
    at.run()
    at.switch_page("app/pages/annotate.py").run()
    at.text_input(key="annotate_annotator").input(name).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_queue_starts_where_the_model_hesitates(sample_db, monkeypatch):
    with Store(sample_db) as store:
        assert corpus_view.classification_available(store)  # the sample database is classified
        ranking = queue.model_ranking(store, "cahier", "domains")
    at = annotate_page(sample_db, monkeypatch)
    assert at.radio(key="annotate_order").value == "model"
    unit = next(m for m in at.multiselect if m.key and m.key.startswith("annotate_labels_")).key
    assert unit == f"annotate_labels_{ranking[0]}_domains"


def test_suggestion_is_the_models_labels(sample_db, monkeypatch):
    with Store(sample_db) as store:
        assert corpus_view.classification_available(store)
        first = queue.model_ranking(store, "cahier", "domains")[0]
        assigned = sorted(queue.suggestion(store, first, "domains"))
    at = annotate_page(sample_db, monkeypatch)
    labels = next(m for m in at.multiselect if m.key == f"annotate_labels_{first}_domains")
    assert assigned and sorted(labels.value) == assigned


def test_the_current_model_and_its_versions_are_named_in_french(sample_db, monkeypatch):
    with Store(sample_db) as store:
        kind = corpus_view.current_model_info(store)["kind"]
    at = annotate_page(sample_db, monkeypatch)
    line = next(m.value for m in at.markdown if m.value.startswith("Modèle courant"))
    assert f"type : {md_escape(retraining.MODEL_KIND_NAMES[kind])}." in line
    shown = " ".join([line, *(str(v) for df in at.dataframe for v in df.value.to_numpy().ravel())])
    assert not any(f"({english})" in shown or f" {english} " in f" {shown} " for english in retraining.MODEL_KIND_NAMES)


@pytest.mark.slow
def test_retrain_compare_then_make_current(tmp_path, labelled_db, monkeypatch):
    from ess_nlp.annotate import retraining
    from ess_nlp.classify import TextClassifier, TextFeatures

    db = sys.modules["ess_ui_dbfixtures"].copy_db(labelled_db, tmp_path / "train.sqlite3")
    monkeypatch.setenv("ESS_NLP_MODELS", str(tmp_path / "models"))
    monkeypatch.setattr(
        retraining,
        "ESTIMATOR",
        lambda seed: TextClassifier(
            features=TextFeatures(word_ngrams=(1, 1), char_ngrams=None), max_iter=300, random_state=seed
        ),
    )
    at = annotate_page(db, monkeypatch)
    at.multiselect(key="annotate_train_facets").set_value(["domains"]).run()
    at.selectbox(key="annotate_train_level").set_value("cahier").run()
    at.button(key="annotate_retrain").click().run()
    assert not at.exception and not at.error, [e.value for e in at.exception] + [e.value for e in at.error]
    table = next(d.value for d in at.dataframe if "f1 nouveau" in d.value.columns)
    assert set(table.columns) >= {"étiquette", "f1 courant", "f1 nouveau", "écart", "exemples"}
    assert len(table) == 9 and table["exemples"].sum() > 0  # held-out confirmed annotations, per label
    candidate = at.session_state["annotate_candidate"]
    assert candidate.held_out["domains"] > 0 and candidate.impact is not None
    at.button(key="annotate_make_current").click().run()
    if candidate.needs_confirmation:  # worse on the held-out part: nothing changes before « Oui »
        assert any("Le rendre courant quand même" in w.value for w in at.warning)
        with Store(db) as store:
            assert corpus_view.current_model_info(store)["name"] != retraining.APP_MODEL_NAME
        at.button(key="annotate_make_current_confirm").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("désormais le modèle courant" in s.value for s in at.success)
    with Store(db) as store:
        current = corpus_view.current_model_info(store)
        scored = store.conn.execute(
            "SELECT count(DISTINCT unit_id) FROM predictions WHERE model_id = ?", (current["id"],)
        ).fetchone()[0]
    assert (current["name"], current["version"]) == (retraining.APP_MODEL_NAME, "1")
    assert (tmp_path / "models" / retraining.APP_MODEL_NAME / "1" / "meta.json").is_file()
    assert scored > 0


def test_two_annotators_on_the_same_unit_at_once(tmp_path, sample_db, monkeypatch):
    db = sys.modules["ess_ui_dbfixtures"].copy_db(sample_db, tmp_path / "two.sqlite3")
    alice = annotate_page(db, monkeypatch, "Alice")
    bruno = annotate_page(db, monkeypatch, "Bruno")  # both forms are open on the same first unit

    def form(at: AppTest):  # type: ignore[no-untyped-def]
        return next(m for m in at.multiselect if m.key and m.key.startswith("annotate_labels_"))

    assert form(alice).key == form(bruno).key
    unit = form(alice).key.removeprefix("annotate_labels_").removesuffix("_domains")
    form(alice).set_value(["financer"]).run()
    alice.button(key="annotate_save").click().run()
    form(bruno).set_value(["consommer"]).run()
    bruno.button(key="annotate_save").click().run()
    assert not bruno.exception, [e.value for e in bruno.exception]
    warning = next(w.value for w in bruno.warning if w.value.startswith("Pendant que vous annotiez"))
    assert (
        "Alice" in warning
        and "Financer" in warning
        and "Consommer" in warning
        and "rien n'est perdu" in warning
    )
    with Store(db) as store:
        rows = store.conn.execute(
            "SELECT annotator, labels FROM app_annotations WHERE unit_id = ? ORDER BY id", (unit,)
        ).fetchall()
    assert [tuple(r) for r in rows] == [("Alice", '["financer"]'), ("Bruno", '["consommer"]')]
    bruno.button(key="annotate_take_other").click().run()
    with Store(db) as store:
        last = store.conn.execute(
            "SELECT annotator, labels FROM app_annotations WHERE unit_id = ? ORDER BY id DESC LIMIT 1",
            (unit,),
        ).fetchone()
    assert tuple(last) == ("Bruno", '["financer"]')
