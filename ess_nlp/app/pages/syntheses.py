"""Page « Synthèses »: create a synthesis for a theme, a domain or a topic from its draft, edit
it (rewrite, reorder, merge, number, add free text, remove sources), see the organisations
involved, export it, go back to any version, and never overwrite someone else's work.

Every change is saved at once (a new version); a save based on a version someone else replaced
shows both sets of changes and offers to merge. Other pages add passages through
:func:`add_to_synthesis` (re-exported here for ``ess_nlp.app.components.actions``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from ess_nlp.access import AccessDenied, UsersFile, can, can_export_corpus, users_path
from ess_nlp.app import cache
from ess_nlp.app.components import masking
from ess_nlp.app.components.auth import current_user
from ess_nlp.app.components.common import md_escape, page_header, require_corpus
from ess_nlp.app.components.synthesis_actions import add_to_synthesis
from ess_nlp.app.nav import link_to_cahier
from ess_nlp.errors import EssNlpError
from ess_nlp.export import EXTENSIONS, FORMAT_NAMES, FORMATS, MIME_TYPES, export, export_synthesis
from ess_nlp.store.views import names as label_names_view
from ess_nlp.synthesis import (
    SECTION_TITLES,
    SECTIONS,
    Item,
    StaleSaveError,
    Synthesis,
    SynthesisDeletedError,
    acknowledge_flags,
    contributors,
    create_synthesis,
    delete_synthesis,
    draft_synthesis,
    edit,
    get_synthesis,
    history,
    list_syntheses,
    load_version,
    open_flags,
    proposal_numbers,
    refresh_flags,
    resolve_scope,
    save_synthesis,
    undelete_synthesis,
    unsourced_items,
)
from ess_nlp.synthesis.records import KIND_NAMES, SCOPE_NAMES
from ess_nlp.text import slug

__all__ = ["add_to_synthesis", "page"]

PAGE_SIZE = 60
PARAM = "synthese"
ITEM_MARKERS = {"text": ":material/edit_note:", "initiative": ":material/eco:"}  # icons of items without a number


# --- state -----------------------------------------------------------------------------------


def _key(sid: int, *parts: object) -> str:
    return "syn_w_" + "_".join(str(p) for p in (sid, *parts))


def _doc(sid: int) -> Synthesis:
    doc: Synthesis = st.session_state[f"syn_doc_{sid}"]
    return doc


def _base(sid: int) -> int:
    return int(st.session_state[f"syn_base_{sid}"])


def _load(sid: int, doc: Synthesis, version: int) -> None:
    """Make ``doc`` at ``version`` the working copy and forget the widgets' old values."""
    st.session_state[f"syn_doc_{sid}"] = doc
    st.session_state[f"syn_base_{sid}"] = version
    prefix = f"syn_w_{sid}_"
    for key in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[key]


def _forget_widgets(sid: int) -> None:
    prefix = f"syn_w_{sid}_doc_"
    for key in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[key]


def _commit(sid: int, doc: Synthesis, note: str = "") -> None:
    """Autosave: save ``doc`` on the version this session is based on."""
    db, _ = cache.current()
    st.session_state.pop(f"syn_error_{sid}", None)
    try:
        with cache.open_store(db) as store:
            saved = save_synthesis(store, sid, doc, base_version=_base(sid), user=current_user(), note=note)
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
    _load(sid, saved.doc, saved.version)
    st.session_state[f"syn_saved_{sid}"] = saved.version


def _apply(sid: int, change: Any, *args: Any, note: str = "") -> None:
    """Callback: apply ``change(doc, *args)`` and save."""
    try:
        doc = change(_doc(sid), *args)
    except EssNlpError as err:
        st.session_state[f"syn_error_{sid}"] = str(err)
        _forget_widgets(sid)  # the fields show the stored values again (e.g. a refused blank title)
        return
    _commit(sid, doc, note)


def _on_text(sid: int, item_id: str, field: str) -> None:
    value = str(st.session_state.get(_key(sid, field, item_id), ""))
    if field == "text":
        _apply(sid, edit.set_text, item_id, value)
    else:
        from dataclasses import replace

        changes: dict[str, Any] = {field: value.strip()}
        _apply(sid, lambda d: edit.update_item(d, item_id, lambda i: replace(i, **changes)))


def _on_doc_field(sid: int, field: str) -> None:
    value = st.session_state.get(_key(sid, "doc", field))
    if field == "title":
        _apply(sid, edit.set_title, str(value or ""))
    elif field == "introduction":
        _apply(sid, edit.set_introduction, str(value or ""))
    elif field == "numbered":
        _apply(sid, edit.set_numbered, bool(value))
    elif field == "working_group":
        _apply(sid, edit.set_working_group, str(value or "").splitlines())


