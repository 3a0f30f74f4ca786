"""Syntheses in a real browser (Debian chromium driven by Playwright), with login as when the
app is served to a team: build a synthesis from the Explorer, reorder, export DOCX and read the
downloaded file; a second browser context edits the same synthesis and sees the conflict
message; a member of another group cannot open it; twenty quick successive edits (texts, delete
clicks, a free text added with one click right after typing) are twenty versions. Screenshots go
to ``test-artifacts/``."""

from __future__ import annotations

import re
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_helpers import serve_app, shot, wait_idle

from ess_nlp import synthesis
from ess_nlp.access import UsersFile
from ess_nlp.store import Store
from ess_nlp.synthesis import draft_synthesis, get_synthesis, list_syntheses, resolve_scope

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
dbfixtures = sys.modules["ess_ui_dbfixtures"]
PASSWORDS = {"amelie": "mot de passe d'amélie", "sam": "mot de passe de l'équipe", "bruno": "mot de passe de bruno"}


@pytest.fixture(scope="module")
def team(e2e_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The app served with login required (as for a team), over a copy of the sample database
    with topics, and a users file: amelie (t4), bruno (t5), sam (équipe)."""
    folder = tmp_path_factory.mktemp("syntheses_e2e")
    db = dbfixtures.topics_db(e2e_db, folder / "team.sqlite3")
    users = UsersFile.load(folder / "users.toml", missing_ok=True)
    users.add_group("t4", "Groupe T4 — Banques")
    users.add_group("t5", "Groupe T5 — Finance alternative")
    users.add_user("amelie", role="facilitateur", name="Amélie", groups=["t4"], password=PASSWORDS["amelie"])
    users.add_user("bruno", role="facilitateur", name="Bruno", groups=["t5"], password=PASSWORDS["bruno"])
    users.add_user("sam", role="equipe", name="Sam", password=PASSWORDS["sam"])
    users.save()
    with serve_app(db, folder / "streamlit.log", cwd=folder,
                   env={"ESS_NLP_USERS": str(users.path), "ESS_NLP_LOGIN": "1"}) as url:
        yield url, db


def group_synthesis(db: Path) -> int:
    """The latest synthesis of group t4; made by the library when there is none yet (the tests of
    this module may run in any order, on any xdist worker, each with its own server and database)."""
    with Store(db) as store:
        ids = [s.id for s in list_syntheses(store) if s.group == "t4"]
        if ids:
            return max(ids)
        doc = draft_synthesis(store, resolve_scope(store, "domain", "financer"))
        return synthesis.create_synthesis(store, doc, author="amelie", group="t4").id


def new_tab(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    return context, page


def open_as(page, url: str, login: str, heading: str) -> None:  # type: ignore[no-untyped-def]
    """Load ``url`` (a new Streamlit session: the login form comes first) and log in."""
    page.goto(url)
    page.get_by_role("heading", name="Connexion").wait_for()
    page.get_by_label("Identifiant").fill(login)
    page.get_by_label("Mot de passe").fill(PASSWORDS[login])
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_text(re.compile("^Connecté·e")).wait_for()
    page.get_by_role("heading", name=heading).first.wait_for()
    wait_idle(page)


def navigate(page, name: str, heading: str) -> None:  # type: ignore[no-untyped-def]
    """Go to another page through the sidebar (same session, still logged in)."""
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=name).click()
    page.get_by_role("heading", name=heading).first.wait_for()
    wait_idle(page)


def key(page, name: str):  # type: ignore[no-untyped-def]
    """The element of the widget with Streamlit key ``name``."""
    return page.locator(f".st-key-{name}")


def create_synthesis(page, artifacts: Path, db: Path) -> int:  # type: ignore[no-untyped-def]
    page.get_by_text("Domaine", exact=True).click()
    wait_idle(page)
    page.get_by_role("combobox", name="Valeur").click()
    page.keyboard.type("Financer")
    page.get_by_role("option", name="Financer").click()
    wait_idle(page)
    page.get_by_test_id("stCheckbox").get_by_text("Partir du brouillon proposé").click()  # an empty synthesis, filled from the Explorer
    wait_idle(page)
    shot(page, artifacts, "syntheses-01-nouvelle")
    page.get_by_role("button", name="Créer la synthèse").click()
    wait_idle(page)
    second = page.get_by_role("button", name="Créer quand même une seconde synthèse")
    if second.count():  # another test of this module made one for the group first: a deliberate second one
        second.click()
    page.get_by_role("heading", name=re.compile("^Nous proposons")).wait_for()
    wait_idle(page)
    with Store(db) as store:
        return max(s.id for s in list_syntheses(store))


def test_build_from_the_explorer_reorder_and_export_docx(browser, team, artifacts, tmp_path):  # type: ignore[no-untyped-def]
    url, db = team
    context, page = new_tab(browser)
    try:
        open_as(page, f"{url}/syntheses", "amelie", "Synthèses")
        sid = create_synthesis(page, artifacts, db)
        with Store(db) as store:
            created = get_synthesis(store, sid)
        assert created.group == "t4" and created.created_by == "amelie" and created.doc.size == 0
        # Explorer: pick the largest topic, add two of its passages as constats
        navigate(page, "Explorer", "Explorer")
        grid = page.locator('[data-testid="stDataFrame"]').nth(1)
        grid.scroll_into_view_if_needed()
        page.wait_for_timeout(800)
        box = grid.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the selection cell of the first row
        page.get_by_text(re.compile(r"^Sujet \d+ · ")).first.wait_for()
        wait_idle(page)
        panel = page.get_by_text("Ajouter à la synthèse")
        panel.scroll_into_view_if_needed()
        panel.click()
        chooser = page.get_by_role("combobox", name="Passages à ajouter")
        chooser.wait_for()
        wait_idle(page)
        chooser.click()
        select_all = page.locator('[role="option"][data-key="__select_all__"]')
        try:
            select_all.wait_for(timeout=5_000)
        except Exception:
            page.screenshot(path=str(artifacts / "syntheses-debug-passages.png"))
            chooser.click()
        select_all.click()  # every passage listed
        wait_idle(page)
        page.keyboard.press("Escape")
        wait_idle(page)
        page.keyboard.press("Escape")
        wait_idle(page)
        kind = page.get_by_role("combobox", name="Ajouter comme")
        kind.click()
        page.keyboard.type("constat")
        page.get_by_role("option", name="constat", exact=True).click()
        wait_idle(page)
        shot(page, artifacts, "syntheses-02-explorer-ajouter")
        page.get_by_role("button", name="Ajouter", exact=True).click()
        added = page.get_by_text(re.compile(r"^\d+ passage\(s\) ajouté\(s\)"))
        added.wait_for()
        count = int(added.inner_text().split()[0])
        wait_idle(page)
        with Store(db) as store:
            saved = get_synthesis(store, sid)
        assert count >= 2 and len(saved.doc.constats) == count and saved.version == 2
        assert {i.kind for i in saved.doc.constats} == {"constat"} and all(i.citations for i in saved.doc.constats)
        first, second = (i.id for i in saved.doc.constats[:2])
        # reorder on the synthesis page
        navigate(page, "Synthèses", "Synthèses")
        key(page, f"syn_w_{sid}_down_{first}").get_by_role("button").click()
        page.get_by_text(re.compile(r"Version 3 ·")).wait_for()
        wait_idle(page)
        with Store(db) as store:
            saved = get_synthesis(store, sid)
        assert [i.id for i in saved.doc.constats[:2]] == [second, first]
        shot(page, artifacts, "syntheses-03-reordonnee")
        # export DOCX and read the file: a facilitateur may not export personal data unmasked
        # (issue 18), so the box stays ticked and disabled and the texts are the masked ones
        mask_box = key(page, "syn_export_mask").get_by_role("checkbox")
        assert mask_box.is_checked() and mask_box.is_disabled()
        download_button = page.get_by_role("button", name=re.compile("^Télécharger"))
        download_button.scroll_into_view_if_needed()
        with page.expect_download() as info:
            download_button.click()
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        assert path.suffix == ".docx"
        import docx

        word = docx.Document(str(path))
        paragraphs = [(p.style.name, p.text) for p in word.paragraphs]
        assert paragraphs[0] == ("Title", saved.doc.title)
        start = paragraphs.index(("Heading 1", "Nous constatons"))
        end = next(i for i in range(start + 1, len(paragraphs)) if paragraphs[i][0].startswith("Heading"))
        exported = [text for _, text in paragraphs[start + 1 : end]]
        from ess_nlp.export._model import masked_doc
        from ess_nlp.privacy import Masker

        assert exported == [i.text for i in masked_doc(saved.doc, Masker()).constats]  # in the new order
        with zipfile.ZipFile(path) as z:
            notes = z.read("word/footnotes.xml").decode("utf-8")
        assert notes.count("<w:footnote ") == count + 2  # one per constat, plus the two separators
    finally:
        context.close()


def test_second_context_sees_the_conflict(browser, team, artifacts):  # type: ignore[no-untyped-def]
    url, db = team
    sid = group_synthesis(db)
    first_ctx, first = new_tab(browser)
    second_ctx, second = new_tab(browser)
    try:
        open_as(first, f"{url}/syntheses?synthese={sid}", "amelie", "Synthèses")
        open_as(second, f"{url}/syntheses?synthese={sid}", "sam", "Synthèses")
        intro = first.get_by_label("Introduction")
        intro.fill("Les banques se retirent des territoires ruraux.")
        first.keyboard.press("Control+Enter")
        first.get_by_text("✓ Enregistré.", exact=False).wait_for()
        wait_idle(first)
        title = second.get_by_label("Titre", exact=True)
        title.fill("Financer l'ESS sur les territoires")
        title.press("Enter")
        second.get_by_text(re.compile("a été modifiée par amelie")).wait_for()
        wait_idle(second)
        shot(second, artifacts, "syntheses-04-conflit")
        second.get_by_role("button", name="Fusionner et enregistrer").click()
        second.get_by_text("✓ Enregistré.", exact=False).wait_for()
        wait_idle(second)
        with Store(db) as store:
            saved = get_synthesis(store, sid)
        assert saved.doc.title == "Financer l'ESS sur les territoires"
        assert saved.doc.introduction == "Les banques se retirent des territoires ruraux."
        assert saved.updated_by == "sam"
    finally:
        first_ctx.close()
        second_ctx.close()


def test_another_group_cannot_open_it(browser, team, artifacts):  # type: ignore[no-untyped-def]
    url, db = team
    sid = group_synthesis(db)
    context, page = new_tab(browser)
    try:
        open_as(page, f"{url}/syntheses?synthese={sid}", "bruno", "Synthèses")
        page.get_by_text(re.compile("^Accès refusé")).wait_for()
        assert page.get_by_role("combobox", name="Synthèse", exact=True).count() == 0
        shot(page, artifacts, "syntheses-05-acces-refuse")
    finally:
        context.close()


def test_twenty_quick_edits_are_twenty_versions(browser, team, artifacts):  # type: ignore[no-untyped-def]
    """Issue 16, item 4: edits made one after the other without waiting for the app (each click
    or change arrives while the previous one is still being saved): 15 texts rewritten, 4 delete
    clicks and a free text typed then added with one click. Every one is a version; none is lost
    without a message."""
    url, db = team
    with Store(db) as store:
        doc = synthesis.Synthesis("Vingt modifications", synthesis.Scope("theme", "T4"))
        for n in range(20):
            doc = synthesis.edit.add_item(doc, synthesis.edit.make_item("text", f"Proposition n° {n} du groupe."), section="proposals")
        sid = synthesis.create_synthesis(store, doc, author="amelie", group="t4").id
        items = [i.id for i in get_synthesis(store, sid).doc.proposals]
    context, page = new_tab(browser)
    try:
        open_as(page, f"{url}/syntheses?synthese={sid}", "amelie", "Synthèses")
        for n in range(15):  # rewrite: each change is sent when the field loses focus
            field = key(page, f"syn_w_{sid}_text_{items[n]}").locator("textarea")
            field.fill(f"Texte réécrit n° {n}.")
            field.press("Tab")
        for n in range(15, 19):  # delete clicks, one right after the other
            key(page, f"syn_w_{sid}_remove_{items[n]}").get_by_role("button").click()
        page.get_by_role("button", name="Ajouter un texte libre").nth(1).click()  # constats, propositions, exemples
        free = key(page, f"syn_w_{sid}_free_proposals").locator("textarea")
        free.fill("Texte libre ajouté d'un seul clic.")
        key(page, f"syn_w_{sid}_free_add_proposals").get_by_role("button").click()  # the first click, at once
        wait_idle(page)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with Store(db) as store:
                saved = get_synthesis(store, sid)
            if saved.version >= 21:
                break
            page.wait_for_timeout(500)
        wait_idle(page)
        page.keyboard.press("Escape")
        shot(page, artifacts, "syntheses-06-vingt-modifications")
        errors = page.get_by_test_id("stAlertContentError")
        assert errors.count() == 0, errors.all_inner_texts()
        with Store(db) as store:
            saved = get_synthesis(store, sid)
            versions = synthesis.history(store, sid)
        texts = [i.text for i in saved.doc.proposals]
        assert saved.version == 21 and len(versions) == 21, [(v.version, v.note) for v in versions]
        assert texts[:15] == [f"Texte réécrit n° {n}." for n in range(15)]
        assert not set(items[15:19]) & {i.id for i in saved.doc.proposals}
        assert texts[15:] == ["Proposition n° 19 du groupe.", "Texte libre ajouté d'un seul clic."]
        assert all(v.author == "amelie" and v.note for v in versions)
    finally:
        context.close()
