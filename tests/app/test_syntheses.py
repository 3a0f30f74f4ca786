"""Page « Synthèses » and « ajouter à la synthèse » with AppTest: create from the draft, edit with
autosave, reorder, conflict between two sessions, delete and undo, login and group access."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_pages import shown

import ess_nlp.app
from ess_nlp.access import UsersFile
from ess_nlp.store import Store
from ess_nlp.store.views import items as items_view
from ess_nlp.synthesis import (
    Scope,
    Synthesis,
    create_synthesis,
    delete_synthesis,
    draft_synthesis,
    edit,
    get_synthesis,
    list_syntheses,
    resolve_scope,
    save_synthesis,
)

MAIN = str(Path(ess_nlp.app.__file__).resolve().parents[1] / "streamlit_app.py")
dbfixtures = sys.modules["ess_ui_dbfixtures"]


@pytest.fixture
def db(sample_db: Path, tmp_path: Path) -> Path:
    return dbfixtures.copy_db(sample_db, tmp_path / "app.sqlite3")


def open_page(db: Path, monkeypatch: pytest.MonkeyPatch, page: str = "syntheses/page.py", **params: str) -> AppTest:
    monkeypatch.setenv("ESS_NLP_DB", str(db))
    at = AppTest.from_file(MAIN, default_timeout=180)
    at.run()
    at.switch_page(f"app/pages/{page}")
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    return at


def ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def make(db: Path, *, group: str | None = None, author: str = "amelie") -> int:
    with Store(db) as store:
        doc = draft_synthesis(store, resolve_scope(store, "domain", "financer"))
        return create_synthesis(store, doc, author=author, group=group).id


def test_create_from_the_draft(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(db, monkeypatch)
    ok(at)
    assert any("Aucune synthèse" in i.value for i in at.info)
    at.radio(key="syn_new_kind").set_value("domain").run()
    at.selectbox(key="syn_new_value_domain").set_value("financer").run()
    at.button(key="syn_create").click().run()
    ok(at)
    with Store(db) as store:
        [saved] = list_syntheses(store)
    assert saved.scope.value == "financer" and saved.created_by == "local" and saved.doc.proposals
    subheaders = [s.value for s in at.subheader]
    assert any(s.startswith("Nous proposons") for s in subheaders) and "Organisations contributrices" in subheaders
    assert at.query_params["synthese"] == [str(saved.id)] or at.query_params["synthese"] == str(saved.id)


def test_rewrite_and_reorder_autosave(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sid = make(db)
    with Store(db) as store:
        first, second = (p.id for p in get_synthesis(store, sid).doc.proposals[:2])
    at = open_page(db, monkeypatch, synthese=str(sid))
    ok(at)
    at.text_area(key=f"syn_w_{sid}_text_{first}").set_value("De créer un fonds régional de garantie.").run()
    ok(at)
    with Store(db) as store:
        saved = get_synthesis(store, sid)
    assert saved.version == 2 and saved.doc.proposals[0].text == "De créer un fonds régional de garantie."
    at.button(key=f"syn_w_{sid}_down_{first}").click().run()
    ok(at)
    with Store(db) as store:
        saved = get_synthesis(store, sid)
    assert [p.id for p in saved.doc.proposals[:2]] == [second, first] and saved.version == 3
    assert any("Version 3" in c.value for c in at.caption)


def test_second_session_sees_the_conflict_and_merges(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sid = make(db)
    at = open_page(db, monkeypatch, synthese=str(sid))
    ok(at)
    with Store(db) as store:  # someone else saves in between
        other = get_synthesis(store, sid)
        save_synthesis(store, sid, edit.set_title(other.doc, "Financer autrement"), base_version=1, author="bruno")
    at.text_area(key=f"syn_w_{sid}_doc_introduction").set_value("Notre introduction.").run()
    assert not at.exception
    messages = [shown(e.value) for e in at.error]
    assert any("modifiée par bruno (version 2)" in m for m in messages), messages
    assert any("Titre" in m.value for m in at.markdown)  # their changes are listed
    at.button(key=f"syn_w_{sid}_merge_conflict").click().run()
    ok(at)
    with Store(db) as store:
        saved = get_synthesis(store, sid)
    assert saved.version == 3 and saved.doc.title == "Financer autrement" and saved.doc.introduction == "Notre introduction."


def test_delete_asks_then_can_be_undone(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sid = make(db)
    at = open_page(db, monkeypatch, synthese=str(sid))
    at.button(key=f"syn_w_{sid}_delete").click().run()
    assert any("Supprimer la synthèse" in w.value for w in at.warning)
    with Store(db) as store:
        assert not get_synthesis(store, sid).deleted  # not before confirming
    at.button(key=f"syn_w_{sid}_delete_yes").click().run()
    ok(at)
    with Store(db) as store:
        assert get_synthesis(store, sid).deleted
    assert any("supprimée" in s.value for s in at.success)
    at.button(key=f"syn_undelete_{sid}").click().run()
    ok(at)
    with Store(db) as store:
        assert not get_synthesis(store, sid).deleted


def test_restore_an_older_version(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sid = make(db)
    with Store(db) as store:
        saved = get_synthesis(store, sid)
        save_synthesis(store, sid, edit.set_title(saved.doc, "Changé"), base_version=1, author="amelie")
    at = open_page(db, monkeypatch, synthese=str(sid))
    at.selectbox(key=f"syn_w_{sid}_restore_choice").set_value(1).run()
    at.button(key=f"syn_w_{sid}_restore").click().run()
    ok(at)
    with Store(db) as store:
        saved = get_synthesis(store, sid)
    assert saved.version == 3 and saved.doc.title == "Financer"


def test_add_to_synthesis_from_the_reader(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sid = make(db)


    with Store(db) as store:
        cahier = str(items_view.items_frame(store, "proposal")["cahier"].value_counts().index[0])
        before = get_synthesis(store, sid).doc.size
    at = open_page(db, monkeypatch, "reader.py", cahier=cahier)
    ok(at)
    prefix = f"reader_{cahier}"
    at.multiselect(key=f"{prefix}_syn_items").set_value([0, 1]).run()
    at.button(key=f"{prefix}_syn_add").click().run()
    ok(at)
    assert any("ajouté(s)" in s.value for s in at.success)
    with Store(db) as store:
        saved = get_synthesis(store, sid)
    assert saved.doc.size == before + 2 and saved.version == 2
    assert {c.cahier for c in saved.doc.citations()} >= {cahier}


def test_export_button_and_masking_toggle(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sid = make(db)
    at = open_page(db, monkeypatch, synthese=str(sid))
    ok(at)
    assert at.toggle(key="mask_personal").value is False  # local use: shown as written
    assert at.checkbox(key="syn_export_mask").value is True  # exports mask by default
    at.selectbox(key="syn_export_fmt").set_value("md").run()
    ok(at)
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Télécharger (Markdown (.md))", "Télécharger le corpus"]  # staff: corpus export too


def test_empty_database(empty_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(empty_db, monkeypatch)
    ok(at)
    assert at.title[0].value == "Synthèses"


@pytest.fixture
def users(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    f = UsersFile.load(tmp_path / "users.toml", missing_ok=True)
    f.add_group("t4", "Groupe T4")
    f.add_group("t5", "Groupe T5")
    f.add_user("amelie", role="facilitateur", groups=["t4"], password="mot de passe d'amélie")
    f.add_user("bruno", role="facilitateur", groups=["t5"], password="mot de passe de bruno")
    f.save()
    monkeypatch.setenv("ESS_NLP_USERS", str(f.path))
    monkeypatch.setenv("ESS_NLP_LOGIN", "1")
    return f.path


def login(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="auth_login_name").set_value(name)
    at.text_input(key="auth_password").set_value(password)
    return at.button[0].click().run()


def test_login_required_and_groups_only_see_their_syntheses(db: Path, monkeypatch: pytest.MonkeyPatch, users: Path) -> None:
    sid = make(db, group="t4")
    monkeypatch.setenv("ESS_NLP_DB", str(db))
    at = AppTest.from_file(MAIN, default_timeout=180).run()
    assert at.title[0].value == "Connexion"
    login(at, "bruno", "faux")
    assert any("incorrect" in e.value for e in at.error)
    login(at, "bruno", "mot de passe de bruno")
    at.switch_page("app/pages/syntheses/page.py")
    at.query_params["synthese"] = str(sid)
    at.run()
    assert not at.exception
    assert any("Accès refusé" in e.value for e in at.error)
    assert not any(s.label == "Synthèse" for s in at.selectbox)  # nothing of t4 listed
    other = AppTest.from_file(MAIN, default_timeout=180).run()
    login(other, "amelie", "mot de passe d'amélie")
    other.switch_page("app/pages/syntheses/page.py")
    other.query_params["synthese"] = str(sid)
    other.run()
    ok(other)
    assert other.selectbox(key="syn_select").value == sid
    assert [b.label for b in other.get("download_button")] == ["Télécharger (Word (.docx))"]  # no corpus export


def test_login_refused_when_no_account(db: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ESS_NLP_LOGIN", "1")
    monkeypatch.setenv("ESS_NLP_USERS", str(tmp_path / "none.toml"))
    monkeypatch.setenv("ESS_NLP_DB", str(db))
    at = AppTest.from_file(MAIN, default_timeout=180).run()
    assert any("aucun compte n'est configuré" in e.value for e in at.error)


def test_openid_connect_login_maps_the_email_to_a_user(db: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        '[auth]\nredirect_uri = "https://ess.exemple.org/oauth2callback"\ncookie_secret = "secret"\n'
        'client_id = "ess"\nclient_secret = "s"\nserver_metadata_url = "https://sso.exemple.org/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    f = UsersFile.load(tmp_path / "users.toml", missing_ok=True)
    f.add_user("sam", role="equipe", email="sam@exemple.org")  # no password: OIDC only
    f.save()
    monkeypatch.setenv("ESS_NLP_SECRETS", str(secrets))
    monkeypatch.setenv("ESS_NLP_USERS", str(f.path))
    monkeypatch.setenv("ESS_NLP_LOGIN", "1")
    monkeypatch.setenv("ESS_NLP_DB", str(db))
    at = AppTest.from_file(MAIN, default_timeout=180)
    at.user = {"is_logged_in": False}
    at.run()
    assert at.title[0].value == "Connexion" and at.button(key="auth_oidc_login").label == "Se connecter"
    at.user = {"is_logged_in": True, "email": "inconnu@exemple.org"}
    at.run()
    assert any("n'a pas accès" in e.value for e in at.error)
    other = AppTest.from_file(MAIN, default_timeout=180)
    other.user = {"is_logged_in": True, "email": "SAM@exemple.org"}
    other.run()
    other.switch_page("app/pages/syntheses/page.py")
    other.run()
    ok(other)
    assert other.title[0].value == "Synthèses"


def test_opening_a_deleted_synthesis_by_its_address(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``?synthese=ID`` of a deleted synthesis: the notice and the list of deleted ones both offer
    to restore it (a duplicate widget key raised before)."""
    with Store(db) as store:
        live = create_synthesis(store, Synthesis("Vivante", Scope("theme", "T4")), author="sam")
        gone = create_synthesis(store, Synthesis("Supprimée [x](http://127.0.0.1:9/x)", Scope("theme", "T5")), author="sam")
        delete_synthesis(store, gone.id, author="sam")
    at = open_page(db, monkeypatch, synthese=str(gone.id))
    assert not at.exception, [e.value for e in at.exception]
    assert any("a été supprimée par sam" in shown(w.value) for w in at.warning)
    assert not any("](http" in w.value for w in at.warning)
    assert live.id