# --- page ------------------------------------------------------------------------------------


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


# --- one synthesis -----------------------------------------------------------------------------


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
        _load(sid, stored.doc, stored.version)
    elif stored.version != _base(sid) and conflict is None:
        _load(sid, stored.doc, stored.version)
        st.toast(f"Synthèse mise à jour : version {stored.version} enregistrée par {md_escape(stored.updated_by)}.")
    doc = _doc(sid)
    error = st.session_state.get(f"syn_error_{sid}")
    if error:
        st.error(md_escape(error))
    if conflict is not None:
        render_conflict(sid, conflict)
    saved = st.session_state.pop(f"syn_saved_{sid}", None)
    status = f"Version {_base(sid)} · enregistrée par {stored.updated_by} le {stored.updated_at[:16].replace('T', ' ')}"
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
            if st.button("Marquer comme vu", key=_key(sid, "ack")):
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


def render_document_fields(sid: int, doc: Synthesis) -> None:
    st.text_input("Titre", value=doc.title, key=_key(sid, "doc", "title"), on_change=_on_doc_field, args=(sid, "title"))
    st.text_area(
        "Introduction",
        value=doc.introduction,
        key=_key(sid, "doc", "introduction"),
        on_change=_on_doc_field,
        args=(sid, "introduction"),
        placeholder="Quelques lignes qui présentent le thème et la démarche du groupe.",
    )
    if doc.notes:
        st.caption(md_escape(" ".join(doc.notes)))


def render_section(sid: int, doc: Synthesis, section: str, numbers: dict[str, str], mask: bool) -> None:
    items = doc.section(section)  # type: ignore[arg-type]
    st.subheader(f"{SECTION_TITLES[section]} ({len(items)})")  # type: ignore[index]
    if section == "proposals":
        st.toggle(
            "Numéroter les propositions",
            value=doc.numbered,
            key=_key(sid, "doc", "numbered"),
            on_change=_on_doc_field,
            args=(sid, "numbered"),
        )
    start = 0
    if len(items) > PAGE_SIZE:
        start = int(
            st.number_input(
                f"Afficher à partir de l'élément n° (sur {len(items)})",
                min_value=1,
                max_value=len(items),
                value=1,
                step=PAGE_SIZE,
                key=_key(sid, "page", section),
            )
        ) - 1
    for pos, item in enumerate(items[start : start + PAGE_SIZE], start=start):
        render_item(sid, item, numbers, mask, depth=0, first=pos == 0, last=pos == len(items) - 1)
    if len(items) > start + PAGE_SIZE:
        st.caption(f"… {len(items) - start - PAGE_SIZE} élément(s) après ceux-ci.")
    if section == "proposals" and len(items) >= 2:
        render_merge(sid, items, numbers)
    with st.popover("Ajouter un texte libre", icon=":material/add_notes:"):
        text = st.text_area("Texte", key=_key(sid, "free", section))
        if st.button("Ajouter", key=_key(sid, "free_add", section), disabled=not text.strip()):
            _apply(sid, lambda d: edit.add_item(d, edit.make_item("text", text), section=section))  # type: ignore[arg-type]
            st.rerun()


def render_item(sid: int, item: Item, numbers: dict[str, str], mask: bool, *, depth: int, first: bool, last: bool) -> None:
    with st.container(border=True, key=f"syn_item_{item.id}"):
        cols = st.columns([0.7 + 0.5 * depth, 9, 0.6, 0.6, 0.6], vertical_alignment="top")
        number = numbers.get(item.id, "")
        kind = KIND_NAMES.get(item.kind, item.kind)
        cols[0].markdown(f"**{md_escape(number)}**" if number else ITEM_MARKERS.get(item.kind, "•"))
        with cols[1]:
            if item.kind == "initiative":
                st.text_input(
                    "Titre de l'initiative",
                    value=item.title,
                    key=_key(sid, "title", item.id),
                    on_change=_on_text,
                    args=(sid, item.id, "title"),
                )
                meta = " — ".join(x for x in (item.organisation, item.place, item.url) if x)
                if meta:
                    st.caption(md_escape(meta))
            st.text_area(
                f"Texte ({md_escape(kind)})",
                value=item.text,
                key=_key(sid, "text", item.id),
                on_change=_on_text,
                args=(sid, item.id, "text"),
                label_visibility="collapsed",
                height="content" if len(item.text) < 400 else 160,
            )
            if item.unsourced:
                st.caption(":orange[Sans source : ajoutez une citation ou reformulez en texte du groupe.]")
            render_citations(sid, item, mask)
        cols[2].button(
            "", key=_key(sid, "up", item.id), icon=":material/arrow_upward:", help="Monter", disabled=first,
            on_click=_apply, args=(sid, _move, item.id, -1),
        )  # fmt: skip
        cols[3].button(
            "", key=_key(sid, "down", item.id), icon=":material/arrow_downward:", help="Descendre", disabled=last,
            on_click=_apply, args=(sid, _move, item.id, 1),
        )  # fmt: skip
        cols[4].button(
            "", key=_key(sid, "remove", item.id), icon=":material/delete:", help="Retirer de la synthèse",
            on_click=_apply, args=(sid, edit.remove_item, item.id), kwargs={"note": "élément retiré"},
        )  # fmt: skip
    for n, child in enumerate(item.children):
        render_item(sid, child, numbers, mask, depth=depth + 1, first=n == 0, last=n == len(item.children) - 1)


