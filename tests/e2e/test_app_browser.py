"""The flows a facilitator follows, in a real browser (Debian chromium driven by Playwright)
against the app served on 127.0.0.1. Screenshots of each page go to ``test-artifacts/``."""

from __future__ import annotations

import re

import pytest
from e2e_helpers import shot, wait_idle

from ess_nlp.store import Store
from ess_nlp.store.views import items as items_view

pytestmark = pytest.mark.browser


def open_page(page, url: str, title: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    page.get_by_role("heading", name=title).first.wait_for()
    wait_idle(page)


def test_overview_and_heatmap_cell(page, app_url, artifacts):
    open_page(page, app_url, "Vue d'ensemble")
    assert page.get_by_text("Cahiers").first.is_visible()
    shot(page, artifacts, "01-vue-ensemble")
    heatmap = page.locator('[data-testid="stPlotlyChart"]').first
    heatmap.locator(".nsewdrag").first.wait_for()  # plotly drew the figure
    page.wait_for_timeout(500)
    heatmap.scroll_into_view_if_needed()
    drag = heatmap.locator(".nsewdrag").first
    box = drag.bounding_box()
    assert box is not None
    # Click the cell Financer (5th of 9 domain columns) x T5 (5th of 12 theme rows).
    page.mouse.click(box["x"] + box["width"] * 4.5 / 9, box["y"] + box["height"] * 4.5 / 12)
    page.get_by_text(re.compile(r"^Passages : ")).wait_for()
    wait_idle(page)
    title = page.get_by_text(re.compile(r"^Passages : ")).inner_text()
    assert title == "Passages : Financer × T5 Finance alternative", title
    links = page.locator('[data-testid="stPageLink"] a[href*="cahier="]')
    # The heading is sent before the links, in the same run: wait for the first link to be drawn.
    links.first.wait_for(timeout=30_000)
    assert links.count() >= 1
    shot(page, artifacts, "02-vue-ensemble-case")
    links.first.click()
    page.get_by_role("heading", name="Lire un cahier").wait_for()
    page.locator("mark.ess-proposal").first.wait_for()
    assert "cahier=" in page.url


def test_open_a_cahier_from_the_list_and_see_a_highlighted_proposal(page, app_url, artifacts, e2e_db):
    with Store(e2e_db) as store:
        proposals = items_view.items_frame(store, "proposal")
        cahier_id = str(proposals["cahier"].value_counts().index[0])
        title = store.unit(cahier_id).title
    open_page(page, f"{app_url}/lire", "Lire un cahier")
    shot(page, artifacts, "03-lire-vide")
    select = page.get_by_role("combobox", name="Cahier")
    select.click()
    page.keyboard.type(title[:25])
    page.get_by_role("option", name=re.compile(re.escape(title[:25]))).first.click()
    wait_idle(page)
    # the address follows the choice once the page has rerun (seconds on a busy machine)
    key, place = cahier_id.split(":", 1)
    page.wait_for_url(re.compile(f"cahier={re.escape(key)}(%3A|:){re.escape(place)}"), timeout=30_000)
    proposal = page.locator("mark.ess-proposal").first
    proposal.scroll_into_view_if_needed()
    assert proposal.is_visible()
    assert proposal.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"
    page.locator("mark.ess-constat").first.wait_for()
    page.locator(".ess-ent").first.wait_for()
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, artifacts, "04-lire-cahier")


def test_annotate_a_unit(page, app_url, artifacts, e2e_db):
    with Store(e2e_db) as store:
        before = store.conn.execute("SELECT count(*) FROM app_annotations").fetchone()[0]
    open_page(page, f"{app_url}/annoter", "Annoter")
    name = page.get_by_label("Votre nom (annotateur)")
    name.fill("Navigateur")
    name.press("Enter")
    page.get_by_text(re.compile(r"^Unité 1 sur \d+")).wait_for()
    wait_idle(page)
    counter = page.get_by_text(re.compile(r"^Unité 1 sur \d+")).inner_text()
    labels = page.get_by_role("combobox", name=re.compile("^Étiquettes de cette unité"))
    # add a domain the model did not already pre-fill
    box = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Étiquettes de cette unité")
    candidates = {"Financer": "financer", "Coopérer": "cooperer", "Se loger": "se_loger", "Consommer": "consommer"}
    added = next(name for name in candidates if box.get_by_text(name, exact=True).count() == 0)
    labels.click()
    page.keyboard.type(added)
    page.get_by_role("option", name=added, exact=True).click()
    page.keyboard.press("Escape")
    wait_idle(page)
    shot(page, artifacts, "05-annoter")
    page.get_by_role("button", name="Enregistrer et suivant").click()
    page.get_by_text("Annotation enregistrée.").wait_for()
    wait_idle(page)
    assert page.get_by_text(re.compile(r"^Unité 1 sur \d+")).inner_text() != counter
    with Store(e2e_db) as store:
        rows = store.conn.execute(
            "SELECT annotator, facet, labels FROM app_annotations ORDER BY id DESC LIMIT 1"
        ).fetchone()
        after = store.conn.execute("SELECT count(*) FROM app_annotations").fetchone()[0]
    assert after == before + 1
    assert rows["annotator"] == "Navigateur" and candidates[added] in rows["labels"]
    shot(page, artifacts, "06-annoter-suivant")


def test_search_a_word_typed_without_its_accent(page, app_url, artifacts):
    open_page(page, f"{app_url}/rechercher", "Rechercher")
    box = page.get_by_label("Mot ou expression")
    box.fill("cooperative")
    box.press("Enter")
    page.locator(".ess-kwic").wait_for()
    wait_idle(page)
    keywords = [k.lower() for k in page.locator(".ess-kwic b").all_inner_texts()]
    # every inflection of the adjective: coopératif, coopératifs, coopérative, coopératives
    assert keywords and all(k.startswith(("coopérativ", "coopératif")) for k in keywords), keywords[:5]
    shot(page, artifacts, "07-rechercher")


@pytest.mark.parametrize(
    ("path", "title", "name"),
    [
        ("explorer", "Explorer", "08-explorer"),
        ("propositions", "Propositions", "09-propositions"),
        ("initiatives", "Initiatives", "10-initiatives"),
        ("importer", "Importer", "11-importer"),
    ],
)
def test_other_pages_render(page, app_url, artifacts, path, title, name):
    open_page(page, f"{app_url}/{path}", title)
    assert page.locator('[data-testid="stException"]').count() == 0
    shot(page, artifacts, name)


def test_a_link_to_a_passage_scrolls_to_it(page, app_url, artifacts, e2e_db):
    from urllib.parse import urlencode

    with Store(e2e_db) as store:
        proposals = items_view.items_frame(store, "proposal")
    last = proposals.sort_values("start").groupby("cahier").tail(1).iloc[0]  # the last proposal of a cahier
    page.goto(f"{app_url}/lire?" + urlencode({"cahier": last["cahier"], "unite": last["unit"]}))
    focus = page.locator("mark.ess-focus").first
    focus.wait_for()
    # The page scrolls to the passage's section: waited for (at most 15 s), not slept on.
    page.wait_for_function(
        "() => { const e = document.querySelector('mark.ess-focus');"
        " if (!e) return false; const top = e.getBoundingClientRect().top;"
        " return top >= 0 && top <= window.innerHeight; }",
        timeout=15_000,
    )
    top = focus.evaluate("e => e.getBoundingClientRect().top")
    assert 0 <= top <= page.viewport_size["height"], top
    shot(page, artifacts, "12-lire-passage")
