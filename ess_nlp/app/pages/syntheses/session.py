"""The editing session of one synthesis: the document as this browser holds it, the version
it is based on, and autosave (every change a new version; a save on a replaced version shows
the conflict and offers to merge).
"""

from __future__ import annotations

import threading
from typing import Any

import streamlit as st

from ess_nlp.app import cache
from ess_nlp.app.callbacks import uninterrupted
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
    get_synthesis,
    load_version,
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


def load_into_session(sid: int, doc: Synthesis, version: int, *, drawn_from: Synthesis | None = None) -> None:
    """Make ``doc`` at ``version`` the working copy, and reset the fields it changed.

    Only a field whose value in ``doc`` differs from the one it was drawn with (and from what
    it holds) is reset: a field someone is editing keeps what they typed, so several quick
    edits, each saved by its own callback in the same run, are all kept."""
    before = drawn_from if drawn_from is not None else st.session_state.get(f"syn_doc_{sid}")
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


# The versions each browser session saved, per synthesis (process memory, not the session state:
# recorded as soon as the database has them, whatever happens to the run that saved them).
_OWN_SAVES: dict[tuple[str, int], set[int]] = {}  # (session | database, synthesis) -> versions
_OWN_LOCK = threading.Lock()
# One save at a time per browser session and synthesis: Streamlit may start the next run of a
# session (with its callbacks) before the previous one has finished its own.
_SAVE_LOCKS: dict[tuple[str, int], threading.RLock] = {}


def save_lock(sid: int) -> threading.RLock:
    with _OWN_LOCK:
        return _SAVE_LOCKS.setdefault(_own_key(sid), threading.RLock())


def _session_id() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx.session_id if ctx is not None else "bare"


def _own_key(sid: int) -> tuple[str, int]:
    return (f"{_session_id()}|{cache.current()[0]}", sid)


def _record_own(sid: int, version: int) -> None:
    with _OWN_LOCK:
        versions = _OWN_SAVES.setdefault(_own_key(sid), set())
        versions.add(version)
        if len(versions) > 1000:
            versions.difference_update(sorted(versions)[:500])


def _all_own(sid: int, after: int, upto: int) -> bool:
    """Whether every version after ``after`` up to ``upto`` was saved by this browser session."""
    with _OWN_LOCK:
        mine = _OWN_SAVES.get(_own_key(sid), set())
        return all(v in mine for v in range(after + 1, upto + 1))


def _save(store: Any, sid: int, doc: Synthesis, base: int, note: str) -> Any:
    """Save on ``base``. When the versions saved since were all this session's own (quick edits
    whose runs were cut short before they recorded their version), merge with them and save:
    a person never conflicts with their own edits. Someone else's version raises as usual."""
    try:
        saved = save_synthesis(store, sid, doc, base_version=base, user=current_user(), note=note)
    except StaleSaveError as err:
        merged = err.merge()
        if merged.conflicts or not _all_own(sid, base, err.theirs.version):
            raise
        saved = save_synthesis(store, sid, merged.doc, base_version=err.theirs.version, user=current_user(), note=note)
    _record_own(sid, saved.version)
    return saved


def commit(sid: int, doc: Synthesis, note: str = "", *, base: int | None = None, drawn_from: Synthesis | None = None) -> None:
    """Autosave: save ``doc`` on ``base`` (default: the version this session is based on);
    ``drawn_from`` is the document the change was made on (see :func:`load_into_session`)."""
    db, _ = cache.current()
    st.session_state.pop(f"syn_error_{sid}", None)
    try:
        with save_lock(sid), cache.open_store(db) as store:
            base = base_version(sid) if base is None else base
            saved = _save(store, sid, doc, base, note)
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
    if saved.version == base:
        st.session_state[f"syn_info_{sid}"] = "Rien à enregistrer : la synthèse est déjà ainsi."
    load_into_session(sid, saved.doc, saved.version, drawn_from=drawn_from)
    st.session_state[f"syn_saved_{sid}"] = saved.version


@uninterrupted
def apply_change(sid: int, change: Any, *args: Any, note: str = "") -> None:
    """Callback: apply ``change(doc, *args)`` and save.

    The change is made on the stored document at the version this session is based on, or on
    the latest one when every version since was this session's own (quick edits whose runs were
    cut short before they recorded it): never on a copy older than what the person already saved."""
    with save_lock(sid):
        _apply_change(sid, change, *args, note=note)


def _apply_change(sid: int, change: Any, *args: Any, note: str = "") -> None:
    db, _ = cache.current()
    base = base_version(sid)
    try:
        with cache.open_store(db) as store:
            stored = get_synthesis(store, sid)
            if stored.version == base or _all_own(sid, base, stored.version):
                source, base = stored.doc, stored.version
            else:  # someone else saved since: the save below shows the conflict
                source = load_version(store, sid, base)
        doc = change(source, *args)
    except EssNlpError as err:
        st.session_state[f"syn_error_{sid}"] = str(err)
        forget_widgets(sid)  # the fields show the stored values again (e.g. a refused blank title)
        return
    commit(sid, doc, note, base=base, drawn_from=source)


@uninterrupted
def on_text(sid: int, item_id: str, field: str) -> None:
    key = widget_key(sid, field, item_id)
    if key not in st.session_state:  # the field was drawn again meanwhile: nothing typed to save
        return
    value = str(st.session_state[key])
    if field == "text":
        apply_change(sid, edit.set_text, item_id, value)
    else:
        from dataclasses import replace

        changes: dict[str, Any] = {field: value.strip()}
        apply_change(sid, lambda d: edit.update_item(d, item_id, lambda i: replace(i, **changes)))


@uninterrupted
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


@uninterrupted
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


def catch_up(sid: int) -> None:
    """Save what a field holds when it changed since it was drawn but its change was never
    saved (its callback skipped by a rerun that cut the run short); then remember what each
    field holds now. Called while drawing the synthesis, before its fields."""
    drawn_key = f"syn_drawn_{sid}"
    drawn: dict[str, object] = st.session_state.get(drawn_key) or {}
    now = field_values(sid, held_doc(sid))
    for key, value in now.items():
        if key in st.session_state and key in drawn and st.session_state[key] != drawn[key] and st.session_state[key] != value:
            part = key.removeprefix(f"syn_w_{sid}_")
            if part.startswith("doc_"):
                on_doc_field(sid, part.removeprefix("doc_"))
            else:
                field, _, item_id = part.partition("_")
                on_text(sid, item_id, field)
    now = field_values(sid, held_doc(sid))
    st.session_state[drawn_key] = {k: st.session_state.get(k, v) for k, v in now.items()}
