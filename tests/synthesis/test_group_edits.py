"""« Fusionner / séparer » proposal groups (issue 16): edits apply at once, survive a rebuild
of the groups, and show in the draft."""

from __future__ import annotations

import pytest

from ess_nlp.errors import ConfigError
from ess_nlp.extract.group_edits import merge_proposals, split_proposal
from ess_nlp.extract.step import rebuild_duplicate_groups
from ess_nlp.store import Store
from ess_nlp.synthesis import draft_synthesis, resolve_scope


def _proposal(store: Store, start: str) -> str:
    [(pid,)] = store.conn.execute("SELECT id FROM proposals WHERE text LIKE ?", (start + "%",)).fetchall()
    return str(pid)


def _groups(store: Store) -> list[tuple[set[str], int, int, int]]:
    out = []
    for g in store.conn.execute("SELECT id, cahiers, organisations, edited FROM duplicate_groups ORDER BY id"):
        members = {r[0] for r in store.conn.execute(
            "SELECT proposal_id FROM duplicate_members WHERE group_id = ?", (g["id"],))}
        out.append((members, g["cahiers"], g["organisations"], g["edited"]))
    return out


def test_split_takes_a_proposal_out_and_survives_a_rebuild(store: Store) -> None:
    lille = _proposal(store, "Créer un fonds de garantie régional")
    bordeaux = _proposal(store, "Créer un fonds régional de garantie")
    [(members, cahiers, organisations, edited)] = _groups(store)
    assert members == {lille, bordeaux} and cahiers == 2 and organisations == 2 and not edited
    split_proposal(store, bordeaux, author="animatrice")
    assert _groups(store) == []
    rebuild_duplicate_groups(store)  # what the next extraction run does
    assert _groups(store) == []
    [row] = store.conn.execute("SELECT action, proposal_id, author FROM duplicate_edits").fetchall()
    assert tuple(row) == ("split", bordeaux, "animatrice")


def test_merge_joins_groups_survives_a_rebuild_and_shows_in_the_draft(store: Store) -> None:
    lille = _proposal(store, "Créer un fonds de garantie régional")
    bordeaux = _proposal(store, "Créer un fonds régional de garantie")
    known = _proposal(store, "Faire connaître l'épargne solidaire")
    merge_proposals(store, known, into=lille)
    rebuild_duplicate_groups(store)
    [(members, cahiers, _, edited)] = _groups(store)
    assert members == {lille, bordeaux, known} and cahiers == 2 and edited == 1
    [label] = store.conn.execute("SELECT label FROM duplicate_groups").fetchone()
    assert label.startswith("Créer un fonds")  # the group keeps its name
    doc = draft_synthesis(store, resolve_scope(store, "domain", "financer"))
    item = next(p for p in doc.proposals if p.text.startswith("Créer un fonds"))
    assert len(item.citations) == 3 and not any(p.text.startswith("Faire connaître") for p in doc.proposals)


def test_bad_edits_say_why_in_french(store: Store) -> None:
    lille = _proposal(store, "Créer un fonds de garantie régional")
    with pytest.raises(ConfigError, match="introuvable"):
        merge_proposals(store, "inconnue/prop9", into=lille)
    with pytest.raises(ConfigError, match="deux propositions différentes"):
        merge_proposals(store, lille, into=lille)
    assert store.conn.execute("SELECT count(*) FROM duplicate_edits").fetchone()[0] == 0
