"""``ess-nlp export``, ``ess-nlp syntheses`` and ``ess-nlp users``: the CLI contract."""

from __future__ import annotations

import importlib.util
import json
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ess_nlp.cli import app

ROOT = Path(__file__).resolve().parents[2]
if "ess_synthesis_corpus" not in sys.modules:
    _spec = importlib.util.spec_from_file_location("ess_synthesis_corpus", ROOT / "tests" / "synthesis" / "synthesis_corpus.py")
    assert _spec is not None and _spec.loader is not None
    _module = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_module)
    sys.modules["ess_synthesis_corpus"] = _module
corpus = sys.modules["ess_synthesis_corpus"]

runner = CliRunner()


@pytest.fixture
def db(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    return corpus.copy(corpus.shared(tmp_path_factory), tmp_path / "cli.sqlite3")


def test_export_theme_draft_then_saved_synthesis(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.docx"
    result = runner.invoke(app, ["export", "--domain", "financer", "--format", "docx", "--out", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "brouillon de « Financer »" in result.output and zipfile.is_zipfile(out)
    from ess_nlp.store import Store
    from ess_nlp.synthesis import create_synthesis, draft_synthesis, resolve_scope

    with Store(db) as store:
        saved = create_synthesis(store, draft_synthesis(store, resolve_scope(store, "domain", "financer")), author="cli")
    result = runner.invoke(
        app, ["export", "--synthesis", str(saved.id), "-f", "json", "-o", str(tmp_path / "s.json"), "--db", str(db), "--json"]
    )
    assert result.exit_code == 0, result.output
    line = json.loads(result.output)
    assert line["synthesis"] == saved.id and line["draft"] is False and line["masked"] is True
    assert json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["export"]["synthesis_id"] == saved.id
    listed = runner.invoke(app, ["syntheses", "--db", str(db), "--json"])
    assert json.loads(listed.output.splitlines()[0])["id"] == saved.id


@pytest.mark.parametrize("fmt", ["odt", "md", "pdf", "csv", "xlsx", "iramuteq"])
def test_every_format_from_the_cli(db: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"x.{fmt}"
    result = runner.invoke(app, ["export", "--theme", "T4", "--format", fmt, "--out", str(out), "--db", str(db), "--no-mask"])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0 and "sans masquage" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--theme", "T44"], "Thème « T44 » inconnu"),
        (["--theme", "T4", "--domain", "financer"], "Indiquez exactement une synthèse"),
        (["--synthesis", "99"], "Synthèse n° 99 introuvable"),
        (["--theme", "T4", "--format", "rtf"], "Format d'export « rtf » inconnu"),
    ],
)
def test_errors_are_one_french_line(
    db: Path, tmp_path: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from ess_nlp.cli import main

    argv = ["ess-nlp", "export", *args, "--out", str(tmp_path / "x"), "--db", str(db)]
    old = sys.argv
    sys.argv = argv
    try:
        with pytest.raises(SystemExit) as exit_info:
            main()
    finally:
        sys.argv = old
    assert exit_info.value.code == 1
    assert not (tmp_path / "x").exists()
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_missing_database(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "--theme", "T4", "--out", str(tmp_path / "x"), "--db", str(tmp_path / "none.sqlite3")])
    assert result.exit_code == 1 and "introuvable" in result.output


def test_users_commands(tmp_path: Path) -> None:
    users = tmp_path / "users.toml"
    assert runner.invoke(app, ["users", "group", "t4", "--name", "Groupe T4", "--users", str(users)]).exit_code == 0
    result = runner.invoke(
        app,
        ["users", "add", "amelie", "--role", "facilitateur", "-g", "t4", "--password-stdin", "--users", str(users)],
        input="un mot de passe long\n",
    )
    assert result.exit_code == 0, result.output
    assert "avec mot de passe" in result.output
    from ess_nlp.access import UsersFile

    assert UsersFile.load(users).authenticate("amelie", "un mot de passe long") is not None
    result = runner.invoke(app, ["users", "add", "x", "--role", "chef", "--users", str(users)])
    assert result.exit_code == 1 or isinstance(result.exception, Exception)
    listed = runner.invoke(app, ["users", "list", "--json", "--users", str(users)])
    rows = [json.loads(line) for line in listed.output.splitlines()]
    assert {"login": "amelie", "name": "amelie", "role": "facilitateur", "groups": ["t4"], "email": "", "password": True} in rows
    assert "argon2" not in listed.output
    assert runner.invoke(app, ["users", "remove", "amelie", "--users", str(users)]).exit_code == 0
    assert "amelie" not in UsersFile.load(users).users


def test_a_bad_export_template_is_one_line_on_stderr_and_the_file_is_written(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = tmp_path / "modele.toml"
    template.write_text('logo = "absent.png"\n', encoding="utf-8")
    monkeypatch.setenv("ESS_NLP_EXPORT_TEMPLATE", str(template))
    out = tmp_path / "t.pdf"
    result = runner.invoke(app, ["export", "--domain", "financer", "-f", "pdf", "-o", str(out), "--db", str(db)])
    assert result.exit_code == 0 and out.read_bytes().startswith(b"%PDF-")
    (warning,) = [line for line in result.stderr.splitlines() if line]
    assert "absent.png" in warning and "sans logo" in warning and "Traceback" not in result.output
