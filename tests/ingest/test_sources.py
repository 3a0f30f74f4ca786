"""Walking source folders and the public API surface."""

from __future__ import annotations

from pathlib import Path

import ess_nlp.ingest as ingest
from ess_nlp.ingest import SUPPORTED_EXTENSIONS, is_supported, iter_source_files, read_document


def test_folders_are_walked_recursively_in_sorted_order_skipping_hidden_files_and_sidecars(
    tmp_path: Path,
) -> None:
    for name in ["b.txt", "a/z.docx", "a/b/c.pdf", "A.md", ".cache/x.txt", ".hidden.txt", "~$verrou.docx",
                 "export.csv", "export.columns.yaml", "notes.rtf"]:  # fmt: skip
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_source_files([tmp_path])]
    assert found == ["A.md", "a/b/c.pdf", "a/z.docx", "b.txt", "export.csv", "notes.rtf"]
    assert [is_supported(p) for p in found] == [True, True, True, True, True, False]


def test_files_given_explicitly_are_yielded_as_given(tmp_path: Path) -> None:
    hidden = tmp_path / ".cahier.txt"
    hidden.write_text("Texte.", encoding="utf-8")
    missing = tmp_path / "absent.txt"
    assert list(iter_source_files([hidden, str(missing)])) == [hidden, missing]


def test_source_defaults_to_the_path_as_given_and_can_be_overridden(tmp_path: Path) -> None:
    path = tmp_path / "cahier.TXT"
    path.write_text("Texte du cahier.", encoding="utf-8")
    assert read_document(path).source == str(path)
    doc = read_document(path, source="corpus/cahier.txt")
    assert doc.source == "corpus/cahier.txt" and doc.format == "txt"
    assert len(doc.sha256) == 64 and doc.sha256 == read_document(path).sha256


def test_public_api() -> None:
    assert set(ingest.__all__) >= {
        "SUPPORTED_EXTENSIONS", "Limits", "ColumnMapping", "read_document", "read_bytes", "iter_source_files",
    }  # fmt: skip
    assert set(SUPPORTED_EXTENSIONS) == {
        ".txt",
        ".md",
        ".docx",
        ".odt",
        ".pdf",
        ".html",
        ".htm",
        ".csv",
        ".xlsx",
    }
    assert ingest.__doc__ is not None and "Text conventions" in ingest.__doc__
