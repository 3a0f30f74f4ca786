"""What the end-to-end tests share: serving the app with ``streamlit run`` on 127.0.0.1, waiting
for a Streamlit run to finish in the page, and full-page screenshots."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_app(
    db: Path,
    log: Path,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path = ROOT,
    host: str | None = None,
    script: Path | None = None,
) -> Iterator[str]:
    """The app over ``db`` on a free port of 127.0.0.1 (its output in ``log``), waited for
    through its health endpoint; yields its URL and stops it afterwards. With ``host``, the app
    is started as a person would serve it, ``ess-nlp app --host HOST`` (0.0.0.0: to a team).
    ``script``: another main script than ``ess_nlp/streamlit_app.py`` (one that sets something
    up for a test, then runs the same frame)."""
    port = free_port()
    environment = {
        **os.environ, "ESS_NLP_DB": str(db), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", **(env or {}),
    }  # fmt: skip
    command = [
        sys.executable, "-m", "streamlit", "run", str(script or ROOT / "ess_nlp" / "streamlit_app.py"),
        "--server.address", "127.0.0.1", "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
        "--client.toolbarMode", "minimal",
    ]  # fmt: skip
    if host is not None:
        command = [sys.executable, "-c", "from ess_nlp.cli import main; main()", "app", "--db", str(db),
                   "--host", host, "--port", str(port)]  # fmt: skip
    with log.open("wb") as out:
        # its own process group: « ess-nlp app » starts Streamlit as a child, stopped with it below
        process = subprocess.Popen(
            command, env=environment, stdout=out, stderr=subprocess.STDOUT, cwd=cwd, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.5)
        yield url
    finally:
        _signal_group(process, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
        _signal_group(process, signal.SIGTERM)  # a child still there (the streamlit of « ess-nlp app »)


def _signal_group(process: subprocess.Popen[bytes], sig: int) -> None:
    """Send ``sig`` to the process group ``serve_app`` started (the app and any child of it)."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def wait_idle(page, timeout: float = 60_000) -> None:  # type: ignore[no-untyped-def]
    """Wait until the app finished its run (the "running" indicator is gone)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_function(
        '() => !document.querySelector(\'[data-testid="stStatusWidget"] [data-testid="stStatusWidgetRunningIcon"]\')'
        " && !document.querySelector('[data-testid=\"stSkeleton\"]')",
        timeout=timeout,
    )
    page.wait_for_timeout(400)


def shot(page, artifacts: Path, name: str) -> None:  # type: ignore[no-untyped-def]
    """A screenshot of the whole page: the app scrolls inside its main block, so the window is
    grown to the block's height for the shot."""
    size = page.viewport_size
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " return m ? m.scrollHeight : document.body.scrollHeight; }"
    )
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(height), 8000))})
    # The page is laid out again at the new size by the next frames (a fixed 500 ms before).
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
    page.set_viewport_size(size)
