"""The bundled sample corpus: every file ingests, gold footnotes are kept apart, formats agree."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from ingest_factories import assert_text_contract

from ess_nlp.ingest import iter_source_files, read_document
from ess_nlp.records import Document

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "corpus" / "sample"
CROSS = ROOT / "corpus" / "crossformat"
SAMPLE_FILES = (
    sorted(p.relative_to(SAMPLE).as_posix() for p in iter_source_files([SAMPLE])) if SAMPLE.is_dir() else []
)

pytestmark = pytest.mark.skipif(not SAMPLE_FILES, reason="corpus/sample is not rendered yet")


def _gold(name: str) -> list[dict]:
    path = ROOT / "corpus" / "gold" / name
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


_documents: dict[str, Document] = {}


def document(path: Path) -> Document:
    key = str(path)
    if key not in _documents:
        _documents[key] = read_document(path)
    return _documents[key]


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_every_sample_file_ingests_and_follows_the_text_contract(name: str) -> None:
    doc = document(SAMPLE / name)
    assert_text_contract(doc)
    assert doc.format == Path(name).suffix.lstrip(".")


def test_every_gold_source_is_a_sample_file() -> None:
    assert {g["source"] for g in _gold("sample.jsonl")} <= set(SAMPLE_FILES)


def _gold_by_source() -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for g in _gold("sample.jsonl"):
        grouped[g["source"]].append(g)
    return grouped


@pytest.mark.parametrize("source", sorted(_gold_by_source()) if SAMPLE_FILES else [])
def test_gold_footnotes_titles_and_numbered_items(source: str) -> None:
    doc = document(SAMPLE / source)
    paragraphs = doc.text.split("\n\n")
    found = [(f.marker, f.text) for f in doc.footnotes]
    for cahier in _gold_by_source()[source]:
        for note in cahier["footnotes"]:
            assert (str(note["marker"]), note["text"]) in found, note
            assert note["text"] not in doc.text, "footnote text stays out of the body"
        assert cahier["first_line"] in paragraphs
        for section in cahier["sections"]:
            if section["title"]:
                assert section["title"] in paragraphs
        for proposal in cahier["proposals"]:
            if proposal["number"] is None:
                continue
            pattern = re.compile(
                rf"^\(?{re.escape(proposal['number'])}[.)]? (?:- )?{re.escape(proposal['text'])}$"
            )
            assert any(pattern.match(p) for p in paragraphs), proposal
    for note in doc.footnotes:  # the marker itself is gone from the body ("sans emploi1 selon")
        assert not doc.text.startswith(note.marker, note.anchor)


def test_csv_export_rows_are_parts_titled_like_the_gold() -> None:
    gold = [g for g in _gold("sample.jsonl") if g["format"] == "csv"]
    if not gold:
        pytest.skip("no csv export in the gold")
    doc = document(SAMPLE / gold[0]["source"])
    assert [part.title for part in doc.parts] == [g["title"] for g in sorted(gold, key=lambda g: g["order"])]
    for part, g in zip(doc.parts, sorted(gold, key=lambda g: g["order"]), strict=True):
        assert [label for label, _, _, _ in part.fields] == [s["title"] for s in g["sections"] if s["title"]]


@pytest.mark.parametrize("cahier", sorted({p.stem for p in CROSS.glob("*.*")}) if CROSS.is_dir() else [])
def test_the_same_cahier_reads_the_same_in_every_format(cahier: str) -> None:
    docs = {path.suffix: read_document(path) for path in sorted(CROSS.glob(f"{cahier}.*"))}
    assert {".txt", ".docx", ".odt", ".pdf"} <= set(docs)
    reference = docs[".txt"]
    for suffix, doc in docs.items():
        assert_text_contract(doc)
        assert doc.text.split("\n\n") == reference.text.split("\n\n"), suffix
        assert [(f.marker, f.text, f.anchor) for f in doc.footnotes] == [
            (f.marker, f.text, f.anchor) for f in reference.footnotes
        ], suffix
