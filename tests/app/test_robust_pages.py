"""Every page stands on an empty database, a missing one, a database of one cahier and a query
that finds nothing (issue 15): no exception, a French sentence saying what happened, and never
the database's place on disk (the people using the app are not the ones serving it)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from test_pages import PAGES, no_failure, open_app, texts

from ess_nlp.store import Store
from ess_nlp.store.views import items as items_view
from ess_nlp.store.views import names as label_names_view


def every_text(at) -> str:  # type: ignore[no-untyped-def]
    """What the page writes: Markdown, alerts, captions, titles and widget labels."""
    parts = [texts(at), *(t.value for t in at.title), *(e.value for e in at.error)]
    parts += [
        str(w.label) for kind in ("text_input", "selectbox", "multiselect", "toggle") for w in at.get(kind)
    ]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def one_cahier_db(tmp_path_factory: pytest.TempPathFactory, sample_db: Path) -> tuple[Path, str]:
    """A copy of the sample database keeping one file holding one cahier with proposals (its
    labels, proposals and initiatives kept; the topics computed over the others left behind)."""
    db = sys.modules["ess_ui_dbfixtures"].copy_db(sample_db, tmp_path_factory.mktemp("one") / "one.sqlite3")
    with Store(db) as store:
        with_proposals = set(items_view.items_frame(store, "proposal")["cahier"])
        cahiers = list(store.units("cahier"))
        per_source = {c.source: [d for d in cahiers if d.source == c.source] for c in cahiers}
        kept = next(c for c in cahiers if c.id in with_proposals and len(per_source[c.source]) == 1)
        for source in per_source:
            if source != kept.source:
                store.remove_source(source)
        assert [c.id for c in store.units("cahier")] == [kept.id]
    return db, kept.id


@pytest.mark.parametrize("page", PAGES)
def test_every_page_on_a_database_of_one_cahier(one_cahier_db, monkeypatch, page):
    db, _ = one_cahier_db
    at = open_app(db, monkeypatch, page)
    no_failure(at)
    assert at.title[0].value
    assert str(db) not in every_text(at) and db.name not in every_text(at)


@pytest.mark.parametrize("page", PAGES)
def test_no_database_path_on_an_empty_or_missing_database(tmp_path, empty_db, monkeypatch, page):
    for db in (empty_db, tmp_path / "absente" / "base.sqlite3"):
        at = open_app(db, monkeypatch, page)
        no_failure(at)
        shown = every_text(at)
        assert str(db) not in shown and db.name not in shown and str(db.parent) not in shown, shown
        if page != "importer.py":
            assert "Importer" in shown or any(p.proto.page == "importer" for p in at.get("page_link"))


def test_a_database_that_is_not_one_says_so_without_its_path(tmp_path, monkeypatch):
    db = tmp_path / "pas-une-base.sqlite3"
    db.write_bytes(b"ceci n'est pas une base SQLite" * 100)
    at = open_app(db, monkeypatch, "search.py")
    assert not at.exception, [e.value for e in at.exception]
    assert any("n'a pas pu être ouverte" in e.value for e in at.error)
    assert str(db) not in every_text(at) and db.name not in every_text(at)


@pytest.mark.parametrize("query", ["xyzzy", "coopérer xyzzy", "Xyzzy*"])
def test_search_without_hit_is_one_french_sentence(sample_db, monkeypatch, query):
    at = open_app(sample_db, monkeypatch, "search.py")
    at.text_input(key="search_query").input(query).run()
    no_failure(at)
    assert [i.value for i in at.info] and at.info[0].value.startswith(
        f"Aucune phrase ne contient « {query.rstrip('*')}"
    )
    assert not at.get("arrow_data_frame") and not at.get("download_button")  # no empty table


def test_search_on_one_cahier_with_and_without_hits(one_cahier_db, monkeypatch):
    db, cahier = one_cahier_db
    with Store(db) as store:
        word = next(w for w in store.unit(cahier).text.split() if len(w) > 6 and w.isalpha())
    at = open_app(db, monkeypatch, "search.py")
    at.text_input(key="search_query").input(word).run()
    no_failure(at)
    assert any("phrase(s) dans **1** cahier(s)" in m.value for m in at.markdown)
    at.text_input(key="search_query").input("xyzzy").run()
    no_failure(at)
    assert any(i.value.startswith("Aucune phrase ne contient « xyzzy »") for i in at.info)


def test_search_finds_an_inflection_on_the_sample(sample_db, monkeypatch):
    """« coopérer » (0 sentence before issue 15) finds the sample's « coopère »."""
    with Store(sample_db) as store:
        spelled = sum(" coopère " in u.text for u in store.units("sentence"))
    assert spelled >= 1
    at = open_app(sample_db, monkeypatch, "search.py")
    at.text_input(key="search_query").input("coopérer").run()
    no_failure(at)
    kwic = next(h.proto.body for h in at.get("html") if "ess-kwic" in h.proto.body)
    assert "<b>coopère</b>" in kwic
    at.toggle(key="search_lemmas").set_value(False).run()
    no_failure(at)
    assert any(i.value.startswith("Aucune phrase ne contient « coopérer »") for i in at.info)


@pytest.mark.parametrize(
    ("page", "key"), [("proposals.py", "proposals_contains"), ("initiatives.py", "initiatives_contains")]
)
def test_lists_filtered_to_nothing_on_one_cahier(one_cahier_db, monkeypatch, page, key):
    db, _ = one_cahier_db
    at = open_app(db, monkeypatch, page)
    at.text_input(key=key).input("xyzzy").run()
    no_failure(at)
    assert any(m.value.startswith("**0** ") for m in at.markdown)


def test_explorer_and_overview_with_filters_that_keep_nothing(one_cahier_db, monkeypatch):
    db, cahier = one_cahier_db
    with Store(db) as store:
        assigned = {
            r[0]
            for r in store.conn.execute(
                "SELECT DISTINCT label FROM predictions WHERE facet = 'domains' AND assigned = 1 AND unit_id = ?",
                (cahier,),
            )
        }
    other = next(d for d in label_names_view.label_names("domains") if d not in assigned)
    at = open_app(db, monkeypatch, "explorer.py")
    at.multiselect(key="explorer_domains").set_value([other]).run()
    no_failure(at)
    assert any(m.value.startswith("**0** cahier(s) sur 1") for m in at.markdown)
    at = open_app(db, monkeypatch, "overview.py")
    at.selectbox(key="overview_domain").set_value(other).run()
    at.selectbox(key="overview_theme").set_value("T12").run()
    no_failure(at)


def test_reader_with_an_unknown_passage_on_one_cahier(one_cahier_db, monkeypatch):
    db, cahier = one_cahier_db
    at = open_app(db, monkeypatch, "reader.py", cahier=cahier, unite=f"{cahier}:s999:p9")
    no_failure(at)
    at = open_app(db, monkeypatch, "reader.py", cahier="xyzzy")
    no_failure(at)
    assert any("n'existe pas" in w.value for w in at.warning)
