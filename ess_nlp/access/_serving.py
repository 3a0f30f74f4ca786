"""Whether the app must ask people to log in, and whether it can.

The rule: on a loopback address (127.0.0.1, localhost, ::1) the app opens without login (the
person at the machine is staff); served on any other address (``ess-nlp app --host 0.0.0.0``),
or when ``ESS_NLP_LOGIN=1``, everyone logs in, either with the local users file
(``var/users.toml`` or ``$ESS_NLP_USERS``, passwords hashed with argon2id) or with an OpenID
Connect provider configured in ``.streamlit/secrets.toml`` (Streamlit's ``st.login``). When a
login is required and neither is configured, the app refuses to start (:func:`check_serving`).
"""

from __future__ import annotations

import ipaddress
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ess_nlp.access._users import UsersFile, users_path
from ess_nlp.errors import ConfigError
from ess_nlp.settings import settings

LoginMode = Literal["none", "password", "oidc"]

_OIDC_KEYS = ("client_id", "client_secret", "server_metadata_url")


def is_loopback(host: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost; False for 0.0.0.0, a LAN address, or unset
    (Streamlit listens on every interface when no address is given)."""
    if not host:
        return False
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def login_forced() -> bool:
    return settings().login_forced


def login_required(host: str | None) -> bool:
    return login_forced() or not is_loopback(host)


def secrets_path() -> Path:
    """Streamlit's project secrets file (``.streamlit/secrets.toml`` in the working folder)."""
    return settings().secrets_path


def oidc_configured(path: Path | None = None) -> bool:
    """Whether ``[auth]`` in the secrets file names a redirect URI, a cookie secret and one
    provider (client id, client secret, server metadata URL), directly or in a sub-table."""
    path = path or secrets_path()
    if not path.is_file():
        return False
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"Fichier de secrets « {path} » illisible ou TOML invalide : {err}.") from err
    auth = data.get("auth")
    if not isinstance(auth, dict) or not auth.get("redirect_uri") or not auth.get("cookie_secret"):
        return False
    if all(auth.get(k) for k in _OIDC_KEYS):
        return True
    return any(isinstance(v, dict) and all(v.get(k) for k in _OIDC_KEYS) for v in auth.values())


@dataclass(frozen=True)
class ServingMode:
    """How the app authenticates: ``"none"`` (loopback), ``"password"`` (users file) or
    ``"oidc"`` (with the users file, when present, mapping e-mails to roles and groups)."""

    login: LoginMode
    users: Path | None = None


def check_serving(host: str | None, *, users: Path | None = None, secrets: Path | None = None) -> ServingMode:
    """The login mode for serving on ``host``; raises ConfigError (French) when a login is
    required and neither a users file with at least one password nor OIDC is configured."""
    if not login_required(host):
        return ServingMode("none")
    users = users or users_path()
    if oidc_configured(secrets):
        return ServingMode("oidc", users if users.is_file() else None)
    if users.is_file():
        loaded = UsersFile.load(users)
        if loaded.hashes:
            return ServingMode("password", users)
    where = f"sur l'adresse {host}" if host else "sur toutes les interfaces réseau"
    raise ConfigError(
        f"Servie {where}, l'application exige une connexion, mais aucun compte n'est configuré : créez "
        f"le fichier d'utilisateurs « {users} » (« ess-nlp users add LOGIN --role equipe --password ») ou "
        f"configurez OpenID Connect dans « {secrets or secrets_path()} » ; sinon servez sur 127.0.0.1."
    )
