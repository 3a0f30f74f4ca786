"""Editing a synthesis: its fields, sections and items (rewrite, reorder, merge, number, free
text, sources), and the organisations involved.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ess_nlp.app.callbacks import uninterrupted
from ess_nlp.app.components import masking
from ess_nlp.app.components.common import md_escape
from ess_nlp.app.nav import link_to_cahier
from ess_nlp.app.pages.syntheses.session import apply_change, on_doc_field, on_text, widget_key
from ess_nlp.synthesis import (
    SECTION_TITLES,
    SECTIONS,
    Item,
    Synthesis,
    contributors,
    edit,
)
from ess_nlp.synthesis.records import KIND_NAMES

PAGE_SIZE = 60
ITEM_MARKERS = {"text": ":material/edit_note:", "initiative": ":material/eco:"}  # icons of items without a number


def render_document_fields(sid: int, doc: Synthesis) -> None:
    st.text_input("Titre", value=doc.title, key=widget_key(sid, "doc", "title"), on_change=on_doc_field, args=(sid, "title"))
    st.text_area(
        "Introduction",
        value=doc.introduction,
        key=widget_key(sid, "doc", "introduction"),
        on_change=on_doc_field,
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
            key=widget_key(sid, "doc", "numbered"),
            on_change=on_doc_field,
            args=(sid, "numbered"),
        )
    # The items in one container: however many there are, the popover below keeps its place in
    # the page, so a popover opened while a delete click is being saved is not closed by it.
    with st.container():
        start = 0
        if len(items) > PAGE_SIZE:
            start = int(
                st.number_input(
                    f"Afficher à partir de l'élément n° (sur {len(items)})",
                    min_value=1,
                    max_value=len(items),
                    value=1,
                    step=PAGE_SIZE,
                    key=widget_key(sid, "page", section),
                )
            ) - 1
        for pos, item in enumerate(items[start : start + PAGE_SIZE], start=start):
            render_item(sid, item, numbers, mask, depth=0, first=pos == 0, last=pos == len(items) - 1)
        if len(items) > start + PAGE_SIZE:
            st.caption(f"… {len(items) - start - PAGE_SIZE} élément(s) après ceux-ci.")
        if section == "proposals" and len(items) >= 2:
            render_merge(sid, items, numbers)
    with st.popover("Ajouter un texte libre", icon=":material/add_notes:"):
        st.text_area("Texte", key=widget_key(sid, "free", section))
        # never disabled: a click right after typing (the text not sent yet) must not be lost
        st.button("Ajouter", key=widget_key(sid, "free_add", section), on_click=_add_free_text, args=(sid, section))


@uninterrupted
def _add_free_text(sid: int, section: str) -> None:
    key = widget_key(sid, "free", section)
    text = str(st.session_state.get(key) or "").strip()
    if not text:
        st.session_state[f"syn_error_{sid}"] = "Écrivez d'abord le texte à ajouter, puis cliquez sur « Ajouter »."
        return
    apply_change(sid, lambda d: edit.add_item(d, edit.make_item("text", text), section=section), note="texte libre ajouté")  # type: ignore[arg-type]
    if f"syn_error_{sid}" not in st.session_state:
        st.session_state[key] = ""


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
                    key=widget_key(sid, "title", item.id),
                    on_change=on_text,
                    args=(sid, item.id, "title"),
                )
                meta = " — ".join(x for x in (item.organisation, item.place, item.url) if x)
                if meta:
                    st.caption(md_escape(meta))
            st.text_area(
                f"Texte ({md_escape(kind)})",
                value=item.text,
                key=widget_key(sid, "text", item.id),
                on_change=on_text,
                args=(sid, item.id, "text"),
                label_visibility="collapsed",
                height="content" if len(item.text) < 400 else 160,
            )
            if item.unsourced:
                st.caption(":orange[Sans source : ajoutez une citation ou reformulez en texte du groupe.]")
            render_citations(sid, item, mask)
        cols[2].button(
            "", key=widget_key(sid, "up", item.id), icon=":material/arrow_upward:", help="Monter", disabled=first,
            on_click=apply_change, args=(sid, _move, item.id, -1),
        )  # fmt: skip
        cols[3].button(
            "", key=widget_key(sid, "down", item.id), icon=":material/arrow_downward:", help="Descendre", disabled=last,
            on_click=apply_change, args=(sid, _move, item.id, 1),
        )  # fmt: skip
        cols[4].button(
            "", key=widget_key(sid, "remove", item.id), icon=":material/delete:", help="Retirer de la synthèse",
            on_click=apply_change, args=(sid, edit.remove_item, item.id), kwargs={"note": "élément retiré"},
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
                "Retirer cette source", key=widget_key(sid, "uncite", item.id, n),
                on_click=apply_change, args=(sid, edit.remove_citation, item.id, c), kwargs={"note": "source retirée"},
            )  # fmt: skip


def render_merge(sid: int, items: tuple[Item, ...], numbers: dict[str, str]) -> None:
    with st.expander("Fusionner des propositions", icon=":material/merge:"):
        labels = {i.id: f"{numbers.get(i.id, '')} {i.text[:100]}".strip() for i in items}
        with st.form(widget_key(sid, "merge_form")):
            st.multiselect(
                "Propositions à fusionner (la première garde sa place)", list(labels), format_func=lambda i: labels[i],
                key=widget_key(sid, "merge_chosen"),
            )  # fmt: skip
            st.text_area("Nouvelle formulation (facultatif)", key=widget_key(sid, "merge_text"))
            st.form_submit_button("Fusionner", on_click=_merge, args=(sid,))


@uninterrupted
def _merge(sid: int) -> None:
    chosen = list(st.session_state.get(widget_key(sid, "merge_chosen")) or [])
    text = str(st.session_state.get(widget_key(sid, "merge_text")) or "").strip()
    if len(chosen) < 2:
        st.session_state[f"syn_error_{sid}"] = "Choisissez au moins deux propositions à fusionner."
        return
    apply_change(sid, lambda d: edit.merge_items(d, chosen, text=text or None), note="fusion")
    if f"syn_error_{sid}" not in st.session_state:
        for part in ("merge_chosen", "merge_text"):
            st.session_state.pop(widget_key(sid, part), None)


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
