"""Storage: versions, history and restore, optimistic concurrency between two sessions,
merge, soft delete with undo, working-group access."""

from __future__ import annotations

from pathlib import Path

import pytest

from ess_nlp.access import AccessDenied, User
from ess_nlp.errors import ConfigError
from ess_nlp.store import Store
from ess_nlp.synthesis import (
    StaleSaveError,
    create_synthesis,
    delete_synthesis,
    draft_synthesis,
    edit,
    get_synthesis,
    history,
    list_syntheses,
    load_version,
    resolve_scope,
    restore_version,
    save_synthesis,
    undelete_synthesis,
)

AMELIE = User("amelie", "Amélie", "facilitateur", ("t4",))
BRUNO = User("bruno", "Bruno", "facilitateur", ("t5",))
STAFF = User("sam", "Sam", "equipe")


@pytest.fixture
def saved(store: Store):  # type: ignore[no-untyped-def]
    doc = draft_synthesis(store, resolve_scope(store, "domain", "financer"))
    return create_synthesis(store, doc, user=AMELIE, group="t4")


def test_create_then_save_adds_versions_and_history(store: Store, saved) -> None:  # type: ignore[no-untyped-def]
    assert saved.version == 1 and saved.created_by == "amelie" and saved.group == "t4"
    v2 = save_synthesis(store, saved.id, edit.set_introduction(saved.doc, "Intro"), base_version=1, user=AMELIE)
    assert v2.version == 2 and v2.doc.introduction == "Intro"
    same = save_synthesis(store, saved.id, v2.doc, base_version=2, user=AMELIE)
    assert same.version == 2  # nothing changed: no new version
    versions = history(store, saved.id)
    assert [(v.version, v.author, v.note) for v in versions] == [(2, "amelie", "Introduction modifiée : « Intro »"), (1, "amelie", "création")]
    assert load_version(store, saved.id, 1) == saved.doc


def test_restore_adds_a_version_and_keeps_the_later_ones(store: Store, saved) -> None:  # type: ignore[no-untyped-def]
    v2 = save_synthesis(store, saved.id, edit.remove_item(saved.doc, saved.doc.proposals[0].id), base_version=1, author="amelie")
    v3 = restore_version(store, saved.id, 1, base_version=v2.version, author="amelie")
    assert v3.version == 3 and v3.doc == saved.doc
    assert next(v.note for v in history(store, saved.id)).startswith("restauration de la version 1 — Ajouté dans")
    assert load_version(store, saved.id, 2) == v2.doc


