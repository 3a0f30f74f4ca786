"""The ``ess-nlp topics`` contract (JSON Lines) and ``topics-edit``, on a small CSV and a database."""

from __future__ import annotations

import csv
import json

import pytest
from topics_corpus import add_sections, make_corpus
from typer.testing import CliRunner

from ess_nlp.cli import app
from ess_nlp.store import Store

runner = CliRunner()


def write_csv(path, rows: list[dict[str, str]]) -> None:  # type: ignore[no-untyped-def]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def csv_file(tmp_path_factory):  # type: ignore[no-untyped-def]
    ids, texts, _ = make_corpus(per_subject=10, seed=31)
    path = tmp_path_factory.mktemp("data") / "contributions.csv"
    write_csv(path, [{"ref": i, "texte": t, "autre": "x"} for i, t in zip(ids, texts, strict=True)])
    return path, ids


def lines(output: str) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_csv_json_lines_contract(csv_file) -> None:  # type: ignore[no-untyped-def]
    path, ids = csv_file
    args = ["topics", "--data", str(path), "--text-col", "texte", "--id-col", "ref", "--seed", "3", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    records = lines(result.stdout)
    kinds = [r["kind"] for r in records]
    assert kinds == sorted(kinds, key=lambda k: k != "topic")  # topics first, then assignments
    topics = [r for r in records if r["kind"] == "topic"]
    assignments = [r for r in records if r["kind"] == "assignment"]
    assert len(topics) >= 3
    for topic in topics:
        assert {"topic", "label", "size", "keywords"} <= set(topic)
        assert isinstance(topic["keywords"], list) and topic["label"]
    assert [a["id"] for a in assignments] == ids
    assert {a["topic"] for a in assignments} <= {t["topic"] for t in topics}
    assert all(0.0 <= a["probability"] <= 1.0 for a in assignments)
    assert sum(t["size"] for t in topics) == len(ids)
    again = runner.invoke(app, args)
    assert again.stdout == result.stdout  # same seed, same output


def test_row_numbers_are_ids_and_empty_texts_are_reported(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "petit.csv"
    write_csv(
        path, [{"texte": t} for t in ["Plus de bus.", "", "Des pistes cyclables.", "Covoiturage rural."]]
    )
    result = runner.invoke(app, ["topics", "--data", str(path), "--text-col", "texte", "--json"])
    assert result.exit_code == 0, result.output
    assignments = [r for r in lines(result.stdout) if r["kind"] == "assignment"]
    assert sorted(a["id"] for a in assignments) == ["1", "2", "3", "4"]
    assert next(a for a in assignments if a["id"] == "2")["origin"] == "empty"
    assert "un seul thème" in result.stderr and "texte vide" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--data", "{csv}", "--text-col", "absente"],
            "colonne « absente » absente ; colonnes présentes : ref, texte",
        ),
        (["--data", "{csv}"], "indiquez la colonne du texte"),
        (["--data", "{csv}", "--text-col", "texte", "--level", "section"], "soit --level"),
        (["--data", "{dir}/absent.csv", "--text-col", "texte"], "fichier introuvable"),
        (
            ["--backend", "bert", "--data", "{csv}", "--text-col", "texte"],
            "Moteur de plongement « bert » inconnu",
        ),
        (["--level", "section", "--db", "{dir}/vide.sqlite3"], "Aucune unité de niveau « section »"),
    ],
)
def test_bad_input_gives_one_french_line_and_exit_1(csv_file, tmp_path, args, message) -> None:  # type: ignore[no-untyped-def]
    path, _ = csv_file
    args = [a.replace("{csv}", str(path)).replace("{dir}", str(tmp_path)) for a in args]
    result = runner.invoke(app, ["topics", *args, "--json"])
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_database_run_edit_and_rerun(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "ess.sqlite3"
    ids, texts, _ = make_corpus(per_subject=10, seed=32)
    with Store(db) as store:
        add_sections(store, ids, texts)
    first = runner.invoke(app, ["topics", "--db", str(db), "--seed", "5", "--json"])
    assert first.exit_code == 0, first.output
    topic = lines(first.stdout)[0]["topic"]
    edit = runner.invoke(
        app,
        [
            "topics-edit",
            "--name",
            "section",
            "--rename",
            str(topic),
            "--label",
            "Nos mobilités",
            "--who",
            "anne",
            "--why",
            "plus clair",
            "--db",
            str(db),
            "--json",
        ],
    )
    assert edit.exit_code == 0, edit.output
    logged = lines(edit.stdout)[0]
    assert (
        logged["kind"] == "edit"
        and logged["edit"] == "rename"
        and logged["who"] == "anne"
        and logged["why"] == "plus clair"
        and logged["at"]
    )
    second = runner.invoke(app, ["topics", "--db", str(db), "--seed", "5", "--json"])
    labels = {r["topic"]: r["label"] for r in lines(second.stdout) if r["kind"] == "topic"}
    assert labels[topic] == "Nos mobilités"
    bad = runner.invoke(
        app, ["topics-edit", "--name", "section", "--merge", "a,b", "--who", "x", "--db", str(db)]
    )
    assert bad.exit_code == 1 and "numéros de thèmes" in bad.stderr
    none = runner.invoke(app, ["topics-edit", "--name", "section", "--who", "x", "--db", str(db)])
    assert none.exit_code == 1 and "exactement une modification" in none.stderr


def test_save_writes_a_model_folder(csv_file, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, _ = csv_file
    result = runner.invoke(
        app,
        ["topics", "--data", str(path), "--text-col", "texte", "--save", "--models-dir", str(tmp_path), "-q"],
    )
    assert result.exit_code == 0, result.output
    (folder,) = (tmp_path / "contributions").iterdir()
    assert (folder / "meta.json").is_file()
    assert "sujets émergents sur 40 unités" in result.stdout
