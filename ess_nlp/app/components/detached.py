"""« Annotations à revoir »: annotations whose passage disappeared when its file was replaced
or removed (never deleted: :mod:`ess_nlp.store._kept`), shown with the text they were about so
a person can annotate the new passage and mark them seen."""

from __future__ import annotations

import json

import streamlit as st

from ess_nlp.app import cache
from ess_nlp.app.components.common import md_escape


def render_detached(db: str, annotator: str) -> None:
    with cache.open_store(db) as store:
        rows = store.detached_annotations()
    if not rows:
        return
    with st.expander(
        f"Annotations à revoir ({len(rows)}) : leur passage a changé ou a été retiré", expanded=False
    ):
        st.caption(
            "Ces annotations n'ont pas pu être reportées sur la nouvelle version de leur fichier. "
            "Elles sont conservées ; annotez le passage actuel si besoin, puis marquez-les comme vues."
        )
        for row in rows:
            st.markdown(
                f"**{md_escape(row['source_path'])}** — {md_escape(row['reason'])}  \n"
                f"{md_escape(_what(row['origin'], json.loads(row['row'])))}"
            )
            st.text(" ".join(str(row["unit_text"]).split())[:600])
            if annotator and st.button("Marquer comme vue", key=f"detached_seen_{row['id']}"):
                with cache.open_store(db) as store:
                    store.review_detached(int(row["id"]), annotator)
                st.rerun()


def _what(origin: str, row: dict[str, object]) -> str:
    """The annotation in words: who said which labels of which facet."""
    who = str(row.get("annotator") or "?")
    facet = str(row.get("facet") or "")
    if origin == "app_annotations":
        labels = json.loads(str(row.get("labels") or "[]"))
        return f"{who}, {facet} : {', '.join(labels) or 'aucune étiquette'}"
    verdict = "oui" if row.get("value") else "non"
    return f"{who}, {facet} : {row.get('label')} ({verdict})"
