"""Page « Synthèses » (the script the navigation runs): choose or create a synthesis for a theme, a
domain or a topic from its draft, then edit it, export it, go back to any version.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ess_nlp.access import AccessDenied, UsersFile, users_path
from ess_nlp.app import cache
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
    held_doc,
    load_into_session,
    render_conflict,
    widget_key,
)
from ess_nlp.errors import EssNlpError
from ess_nlp.store.views import names as label_names_view
from ess_nlp.synthesis import (
    SECTIONS,
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
    render_create(db, token, expanded=not mine)
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
    default = int(wanted) if wanted is not None and wanted.isdigit() else ids[0]
    sid = st.selectbox(
        "Synthèse",
        ids,
        index=ids.index(default) if default in ids else 0,
        format_func=lambda i: (
            f"n° {i} · {titles[i].title} — {SCOPE_NAMES[titles[i].scope.kind]} {titles[i].scope.value}"
            f" · groupe {titles[i].group or '—'}"
        ),
        key="syn_select",
    )
    st.query_params[PARAM] = str(sid)
    render_synthesis(db, int(sid))
    render_deleted(db, deleted)


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
    user = current_user()
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
        groups = _group_choices()
        group = st.selectbox(
            "Groupe de travail",
            list(groups),
            format_func=lambda g: groups[g],
            key="syn_new_group",
            help="Seuls les membres du groupe (et l'équipe) verront et modifieront cette synthèse.",
        )
        from_draft = st.checkbox("Partir du brouillon proposé", value=True, key="syn_new_draft")
        if st.button("Créer la synthèse", key="syn_create", type="primary"):
            try:
                with cache.open_store(db) as store:
                    scope = resolve_scope(store, kind, value)
                    doc = draft_synthesis(store, scope) if from_draft else Synthesis(scope.label or scope.value, scope)
                    saved = create_synthesis(store, doc, user=user, group=group or None)
            except EssNlpError as err:
                st.error(md_escape(err))
                return
            st.query_params[PARAM] = str(saved.id)
            st.session_state["syn_select"] = saved.id
            st.rerun()


def _topic_options(db: str, token: cache.Token) -> dict[str, str]:
    with cache.open_store(db) as store:
        rows = store.conn.execute(
            "SELECT t.run_id, r.model, t.topic_id, t.name, t.size FROM topics t JOIN topic_runs r ON r.id = t.run_id"
            " WHERE t.run_id = (SELECT max(id) FROM topic_runs WHERE model = r.model) ORDER BY r.model, t.size DESC"
        ).fetchall()
    return {f"{r['model']}:{r['topic_id']}": f"{r['model']} · {r['topic_id']} · {r['name']} ({r['size']})" for r in rows}


def _group_choices() -> dict[str, str]:
    user = current_user()
    known: dict[str, str] = {}
    try:
        users = UsersFile.load(users_path(), missing_ok=True)
        known = {g.id: g.name for g in users.groups.values()}
    except EssNlpError:
        known = {}
    if user.staff:
        return {"": "sans groupe (équipe seulement)"} | {g: f"{g} — {n}" for g, n in known.items()}
    return {g: f"{g} — {known.get(g, g)}" for g in user.groups}


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
            if st.button("Marquer comme vu", key=widget_key(sid, "ack")):
                with cache.open_store(db) as store:
                    acknowledge_flags(store, sid, who=user.login)
                st.rerun()
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
