"""Plotly figures of the app's own pages (pure functions: frames in, figures out).

The topic figures (document map, topic bars, hierarchy) come from the topics package.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

FONT = {"family": "system-ui, sans-serif", "size": 13}


def coverage_heatmap(
    cells: pd.DataFrame,
    themes: pd.DataFrame,
    domain_names: Mapping[str, str],
    theme_names: Mapping[str, str],
) -> go.Figure:
    """Domain (columns) × theme (rows) heatmap of cahier counts; blind-spot themes flagged "⚠".

    Each cell's ``customdata`` holds ``[domain id, theme id, cahiers, proposals, domain name,
    theme name]`` so a click can be turned back into ids.
    """
    domains = list(dict.fromkeys(cells["domain"]))
    theme_ids = list(dict.fromkeys(cells["theme"]))
    blind = dict(zip(themes["theme"], themes["blind_spot"], strict=True))
    z, text, custom = [], [], []
    for t in theme_ids:
        row = cells[cells["theme"] == t].set_index("domain")
        z.append([int(row.at[d, "cahiers"]) for d in domains])
        text.append([_cell_text(int(row.at[d, "cahiers"]), int(row.at[d, "proposals"])) for d in domains])
        custom.append(
            [
                [
                    d,
                    t,
                    int(row.at[d, "cahiers"]),
                    int(row.at[d, "proposals"]),
                    domain_names.get(d, d),
                    theme_names.get(t, t) + (f" (angle mort : {blind[t]})" if blind.get(t) else ""),
                ]
                for d in domains
            ]
        )
    y_labels = [("⚠ " if blind.get(t) else "") + _short(theme_names.get(t, t), 34) for t in theme_ids]
    x_labels = [domain_names.get(d, d) for d in domains]
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=x_labels,
            y=y_labels,
            text=text,
            texttemplate="%{text}",
            textfont={"size": 12},
            customdata=custom,
            colorscale="Blues",
            xgap=2,
            ygap=2,
            colorbar={"title": {"text": "cahiers"}},
            hoverinfo="skip",
        )
    )
    # Plotly heatmaps send no selection event: an invisible square marker over each cell
    # catches the click (its customdata carries the ids).
    figure.add_trace(
        go.Scatter(
            x=[x for _ in y_labels for x in x_labels],
            y=[y for y in y_labels for _ in x_labels],
            customdata=[cell for row in custom for cell in row],
            mode="markers",
            marker={"symbol": "square", "size": 30, "color": "rgba(0,0,0,0.004)"},
            selected={"marker": {"color": "rgba(0,0,0,0.004)"}},
            unselected={"marker": {"opacity": 1}},
            hovertemplate="%{customdata[4]} × %{customdata[5]}<br>%{customdata[2]} cahiers, "
            "%{customdata[3]} propositions<extra>cliquez pour voir les passages</extra>",
            showlegend=False,
        )
    )
    figure.update_layout(
        font=FONT,
        height=80 + 34 * len(theme_ids),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        yaxis={"autorange": "reversed", "automargin": True},
        # slanted domain names: nine of them side by side would run into each other
        xaxis={"side": "top", "automargin": True, "tickangle": -35, "tickfont": {"size": 12}},
        clickmode="event+select",
        dragmode=False,
    )
    return figure


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _cell_text(cahiers: int, proposals: int) -> str:
    return f"{cahiers} · {proposals} p." if cahiers else "—"


def count_bars(
    counts: pd.DataFrame,
    label_col: str,
    value_col: str,
    names: Mapping[str, str] | None = None,
    *,
    horizontal: bool = True,
) -> go.Figure:
    """A bar chart of ``value_col`` per ``label_col`` (labels shown through ``names``)."""
    # Plotly reads tags in labels (<a href>, <b>): a territory's name from a document is escaped.
    labels = [html.escape(str(names.get(v, v) if names else v)) for v in counts[label_col]]
    values = list(counts[value_col])
    bar = go.Bar(y=labels, x=values, orientation="h") if horizontal else go.Bar(x=labels, y=values)
    figure = go.Figure(bar)
    figure.update_layout(
        font=FONT,
        height=max(160, 60 + 24 * len(labels)) if horizontal else 320,
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        yaxis={"autorange": "reversed", "automargin": True} if horizontal else {},
    )
    return figure
