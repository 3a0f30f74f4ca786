"""Markdown from documents, users and URLs stays text in the served app (issue 19).

The app is served to a team (``ess-nlp app --host 0.0.0.0``, login required) over a database
holding the three payloads of the issue: a .txt whose first line (the cahier's title) carries a
Markdown image and a fake « Reconnectez-vous » link, syntheses (one live, one deleted) with the
same title, and a reading URL whose ``?cahier=`` is a Markdown image; the logged-in user's display
name carries one too. Every link and image points at a local HTTP listener that counts the
requests it receives. In Debian chromium, after login on each page: 0 requests reach the
listener, no request leaves the app's origin, no ``<a>`` or ``<img>`` points at the listener,
and the payloads are shown as the characters they are.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest
from e2e_helpers import free_port, serve_app, shot, wait_idle

from ess_nlp.access import UsersFile
from ess_nlp.app.components.common import WORD_JOINER
from ess_nlp.pipeline import ingest_bytes
from ess_nlp.store import Store
from ess_nlp.synthesis import Scope, Synthesis, create_synthesis, delete_synthesis

pytestmark = pytest.mark.browser

PASSWORD = "mot de passe de l'équipe"


class Listener(ThreadingHTTPServer):
    """A local server standing for "outside": it counts every request it receives."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        super().__init__(("127.0.0.1", free_port()), _Count)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Count(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        assert isinstance(self.server, Listener)
        self.server.requests.append(self.path)
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    server = Listener()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def payload(listener: Listener, name: str) -> str:
    return f"![{name}]({listener.base}/{name}.png) [Reconnectez-vous]({listener.base}/x)"


@pytest.fixture(scope="module")
def served(listener: Listener, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, int]]:
    """The app over the hostile database: its URL, the hostile cahier's id, the deleted synthesis's id."""
    folder = tmp_path_factory.mktemp("markdown_injection")
    db = folder / "app.sqlite3"
    text = (
        f"Cahier — {payload(listener, 't')}\n\n"
        "Nos constats\n\nLes coopératives manquent de financements locaux.\n\n"
        "Nos propositions\n\nNous proposons de créer un fonds régional pour l'économie solidaire.\n"
    )
    with Store(db) as store:
        report = ingest_bytes(text.encode("utf-8"), "import/cahier-piege.txt", store)
        assert report.outcome == "added", report.message
        cahier = next(u.id for u in store.units("cahier"))
        title = f"Synthèse {payload(listener, 's')}"
        create_synthesis(store, Synthesis(title, Scope("theme", "T4", "Thème 4")), author="sam")
        gone = create_synthesis(store, Synthesis(title, Scope("theme", "T5", "Thème 5")), author="sam")
        delete_synthesis(store, gone.id, author="sam")
    users = UsersFile.load(folder / "users.toml", missing_ok=True)
    users.add_user("sam", role="equipe", name=f"Sam {payload(listener, 'u')}", password=PASSWORD)
    users.save()
    with serve_app(db, folder / "streamlit.log", cwd=folder, host="0.0.0.0",
                   env={"ESS_NLP_USERS": str(users.path)}) as url:  # fmt: skip
        yield url, cahier, gone.id


def open_logged_in(page, url: str) -> None:  # type: ignore[no-untyped-def]
    """Open ``url`` (a new session), log in, and wait for the page asked for."""
    page.goto(url)
    page.get_by_role("heading", name="Connexion").wait_for()
    page.get_by_label("Identifiant").fill("sam")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_text("Connecté·e").wait_for()
    wait_idle(page)


def links_and_images_to(page, base: str) -> list[str]:  # type: ignore[no-untyped-def]
    return page.evaluate(
        """(base) => [...document.querySelectorAll('a[href], img[src], image, source[srcset]')]
            .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('srcset') || '')
            .filter(u => u.includes(base))""",
        base,
    )


def test_markdown_from_documents_users_and_urls_is_shown_as_text(browser, served, listener, artifacts):  # type: ignore[no-untyped-def]
    url, cahier, deleted = served
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(90_000)
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((url, "data:", "blob:")) else outside.append(r.url))
    visits = {
        "adresse": (f"{url}/lire?cahier=" + quote(payload(listener, "r"), safe=""), f"![r]({listener.base}/r.png)"),
        "cahier": (f"{url}/lire?cahier={quote(cahier, safe='')}", f"Cahier — ![t]({listener.base}/t.png)"),
        "synthese": (f"{url}/syntheses?synthese={deleted}", f"Synthèse ![s]({listener.base}/s.png)"),
    }
    try:
        for name, (address, expected) in visits.items():
            open_logged_in(page, address)
            page.get_by_text(expected.split("http")[0], exact=False).first.wait_for()  # shown with a word joiner
            main = page.locator('[data-testid="stMain"]').inner_text().replace(WORD_JOINER, "")
            assert expected in main and "[Reconnectez-vous](" in main  # the characters, as typed
            sidebar = page.locator('[data-testid="stSidebar"]').inner_text().replace(WORD_JOINER, "")
            assert f"![u]({listener.base}/u.png)" in sidebar  # the display name, as typed
            assert links_and_images_to(page, listener.base) == [], name
            assert page.locator('[data-testid="stException"]').count() == 0
            shot(page, artifacts, f"markdown-injection-{name}")
        page.wait_for_timeout(1000)  # late image loads would arrive now
    finally:
        context.close()
    assert listener.requests == []
    assert outside == []
