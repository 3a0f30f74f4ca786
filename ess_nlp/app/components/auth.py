"""Who is using the app: nobody needs to log in on 127.0.0.1; served to others (or with
``ESS_NLP_LOGIN=1``) everyone logs in, with the local users file (argon2id hashes) or with
Streamlit's OpenID Connect login (``st.login``) when ``.streamlit/secrets.toml`` configures it.

:func:`gate` is called by the app's entry before the navigation: it draws the login form and
stops the run until someone is logged in, then puts their name, role and a logout button in
the sidebar. Pages ask :func:`current_user`.
"""

from __future__ import annotations

import time
from typing import Literal

import streamlit as st

from ess_nlp.access import (
    LOCAL_USER,
    ROLE_NAMES,
    LoginBusyError,
    LoginLockedError,
    User,
    UsersFile,
    is_loopback,
    login_forced,
    oidc_configured,
    users_path,
)
from ess_nlp.app import state
from ess_nlp.app.components.common import md_escape
from ess_nlp.errors import EssNlpError


def login_required() -> bool:
    """True when served beyond this machine (Streamlit listens on every interface when no
    address is given) or when ``ESS_NLP_LOGIN=1``; AppTest sessions count as local."""
    if login_forced():
        return True
    from streamlit import config

    if config.get_option("global.appTest"):
        return False
    return not is_loopback(config.get_option("server.address"))


def nav_position() -> Literal["sidebar", "hidden"]:
    """Hide the page list until someone is logged in (the page asked for stays in the URL, so
    the login leads to it)."""
    if login_required() and state.logged_in_user() is None:
        return "hidden"
    return "sidebar"


def current_user() -> User:
    """The logged-in user (the local staff user when no login is required)."""
    user = state.logged_in_user()
    if user is not None:
        return user
    return LOCAL_USER


def _users_file() -> UsersFile | None:
    try:
        return UsersFile.load(users_path(), missing_ok=True)
    except EssNlpError as err:
        st.error(md_escape(err))
        st.stop()
    return None


def _sidebar(user: User, *, oidc: bool) -> None:
    with st.sidebar:
        groups = ", ".join(user.groups) or "aucun groupe"
        role = ROLE_NAMES.get(user.role, user.role)
        st.caption(f"Connecté·e : **{md_escape(user.display)}** — {md_escape(role)} ({md_escape(groups)})")
        if st.button("Se déconnecter", key="auth_logout", icon=":material/logout:"):
            state.set_logged_in_user(None)
            if oidc:
                st.logout()
            st.rerun()


def gate() -> User:
    """The current user; draws the login form and stops the run while nobody is logged in."""
    if not login_required():
        return LOCAL_USER
    users = _users_file()
    oidc = False
    try:
        oidc = oidc_configured()
    except EssNlpError as err:
        st.error(md_escape(err))
        st.stop()
    user = state.logged_in_user()
    if user is not None:
        _sidebar(user, oidc=oidc)
        return user
    if oidc:
        return _oidc_gate(users)
    if users is None or not users.hashes:
        st.error(
            "Cette application est servie à d'autres postes : une connexion est obligatoire, mais aucun compte "
            f"n'est configuré (fichier « {md_escape(users_path())} »). Demandez à l'équipe de créer les comptes avec "
            "« ess-nlp users add … --password », ou servez l'application sur 127.0.0.1."
        )
        st.stop()
    _password_form(users)
    st.stop()
    raise AssertionError  # pragma: no cover


def _password_form(users: UsersFile) -> None:
    st.title("Connexion")
    st.caption("Cahiers d'espérance de l'ESS — espace des groupes de travail.")
    with st.form("auth_login"):
        login = st.text_input("Identifiant", key="auth_login_name")
        password = st.text_input("Mot de passe", type="password", key="auth_password")
        submitted = st.form_submit_button("Se connecter")
    if submitted:
        try:
            user = users.authenticate(login, password, address=st.context.ip_address)
        except (LoginBusyError, LoginLockedError) as err:  # many logins at once, or too many failures
            st.error(md_escape(err))
            return
        if user is None:
            failures = state.login_failures() + 1
            state.set_login_failures(failures)
            time.sleep(min(0.5 * failures, 5.0))  # slows down password guessing
            st.error("Identifiant ou mot de passe incorrect.")
            return
        state.set_logged_in_user(user)
        state.set_login_failures(0)
        st.rerun()


def _oidc_gate(users: UsersFile | None) -> User:
    info = st.user
    if not info.is_logged_in:
        st.title("Connexion")
        st.caption("Connectez-vous avec le compte de votre organisation.")
        st.button("Se connecter", key="auth_oidc_login", on_click=st.login)
        st.stop()
    email = str(info.get("email") or "")
    user = users.by_email(email) if users is not None and email else None
    if user is None:
        st.error(
            f"Le compte « {md_escape(email or 'sans courriel')} » n'a pas accès à cette application : demandez à l'équipe "
            "de l'ajouter (« ess-nlp users add LOGIN --role … --email … »)."
        )
        st.button("Se déconnecter", key="auth_oidc_logout", on_click=st.logout)
        st.stop()
        raise AssertionError  # pragma: no cover
    state.set_logged_in_user(user)
    _sidebar(user, oidc=True)
    return user
