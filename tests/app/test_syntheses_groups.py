"""« Synthèses » made for groups and clicks that are never lost (issues 15 item 3, 16 item 4),
with AppTest: a second synthesis for a scope and group only after a warning naming the first,
the groups offered, the session's current synthesis named wherever « Ajouter » is, the history
with what changed and two versions side by side, and several edits arriving in one run."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_pages import shown
from test_syntheses import make, ok, open_page

from ess_nlp.access import UsersFile
from ess_nlp.store import Store
from ess_nlp.store.views import items as items_view
from ess_nlp.synthesis import get_synthesis, history, list_syntheses

dbfixtures = sys.modules["ess_ui_dbfixtures"]


@pytest.fixture
def db(sample_db: Path, tmp_path: Path) -> Path:
    return dbfixtures.copy_db(sample_db, tmp_path / "groups.sqlite3")


def create_form(at: AppTest, kind: str, value: str, group: str) -> AppTest:
    at.radio(key="syn_new_kind").set_value(kind).run()
    at.selectbox(key=f"syn_new_value_{kind}").set_value(value).run()
    at.selectbox(key="syn_new_group").set_value(group).run()
    return at


def test_a_second_synthesis_for_the_same_scope_and_group_asks_first(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sid = make(db, group="t4")
    at = open_page(db, monkeypatch)
    create_form(at, "domain", "financer", "t4")
    assert any("Ce groupe a déjà une synthèse pour cette portée" in i.value and f"n° {sid}" in i.value for i in at.info)
    at.button(key="syn_create").click().run()
    ok(at)
    warning = next(shown(w.value) for w in at.warning if "existe déjà" in w.value)
    assert f"(n° {sid}, version 1, modifiée par amelie" in warning and "groupe « t4 »" in warning
    with Store(db) as store:
        assert len(list_syntheses(store)) == 1  # nothing created yet
    at.button(key="syn_create_second").click().run()
    ok(at)
    with Store(db) as store:
        found = list_syntheses(store)
    assert len(found) == 2 and {s.group for s in found} == {"t4"}
    assert at.selectbox(key="syn_select").value == max(s.id for s in found)  # the new one is open


def test_the_existing_one_can_be_opened_instead(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sid = make(db, group="t4")
    other = make(db, group="t5")
    at = open_page(db, monkeypatch, synthese=str(other))
    create_form(at, "domain", "financer", "t4")
    at.button(key="syn_create").click().run()
    at.button(key="syn_open_existing").click().run()
    ok(at)
    assert at.selectbox(key="syn_select").value == sid
    with Store(db) as store:
        assert len(list_syntheses(store)) == 2


def test_groups_offered_are_the_users_file_groups_and_those_in_use(
    db: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    users = UsersFile.load(tmp_path / "users.toml", missing_ok=True)
    users.add_group("t4", "Groupe T4 — Banques")
    users.add_group("t5", "Groupe T5")
    users.save()
    monkeypatch.setenv("ESS_NLP_USERS", str(users.path))
    make(db, group="t9")
    at = open_page(db, monkeypatch)
    options = at.selectbox(key="syn_new_group").options
    assert options[:3] == ["t4 — Groupe T4 — Banques", "t5 — Groupe T5", "t9 — t9"]
    assert options[-1] == "sans groupe (équipe seulement)"


def test_ajouter_adds_to_the_current_synthesis_chosen_once(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two syntheses with the same title for two groups: nothing is preselected; a click without
    a choice says why; once chosen, the panel names it on every page and adds there only."""
    t4, t5 = make(db, group="t4"), make(db, group="t5")
    with Store(db) as store:
        cahier = str(items_view.items_frame(store, "proposal")["cahier"].value_counts().index[0])
        assert get_synthesis(store, t4).title == get_synthesis(store, t5).title
    at = open_page(db, monkeypatch, "reader.py", cahier=cahier)
    prefix = f"reader_{cahier}"
    target = at.selectbox(key=f"{prefix}_syn_target")
    assert target.value is None
    assert any(f"n° {t4} · " in o and "groupe t4" in o for o in target.options)
    at.multiselect(key=f"{prefix}_syn_items").set_value([0]).run()
    at.button(key=f"{prefix}_syn_add").click().run()
    assert any("Choisissez d'abord votre synthèse courante" in e.value for e in at.error)
    at.selectbox(key=f"{prefix}_syn_target").set_value(t4).run()
    at.button(key=f"{prefix}_syn_add").click().run()
    ok(at)
    assert any("ajouté(s)" in s.value for s in at.success)
    with Store(db) as store:
        assert (get_synthesis(store, t4).version, get_synthesis(store, t5).version) == (2, 1)
    # passages chosen and « Ajouter » clicked at once (both in one run): the first click adds
    at.multiselect(key=f"{prefix}_syn_items").set_value([1])
    at.button(key=f"{prefix}_syn_add").click().run()
    ok(at)
    with Store(db) as store:
        assert (get_synthesis(store, t4).version, get_synthesis(store, t5).version) == (3, 1)
    at.switch_page("app/pages/syntheses/page.py").run()
    ok(at)
    assert at.selectbox(key="syn_select").value == t4  # opened on the current synthesis
    assert any("Votre synthèse courante" in c.value for c in at.caption)
    at.selectbox(key="syn_select").set_value(t5).run()
    assert any("reste" in c.value and f"n° {t4}" in c.value for c in at.caption)  # looking is not choosing
    at.button(key="syn_make_target").click().run()
    at.switch_page("app/pages/reader.py")
    at.query_params["cahier"] = cahier
    at.run()
    assert at.selectbox(key=f"{prefix}_syn_target").value == t5


