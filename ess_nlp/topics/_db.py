"""Topic runs in the database: cluster stored units, keep ids across runs, log and replay edits.

``run_topics`` clusters the units of one level, matches the new topics to the previous
run's (so they keep their ids and names), replays every logged edit in order, and stores
the run. ``edit_topics`` applies one edit to the latest run right away and logs it with
who, when and why; the next run replays it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ess_nlp.access import User, require
from ess_nlp.errors import ConfigError, EssNlpError
from ess_nlp.records import SECTION_KINDS, Unit
from ess_nlp.store import Store
from ess_nlp.topics._config import DEFAULT_LEVEL, TopicConfig
from ess_nlp.topics._edits import Edit, EditOutcome, apply_edit, apply_edits
from ess_nlp.topics._embeddings import EmbeddingBackend, backend_from_state
from ess_nlp.topics._identity import with_stable_ids
from ess_nlp.topics._model import (
    METHOD_VERSION,
    OUTLIER,
    Progress,
    TopicInfo,
    TopicResult,
    _doc_term,
    data_hash,
    fit_topics,
)
from ess_nlp.topics._placement import PLACE_SHARE, place_units
from ess_nlp.topics._text import Analyzer, surface_forms

logger = logging.getLogger(__name__)

__all__ = [
    "TopicRun",
    "edit_topics",
    "latest_run_id",
    "list_edits",
    "load_run",
    "model_name",
    "predicted_labels",
    "reusable_run",
    "run_topics",
    "stored_units",
    "topic_models",
    "unit_metadata",
]

LEVELS = ("cahier", "section", "paragraph", "sentence")
#: Left out unless asked for: contact blocks, addresses, signatures ("contexte", "autre").
EXCLUDED_KINDS = ("contexte", "autre")
_CHUNK = 500


@dataclass(frozen=True)
class TopicRun:
    """A stored run: its id, model name, result (stable ids, edits replayed) and replay outcomes;
    ``reused`` when the latest stored run already held these units and parameters; ``placed``
    units added since were put in the existing topics without refitting them."""

    run_id: int
    model: str
    result: TopicResult
    replay: tuple[EditOutcome, ...] = ()
    mapping: Mapping[int, int] | None = None
    reused: bool = False
    placed: int = 0


def model_name(level: str, kinds: Sequence[str] | None = None) -> str:
    """Default name of the topic model over ``level`` units of ``kinds`` ("section", "section-proposition")."""
    return "-".join([level, *sorted(kinds or ())])


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def stored_units(store: Store, level: str, kinds: Sequence[str] | None = None) -> list[Unit]:
    """Units of ``level`` in source order: of these section ``kinds``, or by default every unit
    except contact and context blocks (kinds ``contexte`` and ``autre``, the latter kept for
    cahiers that have no other kind of section). Checks both names."""
    if level not in LEVELS:
        raise ConfigError(f"Niveau « {level} » inconnu : choisissez parmi {', '.join(LEVELS)}.")
    unknown = [k for k in kinds or () if k not in SECTION_KINDS]
    if unknown:
        raise ConfigError(
            f"Type de section « {unknown[0]} » inconnu : choisissez parmi {', '.join(SECTION_KINDS)}."
        )
    every = list(store.units(level))
    units = [u for u in every if u.kind in kinds] if kinds else _default_units(every)
    if every and not units and not kinds:
        raise ConfigError(
            f"Les {len(every)} unité(s) de niveau « {level} » de la base « {store.path} » sont toutes des "
            "blocs de contact ou de contexte, laissés de côté par défaut : choisissez des types de section "
            "(--kind contexte) ou un autre niveau."
        )
    if not units:
        which = f" de type {', '.join(kinds)}" if kinds else ""
        raise ConfigError(
            f"Aucune unité de niveau « {level} »{which} dans la base « {store.path} » : ingérez d'abord "
            "des cahiers (ess-nlp ingest) ou choisissez un autre niveau."
        )
    return units


def _default_units(units: list[Unit]) -> list[Unit]:
    """Every unit but contact and context blocks; a cahier with nothing else (free text with no
    recognised heading: one « autre » section, as in form exports) keeps its « autre » units."""
    structured = {u.cahier for u in units if u.kind not in EXCLUDED_KINDS}
    return [
        u for u in units
        if u.kind not in EXCLUDED_KINDS or (u.kind == "autre" and u.cahier not in structured)
    ]


def latest_run_id(store: Store, model: str) -> int | None:
    row = store.conn.execute("SELECT max(id) AS id FROM topic_runs WHERE model = ?", (model,)).fetchone()
    return int(row["id"]) if row is not None and row["id"] is not None else None


def topic_models(store: Store) -> list[dict[str, Any]]:
    """Every topic model with its latest run: model, run_id, level, created_at, n_units, n_topics."""
    rows = store.conn.execute(
        "SELECT r.model, r.id AS run_id, r.level, r.kinds, r.created_at, r.n_units, r.n_topics, r.outlier_share"
        " FROM topic_runs r WHERE r.id = (SELECT max(id) FROM topic_runs WHERE model = r.model) ORDER BY r.model"
    )
    return [dict(row) | {"kinds": json.loads(row["kinds"])} for row in rows]


def _identities(store: Store, model: str) -> dict[int, str]:
    rows = store.conn.execute("SELECT topic_id, name FROM topic_identities WHERE model = ?", (model,))
    return {int(r["topic_id"]): str(r["name"]) for r in rows}


def list_edits(store: Store, model: str) -> list[Edit]:
    """The edit log of ``model``, oldest first."""
    rows = store.conn.execute(
        "SELECT id, kind, payload, who, at, why FROM topic_edits WHERE model = ? ORDER BY id", (model,)
    )
    return [
        Edit(r["kind"], json.loads(r["payload"]), who=r["who"], why=r["why"], at=r["at"], id=int(r["id"]))
        for r in rows
    ]


def _previous_raw(store: Store, run_id: int) -> dict[int, set[str]]:
    members: dict[int, set[str]] = {}
    rows = store.conn.execute(
        "SELECT unit_id, raw_topic_id FROM topic_assignments WHERE run_id = ? AND raw_topic_id >= 0",
        (run_id,),
    )
    for row in rows:
        members.setdefault(int(row["raw_topic_id"]), set()).add(row["unit_id"])
    return members


def run_topics(
    store: Store,
    *,
    level: str = DEFAULT_LEVEL,
    kinds: Sequence[str] | None = None,
    model: str | None = None,
    config: TopicConfig | None = None,
    progress: Progress | None = None,
    reuse: bool = False,
) -> TopicRun:
    """Cluster the stored ``level`` units, keep ids of matching topics, replay edits, store the run.

    ``kinds`` keeps only units of these section kinds; by default every unit but contact and
    context blocks. The model is named after the level (and the kinds given) unless ``model``.
    With ``reuse`` (what the main job does), the stored topics are kept when they can be:

    - the latest run of the model clustered exactly these units (same ids and texts) with the
      same parameters and method: it is returned as is (``reused=True``; edits made since are
      already in it);
    - otherwise, when the only change is units added (or removed) and the units placed since
      the last fit stay within ``PLACE_SHARE`` of the units it clustered, the new units are
      placed in the nearest existing topic (``placed``) and the others keep theirs;
    - otherwise the topics are refitted, matched to the previous ones and the edits replayed.
    """
    config = config or TopicConfig()
    kinds = tuple(sorted(set(kinds or ())))
    model = model or model_name(level, kinds)
    units = stored_units(store, level, kinds)
    if reuse:
        run_id = reusable_run(store, model, [u.id for u in units], [u.text for u in units], config)
        if run_id is not None:
            if progress is not None:
                progress(1, 1)
            return TopicRun(run_id, model, load_run(store, model, run_id), reused=True)
        placed = _place_new_units(store, model, level, kinds, units, config)
        if placed is not None:
            if progress is not None:
                progress(1, 1)
            return placed
    result = fit_topics([u.text for u in units], [u.id for u in units], config=config, progress=progress)
    # Matching, replay and writing happen in one write transaction, so an edit made meanwhile
    # is either replayed here or made on this run.
    with store.transaction() as conn:
        previous_run = latest_run_id(store, model)
        identities = _identities(store, model)
        next_id = max(identities, default=-1) + 1
        previous = _previous_raw(store, previous_run) if previous_run is not None else None
        result, mapping = with_stable_ids(result, previous, next_id=next_id, names=identities)
        result, outcomes = apply_edits(result, list_edits(store, model))
        for outcome in outcomes:
            if not outcome.applied:
                logger.info("edit %s not replayed: %s", outcome.edit.id, outcome.message)
        run_id = _insert_run(conn, model, level, kinds, result, outcomes)
        _write_topics(conn, model, run_id, result)
        _insert_assignments(conn, run_id, result)
        _save_backend(conn, run_id, result)
    return TopicRun(run_id, model, result, tuple(outcomes), mapping)


def _place_new_units(
    store: Store, model: str, level: str, kinds: Sequence[str], units: Sequence[Unit], config: TopicConfig
) -> TopicRun | None:
    """A new run placing the units added since the latest run into its topics (see
    ``run_topics``), or ``None`` when the topics must be refitted."""
    run_id = latest_run_id(store, model)
    if run_id is None:
        return None
    row = store.conn.execute("SELECT params, metrics FROM topic_runs WHERE id = ?", (run_id,)).fetchone()
    metrics = json.loads(row["metrics"] or "{}")
    if json.loads(row["params"]) != config.to_json() or metrics.get("method_version") != METHOD_VERSION:
        return None
    fitted_run = int(metrics.get("fitted_run", run_id))
    fitted_units = int(metrics.get("fitted_units", metrics.get("n_units", 0)))
    kept = [u for u in units if u.text.strip()]
    known = {
        r["unit_id"] for r in store.conn.execute("SELECT unit_id FROM topic_assignments WHERE run_id = ?", (run_id,))
    }
    added = sum(1 for u in kept if u.id not in known)
    placed_total = int(metrics.get("placed_since_fit", 0)) + added
    if not kept or placed_total > PLACE_SHARE * fitted_units:
        return None
    backend = _load_backend(store, fitted_run)
    if backend is None:
        return None
    previous = load_run(store, model, run_id)
    result, placed = place_units(previous, [u.id for u in kept], [u.text for u in kept], backend)
    result = replace(
        result,
        metrics={
            **metrics,
            "n_units": len(result.ids),
            "n_topics": len(result.info),
            "outlier_share": round(result.outlier_share, 6),
            "fitted_run": fitted_run,
            "fitted_units": fitted_units,
            "placed_since_fit": placed_total,
            "placed": placed,
        },
    )
    with store.transaction() as conn:
        new_run = _insert_run(conn, model, level, kinds, result, ())
        _write_topics(conn, model, new_run, result)
        _insert_assignments(conn, new_run, result)
    return TopicRun(new_run, model, result, placed=placed)


def _save_backend(conn: sqlite3.Connection, run_id: int, result: TopicResult) -> None:
    """Store the learned state of the run's embedding backend (JSON and .npz bytes, no pickle)."""
    if result.backend is None:
        return
    config, arrays = result.backend.state()
    buffer = io.BytesIO()
    np.savez_compressed(buffer, allow_pickle=False, **dict(arrays))
    conn.execute(
        "INSERT OR REPLACE INTO topic_backends(run_id, config, arrays) VALUES (?, ?, ?)",
        (run_id, json.dumps(config, ensure_ascii=False), buffer.getvalue()),
    )


