"""Page « Synthèses » (the script the navigation runs): choose or create a synthesis for a theme, a
domain or a topic from its draft, then edit it, export it, go back to any version.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ess_nlp.access import AccessDenied, UsersFile, users_path
from ess_nlp.app import cache, state
from ess_nlp.app.callbacks import uninterrupted
from ess_nlp.app.components import masking
from ess_nlp.app.components.auth import current_user
from ess_nlp.app.components.common import md_escape, page_header, require_corpus
from ess_nlp.app.pages.syntheses.editor import render_contributors, render_document_fields, render_section
from ess_nlp.app.pages.syntheses.exports import render_corpus_export, render_export
from ess_nlp.app.pages.syntheses.lifecycle import (
    render_delete,
    render_deleted,
    render_history,
    render_undelete,
)
from ess_nlp.app.pages.syntheses.session import (
    PARAM,
    base_version,
    catch_up,
    held_doc,
    load_into_session,
    render_conflict,
    widget_key,
)
from ess_nlp.errors import EssNlpError
from ess_nlp.store.views import names as label_names_view
from ess_nlp.synthesis import (
    SECTIONS,
    DuplicateSynthesisError,
    StaleSaveError,
    Synthesis,
    acknowledge_flags,
    create_synthesis,
    draft_synthesis,
    get_synthesis,
    list_syntheses,
    open_flags,
    proposal_numbers,
    refresh_flags,
    resolve_scope,
    same_scope,
    unsourced_items,
)
from ess_nlp.synthesis.records import SCOPE_NAMES


def page() -> None:
    page_header(
        "Synthèses",
        "Construisez la synthèse d'un thème, d'un domaine ou d'un thème émergent : chaque phrase garde ses "
        "sources. Chaque modification est enregistrée aussitôt ; l'historique permet de revenir en arrière.",
    )
    ready = require_corpus()
    if ready is None:
        return
    db, token = ready
    user = current_user()
    with cache.open_store(db) as store:
        mine = list_syntheses(store, user=user)
        deleted = [s for s in list_syntheses(store, user=user, include_deleted=True) if s.deleted]
    wanted = st.query_params.get(PARAM)
    ids = [s.id for s in mine]
    problem = st.session_state.pop("syn_page_error", None)
    if problem:
        st.error(md_escape(problem))
    render_create(db, token, expanded=not mine or "syn_duplicate" in st.session_state)
    kept = _kept_notice(deleted)
    if kept is not None:  # an edit was saved here while someone deleted the synthesis
        st.warning(md_escape(kept[1]), icon=":material/restore_page:")
        render_undelete(db, kept[0].id, kept[0].title, where="notice")  # also in the list below
    if wanted is not None and wanted.isdigit() and int(wanted) not in ids:
        # a synthesis this user may not see (or a deleted one): say why
        try:
            with cache.open_store(db) as store:
                other = get_synthesis(store, int(wanted), user=user)
            if other.deleted and (kept is None or kept[0].id != other.id):
                st.warning(
                    f"La synthèse « {md_escape(other.title)} » a été supprimée par {md_escape(other.deleted_by)}."
                )
                render_undelete(db, other.id, other.title, where="notice")  # also in the list below
        except AccessDenied as err:
            st.error(md_escape(err), icon=":material/lock:")
        except EssNlpError as err:
            st.error(md_escape(err))
        wanted = None
    if not mine:
        st.info("Aucune synthèse pour l'instant : créez la première ci-dessus à partir du brouillon proposé.")
        render_deleted(db, deleted)
        return
    titles = {s.id: s for s in mine}
    target = state.synthesis_target()
    default = int(wanted) if wanted is not None and wanted.isdigit() else (target if target in ids else ids[0])
    sid = st.selectbox(
        "Synthèse",
        ids,
        index=ids.index(default) if default in ids else 0,
        format_func=lambda i: describe(titles[i]),
        key="syn_select",
    )
    st.query_params[PARAM] = str(sid)
    render_target(int(sid), titles)
    render_synthesis(db, int(sid))
    render_deleted(db, deleted)


def describe(s: Any) -> str:
    """« n° 3 · Titre — thème T4 · groupe t4 »: enough to tell two syntheses of the same title apart."""
    return f"n° {s.id} · {s.title} — {SCOPE_NAMES[s.scope.kind]} {s.scope.value} · groupe {s.group or '—'}"


def render_target(sid: int, titles: dict[int, Any]) -> None:
    """The session's current synthesis (where « Ajouter à la synthèse » adds, on every page):
    the first one opened, then only what the person chooses here or in the panel."""
    target = state.synthesis_target()
    if target is None or target not in titles:
        state.set_synthesis_target(sid)
        target = sid
    if target == sid:
        st.caption(
            ":material/my_location: Votre synthèse courante : les passages ajoutés depuis les autres pages "
            "(« Ajouter à la synthèse ») arrivent ici."
        )
        return
    cols = st.columns([3, 1])
    cols[0].caption(
        f":material/my_location: Votre synthèse courante (où « Ajouter à la synthèse » ajoute) reste "
        f"« {md_escape(describe(titles[target]))} »."
    )
    cols[1].button(
        "En faire ma synthèse courante", key="syn_make_target", on_click=uninterrupted(state.set_synthesis_target), args=(sid,),
    )  # fmt: skip


def _kept_notice(deleted: list[Any]) -> tuple[Any, str] | None:
    """The deleted synthesis this session saved an edit into, with the message, while it is
    still deleted (the notice stays until it is restored)."""
    notice = st.session_state.get("syn_deleted_notice")
    if notice is None:
        return None
    gone = next((s for s in deleted if s.id == notice[0]), None)
    if gone is None:
        st.session_state.pop("syn_deleted_notice", None)
        return None
    return gone, str(notice[1])


def render_create(db: str, token: cache.Token, *, expanded: bool) -> None:
    with st.expander("Nouvelle synthèse", expanded=expanded, icon=":material/add:"):
        kind = st.radio(
            "Portée",
            ["theme", "domain", "topic"],
            format_func=lambda k: {"theme": "Thème de travail", "domain": "Domaine", "topic": "Thème émergent"}[k],
            horizontal=True,
            key="syn_new_kind",
        )
        if kind == "topic":
            options = _topic_options(db, token)
        else:
            names = label_names_view.label_names("themes" if kind == "theme" else "domains")
            options = dict(names)
        if not options:
            st.info("Aucun thème émergent calculé sur cette base (« ess-nlp topics »).")
            return
        value = st.selectbox("Valeur", list(options), format_func=lambda v: options[v], key=f"syn_new_value_{kind}")
        groups = _group_choices(db)
        group = st.selectbox(
            "Groupe de travail",
            list(groups),
            format_func=lambda g: groups[g],
            key="syn_new_group",
            help="Seuls les membres du groupe (et l'équipe) verront et modifieront cette synthèse.",
        )
        st.checkbox("Partir du brouillon proposé", value=True, key="syn_new_draft")
        try:
            with cache.open_store(db) as store:
                existing = same_scope(store, resolve_scope(store, kind, value), group or None)
        except EssNlpError:
            existing = []  # said when creating
        pending = st.session_state.get("syn_duplicate")
        if pending is not None and pending[:3] == (kind, value, group):
            st.warning(md_escape(pending[3]), icon=":material/content_copy:")
            cols = st.columns(2)
            cols[0].button(
                "Ouvrir la synthèse existante", key="syn_open_existing", type="primary",
                on_click=_open, args=(existing[0].id if existing else None,),
            )  # fmt: skip
            cols[1].button(
                "Créer quand même une seconde synthèse", key="syn_create_second",
                on_click=_create, args=(db, kind, value, group, True),
            )  # fmt: skip
            return
        if pending is not None:  # the scope or the group changed since: the warning no longer applies
            st.session_state.pop("syn_duplicate", None)
        if existing:
            st.info(
                f"Ce groupe a déjà une synthèse pour cette portée : « {md_escape(describe(existing[0]))} ».",
                icon=":material/info:",
            )
        st.button("Créer la synthèse", key="syn_create", type="primary", on_click=_create, args=(db, kind, value, group, False))


@uninterrupted
def _open(sid: int | None) -> None:
    st.session_state.pop("syn_duplicate", None)
    if sid is not None:
        st.session_state["syn_select"] = sid
        state.set_synthesis_target(sid)
        st.query_params[PARAM] = str(sid)  # last: the address change is sent to the browser


@uninterrupted
def _create(db: str, kind: str, value: str, group: str, second: bool) -> None:
    """Callback of « Créer la synthèse »: a second synthesis for the same scope and group only
    after the warning naming the existing one, and « Créer quand même »."""
    st.session_state.pop("syn_page_error", None)
    from_draft = bool(st.session_state.get("syn_new_draft", True))
    try:
        with cache.open_store(db) as store:
            scope = resolve_scope(store, kind, value)
            doc = draft_synthesis(store, scope) if from_draft else Synthesis(scope.label or scope.value, scope)
            saved = create_synthesis(store, doc, user=current_user(), group=group or None, allow_duplicate=second)
    except DuplicateSynthesisError as err:
        st.session_state["syn_duplicate"] = (kind, value, group, str(err))
        return
    except EssNlpError as err:
        st.session_state["syn_page_error"] = str(err)
        return
    _open(saved.id)


def _topic_options(db: str, token: cache.Token) -> dict[str, str]:
    with cache.open_store(db) as store:
        rows = store.conn.execute(
            "SELECT t.run_id, r.model, t.topic_id, t.name, t.size FROM topics t JOIN topic_runs r ON r.id = t.run_id"
            " WHERE t.run_id = (SELECT max(id) FROM topic_runs WHERE model = r.model) ORDER BY r.model, t.size DESC"
        ).fetchall()
    return {f"{r['model']}:{r['topic_id']}": f"{r['model']} · {r['topic_id']} · {r['name']} ({r['size']})" for r in rows}


def _group_choices(db: str) -> dict[str, str]:
    """The working groups a synthesis may be made for: a member's own groups (first the
    default); for staff, their own groups, then every group of the users file and every group
    syntheses already have, then « sans groupe »."""
    user = current_user()
    known: dict[str, str] = {}
    try:
        users = UsersFile.load(users_path(), missing_ok=True)
        known = {g.id: g.name for g in users.groups.values()}
    except EssNlpError:
        known = {}
    if not user.staff:
        return {g: f"{g} — {known.get(g, g)}" for g in user.groups}
    with cache.open_store(db) as store:
        used = [s.group for s in list_syntheses(store, include_deleted=True) if s.group]
    ordered = list(dict.fromkeys([*user.groups, *known, *used]))
    return {g: f"{g} — {known.get(g, g)}" for g in ordered} | {"": "sans groupe (équipe seulement)"}


@uninterrupted
def _acknowledge(db: str, sid: int) -> None:
    try:
        with cache.open_store(db) as store:
            acknowledge_flags(store, sid, who=current_user().login)
    except EssNlpError as err:
        st.session_state[f"syn_error_{sid}"] = str(err)


def render_synthesis(db: str, sid: int) -> None:
    user = current_user()
    try:
        with cache.open_store(db) as store:
            stored = get_synthesis(store, sid, user=user)
            refresh_flags(store, [sid])
            flags = open_flags(store, sid)
    except EssNlpError as err:
        st.error(md_escape(err))
        return
    conflict: StaleSaveError | None = st.session_state.get(f"syn_conflict_{sid}")
    if f"syn_doc_{sid}" not in st.session_state:
        load_into_session(sid, stored.doc, stored.version)
    elif stored.version != base_version(sid) and conflict is None:
        load_into_session(sid, stored.doc, stored.version)
        st.toast(f"Synthèse mise à jour : version {stored.version} enregistrée par {md_escape(stored.updated_by)}.")
    doc = held_doc(sid)
    error = st.session_state.get(f"syn_error_{sid}")
    if error:
        st.error(md_escape(error))
    info = st.session_state.pop(f"syn_info_{sid}", None)
    if info:
        st.info(md_escape(info), icon=":material/info:")
    if conflict is not None:
        render_conflict(sid, conflict)
    saved = st.session_state.pop(f"syn_saved_{sid}", None)
    status = f"Version {base_version(sid)} · enregistrée par {stored.updated_by} le {stored.updated_at[:16].replace('T', ' ')}"
    st.caption(("✓ Enregistré. " if saved else "") + md_escape(status) + f" · groupe {md_escape(stored.group or '—')}")
    if flags:
        with st.container(border=True):
            st.warning(
                f"{len(flags)} passage(s) cité(s) ont changé d'étiquettes depuis leur citation (nouveau modèle ou "
                "modification des thèmes) : vérifiez qu'ils relèvent toujours de cette synthèse.",
                icon=":material/flag:",
            )
            cited = {c.unit: c for c in doc.citations()}
            lines = []
            for f in flags[:12]:
                c = cited.get(f.unit)
                where = f"« {c.text[:90]}{'…' if len(c.text) > 90 else ''} » ({c.cahier_title})" if c else f.unit
                lines.append(f"- {md_escape(where)} : {md_escape(f.what)}")
            st.markdown(  # md: lines escaped above
                "\n".join(lines) + (f"\n- … et {len(flags) - 12} autre(s)" if len(flags) > 12 else "")
            )
            st.button("Marquer comme vu", key=widget_key(sid, "ack"), on_click=_acknowledge, args=(db, sid))
    if conflict is None:
        catch_up(sid)
        doc = held_doc(sid)
    mask = masking.enabled()  # the sidebar's option, as on every page
    render_document_fields(sid, doc)
    problems = unsourced_items(doc)
    if problems:
        st.warning(
            f"{len(problems)} phrase(s) sans source : "
            + " ; ".join(f"« {md_escape(i.text[:60])} »" for _, i in problems[:5])
            + (" …" if len(problems) > 5 else ""),
            icon=":material/link_off:",
        )
    numbers = proposal_numbers(doc)
    for section in SECTIONS:
        render_section(sid, doc, section, numbers, mask)
    render_contributors(doc)
    render_export(sid, doc)
    render_corpus_export(db, cache.current()[1])
    render_history(db, sid)
    render_delete(db, sid, doc.title)


if __name__ == "__main__":
    page()
