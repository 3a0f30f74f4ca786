"""Retraining from the annotations saved in the app, comparing with the current model, and
making the new model current (a new model version). No streamlit here.

A retrained model must not silently make things worse, so:

- the comparison uses only annotations people confirmed (:func:`~ess_nlp.annotate.annotations.confirmed_units`:
  labels chosen or changed by a person, or the machine's suggestion explicitly confirmed), never
  the current model's suggestions saved untouched, which would favour the model that made them;
- it is measured on a held-out part of them (:func:`held_out`: a fixed quarter of the units,
  chosen from a hash of their id, the same on every machine and at every retraining), which
  the new model is not trained on; both models are scored on it, per label;
- :func:`impact` lists the cahiers whose labels would change and the syntheses that would be
  flagged, before the model is made current;
- :func:`make_current` refuses a model that is worse on the held-out part (or that could not be
  compared) unless ``confirm_worse=True`` (:class:`WorseModelError`).

Every step is a call to ``ess_nlp.classify``: ``annotations_training_data`` reads the
annotations, ``train_model`` cross-validates and fits, ``evaluate_model`` measures both models
on the held-out part, ``save_model`` writes the versioned folder, ``register_model`` records it
as current and ``classify_step`` scores every unit again.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ess_nlp.access import User, require
from ess_nlp.annotate.annotations import confirmed_units, origin_counts
from ess_nlp.errors import ConfigError
from ess_nlp.store import Store

# Models trained in the app get their own name, so the shipped default model stays the
# default of fresh databases; each training is a new version of this name.
APP_MODEL_NAME = "ess-annotations"

#: Share of the confirmed annotated units kept aside to compare the models (never trained on).
HELD_OUT_SHARE = 0.25

Progress = Callable[[int, int], None]

#: Builds the estimator to train (``seed -> TextClassifier``); None: the classifier package's
#: default, chosen by measurement. Tests set a lighter one.
ESTIMATOR: Callable[[int], Any] | None = None


def held_out(unit_id: str, share: float = HELD_OUT_SHARE) -> bool:
    """Whether ``unit_id`` belongs to the held-out part (a hash of the id: the same on every
    machine, in every process, and from one retraining to the next)."""
    digest = hashlib.sha256(f"ess-nlp held-out:{unit_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


@dataclass(frozen=True)
class LabelChange:
    """A cahier (or cited passage) whose labels of ``facet`` would change."""

    unit: str
    title: str
    facet: str
    removed: tuple[str, ...]
    added: tuple[str, ...]


@dataclass(frozen=True)
class FlaggedSynthesis:
    id: int
    title: str
    group: str | None
    passages: int  # cited passages whose labels would change


@dataclass(frozen=True)
class Impact:
    """What making a model current would change: the cahiers whose labels change (out of
    ``cahiers_total``) and the syntheses that would be flagged (a cited passage, its section or
    its cahier changes labels). Labels a person annotated are not counted: they stay."""

    cahiers: tuple[LabelChange, ...]
    cahiers_total: int
    syntheses: tuple[FlaggedSynthesis, ...]

    @property
    def cahiers_changed(self) -> int:
        return len({c.unit for c in self.cahiers})

    def frame(self, names: Mapping[str, str] | None = None) -> pd.DataFrame:
        """One row per cahier and facet: labels removed and added (French column names)."""
        def shown(labels: Sequence[str]) -> str:
            return ", ".join((names or {}).get(x, x) for x in labels) or "—"

        return pd.DataFrame(
            [{"cahier": c.title, "étiquettes": c.facet, "retirées": shown(c.removed), "ajoutées": shown(c.added)} for c in self.cahiers],
            columns=["cahier", "étiquettes", "retirées", "ajoutées"],
        )


@dataclass
class Candidate:
    """A model trained on the annotations (minus the held-out part), with both models' metrics
    per facet on the held-out confirmed annotations (``new`` and ``current``; ``current`` is
    None when the current model could not be measured), the new model's cross-validated metrics
    on its training part (``cv``), how many held-out units each facet has, and the impact."""

    model: Any  # ClassificationModel
    name: str
    version: str
    n_texts: int
    new: Mapping[str, Mapping[str, Any]]
    current: Mapping[str, Mapping[str, Any]] | None
    current_name: str = ""
    notes: list[str] = field(default_factory=list)
    cv: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    held_out: Mapping[str, int] = field(default_factory=dict)
    left_out: Mapping[str, int] = field(default_factory=dict)  # origin -> (unit, facet) pairs not compared on
    impact: Impact | None = None

    def comparison(self) -> dict[str, pd.DataFrame]:
        """Per facet, one row per label: F1 of the current and new models on the held-out
        confirmed annotations, their difference, the new model's precision and recall there,
        and the number of held-out examples."""
        out = {}
        for facet in self.cv or self.new:
            metrics = self.new.get(facet, {})
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
            out[facet] = pd.DataFrame(
                rows,
                columns=["label", "f1 courant", "f1 nouveau", "écart", "précision nouveau", "rappel nouveau", "exemples"],
            )
        return out

    def new_macro(self, facet: str) -> str:
        return _fmt(self.new.get(facet, {}).get("macro_f1"))

    def current_macro(self, facet: str) -> str:
        return _fmt((self.current or {}).get(facet, {}).get("macro_f1"))

    def worse_facets(self) -> list[str]:
        """The facets where the new model's macro-F1 on the held-out part is below the current one's."""
        out = []
        for facet, metrics in self.new.items():
            old = (self.current or {}).get(facet, {}).get("macro_f1")
            new = metrics.get("macro_f1")
            if old is not None and new is not None and float(new) < float(old):
                out.append(facet)
        return out

    def uncompared_facets(self) -> list[str]:
        """The facets trained but not compared (no held-out confirmed annotation, or the current
        model could not be measured)."""
        return [
            f for f in (self.cv or self.new)
            if f not in self.new or (self.current or {}).get(f, {}).get("macro_f1") is None
        ]  # fmt: skip

    @property
    def needs_confirmation(self) -> bool:
        """Making this model current needs an explicit confirmation: it is worse, or could not
        be shown not to be."""
        return bool(self.worse_facets() or self.uncompared_facets())

    def reasons(self, names: Mapping[str, str] | None = None) -> list[str]:
        """Why a confirmation is needed, in French (empty when it is not)."""
        out = []
        for facet in self.worse_facets():
            out.append(
                f"Sur les annotations confirmées mises de côté ({(names or {}).get(facet, facet)}, "
                f"{self.held_out.get(facet, 0)} unité(s)), le nouveau modèle fait moins bien que le modèle courant : "
                f"F1 macro {self.new_macro(facet)} contre {self.current_macro(facet)}."
            )
        for facet in self.uncompared_facets():
            what = (names or {}).get(facet, facet)
            if not self.held_out.get(facet):
                out.append(
                    f"Aucune annotation confirmée mise de côté pour « {what} » : impossible de vérifier que le "
                    "nouveau modèle n'est pas moins bon (annotez des unités sans garder telle quelle la suggestion "
                    "de la machine)."
                )
            else:
                out.append(f"Le modèle courant n'a pas pu être évalué pour « {what} » : comparaison impossible.")
        return out


def _fmt(value: object) -> str:
    return "—" if value is None else f"{float(value):.3f}".replace(".", ",")  # type: ignore[arg-type]


class WorseModelError(ConfigError):
    """Making current a model that is worse than the current one (or could not be compared)
    without ``confirm_worse=True``."""


def _subset(data: Any, rows: set[int], per_facet: Mapping[str, set[int]] | None = None) -> Any:
    """The part of a ``TrainingData`` made of the texts at ``rows`` (and, per facet, only those
    of ``per_facet[facet]`` when given); facets left without a text are dropped."""
    from ess_nlp.classify.data import FacetLabels, TrainingData

    kept = sorted(rows)
    position = {old: new for new, old in enumerate(kept)}
    facets = {}
    for facet_id, labelled in data.facets.items():
        indices = labelled.indices if labelled.indices is not None else list(range(len(data.texts)))
        allowed = rows if per_facet is None else rows & per_facet.get(facet_id, set())
        pairs = [(i, labs) for i, labs in zip(indices, labelled.labels, strict=True) if i in allowed]
        if pairs:
            facets[facet_id] = FacetLabels(
                facet_id, labelled.column, [labs for _, labs in pairs], labelled.multi_label, [position[i] for i, _ in pairs]
            )
    return TrainingData(
        [data.texts[i] for i in kept], facets, data.source, data.sha256, data.text_col, ids=[data.ids[i] for i in kept]
    )


def retrain(
    store: Store,
    *,
    facets: list[str],
    level: str | None = None,
    min_examples: int = 5,
    seed: int = 0,
    progress: Progress | None = None,
    user: User | None = None,
    with_impact: bool = True,
) -> Candidate:
    """Train a new version of :data:`APP_MODEL_NAME` on the stored annotations of ``facets``
    (units of ``level``, or every level) except the held-out part, then score it and the
    current model on the held-out confirmed annotations, per label; with ``with_impact``, also
    compute :func:`impact`.

    Raises ``ConfigError`` (French) when the annotations cannot train a model (too few
    examples of a label, a single label…).
    """
    if user is not None:
        require(user, "retrain")
    from ess_nlp.classify import annotations_training_data, evaluate_model, train_model
    from ess_nlp.classify.model import next_version
    from ess_nlp.classify.step import current_model
    from ess_nlp.store.views.names import app_taxonomy

    taxonomy, problem = app_taxonomy()
    if taxonomy is None:
        raise ConfigError(f"Impossible d'entraîner : la taxonomie n'a pas pu être lue ({problem}).")
    data = annotations_training_data(
        store, taxonomy=taxonomy, facets=facets, level=level, min_examples=min_examples
    )
    confirmed = confirmed_units(store, list(data.facets))
    test_rows = {
        f: {i for i, u in enumerate(data.ids) if u in confirmed.get(f, set()) and held_out(u)} for f in data.facets
    }
    held = set().union(*test_rows.values()) if test_rows else set()
    train = _subset(data, set(range(len(data.ids))) - held)
    test = _subset(data, held, test_rows) if held else None
    counts = origin_counts(store, list(data.facets))
    left_out = {k: v for k, v in counts.items() if k in ("prefilled", "unknown") and v}
    version = next_version(APP_MODEL_NAME)
    model = train_model(
        train,
        taxonomy,
        estimator=ESTIMATOR(seed) if ESTIMATOR is not None else None,
        seed=seed,
        name=APP_MODEL_NAME,
        version=version,
        extra_meta={
            "trained_from": f"annotations de l'application ({store.path})",
            "level": level or "tous",
            "held_out": {f: len(r) for f, r in test_rows.items()},
        },
        progress=progress,
    )
    cv = {facet: model.meta["facets"][facet]["cv"] for facet in train.facets}
    notes: list[str] = []
    for facet in train.facets:
        missing = model.meta["facets"][facet].get("untrained_labels") or []
        if missing:
            notes.append(
                f"Aucune annotation pour {', '.join(f'« {m} »' for m in missing)} ({facet}) : le nouveau modèle "
                "ne sait pas reconnaître ces étiquettes (le modèle zéro-shot s'en charge)."
            )
    if left_out:
        notes.append(
            f"{left_out.get('prefilled', 0)} annotation(s) enregistrée(s) telles que suggérées par la machine et "
            f"{left_out.get('unknown', 0)} d'origine inconnue (antérieures au suivi) ne servent pas à comparer les "
            "modèles : elles favoriseraient le modèle qui les a suggérées."
        )

    def one(measured: Mapping[str, Any], test_data: Any) -> dict[str, Mapping[str, Any]]:
        return dict(measured) if len(test_data.facets) > 1 else {next(iter(test_data.facets)): measured}

    new: dict[str, Mapping[str, Any]] = {}
    current_metrics: dict[str, Mapping[str, Any]] | None = {}
    current_name = ""
    if test is not None and test.facets:
        new = one(evaluate_model(model, test), test)
        try:
            current = current_model(store)
            current_metrics = one(evaluate_model(current, test), test)
            current_name = f"{current.name} {current.version}"
        except Exception as err:  # the current model may be missing or from another taxonomy
            current_metrics = None
            notes.append(f"Le modèle courant n'a pas pu être évalué sur ces annotations : {err}")
    candidate = Candidate(
        model, APP_MODEL_NAME, version, len(train.texts), new, current_metrics, current_name, notes,
        cv=cv, held_out={f: len(r) for f, r in test_rows.items()}, left_out=left_out,
    )  # fmt: skip
    if with_impact:
        candidate.impact = impact(store, model)
    return candidate


def impact(store: Store, model: Any) -> Impact:
    """What making ``model`` current would change: each cahier's labels (the current model's
    stored labels against ``model``'s), and the syntheses that would be flagged. (unit, facet)
    pairs a person annotated are left out: their labels stay."""
    from ess_nlp.classify.step import _item

    conn = store.conn
    row = conn.execute("SELECT id FROM model_versions WHERE is_current = 1").fetchone()
    current_id = int(row["id"]) if row is not None else None
    facets = list(model.taxonomy.facet_ids)
    cited, chains = _cited_chains(store)
    cahiers = list(store.units("cahier"))
    wanted = {u.id for u in cahiers} | {x for chain in chains.values() for x in chain}
    units = {u.id: u for u in cahiers}
    missing = sorted(wanted - set(units))
    if missing:
        units.update({u.id: u for u in store.units(ids=missing)})
    sentences_by_cahier: dict[str, list[Any]] = defaultdict(list)
    for sentence in store.units("sentence"):
        sentences_by_cahier[sentence.cahier or ""].append(sentence)
    ordered = sorted(units)
    predictions = model.predict([_item(units[u], sentences_by_cahier) for u in ordered], facets=facets)
    after = {u: p.labels for u, p in zip(ordered, predictions, strict=True)}
    before, annotated = _stored_labels(store, current_id, ordered)

    def changes(unit_id: str) -> list[LabelChange]:
        out = []
        for facet in facets:
            if (unit_id, facet) in annotated:
                continue
            old, new = before[unit_id][facet], set(after[unit_id].get(facet, []))
            if old != new:
                unit = units[unit_id]
                title = unit.title or unit.id
                out.append(LabelChange(unit_id, title, facet, tuple(sorted(old - new)), tuple(sorted(new - old))))
        return out

    changed_cahiers = tuple(c for u in cahiers for c in changes(u.id))
    changed_units = {u for u in ordered if changes(u)}
    flagged = []
    if cited:
        titles = {
            int(r["id"]): (r["title"], r["group_id"])
            for r in conn.execute("SELECT id, title, group_id FROM syntheses WHERE deleted_at IS NULL")
        }
        for sid, cited_units in sorted(cited.items()):
            n = sum(1 for u in cited_units if any(x in changed_units for x in chains.get(u, [])))
            if n and sid in titles:
                flagged.append(FlaggedSynthesis(sid, titles[sid][0], titles[sid][1], n))
    return Impact(changed_cahiers, len(cahiers), tuple(flagged))


def _cited_chains(store: Store) -> tuple[dict[int, set[str]], dict[str, list[str]]]:
    """The units each live synthesis cites, and each cited unit with its section and cahier."""
    conn = store.conn
    cited: dict[int, set[str]] = defaultdict(set)
    for r in conn.execute(
        "SELECT c.synthesis_id, c.unit_id FROM synthesis_citations c JOIN syntheses s ON s.id = c.synthesis_id"
        " WHERE s.deleted_at IS NULL"
    ):
        cited[int(r["synthesis_id"])].add(r["unit_id"])
    chains: dict[str, list[str]] = {}
    wanted = sorted({u for units in cited.values() for u in units})
    for start in range(0, len(wanted), 400):
        chunk = wanted[start : start + 400]
        for r in conn.execute(
            f"SELECT id, parent_id, section_id, cahier_id FROM units WHERE id IN ({','.join('?' * len(chunk))})", chunk
        ):
            chains[r["id"]] = [x for x in dict.fromkeys((r["id"], r["parent_id"], r["section_id"], r["cahier_id"])) if x]
    return cited, chains


def _stored_labels(
    store: Store, model_id: int | None, unit_ids: Sequence[str]
) -> tuple[dict[str, dict[str, set[str]]], set[tuple[str, str]]]:
    """The labels model ``model_id`` assigned to ``unit_ids``, and the (unit, facet) pairs people annotated."""
    before: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    annotated: set[tuple[str, str]] = set()
    for start in range(0, len(unit_ids), 400):
        chunk = list(unit_ids[start : start + 400])
        marks = ",".join("?" * len(chunk))
        if model_id is not None:
            for r in store.conn.execute(
                f"SELECT unit_id, facet, label FROM predictions WHERE model_id = ? AND assigned = 1 AND unit_id IN ({marks})",
                [model_id, *chunk],
            ):
                before[r["unit_id"]][r["facet"]].add(r["label"])
        for r in store.conn.execute(f"SELECT DISTINCT unit_id, facet FROM app_annotations WHERE unit_id IN ({marks})", chunk):
            annotated.add((r["unit_id"], r["facet"]))
    return before, annotated


def make_current(
    store: Store,
    candidate: Candidate,
    *,
    progress: Progress | None = None,
    user: User | None = None,
    confirm_worse: bool = False,
) -> Path:
    """Save the candidate as ``models/<name>/<version>/``, make it the database's current model
    (a new row of ``model_versions``) and score every unit with it; returns the folder.
    ``user`` (when given) must be allowed ``make_current`` (staff). A candidate that
    :attr:`~Candidate.needs_confirmation` (worse on the held-out confirmed annotations, or not
    compared) is refused with :class:`WorseModelError` unless ``confirm_worse``."""
    if user is not None:
        require(user, "make_current")
    if candidate.needs_confirmation and not confirm_worse:
        raise WorseModelError(
            f"Le modèle {candidate.name} version {candidate.version} n'est pas rendu courant : "
            + " ".join(candidate.reasons())
            + " Confirmez explicitement si vous voulez le rendre courant malgré tout."
        )
    from ess_nlp.classify import classify_step, load_model, models_root, save_model
    from ess_nlp.classify.step import register_model

    folder = save_model(candidate.model, models_root() / candidate.name / candidate.version)
    register_model(store, load_model(folder), current=True)
    classify_step(store, progress=progress)
    return folder


# What each kind of model (``model_versions.kind``) is called where people see it.
MODEL_KIND_NAMES = {
    "supervised": "supervisé, appris sur des exemples annotés",
    "zero-shot": "sans exemples, d'après les descriptions des étiquettes",
    "blend": "combiné, exemples annotés et descriptions des étiquettes",
    "mixed": "mixte, selon les étiquettes",
}


def model_kind_name(kind: str) -> str:
    """The French name of a model kind (the kind itself if unknown)."""
    return MODEL_KIND_NAMES.get(kind, kind)


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
                "type": model_kind_name(r["kind"]),
                "enregistré le": r["created_at"],
                "courant": "oui" if r["is_current"] else "",
            }
            for r in rows
        ],
        columns=["modèle", "version", "type", "enregistré le", "courant"],
    )
