"""Real, messy French input from ../shared/data ingests without error (skipped when absent)."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import pytest
from ingest_factories import assert_text_contract

from ess_nlp.ingest import ColumnMapping, read_bytes, read_document

pytestmark = pytest.mark.shared_data

N_REPORTS = 300


def test_nanterre_contributions_csv_ingests_one_part_per_row(shared_data: Path) -> None:
    path = shared_data / "nanterre-assises-2016" / "toutes-les-contributions-anon.csv"
    doc = read_document(path)
    assert_text_contract(doc)
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["Contenu"].strip()]
    assert len(doc.parts) == len(rows) == 268
    # The default mapping finds the long free-text column and keeps the rest as metadata.
    assert {label for part in doc.parts for label, _, _, _ in part.fields} == {"Contenu"}
    assert doc.parts[1].metadata["Quartier"] == rows[1]["Quartier"]


def test_other_real_exports_ingest(shared_data: Path) -> None:
    for path in [
        shared_data / "nanterre-assises-2016" / "papeteries-utf8.csv",
        shared_data / "presdecheznous-niort" / "initiatives.csv",
        shared_data / "vrai-debat-top" / "vrai_debat_top.csv",
    ]:
        doc = read_document(path)
        assert_text_contract(doc)
        assert len(doc.parts) > 30, path.name


def _reports(shared_data: Path) -> list[dict[str, str]]:
    path = shared_data / "gdn-reunions-locales" / "gdn_reunions_locales.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(itertools.islice(csv.DictReader(handle), N_REPORTS))


def test_grand_debat_reports_written_as_text_files_ingest(shared_data: Path, tmp_path: Path) -> None:
    for report in _reports(shared_data):
        if not (report["title"].strip() or report["constats"].strip() or report["propositions"].strip()):
            continue
        body = "\n\n".join(
            f"{label}\n{report[key]}"
            for label, key in (("Constats", "constats"), ("Propositions", "propositions"))
            if report[key].strip()
        )
        text = f"{report['title']}\n\n{body}\n"
        for encoding in ("utf-8", "cp1252"):
            try:
                data = text.encode(encoding)
            except UnicodeEncodeError:
                continue  # characters cp1252 cannot hold (emoji...): the UTF-8 copy covers the report
            path = tmp_path / f"ril-{report['contribution_id']}-{encoding}.txt"
            path.write_bytes(data)
            doc = read_document(path)
            assert_text_contract(doc)
            assert " ".join(report["title"].split()) in doc.text


def test_grand_debat_reports_written_as_a_cp1252_form_export_ingest(
    shared_data: Path, tmp_path: Path
) -> None:
    reports = _reports(shared_data)
    columns = ["contribution_id", "title", "ville", "departement", "constats", "propositions"]
    path = tmp_path / "ril.csv"
    with path.open("w", encoding="cp1252", errors="replace", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(columns)
        writer.writerows([report[c] for c in columns] for report in reports)
    mapping = ColumnMapping.from_dict(
        {
            "title": "title",
            "territory": ["ville", "departement"],
            "text": [
                {"column": "constats", "kind": "constat"},
                {"column": "propositions", "kind": "proposition"},
            ],
        }
    )
    doc = read_document(path, columns=mapping)
    assert_text_contract(doc)
    assert doc.metadata["encoding"] == "cp1252"
    expected = [
        r for r in reports if r["title"].strip() or r["constats"].strip() or r["propositions"].strip()
    ]
    assert len(doc.parts) == len(expected)
    # The same rows read through the default mapping (no sidecar): same number of parts.
    assert len(read_bytes(path.read_bytes(), "ril.csv").parts) == len(expected)
