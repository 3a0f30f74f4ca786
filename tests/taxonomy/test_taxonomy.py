"""The default taxonomy and the schema every taxonomy file must follow."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from ess_nlp.errors import ConfigError
from ess_nlp.taxonomy import Taxonomy, default_taxonomy_path, dump_taxonomy, load_taxonomy, parse_taxonomy

DOMAINS = [
    "consommer",
    "cooperer",
    "creer",
    "democratiser",
    "financer",
    "se_former",
    "se_loger",
    "soigner",
    "travailler",
]
AXES = {
    "T1": "organiser",
    "T2": "organiser",
    "T3": "organiser",
    "T4": "financer",
    "T5": "financer",
    "T6": "financer",
    "T7": "reguler",
    "T8": "reguler",
    "T9": "reguler",
    "T10": "developper",
    "T11": "developper",
    "T12": "developper",
}

MINIMAL = """
name: mini
facets:
  - id: sujets
    name: Sujets
    labels:
      - {id: a, name: Alpha, description: Premier sujet.}
      - {id: b, name: Bêta, description: Second sujet.}
"""


def test_default_taxonomy_has_the_nine_domains_and_twelve_themes() -> None:
    taxonomy = load_taxonomy()
    assert taxonomy.facet_ids == ("domains", "themes")
    assert list(taxonomy.facet("domains").label_ids) == DOMAINS
    themes = taxonomy.facet("themes")
    assert {label.id: label.axis for label in themes.labels} == AXES
    assert [axis.id for axis in themes.axes] == ["organiser", "financer", "reguler", "developper"]


def test_default_labels_are_fully_described() -> None:
    for facet in load_taxonomy().facets:
        for label in facet.labels:
            assert len(label.description.split()) >= 20, label.id
            assert len(label.keywords) >= 8, label.id
            assert len(label.examples) >= 3, label.id
            assert all(keyword == keyword.lower() for keyword in label.keywords), label.id


def test_theme_names_are_those_of_the_working_groups() -> None:
    themes = load_taxonomy().facet("themes")
    assert themes.label("T2").name == "Organiser le triptyque : État, Privé, ESS"
    assert themes.label("T4").name == "Changer le comportement des banques sur les territoires"
    assert themes.label("T1").display_name != themes.label("T1").name


def test_default_path_is_packaged() -> None:
    assert default_taxonomy_path().is_file()
    assert load_taxonomy(default_taxonomy_path()) == load_taxonomy()


def test_fingerprint_ignores_descriptions_but_not_labels() -> None:
    base = parse_taxonomy(MINIMAL)
    reworded = parse_taxonomy(MINIMAL.replace("Premier sujet.", "Un autre texte."))
    relabelled = parse_taxonomy(MINIMAL.replace("id: b,", "id: c,"))
    assert base.fingerprint() == reworded.fingerprint()
    assert base.fingerprint() != relabelled.fingerprint()


def test_another_taxonomy_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "mini.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    taxonomy = load_taxonomy(path)
    assert isinstance(taxonomy, Taxonomy)
    assert taxonomy.signature() == {"sujets": ["a", "b"]}


@pytest.mark.parametrize(
    ("scores", "multi", "expected"),
    [
        ({"a": 0.9, "b": 0.7, "c": 0.1}, True, ["a", "b"]),
        ({"a": 0.2, "b": 0.3, "c": 0.1}, True, ["b"]),  # min_labels keeps the best one
        ({"a": 0.9, "b": 0.8, "c": 0.7}, True, ["a", "b"]),  # max_labels
        ({"a": 0.9, "b": 0.8, "c": 0.7}, False, ["a"]),
    ],
)
def test_facet_decision_rule(scores: dict[str, float], multi: bool, expected: list[str]) -> None:
    text = MINIMAL.replace(
        "    labels:", f"    multi_label: {str(multi).lower()}\n    max_labels: 2\n    labels:"
    )
    text += "      - {id: c, name: Gamma}\n"
    assert parse_taxonomy(text).facet("sujets").decide(scores) == expected


def _label(data: dict, index: int) -> dict:
    return data["facets"][0]["labels"][index]


@pytest.mark.parametrize(
    ("edit", "field", "words"),
    [
        (lambda d: d.pop("name"), "« name »", "manquant"),
        (lambda d: _label(d, 1).update(id="a"), "facets[sujets].labels", "« a » apparaît deux fois"),
        (lambda d: _label(d, 0).update(colour="red"), "facets[sujets].labels[a].colour", "champ inconnu"),
        (lambda d: _label(d, 1).pop("name"), "facets[sujets].labels[b].name", "manquant"),
        (lambda d: _label(d, 0).update(id="é t"), "facets[sujets].labels[é t].id", "identifiant invalide"),
        (lambda d: d["facets"][0].update(threshold=2), "facets[sujets].threshold", "trop grande"),
        (lambda d: d["facets"][0]["labels"].pop(), "facets[sujets].labels", "au moins 2"),
        (lambda d: _label(d, 0).update(axis="x"), "facets[sujets]", "l'axe « x »"),
        (lambda d: _label(d, 0).update(keywords="abc"), "facets[sujets].labels[a].keywords", "liste"),
    ],
)
def test_schema_errors_name_the_file_and_the_field(
    tmp_path: Path, edit: Callable[[dict], object], field: str, words: str
) -> None:
    data = yaml.safe_load(MINIMAL)
    edit(data)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_taxonomy(path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert field in message
    assert words in message


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nfacets: [\n  - {id: a\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.yaml, ligne \d+ : YAML invalide"):
        load_taxonomy(path)


def test_missing_file_and_wrong_root(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="introuvable"):
        load_taxonomy(tmp_path / "absent.yaml")
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="une taxonomie est attendue"):
        load_taxonomy(path)


# --- bad input of issue 13: each gives one French sentence naming the file and the reason ------


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ma-taxonomie.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (MINIMAL.replace("id: b,", "id: a,"), "« a » apparaît deux fois"),
        (MINIMAL.replace("description: Second sujet.", 'description: ""'), "description vide"),
        (MINIMAL.replace("description: Second sujet.", "description:   "), "description vide"),
        (MINIMAL.replace("      - {id: b, name: Bêta, description: Second sujet.}\n", ""), "un seul label (« a »)"),
        (MINIMAL.replace(
            "    labels:\n      - {id: a, name: Alpha, description: Premier sujet.}\n"
            "      - {id: b, name: Bêta, description: Second sujet.}\n", "    labels: []\n"),
         "aucun label"),
    ],
    ids=["duplicate-id", "empty-description", "blank-description", "one-label", "no-label"],
)  # fmt: skip
def test_bad_taxonomy_is_one_french_sentence(tmp_path: Path, text: str, words: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_taxonomy(path)
    message = str(info.value)
    assert message.startswith(f"{path} : champ « facets[sujets].labels")
    assert words in message
    assert "\n" not in message and message.endswith(".")


def test_a_label_without_description_is_allowed_and_dumps_back() -> None:
    text = MINIMAL.replace(", description: Second sujet.", "")
    taxonomy = parse_taxonomy(text)
    assert taxonomy.facet("sujets").label("b").description == ""
    assert parse_taxonomy(dump_taxonomy(taxonomy)) == taxonomy


def test_cli_reports_a_bad_taxonomy_in_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from ess_nlp.cli import app

    path = _write(tmp_path, MINIMAL.replace("id: b,", "id: a,"))
    cahier = tmp_path / "cahier.txt"
    cahier.write_text("Un cahier.\n\nLe texte du cahier.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["classify", str(cahier), "--taxonomy", str(path)])
    assert result.exit_code != 0
    [line] = [x for x in result.output.splitlines() if x.strip()]
    assert str(path) in line and "apparaît deux fois" in line