def _move(doc: Synthesis, item_id: str, step: int) -> Synthesis:
    """Move an item one place up (-1) or down (+1) among its siblings."""
    for section in SECTIONS:
        siblings = _siblings(doc.section(section), item_id)
        if siblings is not None:
            ids = [i.id for i in siblings]
            return edit.move_item(doc, item_id, max(0, ids.index(item_id) + step))
    return doc


def _siblings(items: tuple[Item, ...], item_id: str) -> tuple[Item, ...] | None:
    if any(i.id == item_id for i in items):
        return items
    for i in items:
        found = _siblings(i.children, item_id)
        if found is not None:
            return found
    return None


def render_citations(sid: int, item: Item, mask: bool) -> None:
    if not item.citations:
        return
    orgs = ", ".join(dict.fromkeys(c.organisation for c in item.citations if c.organisation))
    label = f"{len(item.citations)} source(s)" + (f" : {orgs[:90]}" if orgs else "")
    with st.expander(md_escape(label)):
        for n, c in enumerate(item.citations):
            passage = masking.mask_text(c.text) if mask else c.text
            st.markdown("> " + md_escape(passage))
            where = " — ".join(x for x in (f"« {c.cahier_title} »" if c.cahier_title else "", c.organisation, c.territory) if x)
            st.caption(md_escape(f"{where} · {Path(c.source).name}" + (f", p. {c.page}" if c.page else "")))
            cols = st.columns([2, 1])
            with cols[0]:
                if c.cahier:
                    link_to_cahier(c.cahier, "Lire dans le cahier", unit=c.unit)
            cols[1].button(
                "Retirer cette source", key=_key(sid, "uncite", item.id, n),
                on_click=_apply, args=(sid, edit.remove_citation, item.id, c), kwargs={"note": "source retirée"},
            )  # fmt: skip


def render_merge(sid: int, items: tuple[Item, ...], numbers: dict[str, str]) -> None:
    with st.expander("Fusionner des propositions", icon=":material/merge:"):
        labels = {i.id: f"{numbers.get(i.id, '')} {i.text[:100]}".strip() for i in items}
        with st.form(_key(sid, "merge_form")):
            chosen = st.multiselect("Propositions à fusionner (la première garde sa place)", list(labels), format_func=lambda i: labels[i])
            text = st.text_area("Nouvelle formulation (facultatif)")
            if st.form_submit_button("Fusionner"):
                if len(chosen) < 2:
                    st.session_state[f"syn_error_{sid}"] = "Choisissez au moins deux propositions à fusionner."
                else:
                    _apply(sid, lambda d: edit.merge_items(d, chosen, text=text.strip() or None), note="fusion")
                st.rerun()


def render_contributors(doc: Synthesis) -> None:
    found = contributors(doc)
    st.subheader("Organisations contributrices")
    if not found:
        st.caption("Aucune organisation citée pour l'instant.")
        return
    st.markdown(
        "\n".join(
            f"- {md_escape(c.name)}" + (f" ({c.cahiers} cahier{'s' if c.cahiers > 1 else ''})" if c.cahiers else " (ajoutée)")
            for c in found
        )
    )


