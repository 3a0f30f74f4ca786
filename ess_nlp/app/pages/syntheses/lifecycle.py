"""A synthesis's versions (history, restore) and its deletion (ask, undo, restore).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ess_nlp.app import cache
from ess_nlp.app.components.auth import current_user
from ess_nlp.app.components.common import md_escape
from ess_nlp.app.pages.syntheses.session import PARAM, base_version, commit, widget_key
from ess_nlp.errors import EssNlpError
from ess_nlp.synthesis import (
    delete_synthesis,
    history,
    load_version,
    undelete_synthesis,
)


def render_history(db: str, sid: int) -> None:
    user = current_user()
    with st.expander("Historique des versions", icon=":material/history:"):
        with cache.open_store(db) as store:
            versions = history(store, sid, user=user)
        st.dataframe(
            [
                {"version": v.version, "par": v.author, "le": v.saved_at[:19].replace("T", " "), "éléments": v.items, "note": v.note}
                for v in versions
            ],
            hide_index=True,
            key=widget_key(sid, "history"),
        )
        numbers = [v.version for v in versions]
        cols = st.columns([2, 2])
        chosen = cols[0].selectbox("Version", numbers, key=widget_key(sid, "restore_choice"))
        cols[1].write("")
        if cols[1].button("Restaurer cette version", key=widget_key(sid, "restore"), disabled=chosen == base_version(sid)):
            with cache.open_store(db) as store:
                old = load_version(store, sid, int(chosen), user=user)
            commit(sid, old, note=f"restauration de la version {chosen}")
            st.rerun()


def render_delete(db: str, sid: int, title: str) -> None:
    user = current_user()
    confirm_key = f"syn_confirm_delete_{sid}"
    if not st.session_state.get(confirm_key):
        if st.button("Supprimer la synthèse…", key=widget_key(sid, "delete"), icon=":material/delete_forever:"):
            st.session_state[confirm_key] = True
            st.rerun()
        return
    st.warning(
        f"Supprimer la synthèse « {md_escape(title)} » ? Elle disparaîtra des listes ; « Annuler la suppression » la rétablit.")
    cols = st.columns(2)
    if cols[0].button("Oui, supprimer", key=widget_key(sid, "delete_yes"), type="primary"):
        try:
            with cache.open_store(db) as store:
                delete_synthesis(store, sid, user=user)
        except EssNlpError as err:
            st.error(md_escape(err))
            return
        st.session_state.pop(confirm_key, None)
        st.session_state["syn_just_deleted"] = sid
        st.query_params.pop(PARAM, None)
        st.session_state.pop("syn_select", None)
        st.rerun()
    if cols[1].button("Non, garder", key=widget_key(sid, "delete_no")):
        st.session_state.pop(confirm_key, None)
        st.rerun()


def render_undelete(db: str, sid: int, title: str, *, where: str = "") -> None:
    key = f"syn_undelete_{where}_{sid}" if where else f"syn_undelete_{sid}"
    if st.button(f"Annuler la suppression de « {md_escape(title)} »", key=key, icon=":material/undo:"):
        try:
            with cache.open_store(db) as store:
                undelete_synthesis(store, sid, user=current_user())
        except EssNlpError as err:
            st.error(md_escape(err))
            return
        st.session_state.pop("syn_just_deleted", None)
        st.session_state.pop("syn_deleted_notice", None)
        st.query_params[PARAM] = str(sid)
        st.session_state["syn_select"] = sid
        st.rerun()


def render_deleted(db: str, deleted: list[Any]) -> None:
    just = st.session_state.get("syn_just_deleted")
    if just is not None:
        gone = next((s for s in deleted if s.id == just), None)
        if gone is not None:
            st.success(f"Synthèse « {md_escape(gone.title)} » supprimée.")
            render_undelete(db, gone.id, gone.title)
    others = [s for s in deleted if s.id != just]
    if others:
        with st.expander(f"Synthèses supprimées ({len(others)})", icon=":material/restore_from_trash:"):
            for s in others:
                st.caption(
                    f"n° {s.id} · {md_escape(s.title)} — supprimée par {md_escape(s.deleted_by)} "
                    f"le {md_escape(str(s.deleted_at)[:16].replace('T', ' '))}"
                )
                render_undelete(db, s.id, s.title)
