"""Plotly figures of topics, built by pure functions (the app and notebooks reuse them).

Each function takes computed objects (a :class:`TopicResult`, a DataFrame from
``ess_nlp.topics``) and returns a ``plotly.graph_objects.Figure``; nothing is computed
again (the document map uses the 2-D positions stored with the result, never new
embeddings). :func:`write_html` embeds plotly.js in the file: no CDN, works offline.
Texts from documents are HTML-escaped before they reach a hover label.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from ess_nlp.topics._analysis import hierarchy_linkage
from ess_nlp.topics._model import OUTLIER, OUTLIER_LABEL, TopicResult

__all__ = [
    "document_map",
    "hierarchy_figure",
    "label_heatmap",
    "topic_color",
    "topic_keywords_figure",
    "topic_sizes_by_figure",
    "topic_sizes_figure",
    "topics_per_label_figure",
    "write_html",
]

_PALETTE = qualitative.Plotly + qualitative.D3 + qualitative.Set2
_GREY = "#BBBBBB"
_TEMPLATE = "plotly_white"


def topic_color(topic: int) -> str:
    """A stable colour per topic id (grey for unassigned units)."""
    return _GREY if topic == OUTLIER else _PALETTE[topic % len(_PALETTE)]


def _hover(text: str, width: int = 60, limit: int = 300) -> str:
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return "<br>".join(html.escape(line) for line in textwrap.wrap(text, width)) or "—"


def _short(name: str, limit: int = 40) -> str:
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def document_map(
    result: TopicResult,
    *,
    texts: Mapping[str, str] | Sequence[str] | None = None,
    title: str = "Carte des unités par thème",
    show_unassigned: bool = True,
) -> go.Figure:
    """Each unit at its stored 2-D position, coloured by topic; hover shows its text.

    ``texts`` (by unit id, or aligned with ``result.ids``) feeds the hover labels.
    """
    if isinstance(texts, Mapping):
        lookup = [texts.get(u, "") for u in result.ids]
    elif texts is not None:
        lookup = [str(t) for t in texts]
    else:
        lookup = [""] * len(result.ids)
    fig = go.Figure()
    topics = [*result.topic_ids, *([OUTLIER] if show_unassigned else [])]
    for topic in topics:
        rows = np.flatnonzero(result.topics == topic)
        if not len(rows):
            continue
        name = f"{topic} · {_short(result.name(topic))}" if topic != OUTLIER else OUTLIER_LABEL
        fig.add_trace(
            go.Scattergl(
                x=result.coords[rows, 0],
                y=result.coords[rows, 1],
                mode="markers",
                name=name,
                marker={"size": 6, "color": topic_color(topic), "opacity": 0.5 if topic == OUTLIER else 0.8},
                customdata=np.asarray([[result.ids[i]] for i in rows], dtype=object),
                text=[_hover(lookup[i]) for i in rows],
                hovertemplate=f"<b>{html.escape(name)}</b><br>%{{customdata[0]}}<br>%{{text}}<extra></extra>",
            )
        )
    fig.update_layout(
        title=title,
        template=_TEMPLATE,
        xaxis={"visible": False},
        yaxis={"visible": False},
        legend={"title": {"text": "Thèmes"}, "itemsizing": "constant"},
        height=650,
    )
    return fig


def topic_sizes_figure(result: TopicResult, *, title: str = "Taille des thèmes") -> go.Figure:
    """Horizontal bars: units per topic (largest on top), unassigned units last."""
    topics = sorted(result.topic_ids, key=lambda t: (-result.info[t].size, t))
    names = [f"{t} · {_short(result.info[t].name)}" for t in topics]
    sizes = [result.info[t].size for t in topics]
    unassigned = int((result.topics == OUTLIER).sum())
    if unassigned:
        topics, names, sizes = [*topics, OUTLIER], [*names, OUTLIER_LABEL], [*sizes, unassigned]
    fig = go.Figure(
        go.Bar(
            x=sizes,
            y=names,
            orientation="h",
            marker_color=[topic_color(t) for t in topics],
            hovertemplate="%{y}<br>%{x} unités<extra></extra>",
        )
    )
    fig.update_layout(
        title=title,
        template=_TEMPLATE,
        xaxis_title="Unités",
        yaxis={"autorange": "reversed"},
        height=max(300, 28 * len(topics) + 120),
    )
    return fig


def topic_keywords_figure(
    result: TopicResult,
    *,
    topics: Sequence[int] | None = None,
    n_words: int = 8,
    columns: int = 3,
    title: str = "Mots-clés des thèmes",
) -> go.Figure:
    """One small bar chart of c-TF-IDF keyword scores per topic (the largest 12 by default)."""
    chosen = (
        list(topics)
        if topics is not None
        else sorted(result.topic_ids, key=lambda t: (-result.info[t].size, t))[:12]
    )
    chosen = [t for t in chosen if t in result.info]
    rows = max(1, -(-len(chosen) // columns))
    fig = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=[f"{t} · {_short(result.info[t].name, 30)}" for t in chosen] or [""],
        horizontal_spacing=0.12,
        vertical_spacing=0.4 / rows,
    )
    for i, topic in enumerate(chosen):
        keywords = result.info[topic].keywords[:n_words]
        fig.add_trace(
            go.Bar(
                x=[s for _, s in keywords],
                y=[w for w, _ in keywords],
                orientation="h",
                marker_color=topic_color(topic),
                showlegend=False,
                hovertemplate="%{y} : %{x:.3f}<extra></extra>",
            ),
            row=i // columns + 1,
            col=i % columns + 1,
        )
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(title=title, template=_TEMPLATE, height=max(300, 250 * rows))
    return fig


def hierarchy_figure(result: TopicResult, *, title: str = "Hiérarchie des thèmes") -> go.Figure:
    """Dendrogram of the topics (average linkage, cosine on c-TF-IDF)."""
    import plotly.figure_factory as ff

    ids = result.topic_ids
    labels = [f"{t} · {_short(result.info[t].name)}" for t in ids]
    if len(ids) < 2:
        fig = go.Figure()
        fig.add_annotation(text="Un seul thème : pas de hiérarchie à montrer.", showarrow=False)
        fig.update_layout(title=title, template=_TEMPLATE, xaxis={"visible": False}, yaxis={"visible": False})
        return fig
    linkage = hierarchy_linkage(result)
    placeholder = np.arange(len(ids), dtype=float).reshape(-1, 1)
    fig = ff.create_dendrogram(
        placeholder,
        orientation="left",
        labels=labels,
        linkagefun=lambda _: linkage,
        color_threshold=None,
    )
    fig.update_layout(
        title=title,
        template=_TEMPLATE,
        height=max(350, 26 * len(ids) + 150),
        width=None,
        autosize=True,
        xaxis_title="Distance (1 - cosinus)",
        showlegend=False,
    )
    return fig


def label_heatmap(
    table: pd.DataFrame,
    *,
    row_title: str = "Domaine",
    column_title: str = "Thème",
    title: str = "Domaines × thèmes de travail × thèmes émergents",
) -> go.Figure:
    """Heatmap of unit counts per (row label, column label), with a menu to pick one topic.

    ``table`` comes from :func:`ess_nlp.topics.label_topic_counts` (columns row, column,
    topic, name, count). The first view sums every topic.
    """
    if table.empty:
        fig = go.Figure()
        fig.add_annotation(text="Aucune unité étiquetée à croiser.", showarrow=False)
        fig.update_layout(title=title, template=_TEMPLATE)
        return fig
    rows = sorted(table["row"].unique())
    cols = sorted(table["column"].unique())

    def grid(frame: pd.DataFrame) -> list[list[int]]:
        pivot = frame.groupby(["row", "column"])["count"].sum().unstack(fill_value=0)
        pivot = pivot.reindex(index=rows, columns=cols, fill_value=0)
        return pivot.to_numpy().astype(int).tolist()

    views = [("Tous les thèmes", table)]
    for topic in sorted(table["topic"].unique()):
        part = table[table["topic"] == topic]
        name = part["name"].iloc[0]
        views.append((f"{topic} · {_short(str(name))}", part))
    fig = go.Figure(
        go.Heatmap(
            z=grid(views[0][1]),
            x=cols,
            y=rows,
            colorscale="Blues",
            hovertemplate=f"{row_title} : %{{y}}<br>{column_title} : %{{x}}<br>%{{z}} unités<extra></extra>",
        )
    )
    fig.update_layout(
        title=title,
        template=_TEMPLATE,
        xaxis_title=column_title,
        yaxis_title=row_title,
        height=max(400, 30 * len(rows) + 200),
        updatemenus=[
            {
                "buttons": [
                    {"label": label, "method": "restyle", "args": [{"z": [grid(frame)]}]}
                    for label, frame in views
                ],
                "direction": "down",
                "x": 1.0,
                "xanchor": "right",
                "y": 1.15,
                "yanchor": "top",
            }
        ],
    )
    return fig


def topic_sizes_by_figure(
    table: pd.DataFrame, *, share: bool = False, title: str = "Thèmes selon la métadonnée"
) -> go.Figure:
    """Stacked bars of topic sizes for each metadata value (from :func:`topic_sizes_by`)."""
    fig = go.Figure()
    measure = "share_of_value" if share else "count"
    for topic in sorted(table["topic"].unique()) if not table.empty else []:
        part = table[table["topic"] == topic]
        fig.add_trace(
            go.Bar(
                x=part["value"],
                y=part[measure],
                name=f"{topic} · {_short(str(part['name'].iloc[0]))}" if topic != OUTLIER else OUTLIER_LABEL,
                marker_color=topic_color(int(topic)),
            )
        )
    fig.update_layout(
        barmode="stack",
        title=title,
        template=_TEMPLATE,
        yaxis_title="Part des unités" if share else "Unités",
        legend={"title": {"text": "Thèmes"}},
    )
    return fig


def topics_per_label_figure(table: pd.DataFrame, *, title: str = "Thèmes par étiquette") -> go.Figure:
    """Heatmap: share of each label's units in each topic (from :func:`topics_per_label`)."""
    if table.empty:
        fig = go.Figure()
        fig.add_annotation(text="Aucune unité étiquetée.", showarrow=False)
        fig.update_layout(title=title, template=_TEMPLATE)
        return fig
    names = table.drop_duplicates("topic").set_index("topic")["name"].to_dict()
    pivot = table.pivot_table(index="label", columns="topic", values="share_of_label", fill_value=0.0)
    fig = go.Figure(
        go.Heatmap(
            z=pivot.to_numpy(),
            x=[f"{t} · {_short(str(names[t]), 25)}" for t in pivot.columns],
            y=list(pivot.index),
            colorscale="Blues",
            zmin=0,
            zmax=1,
            hovertemplate="%{y}<br>%{x}<br>%{z:.0%} des unités<extra></extra>",
        )
    )
    fig.update_layout(title=title, template=_TEMPLATE, height=max(350, 30 * len(pivot.index) + 200))
    return fig


def write_html(fig: go.Figure, path: str | Path) -> Path:
    """Write ``fig`` as a standalone HTML file with plotly.js embedded (no CDN, works offline)."""
    path = Path(path)
    fig.write_html(path, include_plotlyjs=True, full_html=True)
    return path
