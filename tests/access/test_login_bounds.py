"""Names are checked on input and the users file stays valid TOML; password verifications
are capped in the process, the ones beyond the wait told in French to try again (issue 19)."""

from __future__ import annotations

import threading
import time
import tomllib
from pathlib import Path

import pytest

from ess_nlp.access import MAX_CONCURRENT_VERIFICATIONS, LoginBusyError, UsersFile, _users
from ess_nlp.errors import ConfigError


@pytest.fixture
def users(tmp_path: Path) -> UsersFile:
    f = UsersFile.load(tmp_path / "users.toml", missing_ok=True)
    f.add_group("t4", "Groupe T4")
    f.add_user("amelie", role="facilitateur", name="Amélie", groups=["t4"], password="un mot de passe long")
    f.save()
    return f


@pytest.mark.parametrize(
    "name", ["Amé\x7flie", "Amélie\nrole = 'equipe'", "A\x00", "Ami\u202eeilema", "tab\there", "x" * 201]
)
def test_a_display_name_with_a_control_character_is_refused(users: UsersFile, name: str) -> None:
    with pytest.raises(ConfigError, match=r"invalide|trop long"):
        users.add_user("bea", role="chercheur", name=name)
    with pytest.raises(ConfigError, match=r"invalide|trop long"):
        users.add_group("t9", name)
    assert "bea" not in users.users and "t9" not in users.groups
    users.save()
    assert UsersFile.load(users.path).authenticate("amelie", "un mot de passe long") is not None


def test_the_file_stays_valid_toml_whatever_a_name_holds(users: UsersFile) -> None:
    users.users["amelie"] = _users.User("amelie", "Amé\x7flie « \" \\ ] » 🌱", "facilitateur", ("t4",))
    users.save()  # a name set by hand, not through add_user: written escaped
    again = UsersFile.load(users.path)
    assert again.users["amelie"].name == "Amé\x7flie « \" \\ ] » 🌱"
    assert tomllib.loads(users.path.read_text(encoding="utf-8"))["users"]["amelie"]["role"] == "facilitateur"


def test_at_most_n_verifications_run_at_once(users: UsersFile, monkeypatch: pytest.MonkeyPatch) -> None:
    running, peak, lock = 0, 0, threading.Lock()
    real = _users._hasher

    def counting_verify(stored: str, password: str) -> bool:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        try:
            time.sleep(0.05)
            return real.verify(stored, password)
        finally:
            with lock:
                running -= 1

    class CountingHasher:
        verify = staticmethod(counting_verify)

    monkeypatch.setattr(_users, "_hasher", CountingHasher())
    results: list[object] = []
    threads = [threading.Thread(target=lambda: results.append(users.authenticate("amelie", "faux"))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [None] * 8
    assert peak == MAX_CONCURRENT_VERIFICATIONS


def test_a_login_that_waits_too_long_is_told_to_retry(users: UsersFile, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_users, "_verifications", threading.BoundedSemaphore(1))
    monkeypatch.setattr(_users, "VERIFICATION_WAIT", 0.05)
    _users._verifications.acquire()  # another login holds the only turn
    try:
        with pytest.raises(LoginBusyError, match="Trop de tentatives de connexion"):
            users.authenticate("amelie", "un mot de passe long")
    finally:
        _users._verifications.release()
    assert users.authenticate("amelie", "un mot de passe long") is not None
