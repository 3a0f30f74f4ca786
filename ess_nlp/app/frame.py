"""The app's frame: page set-up, the database check, and the navigation between pages.

``ess-nlp app`` (or ``streamlit run app.py``) runs ``ess_nlp/streamlit_app.py``, which calls
:func:`main`. Each page is a script of ``pages/`` run by the navigation; it reads its state
from widgets and query parameters (``?cahier=<id>``), asks ``cache.py`` for computed objects
and hands them to its render functions; pieces pages share are in ``components/``.
"""

from __future__ import annotations

import threading
from pathlib import Path

import streamlit as st

from ess_nlp.app.callbacks import keep_every_click
from ess_nlp.app.components import auth, french, masking
from ess_nlp.app.components.common import md_escape
from ess_nlp.app.nav import HOME, PAGES
from ess_nlp.errors import ConfigError

HERE = Path(__file__).resolve().parent
_SPACY_IMPORT = threading.Lock()


def import_spacy_once() -> None:
    """Import spaCy in one thread at a time. Streamlit runs each session's script in its own
    thread, and two threads importing spaCy at once break on its circular imports (« cannot
    import name 'Language' from partially initialized module 'spacy.language' »): every page
    run passes here first, so the first one imports it and the others find it imported."""
    with _SPACY_IMPORT:
        import spacy.language  # noqa: F401



def main() -> None:
    keep_every_click()  # a click that arrives while the app is busy is never lost (issue 16, item 4)
    import_spacy_once()
    # An emoji icon: the browser draws it (a data: URL); a ":material/…:" icon would be fetched
    # from fonts.gstatic.com by the page, and the app is served offline.
    st.set_page_config(page_title="ESS — cahiers d'espérance", page_icon="📖", layout="wide")
    st.set_option("client.toolbarMode", "minimal")  # no "Deploy" button: the app is not for deploying
    french.render()  # Streamlit's own words (« Upload », « No results »…) in French
    pages: dict[str, list[st.Page]] = {
        section: [
            st.Page(HERE / spec.file, title=spec.title, icon=spec.icon, url_path=spec.url) for spec in specs
        ]
        for section, specs in PAGES.items()
    }
    home = next(page for specs in pages.values() for page in specs if page.url_path == HOME.url)

    def open_home() -> None:
        st.switch_page(home)

    # Streamlit serves its default page at "/" and not at its own address: the root is a hidden
    # page that opens « Vue d'ensemble » at /vue-ensemble (the address the docs give), which the
    # menu then shows as the current page.
    root = st.Page(
        open_home, title=HOME.title, icon=HOME.icon, url_path="accueil", default=True, visibility="hidden"
    )
    try:
        current = st.navigation({"": [root], **pages}, position=auth.nav_position())
        auth.gate()  # login when served to others (ess_nlp/app/components/auth.py); keeps the page asked for
        masking.render_toggle()
        current.run()
    except ConfigError as err:  # a mistyped ESS_NLP_* variable or settings file: one French sentence
        st.error(md_escape(err))
