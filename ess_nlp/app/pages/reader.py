"""Page « Lire un cahier »: the cahier's text with its proposals, constats and initiatives in
distinct colours and its named entities marked, the section outline beside it, the domain and
theme scores with what carried them, and the source file and pages. ``?cahier=<id>`` opens a
cahier, ``&unite=<id>`` outlines one passage in it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from ess_nlp.app import cache
from ess_nlp.app.components import actions, masking
from ess_nlp.app.components.common import fr_int, md_escape, page_header, require_corpus
from ess_nlp.app.components.highlight import ITEM_KINDS, ITEM_LABELS, Mark, highlight_html, legend_html
from ess_nlp.records import Unit
from ess_nlp.store.views import items as items_view
from ess_nlp.store.views import names as label_names_view

MAX_ENTITY_CHARS = 200_000


def page() -> None:
    page_header("Lire un cahier")
    ready = require_corpus()
    if ready is None:
        return
    db, token = ready
    cahiers = cache.cahiers(db, token)
    file_label = cache.file_label(db, token)
    cahier = choose_cahier(cahiers, file_label)
    if cahier is None:
        return
    row = cahiers[cahiers["id"] == cahier].iloc[0]
    units: list[Unit] = cache.cahier_units(db, token, cahier)
    if not units:
        st.error(f"Le cahier « {md_escape(cahier)} » n'existe plus dans la base (fichier ré-importé ou retiré).")
        return
    head = units[0]
    items = cache.cahier_items(db, token, cahier)
    focus = st.query_params.get("unite")

    st.subheader(md_escape(row["title"]))
    render_provenance(row, units, file_label)
    outline_col, text_col = st.columns([1, 3], gap="large")
    with outline_col:
        render_outline(units, items)
        evidence = render_scores(db, token, head)
    with text_col:
        shown = st.multiselect(
            "Surligner",
            list(ITEM_KINDS),
            default=list(ITEM_KINDS),
            format_func=lambda k: ITEM_LABELS[k],
            placeholder="Aucun",
            key="reader_kinds",
        )
        with_entities = st.toggle(
            "Marquer les entités nommées (personnes, organisations, lieux)", value=True, key="reader_entities"
        )
        if focus:
            render_focus(units, focus)
        marks = item_marks(items, shown, focus) + evidence + masking.mask_marks(head.text, head.start)
        if with_entities:
            if len(head.text) <= MAX_ENTITY_CHARS:
                with st.spinner("Repérage des entités…"):
                    ents = cache.entities(head.text)
                ents = items_view.find_names(head.text, cache.cahier_names(db, token, cahier)) + ents
                marks += [Mark(head.start + s, head.start + e, "entity", label=lab) for s, e, lab in ents]
            else:
                st.caption("Cahier trop long pour repérer les entités à l'affichage.")
        if items.empty:
            st.info(
                "Aucune proposition, aucun constat ni aucune initiative n'a été repéré dans ce cahier "
                "(l'extraction n'a pas encore tourné sur cette base, ou le cahier n'en contient pas)."
            )
        st.html(legend_html(shown, with_entities))
        anchors = {u.start: _anchor(u.id) for u in units if u.level == "section"}
        st.html(highlight_html(head.text, marks, offset=head.start, anchors=anchors))
        render_footnotes(db, token, head)
        if not items.empty:
            actions.item_actions_panel(items, key_prefix=f"reader_{cahier}")


def choose_cahier(cahiers: pd.DataFrame, file_label: Callable[[str], str]) -> str | None:
    """The cahier named by ``?cahier=`` or picked in the selector (kept in the URL); ``file_label``:
    how each file path is shown."""
    ids = list(cahiers["id"])
    titles = dict(zip(cahiers["id"], cahiers["title"], strict=True))
    sources = dict(zip(cahiers["id"], cahiers["source"], strict=True))
    wanted = st.query_params.get("cahier")
    if wanted and wanted not in titles:
        st.warning(
            f"Le cahier « {md_escape(wanted)} » demandé dans l'adresse n'existe pas dans cette base ; "
            "choisissez-en un dans la liste."
        )
        wanted = None
    if wanted and st.session_state.get("reader_cahier") != wanted:
        st.session_state["reader_cahier"] = wanted
    chosen = st.selectbox(
        "Cahier",
        ids,
        index=None,
        format_func=lambda i: f"{titles[i]} — {file_label(sources[i])}",
        placeholder="Choisissez un cahier (tapez quelques lettres du titre)",
        key="reader_cahier",
    )
    if chosen is None:
        st.info(
            "Choisissez un cahier dans la liste, ou ouvrez-en un depuis « Vue d'ensemble », "
            "« Explorer », « Propositions » ou « Rechercher »."
        )
        return None
    if st.query_params.get("cahier") != chosen:
        st.query_params["cahier"] = chosen
        if "unite" in st.query_params and not str(st.query_params["unite"]).startswith(chosen):
            del st.query_params["unite"]
    return str(chosen)


def render_provenance(row: pd.Series, units: list[Unit], file_label: Callable[[str], str]) -> None:
    pages = sorted({u.page for u in units if u.page is not None})
    page_text = ""
    if pages:
        page_text = f"page {pages[0]}" if len(pages) == 1 else f"pages {pages[0]} à {pages[-1]}"
    bits = [
        f"Fichier : {file_label(row['source'])} ({row['format']})",
        page_text,
        f"Organisation : {row['organisation']}" if row["organisation"] else "",
        f"Statut : {row['legal_form']}" if row["legal_form"] else "",
        f"Territoire : {row['territory']}" if row["territory"] else "",
    ]
    st.caption(" · ".join(md_escape(b) for b in bits if b), help=md_escape(f"Chemin complet : {row['source']}"))


def _anchor(unit_id: str) -> str:
    return "u-" + "".join(c if c.isalnum() else "-" for c in unit_id)


def render_outline(units: list[Unit], items: pd.DataFrame) -> None:
    st.markdown("**Plan du cahier**")
    sections = [u for u in units if u.level == "section"]
    if not any(s.title for s in sections):
        st.caption("Ce cahier n'a pas de titres de section : son texte est affiché d'un seul tenant.")
        return
    counts: dict[str, int] = (
        {str(k): int(n) for k, n in items.groupby("kind").size().items()} if not items.empty else {}
    )
    by_section: dict[str, dict[str, int]] = {}
    if not items.empty:
        unit_section = {u.id: (u.section or u.id) for u in units}
        for kind, unit in zip(items["kind"], items["unit"], strict=True):
            sec = unit_section.get(unit)
            if sec:
                by_section.setdefault(sec, {}).setdefault(kind, 0)
                by_section[sec][kind] += 1
    lines = []
    for section in sections:
        title = section.title or "(sans titre)"
        kind = items_view.SECTION_KIND_NAMES.get(section.kind or "", section.kind or "")
        found = by_section.get(section.id, {})
        badges = " ".join(f"{n} {ITEM_LABELS[k].lower()}{'s' if n > 1 else ''}" for k, n in found.items())
        label = md_escape(title)
        lines.append(f"- [{label}](#{_anchor(section.id)}) — *{md_escape(kind)}*" + (f" · {badges}" if badges else ""))
    st.markdown("\n".join(lines))  # md: escaped titles, links to this page's anchors
    if counts:
        st.caption(" · ".join(f"{fr_int(n)} {md_escape(ITEM_LABELS.get(k, k).lower())}(s)" for k, n in counts.items()))


def render_scores(db: str, token: cache.Token, head: Unit) -> list[Mark]:
    """Domain and theme labels with their scores and what carried them; returns the marks of
    the sentences behind the label chosen to be shown in the text."""
    labels = cache.labels(db, token)
    mine = labels[labels["unit"] == head.id] if not labels.empty else labels
    st.markdown("**Domaines et thèmes de travail**")
    scores = cache.unit_scores(db, token, head.id)
    if mine.empty and scores.empty:
        st.caption("Pas encore de classification pour ce cahier.")
        return []
    names = {"domains": label_names_view.label_names("domains"), "themes": label_names_view.label_names("themes")}
    for facet, facet_names in names.items():
        part = mine[mine["facet"] == facet].sort_values("score", ascending=False)
        if part.empty:
            render_uncertain(scores[scores["facet"] == facet] if not scores.empty else scores, facet_names)
        for label, score in zip(part["label"], part["score"], strict=True):
            machine = scores[(scores["facet"] == facet) & (scores["label"] == label)]
            by_model = not machine.empty and bool(machine["assigned"].iloc[0])
            suffix = f" : probabilité {confidence(float(score))}" if by_model else " (annoté)"
            st.progress(min(max(float(score), 0.0), 1.0), text=f"{facet_names.get(label, label)}{suffix}")
    assigned = scores[scores["assigned"]] if not scores.empty else scores
    if assigned.empty:
        return []
    rows: list[dict[str, Any]] = [{str(k): v for k, v in r.items()} for r in assigned.to_dict("records")]
    with st.expander("Ce qui a porté ces scores"):
        for rec in rows:
            name = names.get(rec["facet"], {}).get(rec["label"], rec["label"])
            words = ", ".join(rec["terms"][:8]) or "—"
            st.markdown(f"**{md_escape(name)}** — mots : {md_escape(words)}")
            for a, b, _score in rec["sentences"][:2]:
                st.caption("« " + md_escape(" ".join(head.text[a:b].split())[:300]) + " »")
    by_label = {(str(r["facet"]), str(r["label"])): r for r in rows}
    options: list[tuple[str, str] | None] = [None, *[key for key, r in by_label.items() if r["sentences"]]]
    chosen = st.selectbox(
        "Montrer dans le texte les phrases qui portent",
        options,
        format_func=lambda o: "(aucun)" if o is None else names.get(o[0], {}).get(o[1], o[1]),
        key="reader_evidence",
    )
    if chosen is None:
        return []
    title = names.get(chosen[0], {}).get(chosen[1], chosen[1])
    return [
        Mark(head.start + a, head.start + b, "evidence", title=f"Porte « {title} »")
        for a, b, _ in by_label[chosen]["sentences"]
    ]


def confidence(score: float) -> str:
    """A calibrated probability as the app shows it: « 72 % »."""
    return f"{round(100 * score)} %"


def render_uncertain(scores: pd.DataFrame, facet_names: dict[str, str]) -> None:
    """A facet where the model assigned nothing because its best score was low: « incertain »,
    with the best candidates, instead of a label forced on the text."""
    if scores.empty or bool(scores["assigned"].any()):
        return
    best = scores.sort_values("score", ascending=False).head(2)
    candidates = ", ".join(
        f"{facet_names.get(label, label)} {confidence(float(score))}"
        for label, score in zip(best["label"], best["score"], strict=True)
    )
    st.markdown(
        f":orange-badge[incertain] aucun label assez probable (les plus proches : {md_escape(candidates)})",
        help="Le modèle ne range pas ce texte : son meilleur score est trop bas pour être fiable. "
        "Annotez-le pour trancher.",
    )


def item_marks(items: pd.DataFrame, shown: list[str], focus: str | None) -> list[Mark]:
    if items.empty:
        return []
    marks = []
    for row in items.to_dict("records"):
        kind = str(row["kind"])
        if kind not in shown:
            continue
        marks.append(
            Mark(
                int(row["start"]),
                int(row["end"]),
                kind,
                title=ITEM_LABELS.get(kind, kind),
                focus=bool(focus) and (row["unit"] == focus or row["id"] == focus),
            )
        )
    return marks


def render_focus(units: list[Unit], focus: str) -> None:
    unit = next((u for u in units if u.id == focus), None)
    if unit is None:
        return
    st.info("Passage demandé : « " + md_escape(unit.text) + " »", icon=":material/my_location:")
    # Scroll to the highlighted passage once the page has drawn it (polled every 100 ms, as a
    # busy machine may take seconds to render a long cahier); after 10 s without it, to its
    # section. The script runs in a component's iframe (same origin), since a script given to
    # st.html is not always executed; it reaches the page through window.parent. Only an id
    # goes into the script.
    target = _anchor(unit.section or unit.id)
    components.html(
        "<script>(function(){var d=window.parent.document,n=0;"
        "var t=setInterval(function(){var e=d.querySelector('mark.ess-focus');"
        "if(!e&&++n>=100){clearInterval(t);e=d.getElementById("
        + json.dumps(target).replace("</", "<\\/")
        + ");}if(e){clearInterval(t);e.scrollIntoView({block:'center'});}},100);})();</script>",
        height=0,
    )


def render_footnotes(db: str, token: cache.Token, head: Unit) -> None:
    notes = cache.footnotes(db, token, head.source, head.start, head.end)
    if notes:
        with st.expander(f"Notes de bas de page ({len(notes)})"):
            for (marker, _), text in zip(notes, masking.mask_texts(t for _, t in notes), strict=True):
                st.text(f"[{marker}] {text}")


if __name__ == "__main__":
    page()