def test_two_sessions_one_stale_save(saved, store: Store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = saved
    with Store(store.path) as other:  # a second person, on another connection
        second = get_synthesis(other, saved.id)
        mine = edit.set_text(second.doc, second.doc.proposals[0].id, "De créer un fonds régional de garantie")
        theirs = edit.set_introduction(first.doc, "Les banques se retirent des territoires.")
        save_synthesis(store, saved.id, theirs, base_version=1, author="amelie")
        with pytest.raises(StaleSaveError) as caught:
            save_synthesis(other, saved.id, mine, base_version=second.version, author="bruno")
        err = caught.value
        assert "modifiée par amelie (version 2)" in str(err) and "(version 1)" in str(err)
        assert [c.kind for c in err.their_changes] == ["document"]
        assert any("De créer un fonds" in c.what for c in err.my_changes)
        merged = err.merge()
        assert not merged.conflicts
        assert merged.doc.introduction == "Les banques se retirent des territoires."
        assert merged.doc.proposals[0].text == "De créer un fonds régional de garantie"
        done = save_synthesis(other, saved.id, merged.doc, base_version=err.theirs.version, author="bruno")
        assert done.version == 3
    # nothing was lost: every version is there
    assert [v.version for v in history(store, saved.id)] == [3, 2, 1]


def test_conflicting_edits_keep_mine_and_say_so(saved, store: Store) -> None:  # type: ignore[no-untyped-def]
    pid = saved.doc.proposals[0].id
    save_synthesis(store, saved.id, edit.set_text(saved.doc, pid, "Version A"), base_version=1, author="amelie")
    with pytest.raises(StaleSaveError) as caught:
        save_synthesis(store, saved.id, edit.set_text(saved.doc, pid, "Version B"), base_version=1, author="bruno")
    merged = caught.value.merge()
    assert merged.doc.proposals[0].text == "Version B"
    assert merged.conflicts and "Version A" in merged.conflicts[0]


def test_soft_delete_and_undo(store: Store, saved) -> None:  # type: ignore[no-untyped-def]
    delete_synthesis(store, saved.id, user=AMELIE)
    assert list_syntheses(store) == []
    assert get_synthesis(store, saved.id).deleted
    with pytest.raises(ConfigError, match="a été supprimée par amelie"):
        save_synthesis(store, saved.id, saved.doc, base_version=1, author="amelie")
    back = undelete_synthesis(store, saved.id, user=AMELIE)
    assert not back.deleted and [s.id for s in list_syntheses(store)] == [saved.id]
    assert back.doc == saved.doc


def test_groups_see_and_edit_only_their_syntheses(store: Store, saved) -> None:  # type: ignore[no-untyped-def]
    assert [s.id for s in list_syntheses(store, user=AMELIE)] == [saved.id]
    assert list_syntheses(store, user=BRUNO) == []
    assert [s.id for s in list_syntheses(store, user=STAFF)] == [saved.id]
    with pytest.raises(AccessDenied, match="Accès refusé : cette synthèse appartient à un groupe") as denied:
        get_synthesis(store, saved.id, user=BRUNO)
    assert saved.title not in str(denied.value) and "t4" not in str(denied.value)  # nothing of the other group
    with pytest.raises(AccessDenied):
        save_synthesis(store, saved.id, saved.doc, base_version=1, user=BRUNO)
    with pytest.raises(AccessDenied):
        delete_synthesis(store, saved.id, user=BRUNO)
    with pytest.raises(AccessDenied, match="ne fait pas partie du groupe « t4 »"):
        create_synthesis(store, saved.doc, user=BRUNO, group="t4")
    staff_edit = save_synthesis(store, saved.id, edit.set_title(saved.doc, "Financer l'ESS"), base_version=1, user=STAFF)
    assert staff_edit.updated_by == "sam"


def test_synthesis_survives_removal_of_its_sources(store: Store, saved) -> None:  # type: ignore[no-untyped-def]
    for row in store.sources():
        store.remove_source(row["path"])
    again = get_synthesis(store, saved.id)
    assert again.doc == saved.doc and list(again.doc.citations())


def test_author_required(store: Store) -> None:
    doc = draft_synthesis(store, resolve_scope(store, "domain", "consommer"))
    with pytest.raises(ConfigError, match="auteur vide"):
        create_synthesis(store, doc, author=" ")


def test_a_blank_title_is_refused_on_save_as_on_creation(store: Store, saved) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    for blank in ("", "   ", "\t\n"):
        with pytest.raises(ConfigError, match="titre de la synthèse ne peut pas être vide"):
            save_synthesis(store, saved.id, replace(saved.doc, title=blank), base_version=1, user=AMELIE)
    assert get_synthesis(store, saved.id).title == saved.title and get_synthesis(store, saved.id).version == 1


def test_invisible_titles_are_refused_everywhere(store: Store, saved) -> None:  # type: ignore[no-untyped-def]
    """Creation, rename (edit.set_title), save and restore of a version all refuse a title with
    nothing visible: spaces, tabs, no-break and zero-width spaces."""
    from dataclasses import replace

    blanks = ("", "   ", "\t\n", "\u00a0\u2009", "\u200b\u200d", " \ufeff ")
    for blank in blanks:
        with pytest.raises(ConfigError, match="titre de la synthèse ne peut pas être vide"):
            edit.set_title(saved.doc, blank)
        with pytest.raises(ConfigError, match="titre de la synthèse ne peut pas être vide"):
            create_synthesis(store, replace(saved.doc, title=blank), user=AMELIE, group="t4")
        with pytest.raises(ConfigError, match="titre de la synthèse ne peut pas être vide"):
            save_synthesis(store, saved.id, replace(saved.doc, title=blank), base_version=1, user=AMELIE)
    assert edit.set_title(saved.doc, " \u200bFinancer ").title == "\u200bFinancer"  # something visible: kept
    assert len(list_syntheses(store)) == 1 and get_synthesis(store, saved.id).version == 1


def test_an_edit_made_while_someone_deleted_the_synthesis_is_kept(store: Store, saved) -> None:  # type: ignore[no-untyped-def]
    """Amélie types an introduction on the version she opened while Sam deletes the synthesis:
    her save is stored (a new version of the deleted synthesis), she is told in French, and
    restoring brings the synthesis back with her introduction."""
    from ess_nlp.synthesis import SynthesisDeletedError

    opened = get_synthesis(store, saved.id, user=AMELIE)
    delete_synthesis(store, saved.id, user=STAFF)
    mine = edit.set_introduction(opened.doc, "Les banques se retirent des territoires.")
    with pytest.raises(SynthesisDeletedError, match="supprimée par sam pendant que vous la modifiiez") as caught:
        save_synthesis(store, saved.id, mine, base_version=opened.version, user=AMELIE)
    assert "votre modification est gardée (version 2)" in str(caught.value)
    assert caught.value.saved.deleted and caught.value.saved.version == 2
    assert list_syntheses(store) == []  # still deleted until someone restores it
    back = undelete_synthesis(store, saved.id, user=AMELIE)
    assert not back.deleted and back.version == 2
    assert back.doc.introduction == "Les banques se retirent des territoires."
    assert "modifiée pendant sa suppression" in history(store, saved.id)[0].note


def test_two_people_reordering_at_once_is_a_reported_conflict(store: Store, saved) -> None:  # type: ignore[no-untyped-def]
    """Both reorder « Nous proposons » from version 1: the second save is refused as stale, its
    changes and theirs are listed, and the merge says the order was changed on both sides
    (before, one order was dropped with no notice)."""
    ids = [p.id for p in saved.doc.proposals]
    assert len(ids) >= 3
    theirs = edit.reorder(saved.doc, "proposals", list(reversed(ids)))
    mine = edit.move_item(saved.doc, ids[0], 1)
    save_synthesis(store, saved.id, theirs, base_version=1, author="bruno")
    with pytest.raises(StaleSaveError) as caught:
        save_synthesis(store, saved.id, mine, base_version=1, author="amelie")
    err = caught.value
    assert any(c.kind == "moved" and "Nous proposons" in c.what for c in err.their_changes)
    assert any(c.kind == "moved" and "Nous proposons" in c.what for c in err.my_changes)
    merged = err.merge()
    assert merged.conflicts == ("Ordre de « Nous proposons » modifié des deux côtés ; votre ordre est gardé.",)
    assert [p.id for p in merged.doc.proposals] == [p.id for p in mine.proposals]
    assert [p.id for p in get_synthesis(store, saved.id).doc.proposals] == list(reversed(ids))  # theirs stays saved


def test_a_save_on_a_full_disk_is_a_french_sentence_and_loses_nothing(store: Store, saved) -> None:  # type: ignore[no-untyped-def]
    """SQLite's real "database or disk is full" (the file may not grow: ``max_page_count``): the
    save raises StorageError in French naming the base, and version 1 is still there, whole."""
    from ess_nlp.errors import StorageError

    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")
    long_intro = " ".join(f"Phrase {n} de l'introduction du groupe de travail." for n in range(20000))
    with pytest.raises(StorageError, match="disque plein") as caught:
        save_synthesis(store, saved.id, edit.set_introduction(saved.doc, long_intro), base_version=1, user=AMELIE)
    assert str(store.path) in str(caught.value) and "intact" in str(caught.value)
    store.conn.execute("PRAGMA max_page_count = 1073741823")
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    again = get_synthesis(store, saved.id)
    assert again.version == 1 and again.doc == saved.doc and [v.version for v in history(store, saved.id)] == [1]
    done = save_synthesis(store, saved.id, edit.set_introduction(saved.doc, "Courte."), base_version=1, user=AMELIE)
    assert done.version == 2  # the store is usable again once there is room
