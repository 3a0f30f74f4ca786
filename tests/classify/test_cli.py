"""The classify / train / evaluate command-line contract."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ess_nlp.cli import app
from ess_nlp.taxonomy import Taxonomy, dump_taxonomy

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

CAHIER = """La Régie du Marais : rénover les logements du quartier

Présentation de l'initiative

La régie emploie douze salariés en insertion qui rénovent les logements des locataires modestes.

Nos propositions

1. Créer un fonds régional pour la rénovation des logements sociaux.
2. Ouvrir les marchés publics aux chantiers d'insertion.
"""


@pytest.fixture
def files(
    tmp_path: Path, mini_taxonomy: Taxonomy, single_label_data: tuple[list[str], list[str]]
) -> dict[str, Path]:
    taxonomy = tmp_path / "mini.yaml"
    taxonomy.write_text(dump_taxonomy(mini_taxonomy), encoding="utf-8")
    cahier = tmp_path / "cahier.txt"
    cahier.write_text(CAHIER, encoding="utf-8")
    rows = list(zip(*single_label_data, strict=True))
    rows += [("Les salariés rénovent les logements.", "emploi;logement")]
    data = tmp_path / "train.jsonl"
    data.write_text(
        "\n".join(json.dumps({"texte": t, "sujet": lab}, ensure_ascii=False) for t, lab in rows),
        encoding="utf-8",
    )
    return {"taxonomy": taxonomy, "cahier": cahier, "data": data, "root": tmp_path}


def run(*args: str) -> object:
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_classify_json_contract_zero_shot(files: dict[str, Path]) -> None:
    result = run("classify", files["cahier"], "--taxonomy", files["taxonomy"], "--json")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    [line] = result.stdout.splitlines()  # type: ignore[attr-defined]
    record = json.loads(line)
    assert set(record) == {"id", "level", "source", "title", "start", "end", "scores", "labels", "uncertain"}
    assert record["uncertain"] == []
    assert record["level"] == "cahier" and record["source"] == str(files["cahier"])
    assert set(record["scores"]["sujets"]) == {"logement", "emploi", "sante"}
    assert "logement" in record["labels"]["sujets"]
    assert all(0 <= s <= 1 for s in record["scores"]["sujets"].values())


def test_classify_sentences_with_explanations(files: dict[str, Path]) -> None:
    result = run(
        "classify",
        files["cahier"],
        "--taxonomy",
        files["taxonomy"],
        "--level",
        "sentence",
        "--explain",
        "--json",
    )
    records = [json.loads(line) for line in result.stdout.splitlines()]  # type: ignore[attr-defined]
    assert len(records) == 3 and all(r["level"] == "sentence" for r in records)
    assert all("explanations" in r for r in records)


def test_train_then_evaluate_then_classify(files: dict[str, Path]) -> None:
    out = files["root"] / "models" / "mini" / "1"
    result = run(
        "train", "--data", files["data"], "--text-col", "texte", "--label-col", "sujet",
        "--taxonomy", files["taxonomy"], "--seed", "3", "--folds", "3", "--out", out, "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    summary = json.loads(result.stdout.splitlines()[-1])  # type: ignore[attr-defined]
    assert summary["facet"] == "sujets" and 0 <= summary["macro_f1"] <= 1
    meta = json.loads((out / "meta.json").read_text("utf-8"))
    assert meta["seed"] == 3 and meta["training_data"]["rows"] == 19
    assert meta["facets"]["sujets"]["multi_label"] is True
    assert meta["facets"]["sujets"]["threshold"] == meta["facets"]["sujets"]["threshold_tuning"]["chosen"]
    # by default the features are chosen by cross-validation: n-grams alone or with MiniLM
    choice = meta["facets"]["sujets"]["features_choice"]
    assert [c["features"] for c in choice["candidates"]] == ["n-grammes", "n-grammes + minilm"]
    assert choice["chosen"] in {"n-grammes", "n-grammes + minilm"} and summary["features"] == choice["chosen"]
    fixed = files["root"] / "models" / "mini" / "fixed"
    result = run(
        "train", "--data", files["data"], "--text-col", "texte", "--label-col", "sujet",
        "--taxonomy", files["taxonomy"], "--folds", "3", "--fixed-threshold", "--out", fixed, "--quiet",
    )  # fmt: skip
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    fixed_meta = json.loads((fixed / "meta.json").read_text("utf-8"))["facets"]["sujets"]
    assert fixed_meta["threshold"] == 0.5 and "threshold_tuning" not in fixed_meta

    result = run(
        "evaluate",
        "--model",
        out,
        "--data",
        files["data"],
        "--text-col",
        "texte",
        "--label-col",
        "sujet",
        "--json",
    )
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    metrics = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert set(metrics) == {"n", "macro_f1", "micro_f1", "accuracy", "per_label"}
    assert metrics["n"] == 19
    assert set(metrics["per_label"]["logement"]) == {"precision", "recall", "f1", "support"}
    assert metrics["micro_f1"] > 0.8  # evaluated on its own training data

    result = run("classify", files["cahier"], "--model", out, "--json")
    assert "logement" in json.loads(result.stdout)["labels"]["sujets"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--label-col", "absente"], "colonne « absente » absente"),
        (["--label-col", "sujet", "--min-examples", "9"], "il en faut au moins 9"),
        (["--label-col", "sujet", "--embeddings", "bert"], "--embeddings bert : valeur inconnue"),
    ],
)
def test_train_bad_input_is_one_line(files: dict[str, Path], args: list[str], message: str) -> None:
    out = files["root"] / "m" / "1"
    result = run(
        "train",
        "--data",
        files["data"],
        "--text-col",
        "texte",
        *args,
        "--taxonomy",
        files["taxonomy"],
        "--out",
        out,
    )
    assert result.exit_code == 1
    assert message in result.stderr  # type: ignore[attr-defined]
    assert len(result.stderr.strip().splitlines()) == 1  # type: ignore[attr-defined]
    assert (not out.exists() and not (files["root"] / "m").exists()) or not any(
        (files["root"] / "m").iterdir()
    )


def test_model_of_another_taxonomy_is_refused(files: dict[str, Path], tmp_path: Path) -> None:
    from ess_nlp.classify import ClassificationModel, save_model
    from ess_nlp.taxonomy import load_taxonomy

    folder = save_model(ClassificationModel(load_taxonomy()), tmp_path / "zs" / "1")
    result = run("classify", files["cahier"], "--model", folder, "--taxonomy", files["taxonomy"], "--json")
    assert result.exit_code == 1
    assert "entraîné sur la taxonomie « ess-cahiers », pas sur « mini »" in result.stderr  # type: ignore[attr-defined]


def test_unknown_level(files: dict[str, Path]) -> None:
    result = run("classify", files["cahier"], "--level", "page")
    assert result.exit_code == 1 and "Niveau « page » inconnu" in result.stderr  # type: ignore[attr-defined]


def test_classify_text_output_explains_and_says_incertain(files: dict[str, Path], tmp_path: Path) -> None:
    result = run("classify", files["cahier"], "--taxonomy", files["taxonomy"], "--explain")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    out = result.stdout  # type: ignore[attr-defined]
    assert re.search(r"sujets : .*Logement \d+ %", out)
    assert "— mots : " in out and "— phrase (" in out
    vague = tmp_path / "vague.txt"
    vague.write_text("Compte rendu\n\nNous nous sommes réunis jeudi.\n", encoding="utf-8")
    result = run("classify", vague, "--taxonomy", files["taxonomy"])
    assert "sujets : incertain (meilleur score : " in result.stdout  # type: ignore[attr-defined]
