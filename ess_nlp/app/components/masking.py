"""« Masquer les données personnelles »: one option, in the sidebar, for every page.

When it is on, the pages show e-mail addresses, phone numbers, person names and street addresses
replaced by ``[courriel]``, ``[téléphone]``, ``[personne]`` and ``[adresse]`` (:mod:`ess_nlp.privacy`). It is on by default when the app is served to others (login
required), off on one's own machine. Exports have their own option, on by default.
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from ess_nlp.app import state
from ess_nlp.app.components.auth import login_required
from ess_nlp.app.components.highlight import Mark
from ess_nlp.privacy import Masker

KEY = state.MASK
LABEL = "Masquer les données personnelles"
HELP = (
    "Courriels, téléphones, noms de personnes et adresses remplacés à l'affichage par [courriel], "
    "[téléphone], [personne], [adresse] ; les noms d'organisations et de communes restent."
)


def render_toggle() -> None:
    """The option, in the sidebar (drawn by the app's frame on every page); only staff may turn
    it off when the app is served to others."""
    if _forced():
        st.sidebar.toggle(LABEL, value=True, disabled=True, key=KEY + "_forced", help=HELP + " " + FORCED)
        return
    st.sidebar.toggle(LABEL, value=enabled(), key=KEY, help=HELP)


FORCED = "Seule l'équipe peut afficher les données personnelles non masquées."


def _forced() -> bool:
    if not login_required():
        return False
    from ess_nlp.access import can
    from ess_nlp.app.components.auth import current_user

    return not can(current_user(), "unmask")


def enabled() -> bool:
    """Whether the pages mask what they show (always, for a served app's non-staff user)."""
    return _forced() or bool(st.session_state.get(KEY, login_required()))


@st.cache_resource(show_spinner=False)
def _masker() -> Masker:
    return Masker()  # one per server: its cache of masked texts serves every session


def mask_texts(texts: Iterable[object]) -> list[str]:
    """``texts`` as shown: masked when the option is on."""
    values = ["" if t is None else str(t) for t in texts]
    if not enabled() or not values:
        return values
    with st.spinner("Masquage des données personnelles…"):
        return _masker().mask_many(values)


def mask_values(texts: Iterable[object], on: bool) -> list[str]:
    """``texts`` masked when ``on`` (:func:`enabled` read during the page's run): for a file
    made later, outside the run (a download made on click), where no page state is at hand."""
    values = ["" if t is None else str(t) for t in texts]
    return _masker().mask_many(values) if on and values else values


def mask_text(text: str) -> str:
    return mask_texts([text])[0]


def mask_marks(text: str, offset: int = 0) -> list[Mark]:
    """Marks that hide the personal data of ``text`` (whose first character sits at ``offset``)
    in :func:`ess_nlp.app.components.highlight.highlight_html`; none when the option is off."""
    if not enabled() or not text:
        return []
    return [Mark(offset + start, offset + end, "mask", label=token) for start, end, token in _spans(text)]


@st.cache_data(show_spinner="Masquage des données personnelles…", max_entries=256)
def _spans(text: str) -> list[tuple[int, int, str]]:
    """Where the personal data of a text are (the entity recogniser runs once per text)."""
    return _masker().spans_many([text])[0]
