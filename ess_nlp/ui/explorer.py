"""Page « Explorer »: filter the cahiers by domain, theme, territory, organisation type and
source file; browse the topics (labels, sizes, keywords, document map) and list the units of a
topic or of a point of the map, with links to read them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ess_nlp.ui import data, queries
from ess_nlp.ui.common import fr_int, page_header, require_corpus
from ess_nlp.ui.nav import reader_url


def page() -> None:
    page_header(
        "Explorer",
        "Filtrez les cahiers, parcourez les thèmes émergents (topics) et ouvrez les passages qui les composent.",
    )
    ready = require_corpus()
    if ready is None:
        return
    db, token = ready
    cahiers = data.cahiers(db, token)
    labels = data.labels(db, token)
    chosen = render_filters(cahiers, labels)
    st.markdown(f"**{fr_int(len(chosen))}** cahier(s) sur {fr_int(len(cahiers))}")
    render_cahier_table(chosen)
    st.divider()
    render_topics(db, token, chosen)


def render_filters(cahiers: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    domain_names = queries.label_names("domains")
    theme_names = queries.label_names("themes")
    cols = st.columns(5)
    domain = cols[0].multiselect(
        "Domaines",
        list(domain_names),
        format_func=lambda d: domain_names.get(d, d),
        placeholder="Tous",
        key="explorer_domains",
    )
    theme = cols[1].multiselect(
        "Thèmes",
        list(theme_names),
        format_func=lambda t: theme_names.get(t, t),
        placeholder="Tous",
        key="explorer_themes",
    )
    territory = cols[2].multiselect(
        "Territoires",
        sorted(t for t in set(cahiers["territory"]) if t),
        placeholder="Tous",
        key="explorer_territories",
    )
    forms = cols[3].multiselect(
        "Type d'organisation",
        sorted(f for f in set(cahiers["legal_form"]) if f),
        placeholder="Tous",
        key="explorer_forms",
    )
    sources = cols[4].multiselect(
        "Fichiers", sorted(set(cahiers["source"])), placeholder="Tous", key="explorer_sources"
    )
    out = cahiers
    if domain:
        keep = {c for d in domain for c in queries.cahiers_in_cell(labels, d, None)}
        out = out[out["id"].isin(keep)]
    if theme:
        keep = {c for t in theme for c in queries.cahiers_in_cell(labels, None, t)}
        out = out[out["id"].isin(keep)]
    if territory:
        out = out[out["territory"].isin(territory)]
    if forms:
        out = out[out["legal_form"].isin(forms)]
    if sources:
        out = out[out["source"].isin(sources)]
    return out.reset_index(drop=True)


def render_cahier_table(chosen: pd.DataFrame) -> None:
    shown = pd.DataFrame(
        {
            "lire": [reader_url(c) for c in chosen["id"]],
            "cahier": chosen["title"],
            "organisation": chosen["organisation"],
            "statut": chosen["legal_form"],
            "territoire": chosen["territory"],
            "fichier": chosen["source"],
            "phrases": chosen["sentences"],
        }
    )
    st.dataframe(
        shown,
        hide_index=True,
        key="explorer_cahiers",
        column_config={"lire": st.column_config.LinkColumn("lire", display_text="ouvrir", width="small")},
    )


def render_topics(db: str, token: data.Token, chosen: pd.DataFrame) -> None:
    st.subheader("Thèmes émergents")
    st.info(
        "Les thèmes émergents (regroupements automatiques des passages) n'ont pas encore été calculés "
        "sur cette base : ils apparaîtront ici après « ess-nlp run »."
    )


if __name__ == "__main__":
    page()
