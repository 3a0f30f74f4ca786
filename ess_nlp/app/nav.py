"""The pages of the app and the links between them (query parameters such as ``?cahier=<id>``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class PageSpec:
    file: str
    title: str
    icon: str
    url: str


# Part 2 (syntheses) adds a "Synthèses" section here.
PAGES: dict[str, list[PageSpec]] = {
    "Explorer le corpus": [
        PageSpec("pages/overview.py", "Vue d'ensemble", ":material/insights:", "vue-ensemble"),
        PageSpec("pages/explorer.py", "Explorer", ":material/explore:", "explorer"),
        PageSpec("pages/reader.py", "Lire un cahier", ":material/menu_book:", "lire"),
        PageSpec("pages/search.py", "Rechercher", ":material/search:", "rechercher"),
    ],
    "Matériaux": [
        PageSpec("pages/proposals.py", "Propositions", ":material/lightbulb:", "propositions"),
        PageSpec("pages/initiatives.py", "Initiatives", ":material/eco:", "initiatives"),
    ],
    "Travailler le corpus": [
        PageSpec("pages/annotate.py", "Annoter", ":material/edit_note:", "annoter"),
        PageSpec("pages/importer.py", "Importer", ":material/upload_file:", "importer"),
    ],
    "Synthèses": [PageSpec("pages/syntheses/page.py", "Synthèses", ":material/article:", "syntheses")],
}


HOME = PAGES["Explorer le corpus"][0]  # what "/" opens (at its own address, /vue-ensemble)


def page_file(name: str) -> Path:
    return HERE / name


def link_to_cahier(
    cahier: str, label: str, *, unit: str | None = None, container: DeltaGenerator | None = None
) -> None:
    """A link that opens ``cahier`` on "Lire un cahier" (scrolled to ``unit`` when given); ``label``
    (often a cahier's title) is shown as text, never as Markdown."""
    from ess_nlp.app.components.common import md_escape

    params: Mapping[str, str] = {"cahier": cahier, **({"unite": unit} if unit else {})}
    target = container if container is not None else st
    target.page_link(
        str(page_file("pages/reader.py")), label=md_escape(label), icon=":material/menu_book:", query_params=dict(params)
    )


def reader_url(cahier: str, unit: str | None = None) -> str:
    """Relative URL of a cahier on the reading page (for link columns of tables)."""
    from urllib.parse import urlencode

    params = {"cahier": cahier, **({"unite": unit} if unit else {})}
    return "lire?" + urlencode(params)
