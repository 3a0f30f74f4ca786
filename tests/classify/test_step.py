"""The pipeline step, the model registry and training from stored annotations."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from ess_nlp.classify import annotations_training_data, classify_step
from ess_nlp.classify.step import current_model, register_model, set_current_model, stored_predictions
from ess_nlp.errors import ConfigError, ModelError
from ess_nlp.store import Store
from ess_nlp.taxonomy import Taxonomy

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

CAHIER = """Le Toit Partagé : un habitat participatif à Rennes

Constat :

Les loyers augmentent et les familles modestes quittent le centre. Les logements sociaux manquent.

Nos propositions

1. Reconnaître les coopératives d'habitants dans la loi.
2. Ouvrir le foncier public aux projets d'habitat participatif.
"""


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    from ess_nlp.ingest import read_document
    from ess_nlp.segment import split_document

    monkeypatch.setenv("ESS_NLP_MODELS", str(tmp_path / "no-models"))  # zero-shot, whatever is shipped
    path = tmp_path / "cahier.txt"
    path.write_text(CAHIER, encoding="utf-8")
    db = Store(tmp_path / "db.sqlite3")
    doc = read_document(path)
    db.add_document(doc, split_document(doc))
    return db


def test_step_scores_every_unit_once_with_explanations(store: Store) -> None:
    calls: list[tuple[int, int]] = []
    report = classify_step(store, progress=lambda done, total: calls.append((done, total)))
    units = {u.id: u for u in store.units() if u.level in ("cahier", "section", "sentence")}
    assert report.counts["units"] == len(units) and calls[-1] == (len(units), len(units))
    model_row = store.conn.execute("SELECT * FROM model_versions WHERE is_current = 1").fetchone()
    assert model_row["kind"] == "zero-shot" and model_row["taxonomy"] == "ess-cahiers"
    predictions = stored_predictions(store, units)
    assert set(predictions) == set(units)
    cahier = next(u for u in units.values() if u.level == "cahier")
    assert "se_loger" in [
        label for label, (_, assigned) in predictions[cahier.id]["domains"].items() if assigned
    ]
    row = store.conn.execute(
        "SELECT explanation FROM predictions WHERE unit_id = ? AND facet = 'domains' AND label = 'se_loger'",
        (cahier.id,),
    ).fetchone()
    explanation = json.loads(row["explanation"])
    assert {"logement", "loyer"} & {t["term"] for t in explanation["terms"]}
    assert explanation["sentences"] and cahier.text[explanation["sentences"][0]["start"] :]
    again = classify_step(store)
    assert again.counts["units"] == 0  # nothing new to score


def test_registry(store: Store) -> None:
    model = current_model(store)
    first = register_model(store, model, current=True)
    assert register_model(store, model) == first
    set_current_model(store, model.name, model.version)
    with pytest.raises(ModelError, match="inconnu de la base"):
        set_current_model(store, "absent", "1")


def test_annotations_become_training_data(store: Store, mini_taxonomy: Taxonomy) -> None:
    sentences = [u for u in store.units("sentence")]
    now = dt.datetime(2024, 1, 1)
    rows = []
    for k, unit in enumerate(sentences):
        label = "logement" if k % 2 == 0 else "emploi"
        rows.append((unit.id, "alice", "sujets", label, 1, now.isoformat()))
    # Alice changes her mind on the first sentence: the latest value wins.
    rows.append((sentences[0].id, "alice", "sujets", "logement", 0, (now + dt.timedelta(days=1)).isoformat()))
    rows.append((sentences[0].id, "alice", "sujets", "sante", 1, (now + dt.timedelta(days=1)).isoformat()))
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO annotations(unit_id, annotator, facet, label, value, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
    data = annotations_training_data(store, taxonomy=mini_taxonomy, min_examples=1)
    labels = dict(zip(data.facet_texts("sujets"), data.facets["sujets"].labels, strict=True))
    assert labels[sentences[0].text] == ("sante",)
    assert labels[sentences[1].text] == ("emploi",)
    assert data.texts[0].lemmas  # stored lemmas are reused
    with pytest.raises(ConfigError, match="n'a que 1 exemple"):
        annotations_training_data(store, taxonomy=mini_taxonomy, min_examples=2)
