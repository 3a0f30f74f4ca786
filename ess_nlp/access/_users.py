"""Users, working groups and roles, and the local users file that holds them.

The users file is TOML (``var/users.toml`` by default, or ``$ESS_NLP_USERS``), written by
``ess-nlp users …`` and readable by a person::

    [groups.t4]
    name = "Groupe T4 — Les banques sur les territoires"

    [users.amelie]
    name = "Amélie Martin"
    role = "facilitateur"            # facilitateur | chercheur | equipe
    groups = ["t4"]
    email = "amelie@example.org"     # to match an OpenID Connect login (optional)
    password = "$argon2id$v=19$…"    # salted argon2id hash (argon2-cffi); absent for OIDC-only users

Passwords are never stored: only their argon2id hashes (each with its own random salt).
The file is written atomically (temporary file, then rename) with mode 0600.
"""

from __future__ import annotations

import json
import os
import re
import threading
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ess_nlp.access._throttle import LoginThrottle
from ess_nlp.errors import ConfigError, EssNlpError
from ess_nlp.settings import settings

Role = Literal["facilitateur", "chercheur", "equipe"]
ROLES: tuple[Role, ...] = ("facilitateur", "chercheur", "equipe")
ROLE_NAMES: dict[str, str] = {"facilitateur": "Facilitateur·rice", "chercheur": "Chercheur·se", "equipe": "Équipe"}

DEFAULT_USERS_PATH = Path("var/users.toml")
_LOGIN = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")
_GROUP = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
MIN_PASSWORD = 10
MAX_NAME = 200
#: Password verifications run at once (argon2id takes 64 MiB each): the others wait their turn.
MAX_CONCURRENT_VERIFICATIONS = 2
#: Seconds a login waits for its turn before being told to try again.
VERIFICATION_WAIT = 10.0
_verifications = threading.BoundedSemaphore(MAX_CONCURRENT_VERIFICATIONS)
# Failed logins per account and per address, for the whole serving process.
THROTTLE = LoginThrottle()


class LoginBusyError(EssNlpError):
    """Too many logins are being checked at once: the person is asked to try again shortly."""

    def __init__(self) -> None:
        super().__init__(
            "Trop de tentatives de connexion en même temps : réessayez dans quelques secondes."
        )


