"""Exporting a synthesis (every format) and a theme's or domain's corpus (IRaMuTeQ).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ess_nlp.access import can, can_export_corpus
from ess_nlp.app import cache
from ess_nlp.app.components.auth import current_user
from ess_nlp.app.components.common import md_escape
from ess_nlp.app.pages.syntheses.session import base_version
from ess_nlp.export import (
    DOCUMENT_FORMATS,
    EXTENSIONS,
    FORMAT_NAMES,
    FORMATS,
    MIME_TYPES,
    ExportTemplate,
    export,
    export_synthesis,
    load_template,
)
from ess_nlp.settings import DEFAULT_EXPORT_TEMPLATE, settings
from ess_nlp.store.views import names as label_names_view
from ess_nlp.synthesis import (
    Synthesis,
)
from ess_nlp.text import slug


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

    current, version = doc, base_version(sid)  # captured now: the file is built outside this run
    # The organisation's template lays out DOCX, ODT and PDF; what is wrong in it is said here, in
    # French, and the file is laid out with the defaults for those settings.
    template = load_template() if fmt in DOCUMENT_FORMATS else None
    if template is not None:
        for warning in template.warnings:
            st.warning(md_escape(_without_folders(warning, template)), icon=":material/warning:")

    def build() -> bytes:
        with cache.open_store(db) as store:
            return export_synthesis(
                current, fmt, mask=mask, store=store, meta={"synthesis_id": sid, "version": version}, template=template
            )

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


def _without_folders(warning: str, template: ExportTemplate) -> str:
    """The template's warning with the file named, not the server's folders (users never see paths)."""
    for path in {template.source, settings().export_template, DEFAULT_EXPORT_TEMPLATE}:
        if path is not None:
            warning = warning.replace(str(Path(path).resolve()), Path(path).name).replace(str(path), Path(path).name)
    return warning


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
