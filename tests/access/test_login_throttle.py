"""Login throttling across sessions (issue 18): per account and per address, a lockout that
expires, failures logged without the password."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from ess_nlp.access import LoginLockedError, LoginThrottle, UsersFile, _users


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def users(tmp_path: Path) -> UsersFile:
    users = UsersFile.load(tmp_path / "users.toml", missing_ok=True)
    users.add_user("amelie", role="facilitateur", name="Amélie", password="un mot de passe long")
    return users


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(
        _users, "THROTTLE", LoginThrottle(account_failures=3, address_failures=5, window=600, lockout=300, clock=clock)
    )
    return clock


def test_an_account_is_locked_after_its_failures_then_unlocked(users: UsersFile, clock: Clock) -> None:
    for _ in range(3):
        assert users.authenticate("amelie", "faux", address="10.0.0.1") is None
    # locked whatever the session or address, even with the right password
    with pytest.raises(LoginLockedError, match=r"dans 5 minute\(s\)"):
        users.authenticate("Amelie", "un mot de passe long", address="10.0.0.2")
    clock.now += 301
    assert users.authenticate("amelie", "un mot de passe long", address="10.0.0.2") is not None


def test_an_address_trying_many_accounts_is_locked(users: UsersFile, clock: Clock) -> None:
    for n in range(5):
        assert users.authenticate(f"inconnu{n}", "faux", address="10.0.0.9") is None
    with pytest.raises(LoginLockedError):
        users.authenticate("amelie", "un mot de passe long", address="10.0.0.9")
    assert users.authenticate("amelie", "un mot de passe long", address="10.0.0.10") is not None


def test_old_failures_leave_the_window_and_a_success_clears_the_count(users: UsersFile, clock: Clock) -> None:
    for _ in range(2):
        users.authenticate("amelie", "faux")
    clock.now += 601
    users.authenticate("amelie", "faux")
    users.authenticate("amelie", "faux")
    assert users.authenticate("amelie", "un mot de passe long") is not None  # 2 in the window: not locked
    for _ in range(2):
        users.authenticate("amelie", "faux")
    assert users.authenticate("amelie", "un mot de passe long") is not None  # the success reset the count


def test_failures_are_logged_without_the_password(
    users: UsersFile, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="ess_nlp.access"):
        for _ in range(3):
            users.authenticate("amelie", "secret-de-test-123", address="10.0.0.1")
    text = caplog.text
    assert "failed login for 'amelie' from 10.0.0.1" in text and "login locked" in text
    assert "secret-de-test-123" not in text
