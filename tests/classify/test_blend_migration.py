"""Migration 0008: blended model versions can be registered, and what was stored survives."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ess_nlp.classify import ClassificationModel
from ess_nlp.classify.blend import Blend
from ess_nlp.classify.estimator import TextClassifier
from ess_nlp.classify.step import register_model
from ess_nlp.store import Store, _migrations
from ess_nlp.taxonomy import Taxonomy

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))
from test_store import make_doc, make_units

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _predict(store: Store, unit_id: str, model_id: int) -> None:
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO predictions(unit_id, model_id, facet, label, score, assigned) VALUES (?, ?, 'sujets', 'logement', 0.7, 1)",
            (unit_id, model_id),
        )


def test_blend_models_register_and_old_predictions_survive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mini_taxonomy: Taxonomy
) -> None:
    path = tmp_path / "db.sqlite3"
    before = [m for m in _migrations.available_migrations() if m[0] < 8]
    monkeypatch.setattr(_migrations, "available_migrations", lambda: before)
    doc = make_doc("a.txt", "Les loyers augmentent dans le quartier.")
    units = make_units(doc)
    with Store(path) as store:  # a database of before the migration, with a model's scores
        store.add_document(doc, units)
        old = register_model(
            store, ClassificationModel(mini_taxonomy, meta={"name": "zs", "version": "1"}), current=True
        )
        _predict(store, units[0].id, old)
    monkeypatch.undo()
    clf = TextClassifier(random_state=0).fit(
        ["loyer logement", "emploi travail", "médecin soin"], ["logement", "emploi", "sante"]
    )
    blended = ClassificationModel(
        mini_taxonomy,
        {"sujets": clf},
        meta={"name": "mix", "version": "1"},
        blends={"sujets": Blend(1.0, 1.0, 0.0)},
    )
    with Store(path) as store:
        assert store.conn.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] >= 8
        assert store.conn.execute("SELECT count(*) FROM predictions").fetchone()[0] == 1
        new = register_model(store, blended, current=True)
        assert (
            store.conn.execute("SELECT kind FROM model_versions WHERE id = ?", (new,)).fetchone()[0]
            == "blend"
        )
        _predict(store, units[0].id, new)
        [ref] = [r for r in store.conn.execute("PRAGMA foreign_key_list(predictions)") if r[3] == "model_id"]
        assert ref[2] == "model_versions"
        assert store.remove_source("a.txt")  # cascades still hold
        assert store.conn.execute("SELECT count(*) FROM predictions").fetchone()[0] == 0
