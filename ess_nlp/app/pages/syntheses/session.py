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
    SECTIONS,
    Item,
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


def field_values(sid: int, doc: Synthesis) -> dict[str, object]:
    """What each editable field of ``doc`` shows, by widget key."""
    out: dict[str, object] = {
        widget_key(sid, "doc", "title"): doc.title,
        widget_key(sid, "doc", "introduction"): doc.introduction,
        widget_key(sid, "doc", "numbered"): doc.numbered,
    }

    def walk(items: tuple[Item, ...]) -> None:
        for item in items:
            out[widget_key(sid, "text", item.id)] = item.text
            if item.kind == "initiative":
                out[widget_key(sid, "title", item.id)] = item.title
            walk(item.children)

    for section in SECTIONS:
        walk(doc.section(section))
    return out


def load_into_session(sid: int, doc: Synthesis, version: int) -> None:
    """Make ``doc`` at ``version`` the working copy, and reset the fields it changed.

    Only a field whose value in ``doc`` differs from the one it was drawn with (and from what
    it holds) is reset: a field someone is editing keeps what they typed, so several quick
    edits, each saved by its own callback in the same run, are all kept."""
    before = st.session_state.get(f"syn_doc_{sid}")
    st.session_state[f"syn_doc_{sid}"] = doc
    st.session_state[f"syn_base_{sid}"] = version
    drawn = field_values(sid, before) if isinstance(before, Synthesis) else {}
    now = field_values(sid, doc)
    prefix_fields = (f"syn_w_{sid}_doc_", f"syn_w_{sid}_text_", f"syn_w_{sid}_title_")
    for key in [k for k in st.session_state if str(k).startswith(prefix_fields)]:
        if key not in now:
            del st.session_state[key]  # an item no longer there
        elif now[key] != drawn.get(key, now[key]) and st.session_state[key] != now[key]:
            del st.session_state[key]  # changed elsewhere (restore, merge, another person): show it
    if not drawn:  # another synthesis or a fresh load: every widget drawn again from the document
        for key in [k for k in st.session_state if str(k).startswith(f"syn_w_{sid}_")]:
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
    if saved.version == base_version(sid):
        st.session_state[f"syn_info_{sid}"] = "Rien à enregistrer : la synthèse est déjà ainsi."
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
        b[0].button(
            "Fusionner et enregistrer", key=widget_key(sid, "merge_conflict"), type="primary",
            on_click=_resolve_conflict, args=(sid, "merge"),
        )  # fmt: skip
        b[1].button(
            "Garder ma version", key=widget_key(sid, "keep_mine"), help="L'autre version reste dans l'historique.",
            on_click=_resolve_conflict, args=(sid, "mine"),
        )  # fmt: skip
        b[2].button("Abandonner mes modifications", key=widget_key(sid, "take_theirs"), on_click=_resolve_conflict, args=(sid, "theirs"))


def _resolve_conflict(sid: int, how: str) -> None:
    """Callback of the conflict's buttons (a callback: the click is never lost to a rerun)."""
    err: StaleSaveError | None = st.session_state.get(f"syn_conflict_{sid}")
    if err is None:
        st.session_state[f"syn_info_{sid}"] = "Ce conflit est déjà résolu."
        return
    if how == "theirs":
        st.session_state.pop(f"syn_conflict_{sid}", None)
        load_into_session(sid, err.theirs.doc, err.theirs.version)
        return
    st.session_state[f"syn_base_{sid}"] = err.theirs.version
    if how == "merge":
        commit(sid, err.merge().doc, note="fusion de modifications simultanées")
    else:
        commit(sid, err.mine, note="version gardée après un conflit")
