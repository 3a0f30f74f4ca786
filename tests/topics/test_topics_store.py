"""Topic runs in the database: stable ids and names across runs, edits logged and replayed."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest
from topics_corpus import add_sections, make_corpus

from ess_nlp.errors import ConfigError
from ess_nlp.store import Store
from ess_nlp.topics import (
    TopicConfig,
    edit_topics,
    list_edits,
    load_run,
    merge_edit,
    move_edit,
    predicted_labels,
    rename_edit,
    run_topics,
    split_edit,
    topic_models,
    topics_per_label,
    unit_metadata,
)
from ess_nlp.topics.step import topics_step

CONFIG = TopicConfig(seed=4)


@pytest.fixture
def store(tmp_path):  # type: ignore[no-untyped-def]
    with Store(tmp_path / "ess.sqlite3") as store:
        yield store


@pytest.fixture
def seeded(store):  # type: ignore[no-untyped-def]
    """A store holding 4 × 12 one-section cahiers, and the subject of each section unit."""
    ids, texts, subjects = make_corpus(per_subject=12, seed=21)
    meta = {i: {"territory": "rural" if n % 2 else "urbain"} for n, i in enumerate(ids)}
    units = add_sections(store, ids, texts, metadata=meta)
    return dict(zip(units, subjects, strict=True))


def grow(store, seed: int = 22) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Add cahiers on an existing subject and on a new one ("sante")."""
    ids, texts, subjects = make_corpus(per_subject=10, seed=seed, subjects=("sante", "logement"))
    return dict(zip(add_sections(store, ids, texts), subjects, strict=True))


def topic_of(result, units: dict[str, str], subject: str) -> int:  # type: ignore[no-untyped-def]
    index = result.index()
    found = Counter(int(result.topics[index[u]]) for u, s in units.items() if s == subject and u in index)
    return found.most_common(1)[0][0]


def test_a_run_stores_topics_assignments_and_identities(store, seeded) -> None:  # type: ignore[no-untyped-def]
    run = run_topics(store, config=CONFIG)
    assert run.model == "section"
    n_topics = store.conn.execute("SELECT count(*) FROM topics WHERE run_id = ?", (run.run_id,)).fetchone()[0]
    assert n_topics == len(run.result.info) >= 3
    rows = store.conn.execute("SELECT * FROM topic_assignments WHERE run_id = ?", (run.run_id,)).fetchall()
    assert len(rows) == len(seeded)
    assert {r["origin"] for r in rows} <= {"cluster", "outlier", "unassigned"}
    assert all(len(r["vector"]) == 4 * run.result.embeddings.shape[1] for r in rows)
    loaded = load_run(store, "section")
    assert loaded.ids == run.result.ids
    assert np.array_equal(loaded.topics, run.result.topics)
    assert np.allclose(loaded.embeddings, run.result.embeddings)
    assert [m["model"] for m in topic_models(store)] == ["section"]


def test_rerun_after_adding_cahiers_keeps_ids_and_names(store, seeded) -> None:  # type: ignore[no-untyped-def]
    first = run_topics(store, config=CONFIG)
    before = {s: topic_of(first.result, seeded, s) for s in set(seeded.values())}
    names = {t: first.result.info[t].name for t in first.result.topic_ids}
    added = grow(store)
    second = run_topics(store, config=CONFIG)
    units = {**seeded, **added}
    for subject, topic in before.items():
        assert topic_of(second.result, units, subject) == topic
        assert second.result.info[topic].name == names[topic]
    sante = topic_of(second.result, units, "sante")
    assert sante not in names and sante >= max(names) + 1


@pytest.mark.parametrize("kind", ["rename", "merge", "split", "move"])
def test_every_edit_kind_survives_a_rerun(store, seeded, kind: str) -> None:  # type: ignore[no-untyped-def]
    run = run_topics(store, config=CONFIG)
    result = run.result
    mobility, housing = topic_of(result, seeded, "mobilite"), topic_of(result, seeded, "logement")
    unit = next(u for u, s in seeded.items() if s == "finance")
    if kind == "rename":
        edit = rename_edit(mobility, "Se déplacer autrement", who="anne", why="plus parlant")
    elif kind == "merge":
        edit = merge_edit([mobility, housing], into=mobility, who="anne", why="trop proches")
    elif kind == "split":
        edit = split_edit(mobility, parts=2, who="anne", why="deux idées")
    else:
        edit = move_edit([unit], housing, who="anne", why="parle de logement")
    outcome = edit_topics(store, "section", edit)
    assert outcome.applied
    logged = list_edits(store, "section")
    assert [(e.kind, e.who, e.why) for e in logged] == [(kind, "anne", edit.why)]
    assert logged[0].at and logged[0].id == outcome.edit.id
    now = load_run(store, "section")
    units = {**seeded, **grow(store)}
    later = run_topics(store, config=CONFIG).result
    replay = json.loads(store.conn.execute("SELECT replay FROM topic_runs ORDER BY id DESC").fetchone()[0])
    assert replay == [
        {"edit": outcome.edit.id, "kind": kind, "applied": True, "message": replay[0]["message"]}
    ]
    index = later.index()
    if kind == "rename":
        assert now.info[mobility].name == later.info[mobility].name == "Se déplacer autrement"
    elif kind == "merge":
        assert housing not in later.info
        assert topic_of(later, units, "logement") == mobility == topic_of(later, units, "mobilite")
    elif kind == "split":
        parts = {int(k) for k in outcome.edit.payload["members"]}
        assert mobility in parts and len(parts) == 2
        mobility_topics = {int(later.topics[index[u]]) for u, s in seeded.items() if s == "mobilite"}
        assert mobility_topics == parts
        for part in parts:  # each part keeps most of its members
            before = set(now.members(part))
            after = set(later.members(part))
            assert len(before & after) >= 0.8 * len(before)
    else:
        assert later.topics[index[unit]] == housing
        assert later.origin[index[unit]] == "manual"


