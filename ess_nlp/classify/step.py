"""The classification step of the main job, and the model registry of the database.

``classify_step(store)`` scores every stored cahier, section and sentence not yet scored by the
current model and saves, per unit, facet and label, the score, whether it was assigned and, for
assigned labels, the explanation (words and sentences). The current model is the one marked
current in ``model_versions``; on a fresh database, the shipped default model (or, without
one, the zero-shot scorer of the default taxonomy), which is then registered as current.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import defaultdict
from collections.abc import Container, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ess_nlp.classify._text import LemmatizedText, unit_text
from ess_nlp.classify.model import ClassificationModel, ScoreMemo, default_model_path, load_model
from ess_nlp.errors import ModelError
from ess_nlp.records import Unit
from ess_nlp.steps import Progress, StepReport
from ess_nlp.store import Store
from ess_nlp.taxonomy import load_taxonomy

logger = logging.getLogger(__name__)

LEVELS = ("cahier", "section", "sentence")
BATCH = 256


def register_model(store: Any, model: ClassificationModel, *, current: bool = False) -> int:
    """The ``model_versions`` id of ``model`` (inserted if new); optionally make it current."""
    name, version = model.name, model.version
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT id FROM model_versions WHERE name = ? AND version = ?", (name, version)
        ).fetchone()
        if row is None:
            cursor = conn.execute(
                "INSERT INTO model_versions(name, version, kind, path, taxonomy, fingerprint, meta, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    name,
                    version,
                    model.kind,
                    str(model.path) if model.path else None,
                    model.taxonomy.name,
                    model.taxonomy.fingerprint(),
                    json.dumps(model.meta, ensure_ascii=False, default=str),
                    dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                ),
            )
            model_id = int(cursor.lastrowid or 0)
        else:
            model_id = int(row["id"])
        if current:
            conn.execute(
                "UPDATE model_versions SET is_current = 0 WHERE is_current = 1 AND id != ?", (model_id,)
            )
            conn.execute("UPDATE model_versions SET is_current = 1 WHERE id = ?", (model_id,))
    return model_id


def set_current_model(store: Any, name: str, version: str) -> None:
    """Mark a registered model version as the current one (ModelError if unknown)."""
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT id FROM model_versions WHERE name = ? AND version = ?", (name, version)
        ).fetchone()
        if row is None:
            raise ModelError(f"Modèle « {name} » version « {version} » inconnu de la base.")
        conn.execute("UPDATE model_versions SET is_current = 0 WHERE is_current = 1")
        conn.execute("UPDATE model_versions SET is_current = 1 WHERE id = ?", (row["id"],))


def zero_shot_model() -> ClassificationModel:
    """The zero-shot scorer of the default taxonomy, as a model."""
    taxonomy = load_taxonomy()
    return ClassificationModel(
        taxonomy,
        meta={"name": f"{taxonomy.name}-zero-shot", "version": taxonomy.version, "kind": "zero-shot"},
    )


def current_model(store: Any) -> ClassificationModel:
    """The model marked current in the database, else the shipped default, else zero-shot."""
    row = store.conn.execute("SELECT name, version, path FROM model_versions WHERE is_current = 1").fetchone()
    if row is not None:
        if row["path"]:
            return load_model(Path(row["path"]))
        model = zero_shot_model()
        if (model.name, model.version) == (row["name"], row["version"]):
            return model
        raise ModelError(
            f"Le modèle courant « {row['name']} » version « {row['version']} » n'a pas de dossier."
        )
    path = default_model_path()
    return load_model(path) if path is not None else zero_shot_model()


def classify_step(store: Store, *, progress: Progress | None = None) -> StepReport:
    """Score the stored cahiers, sections and sentences with the current model (pipeline step)."""
    pending = _pending_units(store)
    if pending == 0:
        # Every unit already has predictions of the current model: nothing to load or score.
        row = store.conn.execute("SELECT name, version FROM model_versions WHERE is_current = 1").fetchone()
        if progress is not None:
            progress(0, 0)
        return StepReport(
            "classify",
            f"0 unité classée : toutes ont déjà les scores du modèle {row['name']} {row['version']}",
            {**{level: 0 for level in LEVELS}, "units": 0},
        )
    model = current_model(store)
    model_id = register_model(store, model, current=True)
    done_ids = {
        row[0]
        for row in store.conn.execute(
            "SELECT DISTINCT unit_id FROM predictions WHERE model_id = ?", (model_id,)
        )
    }
    counts = {level: 0 for level in LEVELS}
    units = list(store.units())
    todo = units_to_classify(units, done_ids)
    for done, rows, batch_counts in prediction_rows(model, units, todo):
        with store.transaction() as conn:
            conn.executemany(INSERT_PREDICTION, [(r[0], model_id, *r[1:]) for r in rows])
        for level, n in batch_counts.items():
            counts[level] += n
        if progress is not None:
            progress(done, len(todo))
    if progress is not None and not todo:
        progress(0, 0)
    return StepReport("classify", classify_summary(model, counts), {**counts, "units": sum(counts.values())})


INSERT_PREDICTION = (
    "INSERT OR REPLACE INTO predictions(unit_id, model_id, facet, label, score, assigned, explanation)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
#: For the units of a source stored in the same transaction, which have no scores yet: a plain
#: insert, without the lookup and delete of a row to replace (a third of the writer's cost of a
#: score, issue 20).
INSERT_NEW_PREDICTION = INSERT_PREDICTION.replace("INSERT OR REPLACE", "INSERT", 1)

# One stored prediction without its model id: (unit_id, facet, label, score, assigned, explanation).
PredictionRow = tuple[str, str, str, float, int, str | None]


def units_to_classify(units: Iterable[Unit], done_ids: Container[str] = ()) -> list[Unit]:
    """The units the step scores: cahiers, sections and sentences with text, not in ``done_ids``."""
    return [u for u in units if u.level in LEVELS and u.id not in done_ids and u.text.strip()]


def prediction_rows(
    model: ClassificationModel, units: Sequence[Unit], todo: Sequence[Unit]
) -> Iterator[tuple[int, list[PredictionRow], dict[str, int]]]:
    """Score ``todo`` (some of ``units``, which give cahiers and sections their sentences) by
    batches of ``BATCH``: yields (units done so far, the batch's rows, units per level)."""
    sentences_by_cahier: dict[str, list[Unit]] = defaultdict(list)
    for unit in units:
        if unit.level == "sentence":
            sentences_by_cahier[unit.cahier or ""].append(unit)
    memo = ScoreMemo()  # a sentence scored as a unit is not scored again for its cahier's evidence
    for start in range(0, len(todo), BATCH):
        batch_units = todo[start : start + BATCH]
        predictions = model.predict(
            [_item(u, sentences_by_cahier) for u in batch_units], explain=True, memo=memo
        )
        rows: list[PredictionRow] = []
        counts: dict[str, int] = defaultdict(int)
        for unit, prediction in zip(batch_units, predictions, strict=True):
            counts[unit.level] += 1
            for facet, scores in prediction.scores.items():
                assigned = set(prediction.labels[facet])
                explanations = prediction.explanations.get(facet, {})
                for label, score in scores.items():
                    explanation = explanations.get(label)
                    rows.append(
                        (
                            unit.id,
                            facet,
                            label,
                            min(max(float(score), 0.0), 1.0),
                            int(label in assigned),
                            json.dumps(explanation.to_json(), ensure_ascii=False) if explanation else None,
                        )
                    )
        yield start + len(batch_units), rows, dict(counts)


def classify_summary(model: ClassificationModel, counts: dict[str, int]) -> str:
    """The step's French summary line, from the number of units classified per level."""
    total = sum(counts.get(level, 0) for level in LEVELS)
    return (
        f"{total} unité(s) classée(s) avec le modèle {model.name} {model.version} "
        f"({counts.get('cahier', 0)} cahiers, {counts.get('section', 0)} sections, "
        f"{counts.get('sentence', 0)} phrases)"
    )


def _pending_units(store: Any) -> int | None:
    """How many non-empty units lack predictions of the current model (``None``: no current
    model registered yet, so the model must be loaded anyway)."""
    row = store.conn.execute("SELECT id FROM model_versions WHERE is_current = 1").fetchone()
    if row is None:
        return None
    marks = ",".join("?" * len(LEVELS))
    found = store.conn.execute(
        f"SELECT count(*) FROM units u WHERE u.level IN ({marks}) AND trim(u.text, ' ' || char(9, 10, 13)) != ''"
        " AND NOT EXISTS (SELECT 1 FROM predictions p WHERE p.unit_id = u.id AND p.model_id = ?)",
        (*LEVELS, int(row["id"])),
    ).fetchone()
    return int(found[0])


def _item(unit: Unit, sentences_by_cahier: dict[str, list[Unit]]) -> LemmatizedText:
    if unit.level == "sentence":
        return unit_text(unit)
    inside = [s for s in sentences_by_cahier.get(unit.cahier or unit.id, []) if _within(s, unit)]
    return unit_text(unit, inside)


def _within(sentence: Unit, unit: Unit) -> bool:
    return sentence.source == unit.source and unit.start <= sentence.start and sentence.end <= unit.end


def stored_predictions(store: Any, unit_ids: Iterable[str], *, model_id: int | None = None) -> dict[str, Any]:
    """``{unit_id: {facet: {label: (score, assigned)}}}`` for the current (or given) model."""
    if model_id is None:
        row = store.conn.execute("SELECT id FROM model_versions WHERE is_current = 1").fetchone()
        if row is None:
            return {}
        model_id = int(row["id"])
    ids = list(unit_ids)
    out: dict[str, Any] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for r in store.conn.execute(
            f"SELECT unit_id, facet, label, score, assigned FROM predictions WHERE model_id = ?"
            f" AND unit_id IN ({','.join('?' * len(chunk))})",
            (model_id, *chunk),
        ):
            out.setdefault(r["unit_id"], {}).setdefault(r["facet"], {})[r["label"]] = (
                r["score"],
                bool(r["assigned"]),
            )
    return out