def _load_backend(store: Store, run_id: int) -> EmbeddingBackend | None:
    """The embedding backend stored with ``run_id``, or ``None`` (not stored, or unreadable)."""
    row = store.conn.execute("SELECT config, arrays FROM topic_backends WHERE run_id = ?", (run_id,)).fetchone()
    if row is None:
        return None
    try:
        with np.load(io.BytesIO(row["arrays"]), allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
        return backend_from_state(json.loads(row["config"]), arrays)
    except (ValueError, OSError, KeyError, EssNlpError) as err:
        logger.warning("topic backend of run %s unreadable (%s): the topics will be refitted", run_id, err)
        return None


def reusable_run(
    store: Store, model: str, ids: Sequence[str], texts: Sequence[str], config: TopicConfig
) -> int | None:
    """The latest run of ``model`` if it clustered these ``(id, text)`` pairs (ignoring empty
    texts, as fitting does) with ``config`` and the current method, else ``None``."""
    run_id = latest_run_id(store, model)
    if run_id is None:
        return None
    row = store.conn.execute("SELECT data_hash, params, metrics FROM topic_runs WHERE id = ?", (run_id,)).fetchone()
    kept = [(i, t) for i, t in zip(ids, texts, strict=True) if t.strip()]
    if not kept or row["data_hash"] != data_hash([i for i, _ in kept], [t for _, t in kept]):
        return None
    if json.loads(row["params"]) != config.to_json():
        return None
    if json.loads(row["metrics"] or "{}").get("method_version") != METHOD_VERSION:
        return None
    return run_id


def _insert_run(
    conn: sqlite3.Connection,
    model: str,
    level: str | None,
    kinds: Sequence[str],
    result: TopicResult,
    outcomes: Iterable[EditOutcome],
) -> int:
    replay = [
        {"edit": o.edit.id, "kind": o.edit.kind, "applied": o.applied, "message": o.message} for o in outcomes
    ]
    cursor = conn.execute(
        "INSERT INTO topic_runs(model, level, kinds, created_at, backend, seed, params, data_hash, n_units,"
        " n_topics, outlier_share, metrics, notes, replay) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            model,
            level,
            json.dumps(list(kinds)),
            _now(),
            result.config.backend,
            result.config.seed,
            json.dumps(result.config.to_json(), ensure_ascii=False),
            result.data_hash,
            len(result.ids),
            len(result.info),
            result.outlier_share,
            json.dumps(dict(result.metrics), ensure_ascii=False),
            json.dumps(list(result.notes), ensure_ascii=False),
            json.dumps(replay, ensure_ascii=False),
        ),
    )
    return int(cursor.lastrowid or 0)


