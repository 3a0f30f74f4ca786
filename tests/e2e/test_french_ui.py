"""The app speaks French on every page, Streamlit's own words included (issue 15), in Chromium on
the sample database: no English word of Streamlit's interface in the text shown, in a tooltip,
an ``aria-label`` or a placeholder; the documented addresses open their page; a search that
finds nothing says so in French. A screenshot of each page goes to ``test-artifacts/``."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from e2e_helpers import shot, wait_idle
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from ess_nlp.app.components.french import ENGLISH_UI
from ess_nlp.store import Store
from ess_nlp.store.views import items as items_view

pytestmark = pytest.mark.browser

# Every page of the menu at the address docs/app.md gives it, and the title it shows.
PAGES = [
    ("vue-ensemble", "Vue d'ensemble"),
    ("explorer", "Explorer"),
    ("lire", "Lire un cahier"),
    ("rechercher", "Rechercher"),
    ("propositions", "Propositions"),
    ("initiatives", "Initiatives"),
    ("annoter", "Annoter"),
    ("importer", "Importer"),
    ("syntheses", "Synthèses"),
]
# English words that give an attribute away (whole words, any case); French shares "page", "menu"…
ENGLISH_WORDS = re.compile(
    r"\b(the|to|for|of|and|with|select|choose|press|click|open|close|show|hide|download|upload|clear|"
    r"search|remove|add|sidebar|collapse|expand|fullscreen|running|skip|heading|results?|files?|drag|drop)\b",
    re.IGNORECASE,
)
ATTRIBUTES = ("aria-label", "title", "placeholder", "data-title", "alt")
SHOWN = """() => {
  const hidden = (el) => !el.checkVisibility({visibilityProperty: true, opacityProperty: false});
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || el.closest('[data-testid="stIconMaterial"], script, style') || hidden(el)) continue;
    if (node.nodeValue.trim()) parts.push(node.nodeValue.trim());
  }
  return parts.join("\\n");
}"""
LABELS = """(names) => {
  const out = [];
  for (const el of document.querySelectorAll(names.map((n) => `[${n}]`).join(","))) {
    if (el.closest('[data-testid="stIconMaterial"]')) continue;
    for (const name of names) { const v = el.getAttribute(name); if (v && v.trim()) out.push(`${name}=${v}`); }
  }
  return out;
}"""


def english_in(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Streamlit's English words in what ``page`` shows and in its labels and tooltips."""
    text = page.evaluate(SHOWN)
    found = [f"texte : {word}" for word in ENGLISH_UI if word in text]
    for label in page.evaluate(LABELS, list(ATTRIBUTES)):
        value = label.split("=", 1)[1]
        if any(word in value for word in ENGLISH_UI) or ENGLISH_WORDS.search(value):
            found.append(label)
    return found


def open_page(page, url: str, title: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    page.get_by_role("heading", name=title, exact=True).first.wait_for()
    wait_idle(page)


def assert_french(page, name: str, artifacts) -> None:  # type: ignore[no-untyped-def]
    assert page.locator('[data-testid="stException"]').count() == 0, name
    shot(page, artifacts, f"fr-{name}")
    assert not english_in(page), (name, english_in(page))


@pytest.mark.parametrize(("path", "title"), PAGES, ids=[p for p, _ in PAGES])
def test_every_page_in_french(page, app_url, artifacts, path, title):
    open_page(page, f"{app_url}/{path}", title)
    assert page.url.split("?")[0].rstrip("/").endswith(path)  # the documented address stays
    assert_french(page, path, artifacts)


def test_the_root_opens_the_overview_at_its_documented_address(page, app_url, artifacts):
    open_page(page, app_url, "Vue d'ensemble")
    page.wait_for_url(re.compile(r"/vue-ensemble$"))
    current = page.locator(
        '[data-testid="stSidebarNav"] a[aria-current="page"], [data-testid="stSidebarNavLink"][aria-current="page"]'
    )
    assert "Vue d'ensemble" in current.first.inner_text()
    assert_french(page, "accueil", artifacts)


def test_a_cahier_and_an_unknown_address_in_french(page, app_url, artifacts, e2e_db):
    with Store(e2e_db) as store:
        cahier = str(items_view.items_frame(store, "proposal")["cahier"].iloc[0])
    open_page(page, f"{app_url}/lire?" + urlencode({"cahier": cahier}), "Lire un cahier")
    page.locator("mark.ess-proposal").first.wait_for()
    assert_french(page, "lire-cahier", artifacts)
    # Streamlit's "Page not found" dialog, in French. It is looked for as soon as the address is
    # asked, not after the run ends: once in CI (1 of 17 runs) it was not there 60 s after the run
    # ended. Streamlit draws it itself; the address is asked once more before the test fails.
    notice = page.get_by_text("Page introuvable")
    for attempt in (1, 2):
        page.goto(f"{app_url}/nexiste-pas")
        try:
            notice.wait_for(timeout=30_000 * attempt)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    page.get_by_role("heading", name="Vue d'ensemble", exact=True).first.wait_for()
    wait_idle(page)
    page.get_by_text("Cette adresse ne correspond à aucune page").wait_for()
    assert "Page not found" not in page.evaluate(SHOWN)
    assert_french(page, "adresse-inconnue", artifacts)


def test_search_without_hit_then_with_inflections_in_french(page, app_url, artifacts):
    open_page(page, f"{app_url}/rechercher", "Rechercher")
    box = page.get_by_label("Mot ou expression")
    box.fill("xyzzy")
    page.get_by_text("Entrée pour valider").wait_for()  # Streamlit's "Press Enter to apply"
    assert not english_in(page), english_in(page)
    box.press("Enter")
    page.get_by_text(re.compile("^Aucune phrase ne contient « xyzzy » dans le corpus")).wait_for()
    wait_idle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert_french(page, "rechercher-sans-resultat", artifacts)
    box.fill("coopérer")
    box.press("Enter")
    page.locator(".ess-kwic").wait_for()
    wait_idle(page)
    keywords = {k.lower() for k in page.locator(".ess-kwic b").all_inner_texts()}
    assert keywords and all(k.startswith("coop") and k != "coopération" for k in keywords), keywords
    assert keywords - {"coopérer"}, keywords  # an inflection the word typed does not spell
    assert_french(page, "rechercher-flexions", artifacts)
    # A drop-down list: Streamlit's "Select all" and "No results" in French.
    page.get_by_role("combobox", name="Domaines").click()
    page.get_by_role("option").first.wait_for()
    page.keyboard.type("xyzzy")
    page.get_by_text("Aucun résultat").wait_for()
    assert not english_in(page), english_in(page)
    shot(page, artifacts, "fr-rechercher-liste")
    page.keyboard.press("Escape")
