"""Streamlit is configured for offline serving (issue 19): no usage statistics, no start-up
banner that asks an outside address for the machine's IP. The effective options are read
back from Streamlit's own config loader, in a fresh process, as ``ess-nlp app`` starts it
(flags, from any working folder) and as ``streamlit run app.py`` does from the repository
(``.streamlit/config.toml``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ess_nlp.cli._corpus import APP_DIR, app_command, streamlit_options

ROOT = Path(__file__).resolve().parents[2]
OFFLINE = {
    "browser.gatherUsageStats": False,
    "server.headless": True,
    "logger.hideWelcomeMessage": True,
}
READ = """
import json, sys
from streamlit import config
config.get_config_options(force_reparse=True, options_from_flags=json.loads(sys.argv[1]))
print(json.dumps({name: config.get_option(name) for name in json.loads(sys.argv[2])}))
"""


def effective(cwd: Path, home: Path, flags: dict[str, object]) -> dict[str, object]:
    env = {**os.environ, "HOME": str(home)}
    env = {k: v for k, v in env.items() if not k.startswith("STREAMLIT_")}
    out = subprocess.run(
        [sys.executable, "-c", READ, json.dumps(flags), json.dumps(list(OFFLINE))],
        cwd=cwd, env=env, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def flags_of(command: list[str]) -> dict[str, str]:
    args = command[command.index("run") + 2 :]
    return {name.removeprefix("--"): value for name, value in zip(args[::2], args[1::2], strict=True)}


def test_ess_nlp_app_starts_streamlit_offline_from_any_folder(tmp_path: Path) -> None:
    command = app_command("0.0.0.0", 8765)
    flags = flags_of(command)
    assert flags["server.address"] == "0.0.0.0" and flags["browser.gatherUsageStats"] == "false"
    assert {name: flags[name] for name in OFFLINE} == {n: str(v).lower() for n, v in OFFLINE.items()}
    typed = {name: value for name, value in streamlit_options().items()}
    assert effective(tmp_path, tmp_path, typed) == OFFLINE  # no .streamlit/ in tmp_path nor in HOME


def test_streamlit_run_from_the_repository_reads_the_same_options(tmp_path: Path) -> None:
    assert (ROOT / ".streamlit" / "config.toml").read_text() == (APP_DIR / "streamlit.toml").read_text()
    assert effective(ROOT, tmp_path, {}) == OFFLINE
    assert effective(tmp_path, tmp_path, {}) != OFFLINE  # Streamlit's defaults are not offline


def test_the_upload_size_follows_the_import_pages_limit(monkeypatch) -> None:
    assert flags_of(app_command("127.0.0.1", 8765))["server.maxUploadSize"] == "50"  # streamlit.toml's, the default
    monkeypatch.setenv("ESS_NLP_APP_MAX_MB", "80")
    assert flags_of(app_command("127.0.0.1", 8765))["server.maxUploadSize"] == "80"
