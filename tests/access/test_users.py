"""Users file (argon2id hashes), roles and groups, permissions, and when a login is required."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

import pytest

from ess_nlp.access import (
    LOCAL_USER,
    AccessDenied,
    User,
    UsersFile,
    can_export_corpus,
    can_view,
    check_serving,
    is_loopback,
    login_required,
    oidc_configured,
    require_create,
    require_export_corpus,
    require_view,
)
from ess_nlp.errors import ConfigError


@pytest.fixture
def users(tmp_path: Path) -> UsersFile:
    f = UsersFile.load(tmp_path / "users.toml", missing_ok=True)
    f.add_group("t4", "Groupe T4 — Banques")
    f.add_group("t5", "Groupe T5")
    f.add_user("amelie", role="facilitateur", name="Amélie Martin", groups=["t4"], password="un mot de passe long")
    f.add_user("sam", role="equipe", name="Sam", email="sam@exemple.org")
    f.save()
    return f


def test_file_round_trip_holds_only_salted_hashes(users: UsersFile) -> None:
    text = users.path.read_text(encoding="utf-8")
    assert "un mot de passe long" not in text and "$argon2id$" in text
    assert stat.S_IMODE(os.stat(users.path).st_mode) == 0o600
    data = tomllib.loads(text)
    assert data["users"]["amelie"]["groups"] == ["t4"] and data["groups"]["t4"]["name"] == "Groupe T4 — Banques"
    again = UsersFile.load(users.path)
    assert again.users == users.users and again.groups == users.groups
    # two hashes of the same password differ (random salt)
    again.add_user("bea", role="chercheur", groups=["t5"], password="un mot de passe long")
    assert again.hashes["bea"] != again.hashes["amelie"]


def test_authenticate(users: UsersFile) -> None:
    user = users.authenticate("Amelie", "un mot de passe long")
    assert user is not None and user.groups == ("t4",) and user.role == "facilitateur"
    assert users.authenticate("amelie", "mauvais") is None
    assert users.authenticate("inconnu", "un mot de passe long") is None
    assert users.authenticate("sam", "") is None  # OIDC-only user: no password
    assert users.by_email("SAM@exemple.org") == users.users["sam"]


def test_bad_input_french_errors(users: UsersFile, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="trop court"):
        users.set_password("amelie", "court")
    with pytest.raises(ConfigError, match="Rôle « admin » inconnu"):
        users.add_user("x", role="admin")
    with pytest.raises(ConfigError, match="Groupe « t9 » inconnu"):
        users.add_user("x", role="facilitateur", groups=["t9"])
    with pytest.raises(ConfigError, match="Identifiant « a b » invalide"):
        users.add_user("a b", role="equipe")
    bad = tmp_path / "bad.toml"
    bad.write_text('[users.x]\nrole = "chef"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="utilisateur « x » : rôle « chef » inconnu"):
        UsersFile.load(bad)
    bad.write_text("[users\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="TOML invalide"):
        UsersFile.load(bad)
    with pytest.raises(ConfigError, match="introuvable"):
        UsersFile.load(tmp_path / "absent.toml")


def test_permissions() -> None:
    amelie = User("amelie", "Amélie", "facilitateur", ("t4",))
    bea = User("bea", "Béa", "chercheur", ("t5",))
    staff = User("sam", "Sam", "equipe")
    assert can_view(amelie, "t4") and not can_view(amelie, "t5") and not can_view(amelie, None)
    assert can_view(staff, "t5") and can_view(staff, None) and can_view(LOCAL_USER, "t4")
    with pytest.raises(AccessDenied, match="Accès refusé : cette synthèse appartient à un groupe") as denied:
        require_view(amelie, "t5", "T5 Finance secrète")
    assert "T5" not in str(denied.value) and "t5" not in str(denied.value)
    with pytest.raises(AccessDenied, match="choisir l'un de ses groupes"):
        require_create(amelie, None)
    assert can_export_corpus(bea) and not can_export_corpus(amelie)
    with pytest.raises(AccessDenied, match="réservé aux rôles Chercheur·se, Équipe"):
        require_export_corpus(amelie)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.0.1.1", True),
     ("0.0.0.0", False), ("192.168.1.10", False), ("", False), (None, False), ("example.org", False)],
)  # fmt: skip
def test_loopback(host: str | None, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_serving_refuses_without_accounts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, users: UsersFile) -> None:
    monkeypatch.delenv("ESS_NLP_LOGIN", raising=False)
    secrets = tmp_path / "secrets.toml"
    assert check_serving("127.0.0.1", users=tmp_path / "none.toml", secrets=secrets).login == "none"
    with pytest.raises(ConfigError, match="exige une connexion, mais aucun compte"):
        check_serving("0.0.0.0", users=tmp_path / "none.toml", secrets=secrets)
    assert check_serving("0.0.0.0", users=users.path, secrets=secrets).login == "password"
    monkeypatch.setenv("ESS_NLP_LOGIN", "1")
    assert login_required("127.0.0.1")
    assert check_serving("127.0.0.1", users=users.path, secrets=secrets).login == "password"


def test_oidc_secrets(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    assert not oidc_configured(secrets)
    secrets.write_text(
        '[auth]\nredirect_uri = "https://ess.exemple.org/oauth2callback"\ncookie_secret = "x"\n'
        'client_id = "id"\nclient_secret = "s"\n'
        'server_metadata_url = "https://sso.exemple.org/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    assert oidc_configured(secrets)
    assert check_serving("0.0.0.0", users=tmp_path / "none.toml", secrets=secrets).login == "oidc"
    secrets.write_text('[auth]\nredirect_uri = "x"\ncookie_secret = "y"\n[auth.microsoft]\nclient_id = "a"\n', encoding="utf-8")
    assert not oidc_configured(secrets)
