"""A synthesis's versions (history with what changed, restore, two versions side by side) and its
deletion (ask, undo, restore). Every button acts in a callback, so a click is never lost to a rerun.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ess_nlp.app import cache
from ess_nlp.app.callbacks import uninterrupted
from ess_nlp.app.components.auth import current_user
from ess_nlp.app.components.common import md_escape
from ess_nlp.app.pages.syntheses.session import PARAM, base_version, commit, widget_key
from ess_nlp.errors import EssNlpError
from ess_nlp.synthesis import (
    delete_synthesis,
    history,
    load_version,
    side_by_side,
    undelete_synthesis,
)

STATUS = {"same": "", "changed": "modifié", "added": "ajouté", "removed": "retiré", "moved": "déplacé"}


def render_history(db: str, sid: int) -> None:
    user = current_user()
    with st.expander("Historique des versions", icon=":material/history:"):
        with cache.open_store(db) as store:
            versions = history(store, sid, user=user)
        st.dataframe(
            [
                {"version": v.version, "par": v.author, "le": v.saved_at[:19].replace("T", " "), "éléments": v.items, "ce qui a changé": v.note}
                for v in versions
            ],
            hide_index=True,
            key=widget_key(sid, "history"),
            column_config={"ce qui a changé": st.column_config.TextColumn(width="large")},
        )
        numbers = [v.version for v in versions]
        cols = st.columns([2, 2])
        cols[0].selectbox("Version", numbers, key=widget_key(sid, "restore_choice"))
        cols[1].write("")
        cols[1].button("Restaurer cette version", key=widget_key(sid, "restore"), on_click=_restore, args=(db, sid))
        if len(numbers) >= 2:
            render_compare(db, sid, numbers)


@uninterrupted
def _restore(db: str, sid: int) -> None:
    chosen = st.session_state.get(widget_key(sid, "restore_choice"))
    if chosen is None:
        st.session_state[f"syn_error_{sid}"] = "Choisissez la version à restaurer."
        return
    if int(chosen) == base_version(sid):
        st.session_state[f"syn_info_{sid}"] = f"La version {chosen} est déjà la version en cours : rien à restaurer."
        return
    try:
        with cache.open_store(db) as store:
            old = load_version(store, sid, int(chosen), user=current_user())
    except EssNlpError as err:
        st.session_state[f"syn_error_{sid}"] = str(err)
        return
    commit(sid, old, note=f"restauration de la version {chosen}")


def render_compare(db: str, sid: int, numbers: list[int]) -> None:
    """Two chosen versions side by side (changed rows only, unless asked)."""
    st.markdown("**Comparer deux versions**")
    cols = st.columns([1, 1, 2])
    left = cols[0].selectbox("Version", numbers, index=1, key=widget_key(sid, "compare_left"))
    right = cols[1].selectbox("avec la version", numbers, index=0, key=widget_key(sid, "compare_right"))
    every = cols[2].toggle("Afficher aussi ce qui n'a pas changé", key=widget_key(sid, "compare_all"))
    try:
        with cache.open_store(db) as store:
            a = load_version(store, sid, int(left), user=current_user())
            b = load_version(store, sid, int(right), user=current_user())
    except EssNlpError as err:
        st.error(md_escape(err))
        return
    rows = [r for r in side_by_side(a, b) if every or r.status != "same"]
    if not rows:
        st.caption(f"Les versions {int(left)} et {int(right)} sont identiques.")
        return
    st.dataframe(
        [{"où": r.where, f"version {left}": r.left, f"version {right}": r.right, "changement": STATUS[r.status]} for r in rows],
        hide_index=True,
        key=widget_key(sid, "compare_table"),
        column_config={
            f"version {left}": st.column_config.TextColumn(width="large"),
            f"version {right}": st.column_config.TextColumn(width="large"),
        },
    )


def render_delete(db: str, sid: int, title: str) -> None:
    confirm_key = f"syn_confirm_delete_{sid}"
    if not st.session_state.get(confirm_key):
        st.button(
            "Supprimer la synthèse…", key=widget_key(sid, "delete"), icon=":material/delete_forever:",
            on_click=_ask_delete, args=(confirm_key, True),
        )  # fmt: skip
        return
    st.warning(
        f"Supprimer la synthèse « {md_escape(title)} » ? Elle disparaîtra des listes ; « Annuler la suppression » la rétablit.")
    cols = st.columns(2)
    cols[0].button("Oui, supprimer", key=widget_key(sid, "delete_yes"), type="primary", on_click=_delete, args=(db, sid))
    cols[1].button("Non, garder", key=widget_key(sid, "delete_no"), on_click=_ask_delete, args=(confirm_key, False))


@uninterrupted
def _ask_delete(confirm_key: str, ask: bool) -> None:
    if ask:
        st.session_state[confirm_key] = True
    else:
        st.session_state.pop(confirm_key, None)


@uninterrupted
def _delete(db: str, sid: int) -> None:
    try:
        with cache.open_store(db) as store:
            delete_synthesis(store, sid, user=current_user())
    except EssNlpError as err:
        st.session_state[f"syn_error_{sid}"] = str(err)
        return
    st.session_state.pop(f"syn_confirm_delete_{sid}", None)
    st.session_state["syn_just_deleted"] = sid
    st.session_state.pop("syn_select", None)
    st.query_params.pop(PARAM, None)  # last: the address change is sent to the browser


def render_undelete(db: str, sid: int, title: str, *, where: str = "") -> None:
    key = f"syn_undelete_{where}_{sid}" if where else f"syn_undelete_{sid}"
    st.button(f"Annuler la suppression de « {md_escape(title)} »", key=key, icon=":material/undo:", on_click=_undelete, args=(db, sid))


@uninterrupted
def _undelete(db: str, sid: int) -> None:
    try:
        with cache.open_store(db) as store:
            undelete_synthesis(store, sid, user=current_user())
    except EssNlpError as err:
        st.session_state["syn_page_error"] = str(err)
        return
    st.session_state.pop("syn_just_deleted", None)
    st.session_state.pop("syn_deleted_notice", None)
    st.session_state["syn_select"] = sid
    st.query_params[PARAM] = str(sid)  # last: the address change is sent to the browser


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
