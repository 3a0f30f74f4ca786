"""What the app remembers for one browser session across pages (Streamlit's session state).

Widget values belong to the page that draws them (their keys are prefixed by the page); the
values below outlive a page and are read by several, so they are named and typed here once.
"""

from __future__ import annotations

import streamlit as st

from ess_nlp.access import User

USER = "ess_user"  # the logged-in User (served app); absent on one's own machine
LOGIN_FAILURES = "ess_login_failures"  # failed logins in this browser session
SYNTHESIS_TARGET = "syn_target"  # id of the synthesis « ajouter à la synthèse » adds to
MASK = "mask_personal"  # the sidebar option « Masquer les données personnelles »


def logged_in_user() -> User | None:
    user = st.session_state.get(USER)
    return user if isinstance(user, User) else None


def set_logged_in_user(user: User | None) -> None:
    if user is None:
        st.session_state.pop(USER, None)
    else:
        st.session_state[USER] = user


def login_failures() -> int:
    return int(st.session_state.get(LOGIN_FAILURES, 0))


def set_login_failures(count: int) -> None:
    st.session_state[LOGIN_FAILURES] = count


def synthesis_target() -> int | None:
    """The synthesis chosen as the target of « ajouter », for every page of this session."""
    value = st.session_state.get(SYNTHESIS_TARGET)
    return int(value) if value is not None else None


def set_synthesis_target(synthesis_id: int) -> None:
    st.session_state[SYNTHESIS_TARGET] = int(synthesis_id)
