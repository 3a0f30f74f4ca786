"""Retraining from the annotations saved in the app, comparing with the current model, and
making the new model current (a new model version). No streamlit here.

Every step is a call to ``ess_nlp.classify``: ``annotations_training_data`` reads the
annotations, ``train_model`` cross-validates and fits, ``evaluate_model`` measures the current
model on the same annotations, ``save_model`` writes the versioned folder, ``register_model``
records it as current and ``classify_step`` scores every unit again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ess_nlp.access import User, require
from ess_nlp.store import Store

# Models trained in the app get their own name, so the shipped default model stays the
# default of fresh databases; each training is a new version of this name.
APP_MODEL_NAME = "ess-annotations"

Progress = Callable[[int, int], None]

#: Builds the estimator to train (``seed -> TextClassifier``); None: the classifier package's
#: default, chosen by measurement. Tests set a lighter one.
ESTIMATOR: Callable[[int], Any] | None = None


@dataclass
class Candidate:
    """A model trained on the annotations, with its cross-validated metrics per facet and the
    current model's metrics on the same annotations (``None`` when it could not be measured)."""

    model: Any  # ClassificationModel
    name: str
    version: str
    n_texts: int
    new: Mapping[str, Mapping[str, Any]]
    current: Mapping[str, Mapping[str, Any]] | None
    current_name: str = ""
    notes: list[str] = field(default_factory=list)

    def comparison(self) -> dict[str, pd.DataFrame]:
        """Per facet, one row per label: F1 of the current and new models, their difference,
        the new model's precision and recall, and the number of annotated examples."""
        out = {}
        for facet, metrics in self.new.items():
            current = (self.current or {}).get(facet, {}).get("per_label", {})
            rows = []
            for label, values in metrics.get("per_label", {}).items():
                old = current.get(label, {}).get("f1")
                rows.append(
                    {
                        "label": label,
                        "f1 courant": None if old is None else round(float(old), 3),
                        "f1 nouveau": round(float(values["f1"]), 3),
                        "écart": None if old is None else round(float(values["f1"]) - float(old), 3),
                        "précision nouveau": round(float(values["precision"]), 3),
                        "rappel nouveau": round(float(values["recall"]), 3),
                        "exemples": int(values["support"]),
                    }
                )
            out[facet] = pd.DataFrame(rows)
        return out

    def new_macro(self, facet: str) -> str:
        return _fmt(self.new.get(facet, {}).get("macro_f1"))

    def current_macro(self, facet: str) -> str:
        return _fmt((self.current or {}).get(facet, {}).get("macro_f1"))


def _fmt(value: object) -> str:
    return "—" if value is None else f"{float(value):.3f}".replace(".", ",")  # type: ignore[arg-type]


def retrain(
    store: Store,
    *,
    facets: list[str],
    level: str | None = None,
    min_examples: int = 5,
    seed: int = 0,
    progress: Progress | None = None,
    user: User | None = None,
) -> Candidate:
    """Train a new version of :data:`APP_MODEL_NAME` on the stored annotations of ``facets``
    (units of ``level``, or every level) and measure the current model on the same data.

    Raises ``ConfigError`` (French) when the annotations cannot train a model (too few
    examples of a label, a single label…).
    """
    if user is not None:
        require(user, "retrain")
    from ess_nlp.classify import annotations_training_data, evaluate_model, train_model
    from ess_nlp.classify.model import next_version
    from ess_nlp.classify.step import current_model
    from ess_nlp.errors import ConfigError
    from ess_nlp.store.views.names import app_taxonomy

    taxonomy, problem = app_taxonomy()
    if taxonomy is None:
        raise ConfigError(f"Impossible d'entraîner : la taxonomie n'a pas pu être lue ({problem}).")
    data = annotations_training_data(
        store, taxonomy=taxonomy, facets=facets, level=level, min_examples=min_examples
    )
    version = next_version(APP_MODEL_NAME)
    model = train_model(
        data,
        taxonomy,
        estimator=ESTIMATOR(seed) if ESTIMATOR is not None else None,
        seed=seed,
        name=APP_MODEL_NAME,
        version=version,
        extra_meta={"trained_from": f"annotations de l'application ({store.path})", "level": level or "tous"},
        progress=progress,
    )
    new = {facet: model.meta["facets"][facet]["cv"] for facet in data.facets}
    notes: list[str] = []
    for facet in data.facets:
        missing = model.meta["facets"][facet].get("untrained_labels") or []
        if missing:
            notes.append(
                f"Aucune annotation pour {', '.join(f'« {m} »' for m in missing)} ({facet}) : le nouveau modèle "
                "ne sait pas reconnaître ces étiquettes (le modèle zéro-shot s'en charge)."
            )
    current_metrics: dict[str, Mapping[str, Any]] | None
    try:
        current = current_model(store)
        measured = evaluate_model(current, data)
        current_metrics = measured if len(data.facets) > 1 else {next(iter(data.facets)): measured}
        current_name = f"{current.name} {current.version}"
    except Exception as err:  # the current model may be missing or from another taxonomy
        current_metrics, current_name = None, ""
        notes.append(f"Le modèle courant n'a pas pu être évalué sur ces annotations : {err}")
    return Candidate(
        model, APP_MODEL_NAME, version, len(data.texts), new, current_metrics, current_name, notes
    )


def make_current(
    store: Store, candidate: Candidate, *, progress: Progress | None = None, user: User | None = None
) -> Path:
    """Save the candidate as ``models/<name>/<version>/``, make it the database's current model
    (a new row of ``model_versions``) and score every unit with it; returns the folder.
    ``user`` (when given) must be allowed ``make_current`` (staff)."""
    if user is not None:
        require(user, "make_current")
    from ess_nlp.classify import classify_step, load_model, models_root, save_model
    from ess_nlp.classify.step import register_model

    folder = save_model(candidate.model, models_root() / candidate.name / candidate.version)
    register_model(store, load_model(folder), current=True)
    classify_step(store, progress=progress)
    return folder


def model_versions(store: Store) -> pd.DataFrame:
    """Every model that scored this database, newest first, the current one marked."""
    rows = store.conn.execute(
        "SELECT name, version, kind, created_at, is_current FROM model_versions ORDER BY id DESC"
    ).fetchall()
    return pd.DataFrame(
        [
            {
                "modèle": r["name"],
                "version": r["version"],
                "type": r["kind"],
                "enregistré le": r["created_at"],
                "courant": "oui" if r["is_current"] else "",
            }
            for r in rows
        ],
        columns=["modèle", "version", "type", "enregistré le", "courant"],
    )