def check_text(what: str, value: str, *, limit: int = MAX_NAME) -> str:
    """``value`` stripped, or :class:`ConfigError` when it holds a control character (tab, line
    break, DEL…) or an invisible formatting one (bidirectional override), or is too long: the
    users file stays valid TOML and a name shows as it reads."""
    value = value.strip()
    bad = next((c for c in value if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn")), None)
    if bad is not None:
        raise ConfigError(
            f"{what} « {value.encode('unicode_escape').decode('ascii')} » invalide : caractère de contrôle ou "
            f"invisible U+{ord(bad):04X} interdit (lettres, chiffres, espaces et ponctuation seulement)."
        )
    if len(value) > limit:
        raise ConfigError(f"{what} trop long : {len(value)} caractères, {limit} au plus.")
    return value

_hasher = PasswordHasher()  # argon2id, random 16-byte salt per hash
# Verified when the login is unknown, so a wrong login costs as long as a wrong password.


_DUMMY: list[str] = []
_DUMMY_LOCK = threading.Lock()


def _dummy_hash() -> str:
    """A hash to verify against when the login is unknown (same cost, so timing tells nothing);
    computed once, at the first such login, not at import."""
    with _DUMMY_LOCK:
        if not _DUMMY:
            _DUMMY.append(_hasher.hash("ess-nlp: no such user"))
        return _DUMMY[0]


def users_path() -> Path:
    """The users file: ``$ESS_NLP_USERS`` or ``var/users.toml``."""
    return settings().users_path


@dataclass(frozen=True)
class Group:
    id: str
    name: str


@dataclass(frozen=True)
class User:
    """A person using the app: ``groups`` are the working groups whose syntheses they see."""

    login: str
    name: str
    role: Role
    groups: tuple[str, ...] = ()
    email: str = ""

    @property
    def staff(self) -> bool:
        return self.role == "equipe"

    @property
    def display(self) -> str:
        return self.name or self.login


#: Who uses the app on 127.0.0.1 without logging in: the person at the machine, with staff rights.
LOCAL_USER = User(login="local", name="Poste local", role="equipe")


@dataclass
class UsersFile:
    """The users and groups of one users file (edit, then :meth:`save`)."""

    path: Path
    users: dict[str, User] = field(default_factory=dict)
    groups: dict[str, Group] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)

    # --- reading ---------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | Path | None = None, *, missing_ok: bool = False) -> UsersFile:
        path = Path(path) if path is not None else users_path()
        if not path.exists():
            if missing_ok:
                return cls(path)
            raise ConfigError(
                f"Fichier d'utilisateurs « {path} » introuvable : créez un premier compte avec "
                "« ess-nlp users add LOGIN --role equipe »."
            )
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as err:
            raise ConfigError(f"Fichier d'utilisateurs « {path} » illisible : {err}.") from err
        except tomllib.TOMLDecodeError as err:
            raise ConfigError(f"Fichier d'utilisateurs « {path} » : TOML invalide ({err}).") from err
        return cls._parse(path, data)

    @classmethod
    def _parse(cls, path: Path, data: Mapping[str, Any]) -> UsersFile:
        out = cls(path)
        unknown = set(data) - {"users", "groups"}
        if unknown:
            raise ConfigError(
                f"Fichier d'utilisateurs « {path} » : section « {sorted(unknown)[0]} » inconnue "
                "(attendu [users.LOGIN] et [groups.ID])."
            )
        for gid, spec in dict(data.get("groups", {})).items():
            if not _GROUP.match(gid) or not isinstance(spec, dict):
                raise ConfigError(
                    f"Fichier d'utilisateurs « {path} » : groupe « {gid} » invalide (identifiant en "
                    "minuscules, chiffres, - ou _, suivi d'un tableau avec name = \"…\")."
                )
            out.groups[gid] = Group(gid, str(spec.get("name") or gid))
        for login, spec in dict(data.get("users", {})).items():
            if not _LOGIN.match(login) or not isinstance(spec, dict):
                raise ConfigError(
                    f"Fichier d'utilisateurs « {path} » : identifiant « {login} » invalide (minuscules, "
                    "chiffres, . _ @ -)."
                )
            role = spec.get("role")
            if role not in ROLES:
                raise ConfigError(
                    f"Fichier d'utilisateurs « {path} », utilisateur « {login} » : rôle « {role} » inconnu "
                    f"(attendu {', '.join(ROLES)})."
                )
            groups = spec.get("groups", [])
            if not isinstance(groups, list) or any(g not in out.groups for g in groups):
                bad = next((g for g in groups if g not in out.groups), groups) if isinstance(groups, list) else groups
                raise ConfigError(
                    f"Fichier d'utilisateurs « {path} », utilisateur « {login} » : groupe « {bad} » inconnu "
                    f"(groupes déclarés : {', '.join(out.groups) or 'aucun'})."
                )
            out.users[login] = User(login, str(spec.get("name") or login), role, tuple(groups), str(spec.get("email") or ""))
            if spec.get("password"):
                out.hashes[login] = str(spec["password"])
        return out

    # --- authentication ----------------------------------------------------------------------

    def authenticate(self, login: str, password: str, *, address: str | None = None) -> User | None:
        """The user when ``password`` is theirs, else None (same cost for an unknown login).

        At most :data:`MAX_CONCURRENT_VERIFICATIONS` verifications run at once in the process
        (each takes 64 MiB); a login that waits longer than :data:`VERIFICATION_WAIT` seconds
        for its turn raises :class:`LoginBusyError` (a French sentence). Failures are counted
        per account and per ``address`` (:data:`THROTTLE`): past its bound an account or an
        address is locked for a while and :class:`LoginLockedError` is raised, even for the
        right password."""
        login = login.strip().lower()
        THROTTLE.check(login, address)
        stored = self.hashes.get(login)
        if not _verifications.acquire(timeout=VERIFICATION_WAIT):
            raise LoginBusyError()
        try:
            # the dummy hash is made under the cap too: made by 20 first logins at once it took 1.3 GB
            _hasher.verify(stored or _dummy_hash(), password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            THROTTLE.failed(login, address)
            return None
        finally:
            _verifications.release()
        if not stored:
            THROTTLE.failed(login, address)
            return None
        THROTTLE.succeeded(login)
        return self.users.get(login)

    def by_email(self, email: str) -> User | None:
        """The user an OpenID Connect login (its e-mail) maps to."""
        wanted = email.strip().casefold()
        return next((u for u in self.users.values() if u.email and u.email.casefold() == wanted), None)

    # --- editing ------------------------------------------------------------------------------

    def add_group(self, gid: str, name: str = "") -> Group:
        if not _GROUP.match(gid):
            raise ConfigError(
                f"Identifiant de groupe « {gid} » invalide : minuscules, chiffres, - ou _ (ex. « t4-banques »)."
            )
        group = Group(gid, check_text("Nom de groupe", name) or gid)
        self.groups[gid] = group
        return group

    def add_user(
        self,
        login: str,
        *,
        role: str,
        name: str = "",
        groups: Iterable[str] = (),
        email: str = "",
        password: str | None = None,
    ) -> User:
        login = login.strip().lower()
        if not _LOGIN.match(login):
            raise ConfigError(
                f"Identifiant « {login} » invalide : minuscules, chiffres, . _ @ - (64 caractères au plus)."
            )
        if role not in ROLES:
            raise ConfigError(f"Rôle « {role} » inconnu : attendu {', '.join(ROLES)}.")
        groups = tuple(dict.fromkeys(groups))
        unknown = [g for g in groups if g not in self.groups]
        if unknown:
            raise ConfigError(
                f"Groupe « {unknown[0]} » inconnu : créez-le d'abord avec « ess-nlp users group {unknown[0]} "
                "--name \"…\" »."
            )
        name = check_text("Nom affiché", name)
        email = check_text("Courriel", email, limit=254)
        user = User(login, name or login, role, groups, email)
        self.users[login] = user
        if password is not None:
            self.set_password(login, password)
        return user

    def set_password(self, login: str, password: str) -> None:
        if login not in self.users:
            raise ConfigError(f"Utilisateur « {login} » inconnu dans « {self.path} ».")
        if len(password) < MIN_PASSWORD:
            raise ConfigError(
                f"Mot de passe trop court pour « {login} » : {MIN_PASSWORD} caractères au moins."
            )
        self.hashes[login] = _hasher.hash(password)

    def remove_user(self, login: str) -> None:
        if self.users.pop(login, None) is None:
            raise ConfigError(f"Utilisateur « {login} » inconnu dans « {self.path} ».")
        self.hashes.pop(login, None)

    def set_groups(self, login: str, groups: Iterable[str]) -> User:
        user = self.users.get(login)
        if user is None:
            raise ConfigError(f"Utilisateur « {login} » inconnu dans « {self.path} ».")
        groups = tuple(dict.fromkeys(groups))
        unknown = [g for g in groups if g not in self.groups]
        if unknown:
            raise ConfigError(f"Groupe « {unknown[0]} » inconnu (groupes : {', '.join(self.groups) or 'aucun'}).")
        self.users[login] = replace(user, groups=groups)
        return self.users[login]

    # --- writing ------------------------------------------------------------------------------

    def dumps(self) -> str:
        def s(value: str) -> str:  # a JSON string is a valid TOML basic string, once DEL is escaped
            return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")

        lines = ["# Utilisateurs et groupes de travail d'ess-nlp (géré par « ess-nlp users … »).", ""]
        for g in sorted(self.groups.values(), key=lambda g: g.id):
            lines += [f"[groups.{s(g.id)}]", f"name = {s(g.name)}", ""]
        for u in sorted(self.users.values(), key=lambda u: u.login):
            lines += [f"[users.{s(u.login)}]", f"name = {s(u.name)}", f"role = {s(u.role)}"]
            lines.append("groups = [" + ", ".join(s(g) for g in u.groups) + "]")
            if u.email:
                lines.append(f"email = {s(u.email)}")
            if u.login in self.hashes:
                lines.append(f"password = {s(self.hashes[u.login])}")
            lines.append("")
        return "\n".join(lines)

    def save(self) -> Path:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(self.dumps())
        os.replace(tmp, self.path)
        return self.path