def render_export(sid: int, doc: Synthesis) -> None:
    st.subheader("Exporter")
    cols = st.columns([2, 2, 2])
    fmt = cols[0].selectbox(
        "Format", [f for f in FORMATS if f != "iramuteq"] + ["iramuteq"], format_func=lambda f: FORMAT_NAMES[f], key="syn_export_fmt"
    )
    unmask = can(current_user(), "unmask")
    mask = cols[1].checkbox(
        "Masquer les données personnelles",
        value=True,
        key="syn_export_mask",
        disabled=not unmask,
        help=None if unmask else "Seule l'équipe peut exporter sans masquer les données personnelles.",
    ) or not unmask
    db, _ = cache.current()

    current, version = doc, _base(sid)  # captured now: the file is built outside this run

    def build() -> bytes:
        with cache.open_store(db) as store:
            return export_synthesis(current, fmt, mask=mask, store=store, meta={"synthesis_id": sid, "version": version})

    cols[2].write("")
    cols[2].download_button(
        f"Télécharger ({FORMAT_NAMES[fmt]})",
        data=build,
        file_name=slug(doc.title) + EXTENSIONS[fmt],
        mime=MIME_TYPES[fmt],
        key="syn_export_download",
        icon=":material/download:",
        on_click="ignore",
    )



def render_corpus_export(db: str, token: cache.Token) -> None:
    """Researchers and staff: every cahier of a theme or a domain as an IRaMuTeQ corpus."""
    user = current_user()
    if not can_export_corpus(user):
        return
    with st.expander("Corpus pour IRaMuTeQ (chercheurs et équipe)", icon=":material/dataset:"):
        st.caption(
            "Tous les cahiers d'un thème ou d'un domaine, avec leurs métadonnées en variables étoilées "
            "(**** *domaine_… *theme_… *territoire_…), pour la méthode Reinert."
        )
        cols = st.columns([1, 2, 1, 2])
        kind = cols[0].radio("Portée", ["theme", "domain"], format_func=lambda k: {"theme": "Thème", "domain": "Domaine"}[k], key="syn_corpus_kind")
        names = label_names_view.label_names("themes" if kind == "theme" else "domains")
        value = cols[1].selectbox("Valeur", list(names), format_func=lambda v: names[v], key=f"syn_corpus_value_{kind}")
        mask = cols[2].checkbox("Masquer les données personnelles", value=True, key="syn_corpus_mask")

        def build() -> bytes:
            with cache.open_store(db) as store:
                theme, domain = (value, None) if kind == "theme" else (None, value)
                return export(store, fmt="iramuteq", mask=mask, theme=theme, domain=domain).data

        cols[3].download_button(
            "Télécharger le corpus", data=build, file_name=f"corpus-{slug(value)}-iramuteq.txt", mime="text/plain",
            key="syn_corpus_download", icon=":material/download:", on_click="ignore",
        )  # fmt: skip

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
            key=_key(sid, "history"),
        )
        numbers = [v.version for v in versions]
        cols = st.columns([2, 2])
        chosen = cols[0].selectbox("Version", numbers, key=_key(sid, "restore_choice"))
        cols[1].write("")
        if cols[1].button("Restaurer cette version", key=_key(sid, "restore"), disabled=chosen == _base(sid)):
            with cache.open_store(db) as store:
                old = load_version(store, sid, int(chosen), user=user)
            _commit(sid, old, note=f"restauration de la version {chosen}")
            st.rerun()


def render_delete(db: str, sid: int, title: str) -> None:
    user = current_user()
    confirm_key = f"syn_confirm_delete_{sid}"
    if not st.session_state.get(confirm_key):
        if st.button("Supprimer la synthèse…", key=_key(sid, "delete"), icon=":material/delete_forever:"):
            st.session_state[confirm_key] = True
            st.rerun()
        return
    st.warning(
        f"Supprimer la synthèse « {md_escape(title)} » ? Elle disparaîtra des listes ; « Annuler la suppression » la rétablit.")
    cols = st.columns(2)
    if cols[0].button("Oui, supprimer", key=_key(sid, "delete_yes"), type="primary"):
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
    if cols[1].button("Non, garder", key=_key(sid, "delete_no")):
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
        if b[0].button("Fusionner et enregistrer", key=_key(sid, "merge_conflict"), type="primary"):
            st.session_state[f"syn_base_{sid}"] = err.theirs.version
            _commit(sid, merged.doc, note="fusion de modifications simultanées")
            st.rerun()
        if b[1].button("Garder ma version", key=_key(sid, "keep_mine"), help="L'autre version reste dans l'historique."):
            st.session_state[f"syn_base_{sid}"] = err.theirs.version
            _commit(sid, err.mine, note="version gardée après un conflit")
            st.rerun()
        if b[2].button("Abandonner mes modifications", key=_key(sid, "take_theirs")):
            st.session_state.pop(f"syn_conflict_{sid}", None)
            _load(sid, err.theirs.doc, err.theirs.version)
            st.rerun()


if __name__ == "__main__":
    page()
