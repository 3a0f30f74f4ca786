"""Pieces every page uses: the database check with its "empty" explanations, labels, errors."""

from __future__ import annotations

import logging
import re

import streamlit as st

from ess_nlp.app import cache
from ess_nlp.app.components.highlight import CSS
from ess_nlp.app.nav import page_file


def page_header(title: str, caption: str | None = None) -> None:
    """The page's title and caption: text the project writes (Markdown kept; the scan in
    tests/app/test_markdown_escaping.py checks every call site)."""
    st.html(CSS)
    st.title(title, anchor=False)  # md: project text
    if caption:
        st.caption(caption)  # md: project text


# The database's place on disk is never shown: the people using the app are not the ones who
# serve it, and a path says nothing to them (the terminal that started the app prints it).
MISSING_DB_MESSAGE = (
    "Aucune base de données n'a encore été créée. Pour commencer, déposez vos fichiers sur la page "
    "« Importer », ou demandez à la personne qui a lancé l'application de charger le corpus "
    "(« ess-nlp run DOSSIER » dans un terminal ; « ess-nlp run corpus/sample » pour le corpus d'exemple)."
)
EMPTY_DB_MESSAGE = (
    "La base de données ne contient encore aucun cahier. Déposez des fichiers sur la page « Importer », "
    "ou lancez « ess-nlp run DOSSIER » dans un terminal."
)
UNREADABLE_DB_MESSAGE = (
    "La base de données n'a pas pu être ouverte : le fichier désigné n'est pas une base ess-nlp lisible. "
    "La personne qui a lancé l'application trouvera le détail dans son terminal."
)


def _import_link() -> None:
    st.page_link(str(page_file("pages/importer.py")), label="Importer des fichiers", icon=":material/upload_file:")


def require_corpus() -> tuple[str, cache.Token] | None:
    """``(db, token)`` when the database holds at least one cahier; otherwise explain what to do
    (in French, with a link to the import page) and return None."""
    path = cache.db_path()
    if not path.exists():
        st.info(MISSING_DB_MESSAGE, icon=":material/info:")
        _import_link()
        return None
    db, token = cache.current()
    try:
        size = cache.corpus_size(db, token)
    except Exception:  # a file that is not one of our databases: the detail goes to the server's log
        logging.getLogger(__name__).exception("cannot open the database %s", path)
        st.error(UNREADABLE_DB_MESSAGE)
        return None
    if size.empty:
        st.info(EMPTY_DB_MESSAGE, icon=":material/info:")
        _import_link()
        return None
    return db, token


def fr_int(n: int) -> str:
    """An integer with French thousands separators (narrow no-break space)."""
    return f"{n:,}".replace(",", "\u202f")


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$&:@])")
# GitHub autolinks are found in the text once parsed (escapes already resolved): a word joiner
# (U+2060, invisible) after "http", "www"… and before "@" keeps URLs and e-mails from being linked.
_AUTOLINK = re.compile(r"(?i)(https?|ftp|mailto|www)(?=[:.])|(?=@)")
WORD_JOINER = "\u2060"


def md_escape(text: object) -> str:
    """Text from a document, a user or a URL made inert for every Streamlit call that renders
    Markdown (``st.markdown``, captions, alerts, titles, widget and expander labels, toasts).

    Every Markdown and HTML character is backslash-escaped, so ``![p](http://…)`` shows as those
    characters: no image is loaded, no link is made, no HTML is rendered; ``:`` too, which stops
    Streamlit's ``:color[…]`` and ``:material/…:`` directives. A bare ``http://…``, ``www.…`` or
    e-mail address, which GitHub Markdown links after parsing, gets an invisible word joiner
    (:data:`WORD_JOINER`) after its scheme or before its ``@``. Whitespace runs collapse to one
    space (a heading or a label stays on one line). The one helper every page uses: Markdown is
    kept for text the project writes."""
    unlinked = _AUTOLINK.sub(lambda m: (m.group(1) or "") + WORD_JOINER, " ".join(str(text).split()))
    return _MD_SPECIAL.sub(r"\\\1", unlinked)


def md_quote(text: str, *, quote: bool = True) -> str:
    """``text`` escaped for markdown, as a block quote unless ``quote`` is False."""
    return ("> " if quote else "") + md_escape(text)


def taxonomy_notes(labels: object) -> None:
    """Say, in French, when the taxonomy file cannot be read or when the database holds labels
    the taxonomy lacks (a model trained on another label set): nothing is hidden."""
    import pandas as pd

    from ess_nlp.store.views import names as label_names_view

    taxonomy, problem = label_names_view.app_taxonomy()
    if taxonomy is None:
        st.error(
            f"La taxonomie n'a pas pu être lue : {md_escape(problem)} Les noms par défaut des étiquettes sont utilisés."
        )
    if not isinstance(labels, pd.DataFrame) or labels.empty:
        return
    for facet, title in (("domains", "domaines"), ("themes", "thèmes de travail")):
        names = label_names_view.label_names(facet)
        found = labels.loc[labels["facet"] == facet, "label"]
        _, unknown = label_names_view.names_with_unknown(names, found)
        if unknown:
            st.warning(
                f"Étiquettes de {md_escape(title)} présentes dans la base mais absentes de la taxonomie : "
                + ", ".join(f"« {md_escape(u)} »" for u in unknown)
                + ". Elles sont montrées à part (« hors taxonomie ») ; vérifiez que le modèle a été entraîné "
                "sur la même taxonomie que celle de l'application."
            )
        elif not names:
            st.warning(
                f"La taxonomie n'a pas de facette « {md_escape(facet)} » : les {md_escape(title)} ne peuvent pas être montrés."
            )