def _write_topics(conn: sqlite3.Connection, model: str, run_id: int, result: TopicResult) -> None:
    """Replace the run's topic rows and record every topic id (with its name) as an identity."""
    conn.execute("DELETE FROM topics WHERE run_id = ?", (run_id,))
    conn.executemany(
        "INSERT INTO topics(run_id, topic_id, name, label, keywords, size) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                run_id,
                t.id,
                t.name,
                t.label,
                json.dumps([[w, s] for w, s in t.keywords], ensure_ascii=False),
                t.size,
            )
            for t in result.info.values()
        ],
    )
    conn.executemany(
        "INSERT INTO topic_identities(model, topic_id, name, created_at, created_run) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT(model, topic_id) DO UPDATE SET name = excluded.name",
        [(model, t.id, t.name, _now(), run_id) for t in result.info.values()],
    )


def _insert_assignments(conn: sqlite3.Connection, run_id: int, result: TopicResult) -> None:
    rows = (
        (
            run_id,
            unit_id,
            int(result.topics[i]),
            int(result.raw_topics[i]),
            float(result.probability[i]),
            float(result.similarity[i]),
            result.origin[i],
            float(result.coords[i, 0]),
            float(result.coords[i, 1]),
            np.ascontiguousarray(result.embeddings[i], dtype=np.float32).tobytes(),
        )
        for i, unit_id in enumerate(result.ids)
    )
    conn.executemany(
        "INSERT INTO topic_assignments(run_id, unit_id, topic_id, raw_topic_id, probability, similarity, origin,"
        " x, y, vector) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def _update_assignments(conn: sqlite3.Connection, run_id: int, result: TopicResult) -> None:
    conn.executemany(
        "UPDATE topic_assignments SET topic_id = ?, probability = ?, similarity = ?, origin = ?"
        " WHERE run_id = ? AND unit_id = ?",
        [
            (
                int(result.topics[i]),
                float(result.probability[i]),
                float(result.similarity[i]),
                result.origin[i],
                run_id,
                unit_id,
            )
            for i, unit_id in enumerate(result.ids)
        ],
    )
    conn.execute(
        "UPDATE topic_runs SET n_topics = ?, outlier_share = ? WHERE id = ?",
        (len(result.info), result.outlier_share, run_id),
    )


def load_run(store: Store, model: str, run_id: int | None = None) -> TopicResult:
    """A stored run (the latest by default) as a TopicResult, ready for edits and figures.

    Keyword counts are recomputed from the units' texts; the embedding backend is not
    stored in the database (``backend`` is None), so new texts cannot be placed.
    """
    run_id = run_id if run_id is not None else latest_run_id(store, model)
    run = (
        store.conn.execute("SELECT * FROM topic_runs WHERE id = ?", (run_id,)).fetchone() if run_id else None
    )
    if run is None or run["model"] != model:
        known = ", ".join(m["model"] for m in topic_models(store)) or "aucun"
        raise ConfigError(
            f"Aucun calcul de thèmes « {model} » dans la base « {store.path} » (modèles existants : {known}) : "
            "lancez d'abord « ess-nlp topics »."
        )
    rows = store.conn.execute(
        "SELECT a.*, u.text FROM topic_assignments a JOIN units u ON u.id = a.unit_id"
        " JOIN sources s ON s.id = u.source_id WHERE a.run_id = ? ORDER BY s.path, u.ord",
        (run_id,),
    ).fetchall()
    if not rows:
        raise ConfigError(
            f"Le calcul de thèmes « {model} » n'a plus d'unités (leurs sources ont été retirées) : "
            "relancez « ess-nlp topics »."
        )
    config = TopicConfig.from_json(json.loads(run["params"]))
    texts = [r["text"] for r in rows]
    analyzer = Analyzer((1, 2), config.stop_words)
    doc_term, vocabulary = _doc_term(texts, analyzer)
    forms = surface_forms(texts, analyzer, vocabulary)
    info = {
        int(r["topic_id"]): TopicInfo(
            int(r["topic_id"]),
            r["name"],
            r["label"],
            tuple((str(w), float(s)) for w, s in json.loads(r["keywords"])),
            int(r["size"]),
        )
        for r in store.conn.execute("SELECT * FROM topics WHERE run_id = ? ORDER BY topic_id", (run_id,))
    }
    identities = _identities(store, model)
    return TopicResult(
        ids=tuple(r["unit_id"] for r in rows),
        topics=np.asarray([r["topic_id"] for r in rows], dtype=np.int64),
        raw_topics=np.asarray([r["raw_topic_id"] for r in rows], dtype=np.int64),
        probability=np.asarray([r["probability"] for r in rows], dtype=np.float32),
        similarity=np.asarray([r["similarity"] for r in rows], dtype=np.float32),
        origin=tuple(r["origin"] for r in rows),
        embeddings=np.stack([np.frombuffer(r["vector"], dtype=np.float32) for r in rows]),
        coords=np.asarray([[r["x"], r["y"]] for r in rows], dtype=np.float32).reshape(-1, 2),
        doc_term=doc_term,
        vocabulary=vocabulary,
        display=tuple(forms.get(k, k) for k in vocabulary),
        info={t: replace(i, name=identities.get(t, i.name)) for t, i in info.items()},
        config=config,
        backend=None,
        metrics=json.loads(run["metrics"]),
        notes=tuple(json.loads(run["notes"])),
        next_id=max(identities, default=-1) + 1,
        data_hash=run["data_hash"],
    )


def edit_topics(store: Store, model: str, edit: Edit, *, user: User | None = None) -> EditOutcome:
    """Apply ``edit`` to the latest run of ``model`` now, and log it (replayed by later runs).

    A bad edit (unknown topic or unit, empty name) raises ConfigError in French and changes
    nothing. ``user`` (when given) must be allowed ``edit_topics`` (researchers and staff).
    """
    if user is not None:
        require(user, "edit_topics")
    if not edit.who.strip():
        raise ConfigError("Une modification de thème doit dire qui la fait (champ « who » vide).")
    with store.transaction(durable=True) as conn:
        run_id = latest_run_id(store, model)
        result = load_run(store, model, run_id)
        updated, outcome = apply_edit(result, edit)
        done = outcome.edit
        _update_assignments(conn, int(run_id or 0), updated)
        _write_topics(conn, model, int(run_id or 0), updated)
        cursor = conn.execute(
            "INSERT INTO topic_edits(model, kind, payload, who, at, why, run_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                model,
                done.kind,
                json.dumps(dict(done.payload), ensure_ascii=False),
                done.who.strip(),
                done.at,
                done.why,
                run_id,
            ),
        )
    return replace(outcome, edit=replace(done, id=int(cursor.lastrowid or 0)))


