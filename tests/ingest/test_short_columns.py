"""A form export read without a column-mapping file keeps the text columns whose answers are
short (median under 30 characters) and says so in the mapping summary (issue 18, item 6); names,
contacts and repeated labels stay metadata."""

from __future__ import annotations

import csv
import statistics
from pathlib import Path

from typer.testing import CliRunner

from ess_nlp.cli import app
from ess_nlp.ingest import default_mapping, read_document

HEADER = ["Structure porteuse", "Commune", "Atelier", "Nom du contact", "Vos propositions", "Présentation de l'initiative", "Un mot pour finir ?"]
ROWS = [
    ["Le Jardin du Coteau", "Niort", "Atelier 1", "Jeanne Martin", "Créer une monnaie locale",
     "L'association cultive des jardins partagés avec les habitants du quartier depuis 2015.", "Merci pour l'écoute"],
    ["La Recyclerie", "Niort", "Atelier 1", "Paul Durand", "Ouvrir un atelier vélo",
     "Nous réparons et revendons des objets du quotidien pour éviter qu'ils soient jetés.", "Continuons ensemble"],
    ["Épicerie pour tous", "Chauray", "Atelier 2", "Awa Diallo", "Un local partagé en centre-ville",
     "Une épicerie solidaire qui propose des produits locaux à prix réduits aux familles.", "À bientôt"],
    ["Cyclo Solidaire", "Chauray", "Atelier 2", "Marc Petit", "Des prêts sans intérêt",
     "Des bénévoles apprennent à réparer les vélos et organisent des sorties le dimanche.", "Bravo à tous"],
]


def write_csv(folder: Path) -> Path:
    path = folder / "formulaire.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(ROWS)
    return path


def test_short_answers_are_kept_as_text_and_reported(tmp_path: Path) -> None:
    proposals = [r[4] for r in ROWS]
    assert statistics.median(len(p) for p in proposals) < 30  # the case of the issue
    doc = read_document(write_csv(tmp_path))
    for answer in proposals:
        assert answer in doc.text
    assert all(any(f[0] == "Vos propositions" and f[1] == "proposition" for f in part.fields) for part in doc.parts)
    summary = doc.metadata["columns"]
    median = statistics.median(len(p) for p in proposals)
    assert summary.startswith("Colonnes devinées d'après l'en-tête")
    assert f"« Vos propositions » (proposition, réponses courtes : médiane {median:g} caractères)" in summary
    assert "« Un mot pour finir ? » (autre, réponses courtes : médiane 15,5 caractères)" in summary
    assert "territoire : « Commune »" in summary
    assert "« Présentation de l'initiative » (initiative)" in summary
    # a name column and repeated workshop labels stay metadata, named in the summary, not in the text
    assert "gardées en métadonnées : « Atelier », « Nom du contact »" in summary
    assert "Jeanne Martin" not in doc.text and "Atelier 1" not in doc.text
    assert doc.parts[0].metadata["Nom du contact"] == "Jeanne Martin"


def test_a_question_header_with_short_answers_is_text_but_single_words_are_not() -> None:
    header = ["Un mot pour finir ?", "Humeur"]
    rows = [["Merci pour tout", "bien"], ["Continuons ensemble", "moyen"], ["À bientôt", "bien"], ["Bravo à tous", "super"]]
    mapping = default_mapping(header, rows)
    assert [t.column for t in mapping.text] == ["Un mot pour finir ?"]


def test_the_command_line_prints_the_summary(tmp_path: Path) -> None:
    path = write_csv(tmp_path)
    result = CliRunner().invoke(app, ["ingest", str(path), "--db", str(tmp_path / "b.sqlite3"), "--quiet"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"ajouté : {path} (4 cahier(s)")
    assert lines[1].startswith("  Colonnes devinées d'après l'en-tête") and "réponses courtes" in lines[1]


def test_with_a_mapping_file_the_summary_says_so(tmp_path: Path) -> None:
    path = write_csv(tmp_path)
    (tmp_path / "formulaire.columns.yaml").write_text(
        'organisation: "Structure porteuse"\ntext:\n  - {column: "Vos propositions", kind: proposition}\n', encoding="utf-8"
    )
    summary = read_document(path).metadata["columns"]
    assert summary.startswith("Colonnes selon la correspondance fournie")
    assert "« Vos propositions » (proposition, réponses courtes" in summary
    assert "« Présentation de l'initiative »" in summary.split("gardées en métadonnées")[1]
