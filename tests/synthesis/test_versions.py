"""Syntheses made for groups (issue 15, item 3) in the library: one synthesis per scope and
group unless chosen, a note saying who changed what and when on every version, and two
versions side by side."""

from __future__ import annotations

import pytest

from ess_nlp.access import User
from ess_nlp.store import Store
from ess_nlp.synthesis import (
    DuplicateSynthesisError,
    Scope,
    Synthesis,
    create_synthesis,
    draft_synthesis,
    edit,
    get_synthesis,
    history,
    resolve_scope,
    restore_version,
    same_scope,
    save_synthesis,
    side_by_side,
)

AMELIE = User("amelie", "Amélie", "facilitateur", ("t4",))


def test_a_second_synthesis_for_the_same_scope_and_group_is_a_choice(store: Store) -> None:
    scope = resolve_scope(store, "theme", "T4")
    first = create_synthesis(store, Synthesis("Banques", scope), user=AMELIE, group="t4", allow_duplicate=False)
    create_synthesis(store, Synthesis("Banques", scope), author="bruno", group="t5", allow_duplicate=False)  # other group
    create_synthesis(store, Synthesis("Banques", Scope("theme", "T5")), user=AMELIE, group="t4", allow_duplicate=False)
    with pytest.raises(DuplicateSynthesisError) as refused:
        create_synthesis(store, Synthesis("Autre titre", scope), user=AMELIE, group="t4", allow_duplicate=False)
    message = str(refused.value)
    assert f"« Banques » (n° {first.id}, version 1, modifiée par amelie" in message and "groupe « t4 »" in message
    assert [s.id for s in refused.value.existing] == [first.id]
    assert [s.id for s in same_scope(store, scope, "t4")] == [first.id]
    second = create_synthesis(store, Synthesis("Autre titre", scope), user=AMELIE, group="t4", allow_duplicate=True)
    assert [s.id for s in same_scope(store, scope, "t4")] == [second.id, first.id]


def test_every_version_says_who_changed_what_and_when(store: Store) -> None:
    doc = draft_synthesis(store, resolve_scope(store, "domain", "financer"))
    saved = create_synthesis(store, doc, author="amelie", group="t4")
    first = saved.doc.proposals[0]
    saved = save_synthesis(store, saved.id, edit.set_text(saved.doc, first.id, "Publier les refus de prêt."), base_version=1, author="amelie")
    saved = save_synthesis(
        store, saved.id, edit.remove_item(saved.doc, saved.doc.proposals[1].id), base_version=2, author="bruno", note="élément retiré"
    )  # fmt: skip
    saved = restore_version(store, saved.id, 1, base_version=3, author="sam")
    notes = {v.version: (v.author, v.note) for v in history(store, saved.id)}
    assert notes[1] == ("amelie", "création")
    assert notes[2][0] == "amelie" and notes[2][1].startswith("Texte modifié") and "Publier les refus de prêt." in notes[2][1]
    assert notes[3][0] == "bruno" and notes[3][1].startswith("élément retiré — Supprimé de « Nous proposons »")
    assert notes[4][0] == "sam" and notes[4][1].startswith("restauration de la version 1 — ")
    assert all(len(note) <= 240 for _, note in notes.values())
    assert all(v.saved_at for v in history(store, saved.id))


def test_versions_saved_without_a_note_get_one_from_their_differences(store: Store) -> None:
    saved = create_synthesis(store, Synthesis("Banques", Scope("theme", "T4")), author="amelie")
    save_synthesis(store, saved.id, edit.set_introduction(saved.doc, "Les banques…"), base_version=1, author="amelie")
    store.conn.execute("UPDATE synthesis_versions SET note = '' WHERE synthesis_id = ?", (saved.id,))  # as before notes
    notes = [v.note for v in history(store, saved.id)]
    assert notes == ["Introduction modifiée : « Les banques… »", "création"]


def test_two_versions_side_by_side(store: Store) -> None:
    doc = draft_synthesis(store, resolve_scope(store, "domain", "financer"))
    saved = create_synthesis(store, doc, author="amelie")
    a = saved.doc
    first, second, third = (p.id for p in a.proposals[:3])
    b = edit.set_text(a, first, "Publier les refus de prêt.")
    b = edit.remove_item(b, second)
    b = edit.set_title(b, "Financer autrement")
    b = edit.add_item(b, edit.make_item("text", "Texte du groupe."), section="proposals")
    rows = side_by_side(a, b)
    by_item = {r.item: r for r in rows if r.item}
    assert rows[0].where == "Titre" and (rows[0].left, rows[0].right, rows[0].status) == (a.title, "Financer autrement", "changed")
    assert by_item[first].status == "changed" and by_item[first].right.startswith("Publier les refus de prêt.")
    assert by_item[first].left.startswith(a.proposals[0].text)
    assert by_item[second].status == "removed" and by_item[second].right == ""
    assert by_item[third].status == "same" and by_item[third].left == by_item[third].right
    added = [r for r in rows if r.status == "added"]
    assert len(added) == 1 and added[0].left == "" and "Texte du groupe." in added[0].right
    assert all(r.status == "same" for r in side_by_side(a, a) if r.item)
    moved = side_by_side(a, edit.move_item(a, first, 2))
    assert {r.status for r in moved if r.item == first} == {"moved"}
    assert get_synthesis(store, saved.id).version == 1
