"""The gold files: schema, internal consistency and the corpus composition issue 2 asks for."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from corpus_extract import CROSS_DIR, SAMPLE_DIR

DOMAINS = {
    "consommer",
    "cooperer",
    "creer",
    "democratiser",
    "financer",
    "se_former",
    "se_loger",
    "soigner",
    "travailler",
}
THEMES = {f"T{i}" for i in range(1, 13)}
KINDS = {"constat", "proposition", "initiative", "contexte", "autre"}
UNITS = {
    "emplois",
    "personnes",
    "euros",
    "hectares",
    "m2",
    "annees",
    "tonnes",
    "adherents",
    "benevoles",
    "structures",
    "logements",
    "pourcent",
    "km",
    "repas",
    "heures",
}
KEYS = [
    "id",
    "source",
    "format",
    "order",
    "first_line",
    "title",
    "domains",
    "themes",
    "organisations",
    "territory",
    "sections",
    "proposals",
    "constats",
    "footnotes",
    "initiatives",
    "words",
]
COMPILED_PDF = "pdf/recueil-cahiers-2011.pdf"


def check_record(g: dict[str, Any]) -> None:
    where = g.get("id")
    assert list(g) == KEYS, f"{where}: keys {list(g)}"
    assert isinstance(g["first_line"], str) and g["first_line"].strip(), where
    assert isinstance(g["title"], str) and g["title"].strip(), where
    assert g["title"] in g["first_line"] or g["first_line"].startswith("Cahier d'espérance"), where
    assert 1 <= len(g["domains"]) <= 2 and set(g["domains"]) <= DOMAINS, where
    assert 1 <= len(g["themes"]) <= 3 and set(g["themes"]) <= THEMES, where
    assert g["organisations"] and all(set(o) == {"name", "legal_form"} for o in g["organisations"]), where
    assert set(g["territory"]) == {"commune", "departement", "region"}, where
    assert g["sections"], where
    for i, s in enumerate(g["sections"]):
        assert set(s) == {"title", "kind"} and s["kind"] in KINDS, where
        assert s["title"] is not None or i == 0, f"{where}: untitled section {i} is not the first"
    n = len(g["sections"])
    for i, p in enumerate(g["proposals"]):
        assert set(p) == {"text", "number", "parent", "alternative", "section"}, where
        assert p["text"].strip() and 0 <= p["section"] < n, where
        if p["parent"] is not None:
            parent = g["proposals"][p["parent"]]
            assert p["parent"] < i and parent["parent"] is None, f"{where}: proposal {i} has a bad parent"
            assert parent["section"] == p["section"], where
        assert not p["alternative"] or (p["parent"] is not None and p["number"] is None), where
        assert p["number"] is None or p["number"].isalnum(), where
    for c in g["constats"]:
        assert set(c) == {"text", "section"} and 0 <= c["section"] < n, where
    for f in g["footnotes"]:
        assert set(f) == {"marker", "text"}, where
    assert g["initiatives"] or g["id"].startswith("f"), where
    for ini in g["initiatives"]:
        assert {"name", "organisation", "legal_form", "since", "place", "partners", "figures", "urls"} == set(
            ini
        )
        place = ini["place"]
        assert place["level"] in {"commune", "departement", "region"}, where
        if place["level"] == "commune":
            assert len(place["code"]) == 5, f"{where}: INSEE code {place['code']}"
        for fig in ini["figures"]:
            assert fig["unit"] in UNITS and isinstance(fig["value"], (int, float)), where
    assert isinstance(g["words"], int) and g["words"] > 0, where


def test_sample_gold_records_follow_the_schema(sample_gold: list[dict[str, Any]]) -> None:
    for g in sample_gold:
        check_record(g)


def test_sample_gold_is_sorted_unique_and_points_to_real_files(sample_gold: list[dict[str, Any]]) -> None:
    ids = [g["id"] for g in sample_gold]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    for g in sample_gold:
        assert (SAMPLE_DIR / g["source"]).is_file(), g["source"]
        assert g["source"].split("/")[0] == g["format"] == g["source"].rsplit(".", 1)[1]
    for source in {g["source"] for g in sample_gold}:
        orders = sorted(g["order"] for g in sample_gold if g["source"] == source)
        assert orders == list(range(len(orders))), source


def test_every_cahier_has_an_initiative_constats_and_proposals(sample_gold: list[dict[str, Any]]) -> None:
    for g in sample_gold:
        kinds = {s["kind"] for s in g["sections"]}
        if g["id"].startswith("c"):
            assert g["proposals"] and g["constats"] and g["initiatives"], g["id"]
            assert {"initiative", "constat", "proposition"} <= kinds, g["id"]
            assert 300 <= g["words"] <= 1500, g["id"]


def test_corpus_composition_meets_issue_2(sample_gold: list[dict[str, Any]]) -> None:
    docs = [g for g in sample_gold if g["format"] != "csv"]
    assert len(docs) >= 45
    per_domain = Counter(d for g in docs for d in g["domains"])
    assert all(per_domain[d] >= 5 for d in DOMAINS), per_domain
    per_theme = Counter(t for g in sample_gold for t in g["themes"])
    assert all(per_theme[t] >= 3 for t in THEMES), per_theme
    files = Counter(g["format"] for g in {g["source"]: g for g in sample_gold}.values())
    cahiers = Counter(g["format"] for g in sample_gold)
    assert cahiers["docx"] >= 12 and cahiers["odt"] >= 5 and cahiers["html"] >= 3, cahiers
    assert files["pdf"] >= 8, files
    assert sum(g["source"] == COMPILED_PDF for g in sample_gold) >= 10
    assert cahiers["csv"] >= 20
    assert cahiers["txt"] + cahiers["md"] >= 1


def test_compiled_pdf_cahiers_carry_consecutive_banners(sample_gold: list[dict[str, Any]]) -> None:
    bundled = sorted((g for g in sample_gold if g["source"] == COMPILED_PDF), key=lambda g: g["order"])
    assert [g["first_line"] for g in bundled] == [
        f"Cahier d'espérance n° {i}" for i in range(1, len(bundled) + 1)
    ]


def test_crossformat_gold_has_four_files_per_cahier(cross_gold: list[dict[str, Any]]) -> None:
    per_id = Counter(g["id"] for g in cross_gold)
    assert len(per_id) >= 3 and all(v == 4 for v in per_id.values()), per_id
    for g in cross_gold:
        check_record(g)
        assert (CROSS_DIR / g["source"]).is_file(), g["source"]
        assert g["source"] == f"{g['id']}.{g['format']}"
    for cid in per_id:
        records = [dict(g, source=None, format=None) for g in cross_gold if g["id"] == cid]
        assert all(r == records[0] for r in records), f"{cid}: gold differs between formats"
        assert any(p["number"] for p in records[0]["proposals"]), f"{cid}: no numbered items to compare"


@pytest.mark.parametrize("field", ["proposals", "constats"])
def test_gold_strings_are_not_marked_twice(sample_gold: list[dict[str, Any]], field: str) -> None:
    for g in sample_gold:
        texts = [x["text"] for x in g[field]]
        dupes = [t for t, k in Counter(texts).items() if k > 1]
        assert not dupes, f"{g['id']}: {dupes}"
    for g in sample_gold:
        both = {p["text"] for p in g["proposals"]} & {c["text"] for c in g["constats"]}
        assert not both, f"{g['id']}: both proposal and constat: {both}"
