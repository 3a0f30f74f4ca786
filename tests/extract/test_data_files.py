"""The data files behind the components: they load, and a bad one is reported in French."""

from __future__ import annotations

import json

import pytest
import spacy

from ess_nlp.errors import ConfigError
from ess_nlp.extract._resources import FIGURE_UNITS, data_path, read_jsonl


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("patterns/proposals.jsonl", ("label", "pattern")),
        ("patterns/constats.jsonl", ("label", "pattern")),
        ("patterns/initiatives.jsonl", ("label", "pattern")),
        ("patterns/figures.jsonl", ("unit", "words")),
        ("patterns/openings.jsonl", ("label", "words")),
        ("patterns/organisations.jsonl", ("label", "words")),
        ("data/gazetteer.jsonl", ("label", "id", "name", "pattern")),
        ("data/places.jsonl", ("level", "code", "name")),
    ],
)
def test_data_files_load(name: str, keys: tuple[str, ...]) -> None:
    rows = read_jsonl(data_path(name), required=keys)
    assert rows


def test_figure_units_are_the_gold_units() -> None:
    units = [row["unit"] for row in read_jsonl(data_path("patterns/figures.jsonl"))]
    assert sorted(units) == sorted(FIGURE_UNITS)


def test_gazetteer_covers_the_legal_forms_of_the_field() -> None:
    rows = read_jsonl(data_path("data/gazetteer.jsonl"))
    names = {r["name"] for r in rows if r["label"] == "LEGAL_FORM"}
    for form in ("association loi 1901", "SCOP", "SCIC", "CAE", "mutuelle", "fondation", "coopérative", "SIAE",
                 "ESAT", "entreprise d'insertion", "collectivité"):
        assert form in names
    assert {r["label"] for r in rows} == {"LEGAL_FORM", "NETWORK", "PUBLIC"}


def test_places_file_has_every_departement_and_region() -> None:
    rows = read_jsonl(data_path("data/places.jsonl"))
    deps = [r for r in rows if r["level"] == "departement"]
    regions = [r for r in rows if r["level"] == "region" and not r.get("former")]
    assert len(deps) == 101 and len(regions) == 18
    assert {r["code"] for r in deps} >= {"01", "2A", "2B", "79", "971", "976"}


def test_malformed_pattern_file_names_file_and_line(tmp_path) -> None:
    path = tmp_path / "cues.jsonl"
    path.write_text('{"label": "CUE", "pattern": [{"LOWER": "il"}]}\n{"label": "CUE"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"cues.jsonl, ligne 2"):
        read_jsonl(path, required=("label", "pattern"))
    path.write_text('{"label": "CUE"}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="pattern"):
        read_jsonl(path, required=("label", "pattern"))


def test_components_take_their_patterns_from_a_given_file(tmp_path) -> None:
    path = tmp_path / "cues.jsonl"
    path.write_text(json.dumps({"label": "CUE", "pattern": [{"LOWER": "pourvu"}, {"LOWER": "que"}]}) + "\n",
                    encoding="utf-8")
    import ess_nlp.extract.proposals  # noqa: F401  # registers the ess_proposals factory

    nlp = spacy.blank("fr")
    nlp.add_pipe("ess_proposals", config={"patterns_path": str(path)})
    doc = nlp("Pourvu que les SCIC soient aidées.")
    assert [s.label_ for s in doc.spans["proposals"]] == ["cue"]
    doc = nlp("Il faut aider les SCIC.")
    assert list(doc.spans["proposals"]) == []