def test_a_facilitator_cannot_import_retrain_or_unmask(db: Path, monkeypatch: pytest.MonkeyPatch, users: Path) -> None:
    """Served with accounts, a facilitateur's pages offer none of the actions the role lacks
    (issue 18); the library refuses them too (tests/access/test_permissions.py)."""
    sources = sqlite_count(db, "sources")
    monkeypatch.setenv("ESS_NLP_DB", str(db))
    at = AppTest.from_file(MAIN, default_timeout=180).run()
    login(at, "amelie", "mot de passe d'amélie")
    at.switch_page("app/pages/importer.py").run()
    assert not at.exception
    assert any("réservés à l'équipe" in i.value for i in at.info)
    assert not at.get("file_uploader") and not [b for b in at.button if b.key == "importer_go"]
    assert at.toggle(key="mask_personal_forced").value is True  # personal data stay masked
    at.switch_page("app/pages/annotate.py").run()
    assert not at.exception
    assert not [b for b in at.button if b.key in ("annotate_retrain", "annotate_make_current")]
    assert sqlite_count(db, "sources") == sources


def sqlite_count(db: Path, table: str) -> int:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_an_introduction_typed_during_a_deletion_comes_back_with_restore(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Someone deletes the synthesis while it is open here; the introduction typed next is kept:
    the page renders (no duplicate key), says so with the restore button, and restoring shows
    the synthesis with that introduction (issue 18)."""
    live = make(db)
    sid = make(db)
    at = open_page(db, monkeypatch, synthese=str(sid))
    ok(at)
    with Store(db) as store:
        delete_synthesis(store, sid, author="sam")
    at.text_area(key=f"syn_w_{sid}_doc_introduction").set_value("Notre introduction.").run()
    assert not at.exception, [e.value for e in at.exception]
    notices = [shown(w.value) for w in at.warning]
    assert any("supprimée par sam pendant que vous la modifiiez" in n and "gardée" in n for n in notices), notices
    with Store(db) as store:
        kept = get_synthesis(store, sid)
    assert kept.deleted and kept.doc.introduction == "Notre introduction."
    at.button(key=f"syn_undelete_notice_{sid}").click().run()
    ok(at)
    with Store(db) as store:
        back = get_synthesis(store, sid)
    assert not back.deleted and back.doc.introduction == "Notre introduction."
    assert at.text_area(key=f"syn_w_{sid}_doc_introduction").value == "Notre introduction."
    assert live != sid


def test_a_blank_title_is_refused_and_the_field_shows_the_stored_one(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sid = make(db)
    with Store(db) as store:
        title = get_synthesis(store, sid).title
    at = open_page(db, monkeypatch, synthese=str(sid))
    at.text_input(key=f"syn_w_{sid}_doc_title").set_value("   ").run()
    assert not at.exception
    assert any("ne peut pas être vide" in shown(e.value) for e in at.error)
    assert at.text_input(key=f"syn_w_{sid}_doc_title").value == title
    with Store(db) as store:
        assert get_synthesis(store, sid).title == title and get_synthesis(store, sid).version == 1


def test_autosave_on_a_full_disk_says_so_in_french(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The database may not grow (SQLite's real "database or disk is full"): typing an
    introduction shows one French sentence, no traceback, and the stored version is untouched."""
    sid = make(db)
    at = open_page(db, monkeypatch, synthese=str(sid))
    ok(at)
    original = Store.__init__

    def capped(self: Store, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
        self.conn.execute(f"PRAGMA max_page_count = {pages}")

    monkeypatch.setattr(Store, "__init__", capped)
    long_intro = " ".join(f"Phrase {n} de l'introduction du groupe." for n in range(20000))
    at.text_area(key=f"syn_w_{sid}_doc_introduction").set_value(long_intro).run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [shown(e.value) for e in at.error]
    assert any("disque plein" in e and "intact" in e for e in errors), errors
    monkeypatch.setattr(Store, "__init__", original)
    with Store(db) as store:
        saved = get_synthesis(store, sid)
    assert saved.version == 1 and saved.doc.introduction == ""


def test_a_bad_export_template_is_said_in_the_export_panel(
    db: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bad = tmp_path / "modele_cress.toml"
    bad.write_text('heading_colour = "bleu roi"\n', encoding="utf-8")
    monkeypatch.setenv("ESS_NLP_EXPORT_TEMPLATE", str(bad))
    sid = make(db)
    at = open_page(db, monkeypatch, synthese=str(sid))
    at.selectbox(key="syn_export_fmt").set_value("docx").run()
    ok(at)
    shown = [w.value.replace("\\", "") for w in at.warning]  # as read: Markdown escapes removed
    (warning,) = [w for w in shown if "modele_cress.toml" in w]
    assert "bleu roi" in warning and str(tmp_path) not in warning  # the file's name, not the server's folders
    assert any("modele\\_cress" in w.value for w in at.warning)  # the value is escaped, not Markdown
    at.selectbox(key="syn_export_fmt").set_value("md").run()  # Markdown has no layout: nothing to say
    assert not [w.value for w in at.warning if "cress" in w.value]
