"""The editing session of one synthesis: the document as this browser holds it, the version
it is based on, and autosave (every change a new version; a save on a replaced version shows
the conflict and offers to merge).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ess_nlp.app import cache
from ess_nlp.app.components.auth import current_user
from ess_nlp.app.components.common import md_escape
from ess_nlp.errors import EssNlpError
from ess_nlp.synthesis import (
    StaleSaveError,
    Synthesis,
    SynthesisDeletedError,
    edit,
    save_synthesis,
)

PARAM = "synthese"


def widget_key(sid: int, *parts: object) -> str:
    return "syn_w_" + "_".join(str(p) for p in (sid, *parts))


def held_doc(sid: int) -> Synthesis:
    doc: Synthesis = st.session_state[f"syn_doc_{sid}"]
    return doc


def base_version(sid: int) -> int:
    return int(st.session_state[f"syn_base_{sid}"])


def load_into_session(sid: int, doc: Synthesis, version: int) -> None:
    """Make ``doc`` at ``version`` the working copy and forget the widgets' old values."""
    st.session_state[f"syn_doc_{sid}"] = doc
    st.session_state[f"syn_base_{sid}"] = version
    prefix = f"syn_w_{sid}_"
    for key in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[key]


def forget_widgets(sid: int) -> None:
    prefix = f"syn_w_{sid}_doc_"
    for key in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[key]


def commit(sid: int, doc: Synthesis, note: str = "") -> None:
    """Autosave: save ``doc`` on the version this session is based on."""
    db, _ = cache.current()
    st.session_state.pop(f"syn_error_{sid}", None)
    try:
        with cache.open_store(db) as store:
            saved = save_synthesis(store, sid, doc, base_version=base_version(sid), user=current_user(), note=note)
    except StaleSaveError as err:
        st.session_state[f"syn_doc_{sid}"] = doc
        st.session_state[f"syn_conflict_{sid}"] = err
        return
    except SynthesisDeletedError as err:  # deleted meanwhile: the edit is kept in its history
        st.session_state["syn_deleted_notice"] = (sid, str(err))
        return
    except EssNlpError as err:
        st.session_state[f"syn_error_{sid}"] = str(err)
        return
    st.session_state.pop(f"syn_conflict_{sid}", None)
    load_into_session(sid, saved.doc, saved.version)
    st.session_state[f"syn_saved_{sid}"] = saved.version


def apply_change(sid: int, change: Any, *args: Any, note: str = "") -> None:
    """Callback: apply ``change(doc, *args)`` and save."""
    try:
        doc = change(held_doc(sid), *args)
    except EssNlpError as err:
        st.session_state[f"syn_error_{sid}"] = str(err)
        forget_widgets(sid)  # the fields show the stored values again (e.g. a refused blank title)
        return
    commit(sid, doc, note)


def on_text(sid: int, item_id: str, field: str) -> None:
    value = str(st.session_state.get(widget_key(sid, field, item_id), ""))
    if field == "text":
        apply_change(sid, edit.set_text, item_id, value)
    else:
        from dataclasses import replace

        changes: dict[str, Any] = {field: value.strip()}
        apply_change(sid, lambda d: edit.update_item(d, item_id, lambda i: replace(i, **changes)))


def on_doc_field(sid: int, field: str) -> None:
    value = st.session_state.get(widget_key(sid, "doc", field))
    if field == "title":
        apply_change(sid, edit.set_title, str(value or ""))
    elif field == "introduction":
        apply_change(sid, edit.set_introduction, str(value or ""))
    elif field == "numbered":
        apply_change(sid, edit.set_numbered, bool(value))
    elif field == "working_group":
        apply_change(sid, edit.set_working_group, str(value or "").splitlines())


def render_conflict(sid: int, err: StaleSaveError) -> None:
    with st.container(border=True, key=f"syn_conflict_box_{sid}"):
        st.error(md_escape(err), icon=":material/sync_problem:")
        cols = st.columns(2)
        with cols[0]:
            st.markdown(f"**Modifications de {md_escape(err.theirs.updated_by)}** (version {err.theirs.version})")
            st.markdown("\n".join(f"- {md_escape(c.what)}" for c in err.their_changes) or "_aucune_")
        with cols[1]:
            st.markdown("**Vos modifications (non enregistrées)**")
            st.markdown("\n".join(f"- {md_escape(c.what)}" for c in err.my_changes) or "_aucune_")
        merged = err.merge()
        if merged.conflicts:
            st.caption("Points modifiés des deux côtés : " + md_escape(" ".join(merged.conflicts)))
        b = st.columns(3)
        if b[0].button("Fusionner et enregistrer", key=widget_key(sid, "merge_conflict"), type="primary"):
            st.session_state[f"syn_base_{sid}"] = err.theirs.version
            commit(sid, merged.doc, note="fusion de modifications simultanées")
            st.rerun()
        if b[1].button("Garder ma version", key=widget_key(sid, "keep_mine"), help="L'autre version reste dans l'historique."):
            st.session_state[f"syn_base_{sid}"] = err.theirs.version
            commit(sid, err.mine, note="version gardée après un conflit")
            st.rerun()
        if b[2].button("Abandonner mes modifications", key=widget_key(sid, "take_theirs")):
            st.session_state.pop(f"syn_conflict_{sid}", None)
            load_into_session(sid, err.theirs.doc, err.theirs.version)
            st.rerun()
