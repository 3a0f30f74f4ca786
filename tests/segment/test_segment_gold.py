"""Splitting the sample corpus against its gold: cahier boundaries, titles, sections (issue 2)."""

from __future__ import annotations

import functools
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from ess_nlp.ingest import read_document
from ess_nlp.records import Document, Unit
from ess_nlp.segment import split_document

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "corpus" / "sample"
CROSSFORMAT = ROOT / "corpus" / "crossformat"


def norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


@functools.cache
def read_and_split(path: Path) -> tuple[Document, list[Unit]]:
    doc = read_document(path)
    return doc, split_document(doc)


def locate(text: str, needle: str, start: int) -> int:
    """Offset of ``needle`` in ``text`` at or after ``start``, whitespace-insensitive."""
    pattern = r"\s+".join(re.escape(part) for part in needle.split())
    match = re.compile(pattern).search(text, start)
    assert match, f"gold line not found in the extracted text: {needle!r}"
    return match.start()


def f1(gold: set, predicted: set) -> tuple[float, float, float]:
    tp = len(gold & predicted)
    precision = tp / len(predicted) if predicted else 1.0
    recall = tp / len(gold) if gold else 1.0
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def by_source(gold: list[dict]) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for cahier in gold:
        grouped[cahier["source"]].append(cahier)
    return {source: sorted(items, key=lambda c: c["order"]) for source, items in grouped.items()}


@pytest.mark.slow
def test_cahier_boundaries_titles_and_sections_match_the_gold(sample_gold):
    gold_bounds: set = set()
    pred_bounds: set = set()
    gold_titles: set = set()
    pred_titles: set = set()
    gold_sections: dict[tuple, str] = {}
    pred_sections: dict[tuple, str] = {}
    for source, cahiers in by_source(sample_gold).items():
        doc, units = read_and_split(SAMPLE / source)
        position = 0
        for cahier in cahiers:
            position = locate(doc.text, cahier["first_line"], position)
            gold_bounds.add((source, position))
            gold_titles.add((source, position, norm(cahier["title"])))
            for section in cahier["sections"]:
                gold_sections[(source, position, norm(section["title"]))] = section["kind"]
            position += 1
        cahier_starts = {u.id: u.start for u in units if u.level == "cahier"}
        for unit in units:
            if unit.level == "cahier":
                pred_bounds.add((source, unit.start))
                pred_titles.add((source, unit.start, norm(unit.title)))
            elif unit.level == "section":
                pred_sections[(source, cahier_starts[unit.cahier], norm(unit.title))] = unit.kind or ""
    boundary = f1(gold_bounds, pred_bounds)
    title = f1(gold_titles, pred_titles)
    section = f1(set(gold_sections), set(pred_sections))
    matched = set(gold_sections) & set(pred_sections)
    kinds_right = sum(gold_sections[k] == pred_sections[k] for k in matched)
    print(
        f"\nsample corpus ({len(sample_gold)} cahiers): cahier boundary P/R/F1 "
        f"{boundary[0]:.3f}/{boundary[1]:.3f}/{boundary[2]:.3f}; title F1 {title[2]:.3f}; "
        f"section title P/R/F1 {section[0]:.3f}/{section[1]:.3f}/{section[2]:.3f}; "
        f"section kinds right {kinds_right}/{len(matched)}"
    )
    assert boundary[2] == 1.0, (sorted(gold_bounds - pred_bounds), sorted(pred_bounds - gold_bounds))
    assert title[2] == 1.0, sorted(gold_titles ^ pred_titles)[:10]
    assert section[2] >= 0.98, (
        sorted(set(gold_sections) - set(pred_sections))[:10],
        sorted(set(pred_sections) - set(gold_sections))[:10],
    )
    assert kinds_right >= 0.95 * len(matched), [
        (k, gold_sections[k], pred_sections[k]) for k in matched if gold_sections[k] != pred_sections[k]
    ]


def _sections_and_items(path: Path) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    _doc, units = read_and_split(path)
    sections = [(norm(u.title), u.kind or "") for u in units if u.level == "section" and u.title]
    items = [
        (u.number.rstrip(".)- –—"), norm(u.text[len(u.number) :]))
        for u in units
        if u.level == "paragraph" and u.number and u.number[:1].isalnum()
    ]
    return sections, items


@pytest.mark.slow
@pytest.mark.parametrize("cahier", ["x01", "x02", "x03"])
def test_same_document_in_four_formats_gives_same_sections_and_numbered_items(cahier):
    results = {
        ext: _sections_and_items(CROSSFORMAT / f"{cahier}.{ext}") for ext in ("txt", "docx", "odt", "pdf")
    }
    reference_sections, reference_items = results["txt"]
    assert reference_sections and reference_items
    for ext, (sections, items) in results.items():
        assert sections == reference_sections, ext
        assert items == reference_items, ext


def test_crossformat_gold_lists_the_numbered_items():
    gold = [
        json.loads(line) for line in (ROOT / "corpus/gold/crossformat.jsonl").read_text("utf-8").splitlines()
    ]
    for cahier in gold:
        _sections, items = _sections_and_items(CROSSFORMAT / f"{cahier['id']}.txt")
        numbered = [p for p in cahier["proposals"] if p["number"]]
        assert [norm(p["text"]) for p in numbered if p["parent"] is None] == [
            text for number, text in items if number.isdigit()
        ][: len([p for p in numbered if p["parent"] is None])]
