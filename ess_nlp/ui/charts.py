"""Plotly figures of the app's own pages (pure functions: frames in, figures out).

The topic figures (document map, topic bars, hierarchy) come from the topics package.
"""

from __future__ import annotations

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

    Each cell's ``customdata`` holds ``[domain id, theme id, cahiers, proposals]`` so a click
    can be turned back into ids.
    """
    domains = list(dict.fromkeys(cells["domain"]))
    theme_ids = list(dict.fromkeys(cells["theme"]))
    blind = dict(zip(themes["theme"], themes["blind_spot"], strict=True))
    z, text, custom = [], [], []
    for t in theme_ids:
        row = cells[cells["theme"] == t].set_index("domain")
        z.append([int(row.at[d, "cahiers"]) for d in domains])
        text.append([_cell_text(int(row.at[d, "cahiers"]), int(row.at[d, "proposals"])) for d in domains])
        custom.append([[d, t, int(row.at[d, "cahiers"]), int(row.at[d, "proposals"])] for d in domains])
    y_labels = [("⚠ " if blind.get(t) else "") + theme_names.get(t, t) for t in theme_ids]
    x_labels = [domain_names.get(d, d) for d in domains]
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=x_labels,
            y=y_labels,
            text=text,
            texttemplate="%{text}",
            customdata=custom,
            colorscale="Blues",
            xgap=2,
            ygap=2,
            colorbar={"title": {"text": "cahiers"}},
            hovertemplate="%{x} × %{y}<br>%{customdata[2]} cahiers, %{customdata[3]} propositions"
            "<extra>cliquez pour voir les passages</extra>",
        )
    )
    figure.update_layout(
        font=FONT,
        height=80 + 34 * len(theme_ids),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
        yaxis={"autorange": "reversed", "automargin": True},
        xaxis={"side": "top", "automargin": True},
        clickmode="event+select",
        dragmode=False,
    )
    return figure


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
    labels = [names.get(v, v) if names else v for v in counts[label_col]]
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
