"""The app served to a team (``ess-nlp app --host 0.0.0.0``, login required) over a database
built from hostile input (issue 17): after login, every page opens in Debian chromium without an
exception, and a search that finds nothing says so (it raised a traceback before)."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_helpers import serve_app, shot, wait_idle

from ess_nlp.access import UsersFile

pytestmark = pytest.mark.browser

dbfixtures = sys.modules["ess_ui_dbfixtures"]
PASSWORD = "mot de passe de l'équipe"
PAGES = [
    ("Vue d'ensemble", "Vue d'ensemble"),
    ("Explorer", "Explorer"),
    ("Lire un cahier", "Lire un cahier"),
    ("Rechercher", "Rechercher"),
    ("Propositions", "Propositions"),
    ("Initiatives", "Initiatives"),
    ("Annoter", "Annoter"),
    ("Importer", "Importer"),
    ("Synthèses", "Synthèses"),
]


@pytest.fixture(scope="module")
def served(e2e_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``ess-nlp app --host 0.0.0.0`` over the hostile database, with a users file: the session's
    hostile database (tests/app shares it), on a copy of which the gold domains and themes are
    saved as annotations, as on ``e2e_db`` (which also makes the test need the browser)."""
    folder = tmp_path_factory.mktemp("hostile_served")
    db = dbfixtures.labelled_db(dbfixtures.shared_hostile_db(tmp_path_factory), folder / "hostile.sqlite3")
    users = UsersFile.load(folder / "users.toml", missing_ok=True)
    users.add_user("sam", role="equipe", name="Sam", password=PASSWORD)
    users.save()
    with serve_app(db, folder / "streamlit.log", cwd=folder, host="0.0.0.0",
                   env={"ESS_NLP_USERS": str(users.path)}) as url:  # fmt: skip
        yield url


def no_exception(page) -> None:  # type: ignore[no-untyped-def]
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]'
    ).first.inner_text()


def test_every_page_after_login_and_a_search_without_hits(browser, served, artifacts):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(90_000)
    try:
        page.goto(served)
        page.get_by_role("heading", name="Connexion").wait_for()
        page.get_by_label("Identifiant").fill("sam")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.get_by_text(re.compile("^Connecté·e")).wait_for()
        wait_idle(page)
        for link, heading in PAGES:
            page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=link).click()
            try:
                page.get_by_role("heading", name=heading).first.wait_for()
            except Exception:
                shot(page, artifacts, f"hostile-echec-{link}")  # what the page showed instead
                raise
            wait_idle(page)
            no_exception(page)
        page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Rechercher").click()
        page.get_by_role("heading", name="Rechercher").first.wait_for()
        box = page.get_by_label("Mot ou expression")
        box.fill("zzzz introuvable")
        box.press("Enter")
        page.get_by_text(re.compile("^Aucune phrase ne contient")).wait_for()
        wait_idle(page)
        no_exception(page)
        shot(page, artifacts, "hostile-recherche-sans-resultat")
    finally:
        context.close()
