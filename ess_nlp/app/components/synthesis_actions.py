"""« Ajouter à la synthèse »: the action other pages offer next to the passages they list.

Pages call :func:`add_to_synthesis` (through ``ess_nlp.app.components.actions.item_actions_panel``) with a
frame of the items they show (``id, kind, cahier, unit, text``: an extraction record id or a
unit id); the panel lets the person pick some, choose one of the syntheses they may edit, and
adds them with their citations (a save like any other: versioned, checked for concurrent edits).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ess_nlp.app import cache, state
from ess_nlp.app.components.auth import current_user
from ess_nlp.app.components.common import md_escape
from ess_nlp.errors import EssNlpError
from ess_nlp.synthesis import StaleSaveError, edit, get_synthesis, item_for, list_syntheses, save_synthesis
from ess_nlp.synthesis.records import KIND_NAMES

AS_KINDS = {"": "selon le passage", "constat": "constat", "proposal": "proposition", "initiative": "initiative", "text": "texte libre"}
SYNTHESES_PAGE = "pages/syntheses/page.py"


def units_frame(units: list[str], texts: dict[str, str], cahier_of: dict[str, str]) -> pd.DataFrame:
    """The frame :func:`add_to_synthesis` takes, for plain units (e.g. a topic's members)."""
    return pd.DataFrame(
        {
            "id": list(units),
            "kind": ["" for _ in units],
            "cahier": [cahier_of.get(u, "") for u in units],
            "unit": list(units),
            "text": [texts.get(u, "") for u in units],
        }
    )


def _label(row: pd.Series) -> str:
    kind = KIND_NAMES.get(str(row.get("kind") or ""), "passage")
    text = " ".join(str(row.get("text") or "").split())
    return f"{kind.capitalize()} : {text[:110]}{'…' if len(text) > 110 else ''}"


def add_items(db: str, synthesis_id: int, refs: list[tuple[str, str]], *, as_kind: str = "") -> int:
    """Add the items ``(id, kind)`` to a synthesis (retrying on a concurrent save: adding does not
    depend on what others changed). Returns the new version."""
    user = current_user()
    with cache.open_store(db) as store:
        for _attempt in range(3):
            saved = get_synthesis(store, synthesis_id, user=user, include_deleted=False)
            doc = saved.doc
            for ref, kind in refs:
                item = item_for(store, ref, kind=as_kind or (kind or None))
                doc = edit.add_item(doc, item)
            try:
                done = save_synthesis(
                    store, synthesis_id, doc, base_version=saved.version, user=user,
                    note=f"{len(refs)} élément(s) ajouté(s)",
                )  # fmt: skip
                return done.version
            except StaleSaveError:
                continue
    raise EssNlpError("La synthèse change trop vite en ce moment : réessayez dans un instant.")


def add_to_synthesis(items: pd.DataFrame, key_prefix: str) -> None:
    """The « Ajouter à la synthèse » panel for ``items``."""
    if items is None or items.empty:
        return
    db, _token = cache.current()
    user = current_user()
    try:
        with cache.open_store(db) as store:
            targets = list_syntheses(store, user=user)
    except EssNlpError as err:
        st.error(md_escape(err))
        return
    with st.expander("Ajouter à la synthèse", icon=":material/playlist_add:"):
        if not targets:
            st.info("Aucune synthèse à compléter : créez-en une sur la page « Synthèses ».")
            st.page_link(_page_path(), label="Ouvrir les synthèses", icon=":material/article:")
            return
        rows = items.reset_index(drop=True)
        labels = {i: _label(rows.iloc[i]) for i in range(len(rows))}
        chosen = st.multiselect(
            "Passages à ajouter",
            list(labels),
            default=[0] if len(rows) == 1 else [],
            format_func=lambda i: labels[i],
            key=f"{key_prefix}_syn_items",
            placeholder="Choisissez un ou plusieurs passages",
        )
        by_id = {s.id: s for s in targets}
        remembered = state.synthesis_target()
        index = list(by_id).index(remembered) if remembered in by_id else 0
        cols = st.columns([3, 2, 1])
        target = cols[0].selectbox(
            "Synthèse",
            list(by_id),
            index=index,
            format_func=lambda s: f"n° {s} · {by_id[s].title} (v{by_id[s].version})",
            key=f"{key_prefix}_syn_target",
        )
        as_kind = cols[1].selectbox(
            "Ajouter comme", list(AS_KINDS), format_func=lambda k: AS_KINDS[k], key=f"{key_prefix}_syn_kind"
        )
        cols[2].write("")
        if cols[2].button("Ajouter", key=f"{key_prefix}_syn_add", type="primary", disabled=not chosen):
            refs = [(str(rows.iloc[i]["id"]), str(rows.iloc[i].get("kind") or "")) for i in chosen]
            try:
                version = add_items(db, int(target), refs, as_kind=as_kind)
            except EssNlpError as err:
                st.error(md_escape(err))
                return
            state.set_synthesis_target(int(target))
            st.success(f"{len(refs)} passage(s) ajouté(s) à « {md_escape(by_id[target].title)} » (version {version}).")
            st.page_link(_page_path(), label="Ouvrir la synthèse", icon=":material/article:", query_params={"synthese": str(target)})


def _page_path() -> str:
    from pathlib import Path

    return str(Path(__file__).resolve().parents[1] / SYNTHESES_PAGE)
