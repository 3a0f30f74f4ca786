"""The corpus commands' contract: text, split --json, ingest, run (documented in the README)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from ess_nlp.cli import app

runner = CliRunner()

CAHIER = "Le Jardin du Coteau\n\nConstats\n\nLes friches se multiplient. Personne ne les cultive.\n\nNos propositions\n\n1. Créer un fonds.\n\n2. Prêter des terrains.\n"
SPLIT_FIELDS = {"id", "level", "parent", "source", "title", "kind", "start", "end", "text"}


def test_split_json_offsets_index_into_text_output(tmp_path):
    path = tmp_path / "cahier.txt"
    path.write_text(CAHIER, encoding="utf-8")
    text = runner.invoke(app, ["text", str(path)])
    assert text.exit_code == 0
    result = runner.invoke(app, ["split", str(path), "--json"])
    assert result.exit_code == 0, result.output
    units = [json.loads(line) for line in result.stdout.splitlines()]
    assert {u["level"] for u in units} == {"cahier", "section", "paragraph", "sentence"}
    for unit in units:
        assert set(unit) >= SPLIT_FIELDS
        assert text.stdout[unit["start"] : unit["end"]] == unit["text"]
        assert unit["source"] == str(path)
    assert [u["title"] for u in units if u["level"] == "section"] == ["Constats", "Nos propositions"]
    assert [u["kind"] for u in units if u["level"] == "section"] == ["constat", "proposition"]


def test_split_reports_bad_files_and_goes_on(tmp_path):
    good = tmp_path / "bon.txt"
    good.write_text(CAHIER, encoding="utf-8")
    bad = tmp_path / "vide.txt"
    bad.write_bytes(b"")
    result = runner.invoke(app, ["split", str(bad), str(good), "--json"])
    assert result.exit_code == 1
    assert "vide.txt" in result.stderr
    assert any(json.loads(line)["source"] == str(good) for line in result.stdout.splitlines())


def test_ingest_and_run_write_the_database_and_exit_status_tells_failures(tmp_path):
    folder = tmp_path / "lot"
    folder.mkdir()
    (folder / "bon.txt").write_text(CAHIER, encoding="utf-8")
    db = tmp_path / "base.sqlite3"
    ok = runner.invoke(app, ["ingest", str(folder), "--db", str(db), "--quiet"])
    assert ok.exit_code == 0, ok.output
    assert "1 ajoutés" in ok.stdout
    (folder / "inconnu.xyz").write_text("?", encoding="utf-8")
    again = runner.invoke(app, ["run", str(folder), "--db", str(db), "--json"])
    assert again.exit_code == 1
    outcomes = {
        json.loads(line)["path"]: json.loads(line)["outcome"]
        for line in again.stdout.splitlines()
        if '"path"' in line
    }
    assert outcomes == {str(folder / "bon.txt"): "unchanged", str(folder / "inconnu.xyz"): "failed"}
    assert "inconnu.xyz" in again.stderr or "inconnu.xyz" in again.stdout


def test_every_command_has_french_help():
    for command in ["text", "split", "ingest", "run", "app"]:
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0
        assert "Usage" in result.stdout
