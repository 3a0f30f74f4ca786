"""« Ajouter à la synthèse »: the action other pages offer next to the passages they list.

Pages call :func:`add_to_synthesis` (through ``ess_nlp.app.components.actions.item_actions_panel``) with a
frame of the items they show (``id, kind, cahier, unit, text``: an extraction record id or a
unit id); the panel lets the person pick some and adds them, with their citations, to their
current synthesis (chosen once per session, named in the panel, changeable there and on the
« Synthèses » page), in a save like any other (versioned, checked for concurrent edits).
The button acts in a callback and says what is missing rather than being disabled, so a click
is never lost.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ess_nlp.app import cache, state
from ess_nlp.app.callbacks import uninterrupted
from ess_nlp.app.components.auth import current_user
from ess_nlp.app.components.common import md_escape
from ess_nlp.errors import EssNlpError
from ess_nlp.synthesis import (
    SavedSynthesis,
    StaleSaveError,
    edit,
    get_synthesis,
    item_for,
    list_syntheses,
    save_synthesis,
)
from ess_nlp.synthesis.records import KIND_NAMES, SCOPE_NAMES

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


def describe(s: SavedSynthesis) -> str:
    """« n° 3 · Titre — thème T4 · groupe t4 (v5) »: two syntheses of the same title told apart."""
    return f"n° {s.id} · {s.title} — {SCOPE_NAMES[s.scope.kind]} {s.scope.value} · groupe {s.group or '—'} (v{s.version})"


def add_to_synthesis(items: pd.DataFrame, key_prefix: str) -> None:
    """The « Ajouter à la synthèse » panel for ``items``: it adds to the session's current
    synthesis (:func:`ess_nlp.app.state.synthesis_target`), named in the panel; with none chosen
    yet, the person chooses it (preselected only when there is a single one), once for every page."""
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
        st.multiselect(
            "Passages à ajouter",
            list(labels),
            default=[0] if len(rows) == 1 else [],
            format_func=lambda i: labels[i],
            key=f"{key_prefix}_syn_items",
            placeholder="Choisissez un ou plusieurs passages",
        )
        by_id = {s.id: s for s in targets}
        mine = sorted(by_id, key=lambda i: (by_id[i].group not in user.groups, list(by_id).index(i)))
        current = state.synthesis_target()
        if current not in by_id and len(by_id) == 1:
            current = next(iter(by_id))
        choose_key = f"{key_prefix}_syn_target"
        if current in by_id and choose_key not in st.session_state:
            st.session_state[choose_key] = current
        elif current in by_id and st.session_state.get(choose_key) != current:
            st.session_state[choose_key] = current  # chosen on another page or on « Synthèses »
        cols = st.columns([3, 2, 1])
        cols[0].selectbox(
            "Synthèse courante (où les passages sont ajoutés)",
            mine,
            index=None,
            format_func=lambda s: describe(by_id[s]),
            key=choose_key,
            placeholder="Choisissez votre synthèse courante",
            on_change=_choose_target,
            args=(choose_key,),
            help="Choisie une fois : elle reste la cible de « Ajouter » sur toutes les pages ; vous pouvez en changer ici.",
        )
        cols[1].selectbox(
            "Ajouter comme", list(AS_KINDS), format_func=lambda k: AS_KINDS[k], key=f"{key_prefix}_syn_kind"
        )
        cols[2].write("")
        # never disabled: a click right after choosing passages must not be lost; it says what is missing
        cols[2].button("Ajouter", key=f"{key_prefix}_syn_add", type="primary", on_click=_add, args=(db, rows, key_prefix))
        outcome = st.session_state.pop(f"{key_prefix}_syn_outcome", None)
        if outcome is not None:
            level, text, target = outcome
            if level == "success":
                st.success(text)  # md: escaped when written
                st.page_link(
                    _page_path(), label="Ouvrir la synthèse", icon=":material/article:", query_params={"synthese": str(target)}
                )
            else:
                st.error(md_escape(text))


@uninterrupted
def _choose_target(choose_key: str) -> None:
    chosen = st.session_state.get(choose_key)
    if chosen is not None:
        state.set_synthesis_target(int(chosen))


@uninterrupted
def _add(db: str, rows: pd.DataFrame, key_prefix: str) -> None:
    """Callback of « Ajouter » (a callback: the click is never lost to a rerun)."""
    out = f"{key_prefix}_syn_outcome"
    chosen = list(st.session_state.get(f"{key_prefix}_syn_items") or [])
    target = st.session_state.get(f"{key_prefix}_syn_target")
    if not chosen:
        st.session_state[out] = ("error", "Choisissez d'abord au moins un passage à ajouter.", None)
        return
    if target is None:
        st.session_state[out] = ("error", "Choisissez d'abord votre synthèse courante (la synthèse où ajouter).", None)
        return
    as_kind = str(st.session_state.get(f"{key_prefix}_syn_kind") or "")
    refs = [(str(rows.iloc[i]["id"]), str(rows.iloc[i].get("kind") or "")) for i in chosen if i < len(rows)]
    try:
        version = add_items(db, int(target), refs, as_kind=as_kind)
        with cache.open_store(db) as store:
            title = get_synthesis(store, int(target)).title
    except EssNlpError as err:
        st.session_state[out] = ("error", str(err), target)
        return
    state.set_synthesis_target(int(target))
    st.session_state[out] = ("success", f"{len(refs)} passage(s) ajouté(s) à « {md_escape(title)} » (version {version}).", target)


def _page_path() -> str:
    from pathlib import Path

    return str(Path(__file__).resolve().parents[1] / SYNTHESES_PAGE)
