"""Page « Rechercher »: full-text search over the sentences (accents ignored, on words and on
lemmas), a concordance (keyword in context) view, filters, counts per domain, CSV export."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from ess_nlp.app import cache
from ess_nlp.app.components import masking
from ess_nlp.app.components.common import fr_int, md_escape, page_header, require_corpus
from ess_nlp.app.components.export import csv_bytes
from ess_nlp.app.components.filters import selected_row
from ess_nlp.app.components.highlight import kwic_html
from ess_nlp.app.nav import link_to_cahier
from ess_nlp.store import QueryError
from ess_nlp.store.views import corpus as corpus_view
from ess_nlp.store.views import items as items_view
from ess_nlp.store.views import names as label_names_view
from ess_nlp.store.views import search as search_view

MAX_HITS = 500


def page() -> None:
    page_header(
        "Rechercher",
        "Les accents et les majuscules sont ignorés (« cooperative » trouve « coopérative ») ; "
        "avec les formes apparentées, chaque mot est cherché sous toutes ses formes : « créer » trouve "
        "« crée », « créé », « créent » ; « coopératives » trouve « coopérative ». "
        "Les phrases qui contiennent le mot tel qu'il est tapé viennent en premier. "
        "Un astérisque cherche un début de mot d’au moins trois lettres : « mutuali* » (cinq au plus par recherche, 50 mots en tout).",
    )
    ready = require_corpus()
    if ready is None:
        return
    db, token = ready
    cols = st.columns([3, 1])
    query = cols[0].text_input("Mot ou expression", key="search_query", placeholder="ex. : epargne solidaire")
    with_lemmas = cols[1].toggle("Formes apparentées (lemmes)", value=True, key="search_lemmas")
    if not query.strip():
        st.info("Tapez un ou plusieurs mots : les phrases qui les contiennent tous s'afficheront ici.")
        return
    problem = search_view.query_problem(query)
    if problem is None and not search_view.valid_query(query):
        problem = f"« {query} » ne contient aucun mot à chercher : tapez des lettres ou des chiffres."
    if problem is not None:
        st.warning(md_escape(problem))
        return
    lemmas = cache.query_lemmas(query) if with_lemmas else None
    forms = cache.query_forms(query) if with_lemmas else None
    try:
        hits = cache.search(db, token, query, lemmas, forms, MAX_HITS)
    except QueryError as err:  # a beginning of word that matches too many words
        st.warning(md_escape(err))
        return
    if hits.empty:
        st.info(no_hit_message(query, with_lemmas))  # md: the query escaped inside
        return
    hits = add_labels(hits, cache.labels(db, token), cache.cahiers(db, token))
    file_label = cache.file_label(db, token)
    filtered = render_filters(hits, file_label)
    render_counts(hits, filtered)
    if filtered.empty:
        st.info(f"Aucune phrase ne contient « {md_escape(query)} » avec ces filtres.")
        return
    filtered = filtered.assign(text=masking.mask_texts(filtered["text"]))
    view = st.radio(
        "Affichage",
        ["Concordance", "Tableau"],
        horizontal=True,
        key="search_view",
        label_visibility="collapsed",
    )
    if view == "Concordance":
        rows = [search_view.concordance(text, query, forms=forms) for text in filtered["text"]]
        st.html(kwic_html(rows))
    selected = render_table(filtered, file_label, compact=view == "Concordance")
    if selected is not None:
        link_to_cahier(
            selected["cahier"], f"Ouvrir ce passage dans « {selected['titre']} »", unit=selected["unit"]
        )
    st.download_button(
        "Exporter les résultats (CSV)",
        csv_bytes(export_frame(filtered, query, forms)),
        file_name="recherche.csv",
        mime="text/csv",
        key="search_export",
    )


def add_labels(hits: pd.DataFrame, labels: pd.DataFrame, cahiers: pd.DataFrame) -> pd.DataFrame:
    domains = corpus_view.labels_wide(labels, "domains")
    names = label_names_view.label_names("domains")
    titles = dict(zip(cahiers["id"], cahiers["title"], strict=True))
    hits = hits.copy()
    # Typed as text even when there is no hit (an empty list would make a float column, and
    # the counts per domain below would fail on a search that finds nothing).
    hits["domaines"] = pd.Series(
        [", ".join(names.get(d, d) for d in domains.get(c, [])) for c in hits["cahier"]], index=hits.index, dtype=object
    )
    hits["titre"] = pd.Series([titles.get(c, "") for c in hits["cahier"]], index=hits.index, dtype=object)
    return hits


def render_filters(hits: pd.DataFrame, file_label: Callable[[str], str]) -> pd.DataFrame:
    names = label_names_view.label_names("domains")
    cols = st.columns(3)
    present_domains = sorted({d for v in hits["domaines"] for d in v.split(", ") if d})
    domain = cols[0].multiselect("Domaines", present_domains, placeholder="Tous", key="search_domains")
    kinds = sorted({k for k in hits["kind"] if k})
    kind = cols[1].multiselect(
        "Type de section",
        kinds,
        format_func=lambda k: items_view.SECTION_KIND_NAMES.get(k, k),
        placeholder="Tous",
        key="search_kinds",
    )
    sources = sorted(set(hits["source"]))
    source = cols[2].multiselect(
        "Fichiers", sources, format_func=file_label, placeholder="Tous", key="search_sources"
    )
    del names
    out = hits
    if domain:
        out = out[[any(d in v.split(", ") for d in domain) for v in out["domaines"]]]
    if kind:
        out = out[out["kind"].isin(kind)]
    if source:
        out = out[out["source"].isin(source)]
    return out.reset_index(drop=True)


def render_counts(hits: pd.DataFrame, filtered: pd.DataFrame) -> None:
    more = " (au moins ; affinez la recherche)" if len(hits) >= MAX_HITS else ""
    st.markdown(
        f"**{fr_int(len(filtered))}** phrase(s) dans **{fr_int(filtered['cahier'].nunique())}** cahier(s)"
        + (f" sur {fr_int(len(hits))} trouvée(s){md_escape(more)}" if len(filtered) != len(hits) else md_escape(more))
    )
    per_domain = filtered["domaines"].str.split(", ").explode().replace("", "(non classé)").value_counts()
    if len(per_domain):
        st.dataframe(
            per_domain.rename_axis("domaine").reset_index(name="phrases"),
            hide_index=True,
            key="search_counts",
            width="content",
        )


def render_table(filtered: pd.DataFrame, file_label: Callable[[str], str], *, compact: bool) -> pd.Series | None:
    shown = filtered[["titre", "text", "domaines", "kind", "source", "page"]].rename(
        columns={"titre": "cahier", "text": "phrase", "kind": "section", "source": "fichier"}
    )
    shown["fichier"] = shown["fichier"].map(file_label)
    shown["section"] = shown["section"].map(lambda k: items_view.SECTION_KIND_NAMES.get(k, k or ""))
    if compact:
        st.caption("Sélectionnez une ligne pour ouvrir le passage dans son cahier.")
    event = st.dataframe(
        shown,
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key="search_table",
        height=250 if compact else 450,
    )
    return selected_row(event, filtered)


def no_hit_message(query: str, with_lemmas: bool) -> str:
    """What to say when nothing matches: the query as typed (escaped) and what to try next."""
    tips = (
        "vérifiez l'orthographe, retirez un mot (toutes les phrases doivent contenir tous les mots) "
        "ou cherchez un début de mot suivi de « * » (« mutuali* »)"
    )
    if not with_lemmas:
        tips += ", ou activez « Formes apparentées »"
    return f"Aucune phrase ne contient « {md_escape(query)} » dans le corpus : {tips}."


def export_frame(filtered: pd.DataFrame, query: str, forms: dict[str, list[str]] | None = None) -> pd.DataFrame:
    left_kw_right = [search_view.concordance(t, query, forms=forms) for t in filtered["text"]]
    return pd.DataFrame(
        {
            "cahier": filtered["titre"],
            "identifiant_cahier": filtered["cahier"],
            "identifiant_phrase": filtered["unit"],
            "fichier": filtered["source"],
            "page": filtered["page"],
            "domaines": filtered["domaines"],
            "contexte_gauche": [a for a, _, _ in left_kw_right],
            "mot": [b for _, b, _ in left_kw_right],
            "contexte_droit": [c for _, _, c in left_kw_right],
            "phrase": filtered["text"],
        }
    )


if __name__ == "__main__":
    page()
