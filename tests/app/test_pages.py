"""Every page of the app with ``streamlit.testing.v1.AppTest``: it renders without exception on the
sample database, on an empty one and without any database, and its main widgets change what is
shown."""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import ess_nlp.app
from ess_nlp.app.components import french
from ess_nlp.app.components.common import fr_int
from ess_nlp.store import Store
from ess_nlp.store.views import corpus as corpus_view
from ess_nlp.store.views import items as items_view
from ess_nlp.text import fold

MAIN = str(Path(ess_nlp.app.__file__).resolve().parents[1] / "streamlit_app.py")
PAGES = [
    "overview.py",
    "explorer.py",
    "reader.py",
    "search.py",
    "proposals.py",
    "initiatives.py",
    "annotate.py",
    "importer.py",
]


def open_app(db: Path, monkeypatch: pytest.MonkeyPatch, page: str | None = None, **params: str) -> AppTest:
    monkeypatch.setenv("ESS_NLP_DB", str(db))
    at = AppTest.from_file(MAIN, default_timeout=180)
    at.run()
    if page is not None:
        at.switch_page(f"app/pages/{page}")
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
    return at


def no_failure(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def shown(markdown: str) -> str:
    """The text a person reads from a Markdown source the app escaped (``md_escape``)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def html_bodies(at: AppTest) -> list[str]:
    """The HTML the page drew, less the frame's script that puts Streamlit's words in French."""
    return [h.proto.body for h in at.get("html") if h.proto.body.strip() != french.script().strip()]


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [i.value for i in at.info] + [c.value for c in at.caption]
    parts += [w.value for w in at.warning] + [s.value for s in at.success] + [s.value for s in at.subheader]
    return "\n".join(str(p) for p in parts)


def line(at: AppTest, needle: str) -> str:
    """The first markdown element containing ``needle``."""
    return next(m.value for m in at.markdown if needle in m.value)


def first_cahier(db: Path, *, with_proposals: bool = False) -> str:
    with Store(db) as store:
        if with_proposals:


            items = items_view.items_frame(store, "proposal")
            return str(items["cahier"].value_counts().index[0])
        return next(store.units("cahier")).id


# --- every page renders -------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_the_sample(sample_db, monkeypatch, page):
    at = open_app(sample_db, monkeypatch, page)
    no_failure(at)
    assert at.title[0].value  # every page has its French title


@pytest.mark.parametrize("page", PAGES)
def test_page_explains_an_empty_database(empty_db, monkeypatch, page):
    at = open_app(empty_db, monkeypatch, page)
    no_failure(at)
    if page == "importer.py":
        assert at.get("file_uploader")
    else:
        assert any("ne contient encore aucun cahier" in i.value for i in at.info)


@pytest.mark.parametrize("page", ["overview.py", "reader.py", "importer.py"])
def test_missing_database_is_explained(tmp_path, monkeypatch, page):
    at = open_app(tmp_path / "absent" / "base.sqlite3", monkeypatch, page)
    no_failure(at)
    if page != "importer.py":
        assert any("Aucune base de données" in i.value and "ess-nlp run" in i.value for i in at.info)
    assert not (tmp_path / "absent" / "base.sqlite3").exists()


# --- main widgets change what is shown ------------------------------------------------------


def test_overview_metrics(sample_db, monkeypatch):
    at = open_app(sample_db, monkeypatch, "overview.py")
    metrics = {m.label: m.value for m in at.metric}
    with Store(sample_db) as store:
        assert metrics["Cahiers"] == str(store.count_units()["cahier"])
        assert metrics["Fichiers"] == str(len(store.sources()))


def test_overview_heatmap_cell_lists_its_passages(labelled_db, monkeypatch):
    at = open_app(labelled_db, monkeypatch, "overview.py")
    no_failure(at)
    assert at.get("plotly_chart")
    assert not any("Aucun cahier n'est encore classé" in i.value for i in at.info)
    at.selectbox(key="overview_domain").set_value("financer").run()
    at.selectbox(key="overview_theme").set_value("T5").run()
    no_failure(at)
    assert any(s.value.startswith("Passages : ") for s in at.subheader)
    links = [p.proto for p in at.get("page_link") if p.proto.page == "lire"]
    assert links and all(link.query_string.startswith("cahier=") for link in links)


def test_overview_flags_blind_spots(labelled_db, monkeypatch):
    at = open_app(labelled_db, monkeypatch, "overview.py")
    at.number_input(key="overview_min_cahiers").set_value(100).run()
    warning = next(w.value for w in at.warning if w.value.startswith("Angles morts"))
    assert warning.count("- **") == 12  # every theme has fewer than 100 cahiers


def test_overview_says_no_blind_spot_only_when_no_crossing_is_empty(labelled_db, monkeypatch):
    """« Aucun angle mort » was shown while many domain × theme cells were empty."""
    at = open_app(labelled_db, monkeypatch, "overview.py")
    at.number_input(key="overview_min_cahiers").set_value(1).run()
    at.number_input(key="overview_min_proposals").set_value(1).run()
    no_failure(at)
    figures = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    [figure] = [f for f in figures if f["data"][0]["type"] == "heatmap"]
    empty = sum(row.count("—") for row in figure["data"][0]["text"])
    said_none = any(s.value.startswith("Aucun angle mort") for s in at.success)
    if empty:
        assert not said_none
        warning = next(w.value for w in at.warning if w.value.startswith("Angles morts"))
        assert f"{empty} croisement(s) domaine × thème de travail sans aucun cahier" in warning
    else:
        assert said_none


def test_reader_highlights_and_filters_kinds(sample_db, monkeypatch):
    cahier = first_cahier(sample_db, with_proposals=True)
    at = open_app(sample_db, monkeypatch, "reader.py", cahier=cahier)
    no_failure(at)
    body = next(b for b in html_bodies(at) if 'class="ess-text"' in b)
    assert '<mark class="ess-proposal"' in body
    assert at.selectbox(key="reader_cahier").value == cahier
    with Store(sample_db) as store:
        frame = corpus_view.cahiers_frame(store)
    path = frame.loc[frame["id"] == cahier, "source"].iloc[0]
    short = corpus_view.display_paths(frame["source"])[path]
    assert not short.startswith("/") and path.endswith("/" + short)
    provenance = next(c.value.replace("\\", "") for c in at.caption if c.value.startswith("Fichier"))  # md-escaped
    assert provenance.startswith(f"Fichier : {short} (") and path not in provenance
    at.multiselect(key="reader_kinds").set_value(["constat"]).run()
    body = next(b for b in html_bodies(at) if 'class="ess-text"' in b)
    assert '<mark class="ess-proposal"' not in body
    at.toggle(key="reader_entities").set_value(False).run()
    body = next(b for b in html_bodies(at) if 'class="ess-text"' in b)
    assert "ess-ent" not in body


def test_reader_outline_lists_sections(sample_db, monkeypatch):
    cahier = first_cahier(sample_db, with_proposals=True)
    at = open_app(sample_db, monkeypatch, "reader.py", cahier=cahier)
    with Store(sample_db) as store:
        sections = [u for u in store.units("section", cahier=cahier)]
    outline = next(m.value for m in at.markdown if "](#u-" in m.value)
    assert outline.count("](#u-") == len(sections)


def test_reader_unknown_cahier_in_url(sample_db, monkeypatch):
    at = open_app(sample_db, monkeypatch, "reader.py", cahier="nope:c9")
    no_failure(at)
    assert any("n'existe pas" in w.value for w in at.warning)


def test_search_ignores_accents_and_filters(sample_db, monkeypatch):
    at = open_app(sample_db, monkeypatch, "search.py")
    at.text_input(key="search_query").input("cooperative").run()
    no_failure(at)
    kwic = next(b for b in html_bodies(at) if "ess-kwic" in b)
    assert "<b>coopérative" in kwic.lower() or "<b>coopératives" in kwic.lower()
    counted = line(at, "phrase(s) dans")
    kinds = at.multiselect(key="search_kinds")
    kinds.set_value([kinds.options[0]]).run()
    no_failure(at)
    narrowed = line(at, "phrase(s) dans")
    assert narrowed != counted
    assert at.get("download_button")


def test_search_with_only_punctuation(sample_db, monkeypatch):
    at = open_app(sample_db, monkeypatch, "search.py")
    at.text_input(key="search_query").input("« ? »").run()
    no_failure(at)
    assert any("aucun mot" in w.value for w in at.warning)


def test_proposals_filter_changes_rows(sample_db, monkeypatch):
    at = open_app(sample_db, monkeypatch, "proposals.py")
    no_failure(at)
    with Store(sample_db) as store:
        texts = list(items_view.items_frame(store, "proposal")["text"])
    matching = sum("commande publique" in fold(t) for t in texts)
    assert 0 < matching < len(texts)  # the filter has something to keep and something to drop
    assert line(at, "proposition(s) sur") == f"**{fr_int(len(texts))}** proposition(s) sur {fr_int(len(texts))}"
    at.text_input(key="proposals_contains").input("Commande Publique").run()
    assert line(at, "proposition(s) sur") == f"**{fr_int(matching)}** proposition(s) sur {fr_int(len(texts))}"


def test_initiatives_filter_changes_rows(sample_db, monkeypatch):
    at = open_app(sample_db, monkeypatch, "initiatives.py")
    no_failure(at)
    with Store(sample_db) as store:
        total = len(items_view.initiatives_table(store))
    assert total > 0
    assert line(at, "initiative(s) sur") == f"**{fr_int(total)}** initiative(s) sur {fr_int(total)}"
    at.toggle(key="initiatives_figures").set_value(True).run()
    at.text_input(key="initiatives_contains").input("zzzz introuvable").run()
    assert line(at, "initiative(s) sur") == f"**0** initiative(s) sur {fr_int(total)}"


def test_explorer_filter_by_source(sample_db, monkeypatch):
    at = open_app(sample_db, monkeypatch, "explorer.py")
    no_failure(at)
    with Store(sample_db) as store:
        cahiers = corpus_view.cahiers_frame(store)
    first = sorted(set(cahiers["source"]))[0]
    expected = int((cahiers["source"] == first).sum())
    assert 0 < expected < len(cahiers)
    sources = at.multiselect(key="explorer_sources")
    # shown from the corpus folder (« csv/formulaire-en-ligne.csv »), filtered by the stored path
    shown = corpus_view.display_paths(cahiers["source"])
    assert sources.options == [shown[p] for p in sorted(set(cahiers["source"]))]
    assert all(not o.startswith("/") and p.endswith("/" + o) for p, o in shown.items())
    sources.set_value([first]).run()
    assert line(at, "cahier(s) sur") == f"**{fr_int(expected)}** cahier(s) sur {fr_int(len(cahiers))}"
    table = next(d.value for d in at.dataframe if "fichier" in d.value.columns)
    assert set(table["fichier"]) == {shown[first]}


def test_annotate_saves_and_moves_on(tmp_path, sample_db, monkeypatch):
    db = sys.modules["ess_ui_dbfixtures"].copy_db(sample_db, tmp_path / "copy.sqlite3")
    at = open_app(db, monkeypatch, "annotate.py")
    assert any("Indiquez votre nom" in i.value for i in at.info)
    at.text_input(key="annotate_annotator").input("Claire").run()
    no_failure(at)
    position = next(c.value for c in at.caption if c.value.startswith("Unité "))
    labels = next(m for m in at.multiselect if m.key and m.key.startswith("annotate_labels_"))
    labels.set_value([labels.options[0]]).run()
    at.button(key="annotate_save").click().run()
    no_failure(at)
    after = next(c.value for c in at.caption if c.value.startswith("Unité "))
    assert after != position  # one fewer unit in the queue
    with Store(db) as store:
        rows = store.conn.execute("SELECT annotator, facet FROM app_annotations").fetchall()
    assert [tuple(r) for r in rows] == [("Claire", "domains")]


# --- bad input ------------------------------------------------------------------------------------


def test_script_tags_in_a_cahier_are_shown_as_text(edge_db, monkeypatch):
    with Store(edge_db) as store:
        cahier = next(u.id for u in store.units("cahier") if "balises" in u.source)
    at = open_app(edge_db, monkeypatch, "reader.py", cahier=cahier)
    no_failure(at)
    body = next(b for b in html_bodies(at) if 'class="ess-text"' in b)
    assert "<script>" not in body and "<img" not in body
    assert "&lt;script&gt;alert(" in body


def test_cahier_without_sections(edge_db, monkeypatch):
    with Store(edge_db) as store:
        cahier = next(u.id for u in store.units("cahier") if "sans-sections" in u.source)
        assert not any(u.title for u in store.units("section", cahier=cahier))
    at = open_app(edge_db, monkeypatch, "reader.py", cahier=cahier)
    no_failure(at)
    assert any("pas de titres de section" in c.value for c in at.caption)
    assert "Nous écrivons simplement" in next(b for b in html_bodies(at) if 'class="ess-text"' in b)


def test_importer_reports_each_file(tmp_path, monkeypatch):
    db = tmp_path / "new.sqlite3"
    at = open_app(db, monkeypatch, "importer.py")
    good = "Une épicerie solidaire\n\nConstat :\n\nLes prix montent.\n\nNos propositions\n\n1. De créer un fonds."
    at.file_uploader(key="importer_files").set_value(
        [
            ("bon.txt", good.encode("utf-8"), "text/plain"),
            ("vide.txt", b"   \n\n ", "text/plain"),
        ]
    ).run()
    at.toggle(key="importer_steps").set_value(False).run()
    at.button(key="importer_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [shown(e.value) for e in at.error]
    assert len(errors) == 1 and "import/vide.txt" in errors[0] and "rien à lire" in errors[0]
    assert any("1 fichier(s) traité(s)" in s.value for s in at.success)
    with Store(db) as store:
        assert [s["path"] for s in store.sources()] == ["import/bon.txt"]


def test_selecting_a_proposal_shows_it_in_context(sample_db, monkeypatch):
    at = open_app(sample_db, monkeypatch, "proposals.py")
    first = at.dataframe(key="proposals_table").value.iloc[0]["proposition"]
    at.session_state["proposals_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    no_failure(at)
    assert any(m.value == "**Dans son contexte**" for m in at.markdown)
    context = next(b for b in html_bodies(at) if '<mark class="ess-proposal">' in b)
    assert html.escape(first) in context
    link = at.get("page_link")[0]
    assert link.proto.page == "lire"
    assert link.proto.query_string.startswith("cahier=") and "&unite=" in link.proto.query_string


def test_selecting_an_initiative_shows_its_card(sample_db, monkeypatch):
    at = open_app(sample_db, monkeypatch, "initiatives.py")
    at.session_state["initiatives_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    no_failure(at)
    assert any(e.label == "Le passage d'où la fiche est tirée" for e in at.expander)


def test_top_level_app_py_opens_the_same_app(sample_db, monkeypatch):
    monkeypatch.setenv("ESS_NLP_DB", str(sample_db))
    at = AppTest.from_file(str(Path(ess_nlp.app.__file__).resolve().parents[2] / "app.py"), default_timeout=180)
    at.run()
    no_failure(at)
    assert at.title[0].value == "Vue d'ensemble"


def test_the_sidebar_option_masks_personal_data_on_every_page(edge_db, monkeypatch):
    with Store(edge_db) as store:
        cahier = next(u.id for u in store.units("cahier") if "contact" in u.source)
    at = open_app(edge_db, monkeypatch, "reader.py", cahier=cahier)
    no_failure(at)
    assert at.toggle(key="mask_personal").value is False  # on one's own machine: shown as written
    body = next(b for b in html_bodies(at) if 'class="ess-text"' in b)
    assert "marie.dupont@exemple.fr" in body and "06 12 34 56 78" in body
    at.toggle(key="mask_personal").set_value(True).run()
    no_failure(at)
    body = next(b for b in html_bodies(at) if 'class="ess-text"' in b)
    assert "marie.dupont@exemple.fr" not in body and "06 12 34 56 78" not in body and "Dupont" not in body
    assert "[courriel]" in body and "[téléphone]" in body
    assert "fours à pain" in body  # the rest of the text is untouched
    at.switch_page("app/pages/search.py")
    at.run()
    at.text_input(key="search_query").input("contact").run()
    no_failure(at)
    assert at.toggle(key="mask_personal").value is True  # the option follows the person across pages
    kwic = next(b for b in html_bodies(at) if "ess-kwic" in b)
    assert "exemple.fr" not in kwic and "[courriel]" in kwic


def test_reader_says_incertain_when_the_model_assigned_no_domain(tmp_path, sample_db, monkeypatch):
    db = sys.modules["ess_ui_dbfixtures"].copy_db(sample_db, tmp_path / "copy.sqlite3")
    cahier = first_cahier(db, with_proposals=True)
    from ess_nlp.classify.step import register_model, zero_shot_model
    from ess_nlp.taxonomy import load_taxonomy

    with Store(db) as store:
        # What the model stores for a cahier whose best domain score is under its confidence floor.
        model_id = register_model(store, zero_shot_model(), current=True)
        domains = load_taxonomy().facet("domains").label_ids
        with store.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO predictions(unit_id, model_id, facet, label, score, assigned, explanation)"
                " VALUES (?, ?, 'domains', ?, ?, 0, NULL)",
                [(cahier, model_id, label, 0.2 - 0.01 * k) for k, label in enumerate(domains)],
            )
    at = open_app(db, monkeypatch, "reader.py", cahier=cahier)
    no_failure(at)
    shown = line(at, "incertain")
    assert "aucun label assez probable" in shown and " %" in shown