def unit_metadata(store: Store, ids: Sequence[str], key: str) -> dict[str, str | None]:
    """``key`` of each unit's metadata, falling back to its cahier's (territory, organisation type…)."""
    values: dict[str, str | None] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        rows = store.conn.execute(
            "SELECT u.id, u.metadata AS own, c.metadata AS cahier FROM units u"
            f" LEFT JOIN units c ON c.id = u.cahier_id WHERE u.id IN ({','.join('?' * len(chunk))})",
            chunk,
        )
        for row in rows:
            merged = {**json.loads(row["cahier"] or "{}"), **json.loads(row["own"] or "{}")}
            value = merged.get(key)
            values[row["id"]] = str(value) if value not in (None, "") else None
    return {unit_id: values.get(unit_id) for unit_id in ids}


def predicted_labels(
    store: Store, ids: Sequence[str], facet: str, *, model_id: int | None = None
) -> dict[str, list[str]]:
    """Labels the classifier assigned to each unit for ``facet`` ("domains", "themes").

    Reads the ``predictions`` table (migration 0002) of the current classification model (or
    ``model_id``); a unit without predictions takes its cahier's. The result feeds
    :func:`topics_per_label` and :func:`label_topic_counts`; units without labels map to [].
    """
    if model_id is None:
        row = store.conn.execute("SELECT id FROM model_versions WHERE is_current = 1").fetchone()
        if row is None:
            return {unit_id: [] for unit_id in ids}
        model_id = int(row["id"])
    labels: dict[str, list[str]] = {}
    cahiers: dict[str, str | None] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        marks = ",".join("?" * len(chunk))
        for row in store.conn.execute(f"SELECT id, cahier_id FROM units WHERE id IN ({marks})", chunk):
            cahiers[row["id"]] = row["cahier_id"]
        wanted = list(dict.fromkeys([*chunk, *(c for c in (cahiers.get(u) for u in chunk) if c)]))
        for row in store.conn.execute(
            f"SELECT unit_id, label FROM predictions WHERE model_id = ? AND facet = ? AND assigned = 1"
            f" AND unit_id IN ({','.join('?' * len(wanted))}) ORDER BY unit_id, score DESC, label",
            (model_id, facet, *wanted),
        ):
            labels.setdefault(row["unit_id"], []).append(row["label"])
    return {unit_id: labels.get(unit_id) or labels.get(cahiers.get(unit_id) or "", []) for unit_id in ids}


def assignments_table(result: TopicResult) -> list[dict[str, Any]]:
    """One dict per unit: id, topic, name, probability, similarity, origin, x, y."""
    return [
        {
            "id": unit_id,
            "topic": int(result.topics[i]),
            "name": result.name(int(result.topics[i]))
            if int(result.topics[i]) in result.info or result.topics[i] == OUTLIER
            else str(int(result.topics[i])),
            "probability": float(result.probability[i]),
            "similarity": float(result.similarity[i]),
            "origin": result.origin[i],
            "x": float(result.coords[i, 0]),
            "y": float(result.coords[i, 1]),
        }
        for i, unit_id in enumerate(result.ids)
    ]