def test_bad_edits_change_nothing(store, seeded) -> None:  # type: ignore[no-untyped-def]
    run_topics(store, config=CONFIG)
    with pytest.raises(ConfigError, match="qui la fait"):
        edit_topics(store, "section", rename_edit(0, "Nom"))
    with pytest.raises(ConfigError, match="Thème 99 introuvable"):
        edit_topics(store, "section", rename_edit(99, "Nom", who="anne"))
    with pytest.raises(ConfigError, match="Aucun calcul de thèmes « autre »"):
        edit_topics(store, "autre", rename_edit(0, "Nom", who="anne"))
    assert list_edits(store, "section") == []


def test_a_level_without_units_gives_a_clear_message(store, seeded) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match="Aucune unité de niveau « paragraph »"):
        run_topics(store, level="paragraph", config=CONFIG)
    with pytest.raises(ConfigError, match="Niveau « chapitre » inconnu"):
        run_topics(store, level="chapitre")
    with pytest.raises(ConfigError, match="Aucune unité de niveau « section » de type constat"):
        run_topics(store, kinds=("constat",))


def test_kinds_and_names_select_units(store, seeded) -> None:  # type: ignore[no-untyped-def]
    contacts = add_sections(
        store,
        ["contact-1", "contact-2"],
        ["Contact : 3 rue des Lilas, Rennes.", "Contact : mairie"],
        kind="contexte",
    )
    run = run_topics(store, kinds=("proposition",), config=CONFIG)
    assert run.model == "section-proposition" and len(run.result.ids) == len(seeded)
    default = run_topics(store, config=CONFIG)  # contact and context blocks are left out by default
    assert default.model == "section" and not set(contacts) & set(default.result.ids)
    everything = run_topics(store, kinds=("proposition", "contexte"), config=CONFIG)
    assert set(contacts) <= set(everything.result.ids)


def test_only_contact_blocks_gives_a_message_that_says_so(store) -> None:  # type: ignore[no-untyped-def]
    add_sections(store, ["contact-1", "contact-2"], ["Contact : mairie", "Contact : 3 rue des Lilas"], kind="contexte")
    with pytest.raises(ConfigError, match=r"toutes des blocs de contact ou de contexte.*--kind contexte"):
        run_topics(store, config=CONFIG)


def test_free_text_cahiers_keep_their_only_section(store) -> None:  # type: ignore[no-untyped-def]
    """Rows of a form export have no heading: their one section is « autre », and it is what they say."""
    ids, texts, _ = make_corpus(seed=3)
    free = add_sections(store, ids, texts, kind="autre")
    run = run_topics(store, config=CONFIG)
    assert set(run.result.ids) == set(free)


def test_unit_metadata_falls_back_to_the_cahier(store, seeded) -> None:  # type: ignore[no-untyped-def]
    values = unit_metadata(store, list(seeded), "territory")
    assert set(values.values()) == {"rural", "urbain"}
    assert unit_metadata(store, list(seeded)[:2], "absent") == dict.fromkeys(list(seeded)[:2])


def test_pipeline_step(store, seeded) -> None:  # type: ignore[no-untyped-def]
    report = topics_step(store)
    assert report.name == "topics" and report.counts["units"] == len(seeded)
    assert report.counts["topics"] >= 3 and "sujets émergents sur" in report.summary


def test_pipeline_step_on_an_empty_store_reports_instead_of_raising(store) -> None:  # type: ignore[no-untyped-def]
    report = topics_step(store)
    assert report.counts == {"units": 0, "topics": 0}
    assert "Aucune unité de niveau « section »" in report.summary


def test_predicted_labels_come_from_the_current_classifier(store, seeded) -> None:  # type: ignore[no-untyped-def]
    units = list(seeded)
    assert predicted_labels(store, units[:2], "domains") == {units[0]: [], units[1]: []}
    store.conn.execute(
        "INSERT INTO model_versions(id, name, version, kind, taxonomy, fingerprint, created_at, is_current)"
        " VALUES (1, 'essai', 'v1', 'zero-shot', 'ess', 'x', '2025-01-01', 1)"
    )
    cahier = store.unit(units[1]).cahier
    rows = [
        (units[0], "domains", "se_loger", 0.9, 1),
        (units[0], "domains", "financer", 0.7, 1),
        (units[0], "domains", "soigner", 0.2, 0),  # scored but not assigned
        (units[0], "themes", "T11", 0.8, 1),
        (cahier, "domains", "cooperer", 0.6, 1),  # the section falls back to its cahier
    ]
    store.conn.executemany(
        "INSERT INTO predictions(unit_id, model_id, facet, label, score, assigned) VALUES (?, 1, ?, ?, ?, ?)",
        rows,
    )
    labels = predicted_labels(store, units[:3], "domains")
    assert labels == {units[0]: ["se_loger", "financer"], units[1]: ["cooperer"], units[2]: []}
    result = run_topics(store, config=CONFIG).result
    table = topics_per_label(result, predicted_labels(store, list(result.ids), "domains"))
    assert set(table["label"]) == {"se_loger", "financer", "cooperer"}
