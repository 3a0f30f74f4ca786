"""The README documents every CLI command, and the two set-up commands CI relies on."""

from __future__ import annotations

from pathlib import Path

from ess_nlp.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_cli_command_is_documented_in_the_readme():
    names = [command.name for command in app.registered_commands]
    assert names, "no command registered"
    missing = [name for name in names if f"ess-nlp {name}" not in README]
    assert missing == [], f"commands missing from the README: {missing}"


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one():
    assert "./scripts/run.sh" in README and "./scripts/test.sh" in README
    assert "./scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
