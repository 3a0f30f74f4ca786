"""The hostile-input suite of issue 17, generated at test time (``hostile_files.py``; the same
generators at full size drive ``benchmarks/hostile_benchmark.py``).

Every case sits beside two good cahiers: each bad file gets one French sentence naming it, the
good files are stored, nothing raises. Sizes are scaled down for speed and the limits with
them (a 900 kB text against ``max_text_chars=300000`` stands for 90 MB against 10 million).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_files import cases, write_good_files

from ess_nlp.ingest import Limits
from ess_nlp.pipeline import SourceReport, ingest_paths
from ess_nlp.store import Store

SCALE = 0.01
LIMITS = Limits(max_text_chars=300_000, max_rows=2_000)
# What the bad file's sentence says, per case (cases absent here may be read and stored).
EXPECTED = {
    "dossier-mixte": "bombe zip",
    "html-imbrique-100000": "éléments HTML imbriqués sur plus de 200 niveaux",
    "txt-200-mo": "le fichier est trop volumineux (200,0 Mo, limite 100,0 Mo)",
    "txt-90-mo": "le texte extrait est trop long",
    "csv-1-million-lignes": "le tableau a plus de 2 000 lignes",
    "docx-bombe-zip": "bombe zip",
    "docx-expansion-entites": "déclare des entités",
    "docx-taille-mensongere": "déclare une taille fausse",
    "docx-imbrique": "éléments XML imbriqués",
    "pdf-bombe-flux": "PDF suspect (bombe de décompression ?)",
    "pdf-chiffre": "protégé par un mot de passe",
    "pdf-image-seule": "aucun texte extractible",
    "utf16-et-cp1252": "UTF-16 sans marque d'ordre des octets",
    "lien-symbolique-en-boucle": "lien symbolique qui tourne en boucle",
}
CASES = {case.name: case for case in cases()}


def check_reports(reports: list[SourceReport], folder: Path) -> list[SourceReport]:
    """Good files stored; every failure one line that starts with the file; returns failures."""
    by_name = {Path(r.path).name: r for r in reports}
    assert by_name["bon-1.txt"].outcome == "added" and by_name["bon-2.txt"].outcome == "added"
    failed = [r for r in reports if r.outcome == "failed"]
    for report in failed:
        assert report.message.startswith(f"{report.path} : "), report.message
        assert report.path.startswith(str(folder))
        assert "\n" not in report.message
        assert "erreur inattendue" not in report.message, report.message
    return failed


@pytest.mark.parametrize("name", list(CASES))
def test_each_hostile_case_gets_its_sentence_and_the_good_files_are_stored(name: str, tmp_path: Path) -> None:
    folder = tmp_path / name
    folder.mkdir()
    write_good_files(folder)
    hostile = CASES[name].make(folder, SCALE)
    with Store(tmp_path / "base.sqlite3") as store:
        reports = ingest_paths([folder], store, limits=LIMITS)
        stored = {Path(row["path"]).name for row in store.sources()}
    failed = check_reports(reports, folder)
    assert {"bon-1.txt", "bon-2.txt"} <= stored
    assert len(reports) == len(hostile) + 2
    if name in EXPECTED:
        assert any(EXPECTED[name] in r.message for r in failed), [r.message for r in failed]
    if name == "dossier-mixte":  # every hostile file of the folder gets its own sentence
        assert sorted(Path(r.path).name for r in failed) == sorted(p.name for p in hostile)


def test_good_texts_in_odd_encodings_and_with_markup_are_stored(tmp_path: Path) -> None:
    folder = tmp_path / "lot"
    folder.mkdir()
    write_good_files(folder)
    CASES["utf16-et-cp1252"].make(folder, SCALE)
    CASES["script-et-formules"].make(folder, SCALE)
    with Store(tmp_path / "base.sqlite3") as store:
        reports = {Path(r.path).name: r for r in ingest_paths([folder], store)}
        text = {Path(row["path"]).name: store.document(row["path"]) for row in store.sources()}
    for name in ("utf16.txt", "cp1252.txt", "script.html", "script.md", "formules.csv", "formules.xlsx"):
        assert reports[name].outcome in {"added", "duplicate"}, reports[name].message
    assert "Béziers" in text["cp1252.txt"].text  # type: ignore[union-attr]
    assert "alert('x')" not in text["script.html"].text  # type: ignore[union-attr]  # scripts are dropped
    assert "=HYPERLINK" in text["formules.csv"].text  # type: ignore[union-attr]  # kept as text, never run


@pytest.mark.slow  # separate processes, each loading spaCy
def test_the_command_line_on_every_case_at_once_prints_no_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "tout"
    folder.mkdir()
    write_good_files(folder)
    for case in cases():
        sub = folder / case.name
        sub.mkdir()
        case.make(sub, SCALE)
    db = tmp_path / "base.sqlite3"
    env_limits = "max_text_chars=300000,max_rows=2000"
    result = subprocess.run(
        [sys.executable, "-c", "from ess_nlp.cli import main; main()", "ingest", "--quiet", "--db", str(db), str(folder)],
        capture_output=True,
        env={**os.environ, "ESS_NLP_LIMITS": env_limits},
        timeout=600,
    )
    stderr = result.stderr.decode("utf-8")
    stdout = result.stdout.decode("utf-8")
    assert result.returncode == 1
    assert "Traceback" not in stderr and "Traceback" not in stdout
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines and all(line.startswith(str(folder)) for line in lines), lines[:5]
    assert f"ajouté : {folder}/bon-1.txt" in stdout
    assert stdout.strip().splitlines()[-1].endswith("en échec.")
    with Store(db) as store:
        stored = {Path(row["path"]).name for row in store.sources()}
    assert {"bon-1.txt", "bon-2.txt", "utf16.txt", "script.html"} <= stored


@pytest.mark.shared_data
def test_real_encrypted_and_truncated_pdfs(shared_data: Path, tmp_path: Path) -> None:
    """The four password-protected fiches of ../shared/data, and a real fiche cut in half."""
    folder = tmp_path / "lot"
    folder.mkdir()
    write_good_files(folder)
    encrypted = sorted((shared_data / "decider-ensemble-fiches" / "pdf-encrypted").glob("*.pdf"))
    assert len(encrypted) == 4
    for path in encrypted:
        (folder / path.name).write_bytes(path.read_bytes())
    real = sorted((shared_data / "decider-ensemble-fiches" / "pdf").glob("*.pdf"))[0].read_bytes()
    (folder / "coupe.pdf").write_bytes(real[: len(real) // 2])
    with Store(tmp_path / "base.sqlite3") as store:
        reports = {Path(r.path).name: r for r in ingest_paths([folder], store)}
    check_reports(list(reports.values()), folder)
    for path in encrypted:
        assert "protégé par un mot de passe" in reports[path.name].message
    assert reports["coupe.pdf"].outcome in {"failed", "added"}  # pdfminer may read a cut file