def test_history_says_what_changed_and_compares_two_versions(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sid = make(db)
    with Store(db) as store:
        first = get_synthesis(store, sid).doc.proposals[0].id
    at = open_page(db, monkeypatch, synthese=str(sid))
    at.text_area(key=f"syn_w_{sid}_text_{first}").set_value("Publier les refus de prêt.").run()
    ok(at)
    frames = [d.value for d in at.dataframe]
    notes = next(f for f in frames if "ce qui a changé" in f.columns)
    assert notes["ce qui a changé"].iloc[0].startswith("Texte modifié") and notes["par"].iloc[0] == "local"
    compare = next(f for f in frames if "changement" in f.columns)
    assert list(compare.columns) == ["où", "version 1", "version 2", "changement"]
    assert compare.to_dict("records") == [
        {"où": "Nous proposons", "version 1": compare["version 1"].iloc[0], "version 2": compare["version 2"].iloc[0], "changement": "modifié"}
    ]
    assert compare["version 2"].iloc[0].startswith("Publier les refus de prêt.")


def test_edits_arriving_together_are_all_saved(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Quick successive edits reach the server in one run (Streamlit merges pending requests):
    two texts rewritten, a free text typed and « Ajouter » clicked at once, and a delete click.
    Each is a version; none is lost or overwritten by another's save."""
    sid = make(db)
    with Store(db) as store:
        a, b, c = (p.id for p in get_synthesis(store, sid).doc.proposals[:3])
    at = open_page(db, monkeypatch, synthese=str(sid))
    at.text_area(key=f"syn_w_{sid}_text_{a}").set_value("Texte A.")
    at.text_area(key=f"syn_w_{sid}_text_{b}").set_value("Texte B.")
    at.text_area(key=f"syn_w_{sid}_free_proposals").set_value("Texte libre du groupe.")
    at.button(key=f"syn_w_{sid}_free_add_proposals").click()
    at.button(key=f"syn_w_{sid}_remove_{c}").click().run()
    ok(at)
    with Store(db) as store:
        saved = get_synthesis(store, sid)
        versions = history(store, sid)
    texts = [p.text for p in saved.doc.proposals]
    assert "Texte A." in texts and "Texte B." in texts and "Texte libre du groupe." in texts
    assert c not in {p.id for p in saved.doc.proposals}
    assert saved.version == 5 and len(versions) == 5
    assert at.text_area(key=f"syn_w_{sid}_text_{b}").value == "Texte B."


def test_a_click_that_cannot_act_says_why(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sid = make(db)
    at = open_page(db, monkeypatch, synthese=str(sid))
    at.button(key=f"syn_w_{sid}_free_add_proposals").click().run()
    assert any("Écrivez d'abord le texte à ajouter" in e.value for e in at.error)
    at.selectbox(key=f"syn_w_{sid}_restore_choice").set_value(1).run()
    at.button(key=f"syn_w_{sid}_restore").click().run()
    assert any("déjà la version en cours" in i.value for i in at.info)
    with Store(db) as store:
        assert get_synthesis(store, sid).version == 1


def test_a_session_never_conflicts_with_its_own_saves(db: Path) -> None:
    """Quick edits whose runs were cut short before they recorded their version: the next save,
    based on an older version, is merged with this session's own versions; someone else's
    version in between is still a conflict shown to the person."""
    from ess_nlp.app.pages.syntheses import session
    from ess_nlp.synthesis import StaleSaveError, edit, save_synthesis

    sid = make(db)
    with Store(db) as store:
        doc = get_synthesis(store, sid).doc
        a, b = doc.proposals[0].id, doc.proposals[1].id
        session._save(store, sid, edit.set_text(doc, a, "Texte A."), 1, "")
        merged = session._save(store, sid, edit.set_text(doc, b, "Texte B."), 1, "")  # still based on 1
        assert merged.version == 3 and [p.text for p in merged.doc.proposals[:2]] == ["Texte A.", "Texte B."]
        save_synthesis(store, sid, edit.set_title(merged.doc, "Autre titre"), base_version=3, author="bruno")
        with pytest.raises(StaleSaveError):
            session._save(store, sid, edit.set_text(merged.doc, a, "Texte C."), 3, "")
        assert get_synthesis(store, sid).version == 4
