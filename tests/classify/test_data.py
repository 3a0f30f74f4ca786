"""Training data: CSV/JSONL reading and every bad input named in one French sentence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ess_nlp.classify import load_training_data
from ess_nlp.errors import ConfigError
from ess_nlp.taxonomy import Taxonomy

GOOD_ROWS = [(f"Texte numéro {i} sur le logement et les loyers.", "logement") for i in range(5)] + [
    (f"Texte numéro {i} sur l'emploi et le chômage.", "emploi") for i in range(5)
]


def write_csv(path: Path, rows: list[tuple[str, str]], header: str = "texte;sujet") -> Path:
    path.write_text(header + "\n" + "\n".join(f'"{t}";{lab}' for t, lab in rows) + "\n", encoding="utf-8")
    return path


def load(path: Path, taxonomy: Taxonomy, **kw: object) -> object:
    return load_training_data(path, text_col="texte", label_cols=["sujet"], taxonomy=taxonomy, **kw)  # type: ignore[arg-type]


def test_csv_single_label(tmp_path: Path, mini_taxonomy: Taxonomy) -> None:
    data = load(write_csv(tmp_path / "d.csv", GOOD_ROWS), mini_taxonomy)
    assert len(data) == 10  # type: ignore[arg-type]
    labels = data.facets["sujets"]  # type: ignore[attr-defined]
    assert not labels.multi_label
    assert labels.counts() == {"logement": 5, "emploi": 5}
    assert data.lines[:2] == [2, 3]  # type: ignore[attr-defined]


def test_jsonl_multi_label_with_names_and_lists(tmp_path: Path, mini_taxonomy: Taxonomy) -> None:
    rows = [{"texte": t, "sujet": lab} for t, lab in GOOD_ROWS]
    rows += [{"texte": "Les salariés rénovent les maisons.", "sujet": ["Emploi", "logement"]}]
    rows += [{"texte": "Les malades et les médecins.", "sujet": "Santé;emploi"}] * 5
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    data = load(path, mini_taxonomy)
    labels = data.facets["sujets"]  # type: ignore[attr-defined]
    assert labels.multi_label
    assert labels.labels[10] == ("emploi", "logement")
    assert labels.labels[11] == ("sante", "emploi")


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [*GOOD_ROWS[:4], ("", "logement"), *GOOD_ROWS[4:]],
            r"d\.csv, ligne 6 : texte vide dans la colonne « texte »",
        ),
        (
            [*GOOD_ROWS, ("Un texte.", "culture")],
            r"d\.csv, ligne 12 : label « culture » inconnu de la facette « sujets »",
        ),
        ([*GOOD_ROWS, ("Un texte.", "")], r"d\.csv, ligne 12 : aucun label dans la colonne « sujet »"),
        (GOOD_ROWS[:5], r"d\.csv : un seul label \(« logement »\) dans la colonne « sujet »"),
        (
            GOOD_ROWS[:3] + GOOD_ROWS[5:],
            r"d\.csv : le label « logement » n'a que 3 exemple\(s\) .* au moins 5",
        ),
    ],
    ids=["empty-text", "unknown-label", "empty-label", "single-class", "too-few-examples"],
)
def test_bad_rows(
    tmp_path: Path, mini_taxonomy: Taxonomy, rows: list[tuple[str, str]], expected: str
) -> None:
    with pytest.raises(ConfigError, match=expected):
        load(write_csv(tmp_path / "d.csv", rows), mini_taxonomy)


def test_missing_file_column_and_format(tmp_path: Path, mini_taxonomy: Taxonomy) -> None:
    with pytest.raises(ConfigError, match="introuvable"):
        load(tmp_path / "absent.csv", mini_taxonomy)
    with pytest.raises(
        ConfigError,
        match=r"colonne « sujet » absente \(colonnes présentes : texte;label\)|colonne « sujet » absente",
    ):
        load(write_csv(tmp_path / "d.csv", GOOD_ROWS, header="texte;label"), mini_taxonomy)
    (tmp_path / "d.xml").write_text("<a/>", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"format « \.xml » non pris en charge"):
        load(tmp_path / "d.xml", mini_taxonomy)
    (tmp_path / "bad.jsonl").write_text('{"texte": "a"}\n{oups\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.jsonl, ligne 2 : JSON invalide"):
        load(tmp_path / "bad.jsonl", mini_taxonomy)


def test_multiple_labels_in_single_label_mode(tmp_path: Path, mini_taxonomy: Taxonomy) -> None:
    rows = [*GOOD_ROWS, ("Les deux.", "emploi|logement")]
    with pytest.raises(ConfigError, match=r"ligne 12 : plusieurs labels .*un seul est attendu"):
        load(write_csv(tmp_path / "d.csv", rows), mini_taxonomy, multi_label=False, label_sep="|")
