"""Page « Initiatives »: every initiative card (organisation, place, legal form, figures, links)
in a sortable, filterable table; a selected row shows the card and opens it in its cahier."""

from __future__ import annotations

import html
from collections.abc import Callable

import pandas as pd
import streamlit as st

from ess_nlp.app import cache
from ess_nlp.app.components import actions, masking
from ess_nlp.app.components.common import fr_int, md_escape, md_quote, page_header, require_corpus
from ess_nlp.app.components.export import csv_bytes
from ess_nlp.app.components.filters import label_filter, selected_row, territory_filter
from ess_nlp.app.nav import link_to_cahier
from ess_nlp.store.views import corpus as corpus_view
from ess_nlp.store.views.territories import filter_territories
from ess_nlp.text import fold_with_map

COLUMNS = {
    "name": "initiative",
    "organisations": "organisations",
    "places": "lieux",
    "legal_forms": "statut",
    "since": "depuis",
    "figures": "chiffres",
    "urls": "liens",
    "cahier_title": "cahier",
    "source": "fichier",
}


# Rows drawn in the table (see pages/proposals.py); the CSV export has all.
MAX_ROWS = 2000


def page() -> None:
    page_header(
        "Initiatives",
        "Les initiatives que les cahiers présentent, en fiches. Sélectionnez une ligne pour voir la fiche "
        "et la lire dans son cahier.",
    )
    ready = require_corpus()
    if ready is None:
        return
    db, token = ready
    table = cache.initiatives_table(db, token)
    if not cache.availability(db, token)["extraction"]:
        st.caption(
            "L'extraction n'a pas encore tourné sur cette base : voici les paragraphes des sections "
            "« initiative » des cahiers, sans fiche détaillée."
        )
    if table.empty:
        st.info("Aucune initiative dans cette base.")
        return
    filtered = render_filters(table, cache.labels(db, token))
    st.markdown(f"**{fr_int(len(filtered))}** initiative(s) sur {fr_int(len(table))}")
    if len(filtered) > MAX_ROWS:
        st.caption(
            f"Le tableau montre les {fr_int(MAX_ROWS)} premières : affinez avec les filtres ci-dessus. "
            "L'export CSV les contient toutes."
        )
    event = st.dataframe(
        display_frame(filtered.head(MAX_ROWS), cache.file_label(db, token)),
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key="initiatives_table",
    )
    chosen = selected_row(event, filtered)
    if chosen is not None:
        render_card(chosen)
        actions.item_actions_panel(filtered.loc[[chosen.name]], key_prefix="initiatives")
    st.download_button(
        "Exporter le tableau (CSV)",
        lambda: csv_bytes(display_frame(filtered)),  # made on click only
        file_name="initiatives.csv",
        mime="text/csv",
        key="initiatives_export",
    )


def display_frame(frame: pd.DataFrame, file_label: Callable[[str], str] | None = None) -> pd.DataFrame:
    """The columns people read; ``file_label``: how the table shows each file path (the CSV,
    made without it, keeps the stored path)."""
    shown = frame[list(COLUMNS)].rename(columns=COLUMNS).copy()
    if file_label is not None:
        shown["fichier"] = shown["fichier"].map(file_label)
    shown["initiative"] = [
        name or " ".join(str(text).split())[:80]
        for name, text in zip(frame["name"], frame["text"], strict=True)
    ]
    return shown


def render_filters(table: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    cols = st.columns([2, 1, 1, 1])
    words = cols[0].text_input("Contient", key="initiatives_contains", placeholder="ex. : recyclerie")
    forms = sorted({f for v in table["legal_forms"] for f in str(v).split("; ") if f})
    form = cols[1].multiselect("Statut", forms, placeholder="Tous", key="initiatives_forms")
    places = sorted({p for v in table["places"] for p in str(v).split("; ") if p})
    place = cols[2].multiselect("Lieu", places, placeholder="Tous", key="initiatives_places")
    with_figures = cols[3].toggle("Avec des chiffres", value=False, key="initiatives_figures")
    domain = label_filter(st.container(), "domains", key="initiatives_domains")
    territory = territory_filter(st.container(), table, key="initiatives_territories")
    out = table
    if words.strip():
        needle = fold_with_map(words.strip())[0]
        out = out[out["folded"].str.contains(needle, regex=False)]
    if form:
        out = out[[bool(set(str(v).split("; ")) & set(form)) for v in out["legal_forms"]]]
    if place:
        out = out[[bool(set(str(v).split("; ")) & set(place)) for v in out["places"]]]
    if with_figures:
        out = out[out["figures"] != ""]
    if domain:
        by_cahier = corpus_view.labels_wide(labels, "domains")
        out = out[[bool(set(by_cahier.get(c, [])) & set(domain)) for c in out["cahier"]]]
    out = filter_territories(out, territory)
    return out.reset_index(drop=True)


def render_card(row: pd.Series) -> None:
    with st.container(border=True):
        st.markdown(f"#### {md_quote(row['name'] or 'Initiative', quote=False)}")
        facts = [
            ("Organisations", row["organisations"]),
            ("Partenaires", row["partners"]),
            ("Statut", row["legal_forms"]),
            ("Lieux", row["places"]),
            ("Depuis", row["since"]),
            ("Chiffres", row["figures"]),
            ("Liens", row["urls"]),
        ]
        for label, value in facts:
            if value:
                st.markdown(f"**{md_escape(label)}** : {md_quote(str(value), quote=False)}")
        if row["what"]:
            st.markdown(md_quote(masking.mask_text(str(row["what"]))))
        with st.expander("Le passage d'où la fiche est tirée"):
            st.html('<div class="ess-text">' + html.escape(masking.mask_text(str(row["text"]))) + "</div>")
        link_to_cahier(row["cahier"], f"Lire le cahier « {row['cahier_title']} »", unit=row["unit"])


if __name__ == "__main__":
    page()
