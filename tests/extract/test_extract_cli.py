"""The ``ess-nlp extract FILE... --json`` contract (documented in the README)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from ess_nlp.cli import app

runner = CliRunner()

FIELDS = {
    "proposal": {"kind", "id", "text", "source", "start", "end", "cahier", "section", "number", "parent",
                 "kind_score"},
    "constat": {"kind", "id", "text", "source", "start", "end", "cahier", "section", "kind_score"},
    "initiative": {"kind", "id", "name", "text", "source", "start", "end", "porteur", "organisations",
                   "legal_forms", "places", "urls", "figures"},
}


def test_extract_json_has_exactly_the_contract_fields(tmp_path, cahier: str) -> None:
    path = tmp_path / "cahier.txt"
    path.write_text(cahier, encoding="utf-8")
    text = runner.invoke(app, ["text", str(path)]).stdout
    result = runner.invoke(app, ["extract", str(path), "--json"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    kinds = [r["kind"] for r in records]
    assert kinds.count("proposal") == 7 and kinds.count("constat") == 2 and kinds.count("initiative") == 1
    for record in records:
        assert set(record) == FIELDS[record["kind"]]
        assert record["source"] == str(path)
        if record["kind"] != "initiative":
            assert text[record["start"] : record["end"]] == record["text"]
    ids = {r["id"] for r in records}
    assert len(ids) == len(records)
    for record in records:
        if record["kind"] == "proposal" and record["parent"] is not None:
            assert record["parent"] in ids
    [card] = [r for r in records if r["kind"] == "initiative"]
    assert card["places"][0] == {"name": "Niort", "level": "commune", "code": "79191"}
    assert {"text": "340 tonnes", "value": 340, "unit": "tonnes"} in card["figures"]
    assert all(set(f) == {"text", "value", "unit"} for f in card["figures"])


def test_extract_kind_filter_and_plain_output(tmp_path, cahier: str) -> None:
    path = tmp_path / "cahier.txt"
    path.write_text(cahier, encoding="utf-8")
    result = runner.invoke(app, ["extract", str(path), "--json", "--kind", "constat"])
    assert result.exit_code == 0
    assert {json.loads(line)["kind"] for line in result.stdout.splitlines()} == {"constat"}
    plain = runner.invoke(app, ["extract", str(path)])
    assert plain.exit_code == 0
    assert "[proposition] 1. De créer un fonds territorial" in plain.stdout
    assert "[initiative] Recyclerie du Marais" in plain.stdout


def test_extract_bad_inputs_exit_1_with_one_french_line(tmp_path, cahier: str) -> None:
    good = tmp_path / "cahier.txt"
    good.write_text(cahier, encoding="utf-8")
    missing = tmp_path / "absent.txt"
    result = runner.invoke(app, ["extract", str(missing), str(good), "--json"])
    assert result.exit_code == 1
    assert "absent.txt" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert len(result.stdout.splitlines()) == 10  # the good file is still extracted
    unknown = runner.invoke(app, ["extract", str(good), "--kind", "idée"])
    assert unknown.exit_code == 2
    assert "idée" in unknown.stderr
