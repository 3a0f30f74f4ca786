"""Every page of the app on a database built from hostile input (issue 17): odd file names,
markup and formulas in the text, a search that finds nothing; no exception, nothing run."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_pages import PAGES, html_bodies, no_failure, open_app

from ess_nlp.store import Store


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_hostile_input(hostile_db: Path, monkeypatch: pytest.MonkeyPatch, page: str) -> None:
    at = open_app(hostile_db, monkeypatch, page)
    no_failure(at)


def hostile_cahiers(db: Path) -> list[tuple[str, str]]:
    with Store(db) as store:
        return [(u.id, u.source) for u in store.units("cahier") if "/hostile/" in u.source]


def test_the_reader_opens_every_hostile_cahier(hostile_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cahiers = hostile_cahiers(hostile_db)
    assert any("\\xe9" in source for _, source in cahiers)  # the file whose name is not UTF-8
    at = open_app(hostile_db, monkeypatch, "reader.py")
    for cahier, source in cahiers:  # each opened by its address (?cahier=), in one session
        at.query_params["cahier"] = cahier
        at.run()
        assert not at.exception, (source, [e.value for e in at.exception])
        assert at.selectbox(key="reader_cahier").value == cahier, source
        for body in html_bodies(at):
            assert "<script" not in body and "<img" not in body  # markup from the files is shown as text


@pytest.mark.parametrize("query", ["zzzz introuvable", "alert", "HYPERLINK", "a OR b", "NEAR("])
def test_search_with_or_without_hits_raises_nothing(
    hostile_db: Path, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    at = open_app(hostile_db, monkeypatch, "search.py")
    at.text_input(key="search_query").input(query).run()
    no_failure(at)
    if query == "zzzz introuvable":
        assert any("Aucune phrase ne contient" in i.value for i in at.info)


def test_search_that_finds_nothing_on_the_sample(sample_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Rechercher traceback of issue 17: a search without hits made a float column."""
    at: AppTest = open_app(sample_db, monkeypatch, "search.py")
    at.text_input(key="search_query").input("zzzz").run()
    no_failure(at)
    assert any("Aucune phrase ne contient « zzzz »" in i.value for i in at.info)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("a* " * 2000, "au moins 3 lettres"),
        (" ".join(f"mot{i}" for i in range(60)), "50 au plus"),
        ("pro* soc* eco* coo* ent* sol*", "5 au plus"),
        ("![p](http://127.0.0.1:9/t.png) [Reconnectez-vous](http://127.0.0.1:9/x) zzzz", "Aucune phrase ne contient"),
    ],
)
def test_search_beyond_its_bounds_says_why_in_french(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch, query: str, message: str
) -> None:
    at: AppTest = open_app(sample_db, monkeypatch, "search.py")
    at.text_input(key="search_query").input(query).run()
    no_failure(at)
    shown = [str(w.value) for w in at.warning] + [str(i.value) for i in at.info]
    assert any(message in s for s in shown), shown
    assert not any("](http" in s for s in shown)  # the query is shown escaped, never as a link
