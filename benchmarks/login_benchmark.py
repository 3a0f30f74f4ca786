"""Memory of 20 failed logins at once (issue 19), in one process as in the app's server
(Streamlit runs each session's script in a thread of one process).

Each argon2id verification takes 64 MiB; ``UsersFile.authenticate`` runs at most
``MAX_CONCURRENT_VERIFICATIONS`` of them at once, the others wait their turn. The script starts
``--logins`` threads that each try a wrong password, samples the process's resident memory
(``/proc/self/status``, every 5 ms) and prints the peak above the memory before, with the cap,
then with the cap lifted (``--logins`` at once, as before issue 19). Target: under +300 MB.

    .venv/bin/python benchmarks/login_benchmark.py
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

from ess_nlp.access import MAX_CONCURRENT_VERIFICATIONS, LoginBusyError, LoginLockedError, UsersFile, _users


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("VmRSS introuvable")


def attack(users: UsersFile, logins: int) -> tuple[float, float, dict[str, int]]:
    """Peak resident memory above the start (MB), seconds, outcomes."""
    outcomes: dict[str, int] = {}
    lock = threading.Lock()

    def one(n: int) -> None:
        # one login per thread (unknown logins cost one verification too): the per-account
        # lockout would otherwise turn most tries away before any verification
        try:
            outcome = "refusé" if users.authenticate(f"amelie{n}", "mauvais mot de passe") is None else "accepté"
        except LoginBusyError:
            outcome = "« trop de tentatives »"
        except LoginLockedError:
            outcome = "verrouillé"
        with lock:
            outcomes[outcome] = outcomes.get(outcome, 0) + 1

    base, peak, done = rss_mb(), 0.0, threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_mb())
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    t0 = time.perf_counter()
    threads = [threading.Thread(target=one, args=(n,)) for n in range(logins)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    done.set()
    sampler.join()
    return peak - base, seconds, outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        users = UsersFile.load(Path(tmp) / "users.toml", missing_ok=True)
        users.add_user("amelie", role="facilitateur", name="Amélie", password="un mot de passe long")
        users.authenticate("amelie", "échauffement")  # imports and first allocation out of the figure
        for label, cap in ((f"plafond {MAX_CONCURRENT_VERIFICATIONS}", MAX_CONCURRENT_VERIFICATIONS), ("sans plafond", args.logins)):
            _users._verifications = threading.BoundedSemaphore(cap)
            delta, seconds, outcomes = attack(users, args.logins)
            summary = ", ".join(f"{n} {k}" for k, n in outcomes.items())
            print(f"{args.logins} connexions échouées en parallèle, {label:<12} : +{delta:6.0f} Mo au pic, {seconds:5.2f} s ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
