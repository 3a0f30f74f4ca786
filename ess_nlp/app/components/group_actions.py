"""« Fusionner / séparer » next to a selected proposal (issue 16): take it out of its group of
proposals making the same demand, or put it (with its group) into another group. The edits are
kept through re-runs (:mod:`ess_nlp.extract.group_edits`)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from ess_nlp.app import cache
from ess_nlp.app.components.auth import current_user
from ess_nlp.app.components.common import md_escape
from ess_nlp.errors import EssNlpError
from ess_nlp.extract.group_edits import merge_proposals, split_proposal
from ess_nlp.store import Store


def _apply(db: str, edit: Callable[[Store], object], done: str) -> None:
    try:
        with cache.open_store(db) as store:
            edit(store)
    except EssNlpError as err:
        st.error(md_escape(err))
        return
    st.success(done)  # md: done is one of this module's literal sentences


def group_actions(db: str, row: pd.Series, table: pd.DataFrame) -> None:
    """The « Regroupement » panel of the proposal ``row`` (``table``: every proposal)."""
    author = current_user().display
    own = row.get("group_id")
    with st.expander("Regroupement (fusionner / séparer)", icon=":material/join:"):
        if pd.notna(own) and st.button("Séparer de son groupe", key="proposals_group_split"):
            _apply(db, lambda s: split_proposal(s, str(row["id"]), author=author),
                   "Proposition séparée de son groupe (correction gardée aux prochains calculs).")
        others = table[table["group_id"].notna() & (table["group_id"] != own)].drop_duplicates("group_id")
        labels = {int(gid): f"{str(label)[:90]} ({int(n)} cahiers)"
                  for gid, label, n in zip(others["group_id"], others["group_label"], others["group_cahiers"],
                                           strict=True)}
        target = st.selectbox("Fusionner avec le groupe", list(labels), index=None,
                              format_func=lambda g: labels.get(g, str(g)),
                              key="proposals_group_target", placeholder="Choisissez un groupe")
        if st.button("Fusionner", key="proposals_group_merge", disabled=target is None) and target is not None:
            into = str(table[table["group_id"] == target]["id"].iloc[0])
            _apply(db, lambda s: merge_proposals(s, str(row["id"]), into=into, author=author),
                   "Proposition mise dans ce groupe (correction gardée aux prochains calculs).")
