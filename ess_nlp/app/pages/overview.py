"""Page « Vue d'ensemble »: corpus size, cahiers per domain, theme and territory, and the
domain × theme coverage heatmap whose cells open the passages behind them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ess_nlp.app import cache
from ess_nlp.app.components import charts
from ess_nlp.app.components.common import (
    fr_int,
    md_escape,
    md_quote,
    page_header,
    require_corpus,
    taxonomy_notes,
)
from ess_nlp.app.nav import link_to_cahier
from ess_nlp.store.views import corpus as corpus_view
from ess_nlp.store.views import names as label_names_view
from ess_nlp.store.views import territories as territories_view

MAX_LISTED = 40


def page() -> None:
    page_header(
        "Vue d'ensemble",
        "Ce que disent les cahiers, domaine par domaine et thème par thème. "
        "Cliquez une case de la carte de couverture pour lire les passages qui la composent.",
    )
    ready = require_corpus()
    if ready is None:
        return
    db, token = ready
    size = cache.corpus_size(db, token)
    cahiers = cache.cahiers(db, token)
    proposals = cache.items(db, token, "proposal")
    initiatives = cache.items(db, token, "initiative")
    labels = cache.labels(db, token)
    render_metrics(size, len(proposals), len(initiatives))

    per_cahier = proposals.groupby("cahier").size() if not proposals.empty else pd.Series(dtype=int)
    taxonomy_notes(labels)
    domain_names, _ = label_names_view.names_with_unknown(
        label_names_view.label_names("domains"), labels.loc[labels["facet"] == "domains", "label"]
    )
    theme_names, _ = label_names_view.names_with_unknown(
        label_names_view.label_names("themes"), labels.loc[labels["facet"] == "themes", "label"]
    )
    with st.expander("Seuils des angles morts", expanded=False):
        cols = st.columns(2)
        min_cahiers = cols[0].number_input(
            "Moins de N cahiers", min_value=1, max_value=100, value=2, key="overview_min_cahiers"
        )
        min_proposals = cols[1].number_input(
            "Moins de N propositions", min_value=1, max_value=1000, value=5, key="overview_min_proposals"
        )
    cover = corpus_view.coverage(
        labels,
        per_cahier,
        domains=list(domain_names),
        themes=list(theme_names),
        min_cahiers=int(min_cahiers),
        min_proposals=int(min_proposals),
    )
    st.subheader("Couverture domaines × thèmes de travail")
    if labels.empty or not (labels["facet"] == "themes").any():
        st.info(
            "Aucun cahier n'est encore classé par domaine et par thème : la classification n'a pas été "
            "lancée sur cette base (elle fait partie de « ess-nlp run ») et personne n'a encore annoté "
            "de thème sur la page « Annoter ». La carte de couverture apparaîtra ensuite ici.",
            icon=":material/info:",
        )
        domain, theme = None, None
    else:
        if not cache.availability(db, token)["classification"]:
            st.caption(
                "Carte établie d'après les annotations faites sur la page « Annoter » : la classification "
                "automatique n'a pas encore tourné sur cette base."
            )
        domain, theme = render_heatmap(cover, domain_names, theme_names)
        render_blind_spots(cover, domain_names, theme_names)
    if domain or theme:
        render_cell_passages(db, token, labels, cahiers, proposals, domain, theme, domain_names, theme_names)

    tabs = st.tabs(["Par domaine", "Par thème de travail", "Par territoire", "Fichiers"])
    if not labels.empty and not cache.availability(db, token)["classification"]:
        tabs[0].caption(
            "Comptes d'après les annotations faites dans l'application et le champ « Domaine » que "
            "certains cahiers remplissent eux-mêmes : la classification n'a pas encore tourné sur cette base."
        )
    with tabs[0]:
        render_counts(cover.domains, "domain", domain_names, "overview_bar_domains", labels.empty)
    with tabs[1]:
        render_counts(cover.themes, "theme", theme_names, "overview_bar_themes", labels.empty)
    with tabs[2]:
        render_territories(cahiers)
    with tabs[3]:
        st.dataframe(cache.sources(db, token), hide_index=True, key="overview_sources")


def render_metrics(size: corpus_view.CorpusSize, n_proposals: int, n_initiatives: int) -> None:
    cols = st.columns(5)
    cols[0].metric("Fichiers", fr_int(size.sources))
    cols[1].metric("Cahiers", fr_int(size.cahiers))
    cols[2].metric("Propositions", fr_int(n_proposals))
    cols[3].metric("Initiatives", fr_int(n_initiatives))
    cols[4].metric("Phrases", fr_int(size.sentences))


def render_heatmap(
    cover: corpus_view.Coverage, domain_names: dict[str, str], theme_names: dict[str, str]
) -> tuple[str | None, str | None]:
    """Draw the heatmap; return the (domain, theme) chosen by a click or by the selectors below."""
    figure = charts.coverage_heatmap(cover.cells, cover.themes, domain_names, theme_names)
    event = st.plotly_chart(
        figure,
        key="overview_heatmap",
        on_select="rerun",
        selection_mode="points",
        width="stretch",
        config={"displayModeBar": False},
    )
    st.caption(
        "Dans chaque case : cahiers · propositions (p.). Les thèmes de travail marqués ⚠ sont des angles morts. "
        "Cliquez une case, ou choisissez un domaine et un thème de travail ci-dessous."
    )
    points = list(event.selection.get("points", [])) if event else []
    if points:
        point = points[0]
        custom = point.get("customdata") or []
        click = (custom[0], custom[1]) if len(custom) >= 2 else None
        if click is None:  # map displayed names back to ids
            by_domain = {v: k for k, v in domain_names.items()}
            by_theme = {v.removeprefix("⚠ "): k for k, v in theme_names.items()}
            click = (
                by_domain.get(str(point.get("x"))),
                by_theme.get(str(point.get("y", "")).removeprefix("⚠ ")),
            )
        if click != st.session_state.get("overview_last_click"):
            st.session_state["overview_last_click"] = click
            st.session_state["overview_domain"], st.session_state["overview_theme"] = click
    cols = st.columns(2)
    domain = cols[0].selectbox(
        "Domaine",
        [None, *domain_names],
        format_func=lambda d: "(tous)" if d is None else domain_names.get(d, d),
        key="overview_domain",
    )
    theme = cols[1].selectbox(
        "Thème de travail",
        [None, *theme_names],
        format_func=lambda t: "(tous)" if t is None else theme_names.get(t, t),
        key="overview_theme",
    )
    return domain, theme


def render_blind_spots(
    cover: corpus_view.Coverage, domain_names: dict[str, str], theme_names: dict[str, str]
) -> None:
    """Themes carried by too few cahiers or proposals, and the domain × theme crossings that no
    cahier covers: "no blind spot" is said only when there are neither."""
    blind = cover.themes[cover.themes["blind_spot"] != ""]
    empty = cover.cells[cover.cells["cahiers"] == 0]
    crossings = (
        f"{len(empty)} croisement(s) domaine × thème de travail sans aucun cahier (cases « — » de la carte)"
        if len(empty) else ""
    )
    if blind.empty and not crossings:
        st.success("Aucun angle mort : chaque thème de travail est porté par assez de cahiers et de "
                   "propositions, et chaque croisement domaine × thème a au moins un cahier.")
        return
    lines = [
        f"- **{md_escape(theme_names.get(t, t))}** : seulement {md_escape(why)}"
        for t, why in zip(blind["theme"], blind["blind_spot"], strict=True)
    ]
    if crossings:
        shown = [
            f"{domain_names.get(d, d)} × {theme_names.get(t, t)}"
            for d, t in zip(empty["domain"].head(8), empty["theme"].head(8), strict=True)
        ]
        more = " …" if len(empty) > len(shown) else ""
        lines.append(f"- {crossings} : {md_escape(' ; '.join(shown))}{more}")
    st.warning(
        "Angles morts (thèmes marqués ⚠ sur la carte, cases vides) :\n" + "\n".join(lines)
    )  # md: the names in these lines went through md_escape where the lines are built


def render_cell_passages(
    db: str,
    token: cache.Token,
    labels: pd.DataFrame,
    cahiers: pd.DataFrame,
    proposals: pd.DataFrame,
    domain: str | None,
    theme: str | None,
    domain_names: dict[str, str],
    theme_names: dict[str, str],
) -> None:
    ids = corpus_view.cahiers_in_cell(labels, domain, theme)
    parts = [
        domain_names.get(domain, domain) if domain else None,
        theme_names.get(theme, theme) if theme else None,
    ]
    title = " × ".join(p for p in parts if p)
    st.subheader(f"Passages : {md_escape(title)}")
    if not ids:
        st.info(f"Aucun cahier n'est classé à la fois dans « {md_escape(title)} ». C'est un angle mort du corpus.")
        return
    chosen = cahiers[cahiers["id"].isin(ids)]
    file_label = cache.file_label(db, token)
    st.caption(f"{len(chosen)} cahier(s). Cliquez un titre pour lire le cahier, passages surlignés.")
    for row in chosen.head(MAX_LISTED).to_dict("records"):
        cols = st.columns([3, 2])
        with cols[0]:
            link_to_cahier(str(row["id"]), str(row["title"]))
        where = (row["organisation"], row["territory"], file_label(row["source"]))
        cols[1].caption(" · ".join(md_escape(x) for x in where if x))
    if len(chosen) > MAX_LISTED:
        st.caption(f"… et {len(chosen) - MAX_LISTED} autres (voir « Explorer » avec les mêmes filtres).")
    cell_props = proposals[proposals["cahier"].isin(ids)] if not proposals.empty else proposals
    if not cell_props.empty:
        with st.expander(f"Les {len(cell_props)} propositions de ces cahiers", expanded=True):
            for row in cell_props.head(MAX_LISTED).to_dict("records"):
                cols = st.columns([6, 1])
                cols[0].markdown(md_quote(str(row["text"])))
                with cols[1]:
                    link_to_cahier(str(row["cahier"]), "Lire", unit=str(row["unit"]))


def render_counts(
    frame: pd.DataFrame, label_col: str, names: dict[str, str], key: str, no_labels: bool
) -> None:
    if no_labels or frame["cahiers"].sum() == 0:
        st.info("Pas encore de classification : ces comptes apparaîtront après « ess-nlp run ».")
        return
    st.plotly_chart(
        charts.count_bars(frame, label_col, "cahiers", names),
        key=key,
        width="stretch",
        config={"displayModeBar": False},
    )


TERRITORY_LEVELS = territories_view.LEVELS  # current régions (2016), départements, communes


def render_territories(cahiers: pd.DataFrame) -> None:
    level = st.radio(
        "Niveau",
        list(TERRITORY_LEVELS),
        format_func=TERRITORY_LEVELS.__getitem__,
        horizontal=True,
        key="overview_territory_level",
    )
    territory = cahiers[level].replace("", territories_view.NOT_FILLED)
    counts = territory.value_counts().rename_axis("territoire").reset_index(name="cahiers")
    if (counts["territoire"] == territories_view.NOT_FILLED).all():
        st.info("Aucun cahier ne donne son territoire, ni dans ses métadonnées ni dans son texte.")
        return
    st.plotly_chart(
        charts.count_bars(counts.head(30), "territoire", "cahiers"),
        key="overview_bar_territories",
        width="stretch",
    )


if __name__ == "__main__":
    page()
