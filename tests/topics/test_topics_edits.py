"""Edits on a result (merge, split, move, rename) and matching topics across runs."""

from __future__ import annotations

import numpy as np
import pytest
from topics_corpus import make_corpus

from ess_nlp.errors import ConfigError
from ess_nlp.topics import (
    OUTLIER,
    TopicConfig,
    apply_edit,
    apply_edits,
    fit_topics,
    match_topics,
    merge_edit,
    move_edit,
    rename_edit,
    split_edit,
    with_stable_ids,
)


def subject_topic(result, ids, subjects, subject):  # type: ignore[no-untyped-def]
    """The topic holding most units of ``subject``."""
    index = result.index()
    topics = [int(result.topics[index[i]]) for i, s in zip(ids, subjects, strict=True) if s == subject]
    return max(set(topics), key=topics.count)


def test_merge_moves_every_member_and_keeps_the_target_name(fitted, corpus) -> None:  # type: ignore[no-untyped-def]
    ids, _, subjects = corpus
    a, b = subject_topic(fitted, ids, subjects, "mobilite"), subject_topic(fitted, ids, subjects, "logement")
    merged, outcome = apply_edit(fitted, merge_edit([a, b], into=a, who="anne", why="même sujet"))
    assert outcome.applied and b not in merged.info
    assert merged.info[a].size == fitted.info[a].size + fitted.info[b].size
    assert merged.info[a].name == fitted.info[a].name
    assert outcome.edit.payload["topics"] == [a, b] and outcome.edit.who == "anne"


def test_split_reclusters_one_topic_into_new_ids(fitted) -> None:  # type: ignore[no-untyped-def]
    topic = fitted.topic_ids[0]
    split, outcome = apply_edit(fitted, split_edit(topic, parts=2, who="anne"))
    members = outcome.edit.payload["members"]
    assert len(members) == 2 and str(topic) in members
    new_id = int(next(k for k in members if int(k) != topic))
    assert new_id >= fitted.next_id and new_id in split.info
    assert split.info[topic].size + split.info[new_id].size == fitted.info[topic].size
    assert split.next_id > new_id


def test_move_and_rename(fitted) -> None:  # type: ignore[no-untyped-def]
    unit = fitted.ids[0]
    target = next(t for t in fitted.topic_ids if t != fitted.topics[0])
    moved, _ = apply_edit(fitted, move_edit(unit, target, who="bob"))
    assert moved.topics[0] == target and moved.origin[0] == "manual" and moved.probability[0] == 1.0
    out, _ = apply_edit(moved, move_edit([unit], OUTLIER, who="bob"))
    assert out.topics[0] == OUTLIER and out.origin[0] == "unassigned"
    renamed, outcome = apply_edit(moved, rename_edit(target, "  Mobilités   douces ", who="bob"))
    assert renamed.info[target].name == "Mobilités douces"
    assert renamed.info[target].label == moved.info[target].label
    assert outcome.message == f"Thème {target} renommé « Mobilités douces »."


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (merge_edit([0, 99]), "Thème\\(s\\) 99 introuvable"),
        (merge_edit([0]), "au moins deux thèmes"),
        (split_edit(99), "Thème 99 introuvable"),
        (move_edit("inconnue", 0), "Unité\\(s\\) introuvable"),
        (move_edit("x", 99), "Thème de destination 99 introuvable"),
        (rename_edit(0, "   "), "Nom de thème invalide"),
    ],
)
def test_bad_edits_raise_french_errors_but_are_skipped_on_replay(fitted, edit, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match=message):
        apply_edit(fitted, edit)
    same, outcomes = apply_edits(fitted, [edit])
    assert not outcomes[0].applied and outcomes[0].message
    assert np.array_equal(same.topics, fitted.topics)


def test_match_topics_by_member_overlap() -> None:
    old = {0: {"a", "b", "c", "d"}, 1: {"e", "f", "g"}, 2: {"h", "i"}}
    new = {5: {"e", "f", "g", "x"}, 6: {"a", "b", "c", "y", "z"}, 7: {"q", "r"}, 8: {"h"}}
    # units x, y, z, q, r are new and d, i are gone: they do not dilute the overlap
    assert match_topics(old, new) == {5: 1, 6: 0, 8: 2}
    assert match_topics({}, new) == {}
    old = {0: {"a", "b", "c", "d"}, 1: {"e", "f", "g", "h"}}
    new = {5: {"a", "b", "c", "e"}, 6: {"d", "f", "g", "h"}}  # each overlap is 3/5
    assert match_topics(old, new, threshold=0.5) == {5: 0, 6: 1}
    assert match_topics(old, new, threshold=0.7) == {}


def test_stable_ids_after_adding_documents() -> None:
    ids, texts, subjects = make_corpus(per_subject=12, seed=11)
    first = fit_topics(texts, ids, config=TopicConfig(seed=2))
    first, _ = with_stable_ids(first, None, next_id=0)
    moby = subject_topic(first, ids, subjects, "mobilite")
    first, _ = apply_edit(first, rename_edit(moby, "Se déplacer autrement"))
    previous = {t: first.members(t) for t in first.topic_ids}
    more_ids, more_texts, more_subjects = make_corpus(per_subject=12, seed=12, subjects=("sante", "mobilite"))
    all_ids, all_subjects = ids + more_ids, subjects + more_subjects
    second = fit_topics(texts + more_texts, all_ids, config=TopicConfig(seed=2))
    names = {t: first.info[t].name for t in first.topic_ids}
    second, mapping = with_stable_ids(second, previous, next_id=first.next_id, names=names)
    for subject in ("mobilite", "alimentation", "logement", "finance"):
        assert subject_topic(second, all_ids, all_subjects, subject) == subject_topic(
            first, ids, subjects, subject
        )
    assert second.info[moby].name == "Se déplacer autrement"
    sante = subject_topic(second, all_ids, all_subjects, "sante")
    assert sante >= first.next_id
    assert sorted(mapping.values()) == sorted(second.topic_ids)
