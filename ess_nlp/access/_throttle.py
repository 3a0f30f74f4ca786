"""Login throttling across sessions: failed password logins are counted per account and per
network address over a sliding window; past a bound, that account (or address) is locked for a
while, whatever browser session the next try comes from. Failures are logged with the login and
the address, never the password.

The counts live in the serving process (one per ``ess-nlp app``), so a restart forgets them.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable

from ess_nlp.errors import EssNlpError

__all__ = ["ACCOUNT_FAILURES", "ADDRESS_FAILURES", "LOCKOUT_SECONDS", "LoginLockedError", "LoginThrottle"]

logger = logging.getLogger("ess_nlp.access")

ACCOUNT_FAILURES = 8  # failed logins of one account within the window that lock it
ADDRESS_FAILURES = 30  # failed logins from one address (any account) that lock the address
WINDOW_SECONDS = 15 * 60
LOCKOUT_SECONDS = 15 * 60


class LoginLockedError(EssNlpError):
    """Too many failed logins for this account or from this address: wait, then try again."""

    def __init__(self, seconds: float) -> None:
        minutes = max(1, math.ceil(seconds / 60))
        super().__init__(
            f"Trop d'échecs de connexion : nouvel essai possible dans {minutes} minute(s). "
            "Si vous avez oublié votre mot de passe, demandez à l'équipe de le changer (« ess-nlp users passwd »)."
        )
        self.seconds = seconds


class LoginThrottle:
    """Failure counts and lockouts, thread-safe (Streamlit runs sessions in threads)."""

    def __init__(
        self,
        *,
        account_failures: int = ACCOUNT_FAILURES,
        address_failures: int = ADDRESS_FAILURES,
        window: float = WINDOW_SECONDS,
        lockout: float = LOCKOUT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.account_failures = account_failures
        self.address_failures = address_failures
        self.window = window
        self.lockout = lockout
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _keys(login: str, address: str | None) -> list[tuple[str, str]]:
        keys = [("account", "compte:" + login.strip().lower())]
        if address:
            keys.append(("address", "adresse:" + address))
        return keys

    def check(self, login: str, address: str | None = None) -> None:
        """Raise :class:`LoginLockedError` while the account or the address is locked."""
        now = self.clock()
        with self._lock:
            waits = [self._locked_until.get(key, 0.0) - now for _, key in self._keys(login, address)]
        wait = max(waits)
        if wait > 0:
            raise LoginLockedError(wait)

    def failed(self, login: str, address: str | None = None) -> None:
        """Count a failed login; lock what went past its bound."""
        now = self.clock()
        logger.warning(
            "failed login for %r from %s", login.strip().lower()[:64], address or "an unknown address"
        )
        with self._lock:
            for kind, key in self._keys(login, address):
                times = self._failures.setdefault(key, deque())
                times.append(now)
                while times and times[0] <= now - self.window:
                    times.popleft()
                bound = self.account_failures if kind == "account" else self.address_failures
                if len(times) >= bound:
                    self._locked_until[key] = now + self.lockout
                    times.clear()
                    logger.warning("login locked for %s minutes: %s", round(self.lockout / 60), key)

    def succeeded(self, login: str) -> None:
        """A right password clears the account's count (not the address's)."""
        with self._lock:
            self._failures.pop(self._keys(login, None)[0][1], None)
