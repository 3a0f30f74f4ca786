"""Page « Explorer »: filter the cahiers by domain, theme, territory, organisation type and
source file; browse the topics (labels, sizes, keywords, document map) and list the units of a
topic or of a point of the map, with links to read them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import streamlit as st

from ess_nlp.app import cache
from ess_nlp.app.components import actions
from ess_nlp.app.components.auth import current_user
from ess_nlp.app.components.common import fr_int, md_escape, md_quote, page_header, require_corpus
from ess_nlp.app.components.filters import label_filter, territory_filter
from ess_nlp.app.components.synthesis_actions import units_frame
from ess_nlp.app.nav import link_to_cahier
from ess_nlp.errors import EssNlpError
from ess_nlp.store.views import corpus as corpus_view
from ess_nlp.store.views.territories import filter_territories

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from ess_nlp.topics import TopicResult

# The topics package (BERTopic and friends) is imported only once a topic run exists.
OUTLIER = -1
OUTLIER_LABEL = "Non classé"


def page() -> None:
    page_header(
        "Explorer",
        "Filtrez les cahiers, parcourez les sujets émergents (regroupements automatiques des passages) et ouvrez les passages qui les composent.",
    )
    ready = require_corpus()
    if ready is None:
        return
    db, token = ready
    cahiers = cache.cahiers(db, token)
    labels = cache.labels(db, token)
    file_label = cache.file_label(db, token)
    chosen = render_filters(cahiers, labels, file_label)
    st.markdown(f"**{fr_int(len(chosen))}** cahier(s) sur {fr_int(len(cahiers))}")
    render_cahier_table(chosen, cache.reader_links(db, token), file_label)
    st.divider()
    render_topics(db, token, chosen)


def render_filters(cahiers: pd.DataFrame, labels: pd.DataFrame, file_label: Callable[[str], str]) -> pd.DataFrame:
    cols = st.columns(5)
    domain = label_filter(cols[0], "domains", key="explorer_domains")
    theme = label_filter(cols[1], "themes", key="explorer_themes")
    territory = territory_filter(cols[2], cahiers, key="explorer_territories")
    forms = cols[3].multiselect(
        "Type d'organisation",
        sorted(f for f in set(cahiers["legal_form"]) if f),
        placeholder="Tous",
        key="explorer_forms",
    )
    sources = cols[4].multiselect(
        "Fichiers",
        sorted(set(cahiers["source"])),
        format_func=file_label,
        placeholder="Tous",
        key="explorer_sources",
    )
    out = cahiers
    if domain:
        keep = {c for d in domain for c in corpus_view.cahiers_in_cell(labels, d, None)}
        out = out[out["id"].isin(keep)]
    if theme:
        keep = {c for t in theme for c in corpus_view.cahiers_in_cell(labels, None, t)}
        out = out[out["id"].isin(keep)]
    out = filter_territories(out, territory)
    if forms:
        out = out[out["legal_form"].isin(forms)]
    if sources:
        out = out[out["source"].isin(sources)]
    return out.reset_index(drop=True)


def render_cahier_table(chosen: pd.DataFrame, links: dict[str, str], file_label: Callable[[str], str]) -> None:
    shown = pd.DataFrame(
        {
            "lire": chosen["id"].map(links),
            "cahier": chosen["title"],
            "organisation": chosen["organisation"],
            "statut": chosen["legal_form"],
            "territoire": chosen["territory"],
            "fichier": chosen["source"].map(file_label),
            "phrases": chosen["sentences"],
        }
    )
    st.dataframe(
        shown,
        hide_index=True,
        key="explorer_cahiers",
        column_config={"lire": st.column_config.LinkColumn("lire", display_text="ouvrir", width="small")},
    )


def render_topics(db: str, token: cache.Token, chosen: pd.DataFrame) -> None:
    st.subheader("Sujets émergents")
    models = cache.topic_models(db, token)
    if not models:
        st.info(
            "Les sujets émergents (regroupements automatiques des passages) n'ont pas encore été calculés "
            "sur cette base : ils apparaîtront ici après « ess-nlp run » (ou « ess-nlp topics »)."
        )
        return
    names = {m["model"]: m for m in models}
    model = st.selectbox(
        "Modèle de sujets",
        list(names),
        format_func=lambda m: (
            f"{m} ({names[m]['n_topics']} sujets, {names[m]['n_units']} unités, "
            f"calculé le {str(names[m]['created_at'])[:10]})"
        ),
        key="explorer_model",
    )
    from ess_nlp.topics import figures

    try:
        result, texts, cahier_of = cache.topic_run(db, token, model)
    except EssNlpError as err:
        st.error(md_escape(err))
        return
    keep = set(chosen["id"])
    visible = [i for i, u in enumerate(result.ids) if cahier_of.get(u) in keep]
    filtered = len(visible) != len(result.ids)
    shown = topics_subset(result, visible) if filtered else result
    if filtered:
        st.caption(
            f"Filtres appliqués : {len(visible)} unité(s) sur {len(result.ids)} dans les sujets ci-dessous."
        )
    if not visible:
        st.info("Aucune unité des cahiers filtrés n'appartient à un sujet émergent.")
        return
    table = topic_table(shown)
    left, right = st.columns([1, 1], gap="large")
    with left:
        st.markdown("**Sujets émergents** (sélectionnez une ligne)")
        event = st.dataframe(
            table.drop(columns=["id"]),
            hide_index=True,
            on_select="rerun",
            selection_mode="single-row",
            key="explorer_topics",
            column_config={
                "taille": st.column_config.ProgressColumn(format="%d", max_value=int(table["taille"].max()))
            },
        )
        rows = event.selection.get("rows", []) if event else []
        topic = int(table.iloc[rows[0]]["id"]) if rows and rows[0] < len(table) else None
    with right:
        drawn = map_sample(shown)
        fig = figures.document_map(drawn, texts=texts, title="Carte des unités")
        fig = svg_scatter(fig)
        fig.update_layout(height=520, margin={"l": 0, "r": 0, "t": 40, "b": 0}, dragmode="lasso")
        picked = st.plotly_chart(
            fig,
            key="explorer_map",
            on_select="rerun",
            selection_mode=("points", "lasso", "box"),
            width="stretch",
            # the lasso, the box and the reset are kept (their tooltips in French: components/french.py)
            config={"displaylogo": False, "modeBarButtonsToRemove": ["toImage", "toggleSpikelines", "hoverClosestCartesian", "hoverCompareCartesian"]},
        )
        if len(drawn.ids) < len(shown.ids):
            st.caption(
                f"La carte montre {fr_int(len(drawn.ids))} unités sur {fr_int(len(shown.ids))}, tirées au hasard "
                "(toujours les mêmes) ; le tableau des sujets les compte toutes."
            )
        points = picked.selection.get("points", []) if picked else []
        selected_units = [str(p["customdata"][0]) for p in points if p.get("customdata")]
    if selected_units:
        st.markdown(f"**{len(selected_units)} unité(s) choisie(s) sur la carte**")
        render_units(selected_units, texts, cahier_of, shown)
    elif topic is not None:
        members = shown.members(topic)
        st.markdown(f"**Sujet {md_escape(topic)} · {md_escape(shown.name(topic))}** — {len(members)} unité(s)")
        render_units(members, texts, cahier_of, shown)
        render_edits(db, model, shown, topic, members, texts)
    else:
        st.caption(
            "Choisissez un sujet dans le tableau, ou entourez des points sur la carte, pour lister les passages."
        )
    render_edit_log(db, token, model)


# The map draws at most this many units, in SVG: WebGL's start-up (and its software fallback
# where the browser has no GPU) costs more than drawing a few thousand points, and a map of
# 18,875 sections (9,278 Grand Débat reports) took the browser seconds at each visit.
MAP_POINTS = 3000


def map_sample(result: TopicResult) -> TopicResult:
    """``result`` itself, or a fixed random sample of :data:`MAP_POINTS` of its units."""
    if len(result.ids) <= MAP_POINTS:
        return result
    rows = np.random.default_rng(0).choice(len(result.ids), MAP_POINTS, replace=False)
    return topics_subset(result, sorted(int(r) for r in rows))


def svg_scatter(fig: go.Figure) -> go.Figure:
    """``fig`` with its WebGL scatter traces as SVG ones (same data, colours and hover)."""
    import plotly.graph_objects as go

    traces = []
    for trace in fig.data:
        spec = trace.to_plotly_json()
        if spec.get("type") == "scattergl":
            spec["type"] = "scatter"
            traces.append(go.Scatter(spec))
        else:
            traces.append(trace)
    return go.Figure(traces, layout=fig.layout)


def topics_subset(result: TopicResult, rows: list[int]) -> TopicResult:
    """The same run restricted to ``rows`` (for the map and member lists of filtered cahiers)."""
    index = np.asarray(rows, dtype=np.int64)
    return replace(
        result,
        ids=tuple(result.ids[i] for i in rows),
        topics=result.topics[index],
        raw_topics=result.raw_topics[index],
        probability=result.probability[index],
        similarity=result.similarity[index],
        origin=tuple(result.origin[i] for i in rows),
        embeddings=result.embeddings[index],
        coords=result.coords[index],
        doc_term=result.doc_term[index],
        info={t: i for t, i in result.info.items() if (result.topics[index] == t).any()},
    )


def topic_table(result: TopicResult) -> pd.DataFrame:
    ids = result.topic_ids
    sizes = [int((result.topics == t).sum()) for t in ids]
    frame = pd.DataFrame(
        {
            "id": ids,
            "sujet": [f"{t} · {result.name(t)}" for t in ids],
            "taille": sizes,
            "mots-clés": [", ".join(w for w, _ in result.info[t].keywords[:8]) for t in ids],
        }
    )
    unassigned = int((result.topics == OUTLIER).sum())
    if unassigned:
        outliers = pd.DataFrame([[OUTLIER, OUTLIER_LABEL, unassigned, ""]], columns=frame.columns)
        frame = pd.concat([frame, outliers], ignore_index=True)
    return frame.sort_values("taille", ascending=False).reset_index(drop=True)


MAX_UNITS = 60


def render_units(
    units: list[str], texts: dict[str, str], cahier_of: dict[str, str], result: TopicResult
) -> None:
    index = result.index()
    for unit in units[:MAX_UNITS]:
        i = index.get(unit)
        weak = i is not None and result.origin[i] in ("outlier", "unassigned")
        cols = st.columns([6, 1])
        excerpt = " ".join(texts.get(unit, "").split())
        cols[0].markdown(
            md_quote(excerpt[:400] + ("…" if len(excerpt) > 400 else ""))
            + ("\n\n*membre faible (rattaché après coup)*" if weak else "")
        )
        with cols[1]:
            link_to_cahier(cahier_of.get(unit, unit), "Lire", unit=unit)
    if len(units) > MAX_UNITS:
        st.caption(f"… et {len(units) - MAX_UNITS} autres.")
    actions.item_actions_panel(units_frame(units[:MAX_UNITS], texts, cahier_of), key_prefix="explorer")


def render_edits(
    db: str, model: str, result: TopicResult, topic: int, members: list[str], texts: dict[str, str]
) -> None:
    """Rename, merge, split, move: each edit asks who and why, and is kept in the edit log."""
    if topic == OUTLIER:
        return
    with st.expander("Modifier ce sujet (renommer, fusionner, scinder, déplacer des unités)"):
        with st.form("explorer_edit_form", clear_on_submit=False):
            action = st.radio(
                "Modification",
                ["rename", "merge", "split", "move"],
                format_func={
                    "rename": "Renommer",
                    "merge": "Fusionner d'autres sujets dans celui-ci",
                    "split": "Scinder en plusieurs sujets",
                    "move": "Déplacer des unités vers un autre sujet",
                }.__getitem__,
                horizontal=True,
                key="explorer_edit_action",
            )
            others = [t for t in result.topic_ids if t != topic]
            new_name = st.text_input(
                "Nouveau nom (renommer)", value=result.name(topic), key="explorer_edit_name"
            )
            merged = st.multiselect(
                "Sujets à fusionner dans celui-ci",
                others,
                format_func=lambda t: f"{t} · {result.name(t)}",
                placeholder="Aucun",
                key="explorer_edit_merge",
            )
            parts = st.number_input("Nombre de parties (scinder)", 2, 10, 2, key="explorer_edit_parts")
            moved = st.multiselect(
                "Unités à déplacer",
                members,
                format_func=lambda u: " ".join((texts.get(u) or u).split())[:90],
                placeholder="Aucune",
                key="explorer_edit_units",
            )
            target = st.selectbox(
                "Vers le sujet",
                [*others, OUTLIER],
                format_func=lambda t: OUTLIER_LABEL if t == OUTLIER else f"{t} · {result.name(t)}",
                key="explorer_edit_target",
            )
            who = st.text_input("Votre nom", key="explorer_edit_who")
            why = st.text_area("Pourquoi ? (gardé avec la modification)", key="explorer_edit_why")
            submitted = st.form_submit_button("Appliquer la modification", type="primary")
        if submitted:
            apply_topic_edit(db, model, action, topic, new_name, merged, int(parts), moved, target, who, why)


def apply_topic_edit(
    db: str,
    model: str,
    action: str,
    topic: int,
    new_name: str,
    merged: list[int],
    parts: int,
    moved: list[str],
    target: int,
    who: str,
    why: str,
) -> None:
    from ess_nlp import topics as topics_lib

    if not who.strip():
        st.error("Indiquez votre nom : chaque modification est gardée avec son auteur.")
        return
    if not why.strip():
        st.error("Dites pourquoi vous faites cette modification : la raison est gardée dans l'historique.")
        return
    if action == "rename":
        edit = topics_lib.rename_edit(topic, new_name, who=who, why=why)
    elif action == "merge":
        if not merged:
            st.error("Choisissez au moins un sujet à fusionner dans celui-ci.")
            return
        edit = topics_lib.merge_edit([topic, *merged], into=topic, who=who, why=why)
    elif action == "split":
        edit = topics_lib.split_edit(topic, parts=parts, who=who, why=why)
    else:
        if not moved:
            st.error("Choisissez au moins une unité à déplacer.")
            return
        edit = topics_lib.move_edit(moved, target, who=who, why=why)
    try:
        with cache.open_store(db) as store:
            outcome = topics_lib.edit_topics(store, model, edit, user=current_user())
    except EssNlpError as err:
        st.error(md_escape(err))
        return
    st.session_state["explorer_flash"] = (
        outcome.message or "Modification appliquée et gardée dans l'historique."
    )
    st.rerun()


def render_edit_log(db: str, token: cache.Token, model: str) -> None:
    flash = st.session_state.pop("explorer_flash", None)
    if flash:
        st.success(md_escape(flash))
    edits = cache.topic_edits(db, token, model)
    if edits:
        with st.expander(f"Historique des modifications ({len(edits)})"):
            st.dataframe(
                pd.DataFrame(edits, columns=["quand", "qui", "modification", "détail", "pourquoi"]),
                hide_index=True,
                key="explorer_edit_log",
            )


if __name__ == "__main__":
    page()
