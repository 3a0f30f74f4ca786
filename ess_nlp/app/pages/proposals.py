"""Page « Propositions »: every proposal in a sortable, filterable table, with its group of
near-duplicates (« proposée par N cahiers »); a selected row opens the passage in context."""

from __future__ import annotations

import html
from collections.abc import Callable

import pandas as pd
import streamlit as st

from ess_nlp.app import cache
from ess_nlp.app.components import actions, masking
from ess_nlp.app.components.common import fr_int, md_quote, page_header, require_corpus
from ess_nlp.app.components.export import csv_bytes
from ess_nlp.app.components.filters import label_filter, selected_row, territory_filter
from ess_nlp.app.components.group_actions import group_actions
from ess_nlp.app.nav import link_to_cahier
from ess_nlp.store.views.territories import filter_territories
from ess_nlp.text import fold_with_map

# Rows drawn in the table (a 9,000-cahier corpus has tens of thousands of proposals: sending and
# drawing them all took seconds at each run); the filters narrow them, the CSV export has all.
MAX_ROWS = 2000


def page() -> None:
    page_header(
        "Propositions",
        "Toutes les propositions des cahiers. Triez en cliquant l'en-tête d'une colonne ; "
        "sélectionnez une ligne pour lire la proposition dans son contexte.",
    )
    ready = require_corpus()
    if ready is None:
        return
    db, token = ready
    table = cache.labelled_proposals(db, token)
    if not cache.availability(db, token)["extraction"]:
        st.caption(
            "L'extraction n'a pas encore tourné sur cette base : les propositions ci-dessous sont les "
            "phrases des sections « propositions » des cahiers."
        )
    if table.empty:
        st.info("Aucune proposition dans cette base.")
        return
    filtered = render_filters(table)
    st.markdown(f"**{fr_int(len(filtered))}** proposition(s) sur {fr_int(len(table))}")
    if len(filtered) > MAX_ROWS:
        st.caption(
            f"Le tableau montre les {fr_int(MAX_ROWS)} premières (les plus partagées d'abord) : affinez avec les "
            "filtres ci-dessus. L'export CSV les contient toutes."
        )
    selected = render_table(filtered.head(MAX_ROWS), cache.file_label(db, token))
    if selected is not None:
        render_selected(db, token, selected, table)
    masked = masking.enabled()
    st.download_button(
        "Exporter le tableau (CSV)",
        # made on click only: the whole table, written and masked at each run, cost seconds
        lambda: csv_bytes(display_frame(filtered, masked=masked)),
        file_name="propositions.csv",
        mime="text/csv",
        key="proposals_export",
    )


def render_filters(table: pd.DataFrame) -> pd.DataFrame:
    cols = st.columns([2, 1, 1, 1])
    words = cols[0].text_input("Contient", key="proposals_contains", placeholder="ex. : commande publique")
    domain = label_filter(cols[1], "domains", key="proposals_domains")
    theme = label_filter(cols[2], "themes", key="proposals_themes")
    territory = territory_filter(st.container(), table, key="proposals_territories")
    top = int(table["group_cahiers"].max()) if not table.empty else 1
    at_least = cols[3].number_input(
        "Proposée par au moins N cahiers",
        min_value=1,
        max_value=max(top, 1),
        value=1,
        key="proposals_min_group",
    )
    out = table
    if words.strip():
        needle = fold_with_map(words.strip())[0]
        out = out[out["folded"].str.contains(needle, regex=False)]
    if domain:
        out = out[[bool(set(d) & set(domain)) for d in out["domains"]]]
    if theme:
        out = out[[bool(set(t) & set(theme)) for t in out["themes"]]]
    if at_least > 1:
        out = out[out["group_cahiers"] >= at_least]
    out = filter_territories(out, territory)
    # Proposals several cahiers make come first (then in source order).
    out = out.sort_values("group_cahiers", ascending=False, kind="stable")
    return out.reset_index(drop=True)


def display_frame(
    frame: pd.DataFrame, *, masked: bool | None = None, file_label: Callable[[str], str] | None = None
) -> pd.DataFrame:
    """The columns people read; ``masked`` given: outside the page's run (the CSV download);
    ``file_label``: how the table shows each file path (the CSV keeps the stored path)."""
    texts = (
        masking.mask_texts(frame["text"]) if masked is None else masking.mask_values(frame["text"], masked)
    )
    return pd.DataFrame(
        {
            "proposition": texts,
            "proposée par (cahiers)": frame["group_cahiers"],
            "n°": frame["number"].fillna(""),
            "cahier": frame["cahier_title"].fillna(""),
            "organisation": frame["organisation"].fillna(""),
            "territoire": frame["territory"].fillna(""),
            "fichier": frame["source"] if file_label is None else frame["source"].map(file_label),
        }
    )


def render_table(filtered: pd.DataFrame, file_label: Callable[[str], str]) -> pd.Series | None:
    event = st.dataframe(
        display_frame(filtered, file_label=file_label),
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key="proposals_table",
        height=460,
        column_config={
            "proposition": st.column_config.TextColumn(width="large"),
            "proposée par (cahiers)": st.column_config.NumberColumn(format="%d"),
        },
    )
    return selected_row(event, filtered)


def render_selected(db: str, token: cache.Token, row: pd.Series, table: pd.DataFrame) -> None:
    before, unit_text, after = masking.mask_texts(cache.passage_context(db, token, row["unit"]))
    st.markdown("**Dans son contexte**")
    if unit_text:
        st.html(
            '<div class="ess-text">'
            + html.escape(before)
            + '<mark class="ess-proposal">'
            + html.escape(unit_text)
            + "</mark>"
            + html.escape(after)
            + "</div>"
        )
    link_to_cahier(row["cahier"], f"Lire le cahier « {row['cahier_title']} »", unit=row["unit"])
    if pd.notna(row.get("group_id")) and int(row["group_cahiers"]) > 1:
        members = table[table["group_id"] == row["group_id"]]
        st.markdown(f"**Proposée par {int(row['group_cahiers'])} cahiers** :")
        for other in members.itertuples():
            if other.id == row["id"]:
                continue
            cols = st.columns([5, 2])
            cols[0].markdown(md_quote(masking.mask_text(str(other.text))))
            with cols[1]:
                link_to_cahier(other.cahier, str(other.cahier_title or other.cahier)[:60], unit=other.unit)
    actions.item_actions_panel(table[table["id"] == row["id"]], key_prefix="proposals")
    group_actions(db, row, table)


if __name__ == "__main__":
    page()
