"""Filter widgets several pages share (domains and themes by their taxonomy names, territories by
région, département and commune) and the row a person selected in a table."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ess_nlp.app.components.common import md_escape
from ess_nlp.store.views import names as label_names_view
from ess_nlp.store.views import territories as territories_view


def label_filter(target: DeltaGenerator, facet: str, *, key: str) -> list[str]:
    """A multiselect of the labels of ``facet`` (``domains`` or ``themes``) shown by their names
    (« Domaines » / « Thèmes de travail »); nothing chosen means all."""
    names = label_names_view.label_names(facet)
    title = {"domains": "Domaines", "themes": "Thèmes de travail"}.get(facet, facet)
    chosen: list[str] = target.multiselect(
        md_escape(title), list(names), format_func=lambda x: names.get(x, x), placeholder="Tous", key=key
    )
    return chosen


def territory_filter(target: DeltaGenerator, frame: pd.DataFrame, *, key: str) -> list[str]:
    """A multiselect « Territoires » over the cahiers' territories in ``frame`` (current régions,
    their départements and communes, "(non renseigné)"), each with its number of rows; apply the
    choice with :func:`~ess_nlp.store.views.territories.filter_territories`. Nothing chosen
    means all."""
    options = (
        _territory_options(frame[[c for c in _OPTION_COLUMNS if c in frame.columns]])
        if "territory" in frame.columns
        else {}
    )
    chosen: list[str] = target.multiselect(
        "Territoires",
        list(options),
        format_func=lambda x: options.get(x, x),
        placeholder="Tous",
        key=key,
    )
    return chosen


_OPTION_COLUMNS = ("cahier", "id", "territory", "region", "departement", "departement_code", "commune")


@st.cache_data(show_spinner=False, max_entries=16)
def _territory_options(frame: pd.DataFrame) -> dict[str, str]:
    """Kept between runs for the same rows (Streamlit hashes the frame): thousands of communes
    on a large corpus."""
    return territories_view.territory_options(frame)


def selected_row(event: Any, frame: pd.DataFrame) -> pd.Series | None:
    """The row of ``frame`` selected in a single-row ``st.dataframe`` (its ``event``), or None."""
    rows = event.selection.get("rows", []) if event else []
    if rows and rows[0] < len(frame):
        chosen: pd.Series = frame.iloc[rows[0]]
        return chosen
    return None
