"""A cahier's territory (issue 16): metadata first, else the places of its text, the author's own
place (address, header, signature) before places named in passing; current régions only."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from ess_nlp.extract._resources import data_path
from ess_nlp.extract.records import Place
from ess_nlp.extract.territory import (
    ADDRESS,
    HEADER,
    PASSING,
    Mention,
    Territory,
    complete,
    current_region_name,
    decide,
    metadata_label,
    territory_from_label,
)
from ess_nlp.records import NOT_FILLED

CURRENT_REGIONS = {
    row["name"]
    for row in map(json.loads, data_path("data/places.jsonl").read_text(encoding="utf-8").splitlines())
    if row["level"] == "region" and not row.get("former")
}
ROUBAIX = Place("Roubaix", "commune", "59512")
LILLE = Place("Lille", "commune", "59350")
BREST = Place("Brest", "commune", "29019")


def test_metadata_wins_over_the_text() -> None:
    found = decide({"territory": "Brest (Finistère)"}, [Mention(ROUBAIX, ADDRESS, 10), Mention(ROUBAIX, HEADER, 0)])
    assert (found.commune, found.departement, found.region) == ("Brest", "Finistère", "Bretagne")
    assert found.origin == "metadata" and found.commune_code == "29019" and not found.note


def test_form_columns_are_metadata_too() -> None:
    meta = {"Commune": "Saint-Denis", "Département": "Seine-Saint-Denis", "Région": "Île-de-France"}
    assert metadata_label(meta) == "Saint-Denis, Seine-Saint-Denis, Île-de-France"
    found = decide(meta, [])
    # "Saint-Denis" is several communes: the département of the same form settles it.
    assert found.commune_code == "93066" and found.region == "Île-de-France"


def test_a_header_place_beats_places_named_in_passing() -> None:
    mentions = [Mention(LILLE, PASSING, 300), Mention(ROUBAIX, HEADER, 5), Mention(LILLE, PASSING, 500),
                Mention(LILLE, PASSING, 800)]
    found = decide({}, mentions)
    assert found.commune == "Roubaix" and found.origin == "text"
    assert "en-tête" in found.evidence


def test_an_address_beats_the_header() -> None:
    found = decide(None, [Mention(BREST, HEADER, 0), Mention(ROUBAIX, ADDRESS, 900)])
    assert found.commune == "Roubaix" and found.evidence.startswith("adresse")


def test_among_equals_the_place_named_most_often_then_first() -> None:
    assert decide({}, [Mention(LILLE, PASSING, 1), Mention(BREST, PASSING, 2), Mention(BREST, PASSING, 3)]).commune == "Brest"
    assert decide({}, [Mention(LILLE, PASSING, 1), Mention(BREST, PASSING, 2)]).commune == "Lille"


def test_a_region_in_the_header_is_not_replaced_by_a_departement_in_passing() -> None:
    mentions = [Mention(Place("Limousin", "region", "74"), HEADER, 0), Mention(Place("Vienne", "departement", "86"), PASSING, 50)]
    found = decide({}, mentions)
    assert (found.commune, found.departement, found.region) == ("", "", "Nouvelle-Aquitaine")


def test_a_region_is_made_precise_by_a_commune_named_in_it() -> None:
    mentions = [Mention(Place("Bretagne", "region", "53"), HEADER, 0), Mention(BREST, PASSING, 50),
                Mention(LILLE, PASSING, 60)]
    assert decide({}, mentions).commune == "Brest"


@pytest.mark.parametrize(
    ("old", "new"),
    [("Auvergne", "Auvergne-Rhône-Alpes"), ("Rhône-Alpes", "Auvergne-Rhône-Alpes"), ("83", "Auvergne-Rhône-Alpes"),
     ("Nord-Pas-de-Calais", "Hauts-de-France"), ("Centre", "Centre-Val de Loire"), ("Limousin", "Nouvelle-Aquitaine"),
     ("Alsace", "Grand Est"), ("Bretagne", "Bretagne")],
)
def test_a_former_region_becomes_the_current_one(old: str, new: str) -> None:
    assert current_region_name(old) == new
    assert complete(Place(old, "region", None)).region == new


def test_every_level_is_completed_with_a_current_region() -> None:
    assert complete(Place("Clermont-Ferrand", "commune", "63113")) == Territory(
        commune="Clermont-Ferrand", commune_code="63113", departement="Puy-de-Dôme", departement_code="63",
        region="Auvergne-Rhône-Alpes", region_code="84")
    assert territory_from_label("Aurillac, Cantal, Auvergne").region == "Auvergne-Rhône-Alpes"
    assert territory_from_label("Poitou-Charentes").region == "Nouvelle-Aquitaine"
    departements = [json.loads(line) for line in data_path("data/places.jsonl").read_text("utf-8").splitlines()]
    for row in departements:
        if row["level"] == "departement":
            assert complete(Place(row["name"], "departement", row["code"])).region in CURRENT_REGIONS, row


@pytest.mark.parametrize("metadata", [None, {}, {"territory": ""}, {"organisation": "X"}])
def test_unknown_is_non_renseigne_without_error(metadata: dict[str, str] | None) -> None:
    found = decide(metadata, [])
    assert not found.filled and found.label == NOT_FILLED and found.origin == "" and not found.note


def test_a_metadata_territory_that_is_no_french_place_keeps_the_text_and_says_so() -> None:
    found = decide({"territory": "Genève, Suisse"}, [Mention(ROUBAIX, ADDRESS, 0)], name="formulaire.csv, cahier « X »")
    assert found.commune == "Roubaix" and found.origin == "text"
    assert found.note.startswith("formulaire.csv, cahier « X » : ")
    assert "« Genève, Suisse »" in found.note and "n'est pas un lieu français" in found.note
    assert found.note.endswith("(Roubaix, Nord, Hauts-de-France) est gardé.") and found.note.count(" ; ") == 1
    alone = decide({"territory": "Atlantide"}, [])
    assert alone.label == NOT_FILLED and "reste non renseigné" in alone.note


def test_the_text_of_a_cahier_gives_its_territory(extract_text: Callable[..., tuple]) -> None:
    text = (
        "Un jardin partagé pour tout le quartier\n\n"
        "Structure porteuse : Association Les Jardins du Pont, 3 rue Verte, 29200 Brest.\n\n"
        "Présentation de l'initiative\n\n"
        "Nous avons rencontré des jardiniers à Lille, à Lille encore, puis à Lille et à Roubaix.\n\n"
        "Nos propositions\n\n"
        "1. Que chaque ville ouvre un jardin partagé.\n"
    )
    _, units, extraction = extract_text(text)
    [(cahier, found)] = extraction.territories
    assert cahier == units[0].id
    assert (found.commune, found.commune_code, found.region) == ("Brest", "29019", "Bretagne")
    assert found.origin == "text" and found.evidence.startswith("adresse")


def test_a_neighbourhood_is_not_a_commune(extract_text: Callable[..., tuple]) -> None:
    text = (
        "Une régie de quartier à Saint-Jacques\n\n"
        "La Régie du quartier Saint-Jacques a été fondée avec la Ville de Clermont-Ferrand.\n\n"
        "Nos propositions\n\n"
        "1. Que les régies de quartier soient reconnues.\n"
    )
    _, _, extraction = extract_text(text)
    assert extraction.territories[0][1].commune == "Clermont-Ferrand"
