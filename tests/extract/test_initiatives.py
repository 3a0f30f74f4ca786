"""Initiative cards: the ``ess_initiatives`` component, figures, places, organisations."""

from __future__ import annotations

import pytest
from spacy.language import Language

from ess_nlp.extract import find_figures, find_urls
from ess_nlp.extract._cards import merge_organisations, title_candidates
from ess_nlp.extract.figures import repair_urls, url_host
from ess_nlp.extract.places import departements_in, place_index


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("12 salariés en insertion", 12, "emplois"),
        ("340 tonnes", 340, "tonnes"),
        ("1 200 adhérents", 1200, "adherents"),
        ("1\u00a0200 adhérents", 1200, "adherents"),
        ("1,5 million d'euros", 1_500_000, "euros"),
        ("250 000 €", 250_000, "euros"),
        ("3 M€", 3_000_000, "euros"),
        ("200 k€", 200_000, "euros"),
        ("35 %", 35, "pourcent"),
        ("3 ha", 3, "hectares"),
        ("450 m²", 450, "m2"),
        ("depuis 15 ans", 15, "annees"),
        ("une vingtaine de bénévoles", 20, "benevoles"),
        ("vingt-deux associations", 22, "structures"),
        ("30 km", 30, "km"),
        ("200 repas", 200, "repas"),
        ("12 000 heures", 12_000, "heures"),
        ("40 logements", 40, "logements"),
        ("412 familles", 412, "personnes"),
        ("640 utilisateurs adhérents", 640, "adherents"),
    ],
)
def test_figures_with_units(text: str, value: float, unit: str) -> None:
    figures = find_figures(f"En 2010, nous comptions {text} sur le territoire.")
    assert [(f.value, f.unit) for f in figures] == [(value, unit)]
    assert text.split()[-1] in figures[0].text


def test_years_and_bare_numbers_are_not_figures() -> None:
    assert find_figures("Créée en 2006, elle a déménagé en 2010 au numéro 14.") == []


def test_figure_offsets_index_the_text() -> None:
    text = "Elle emploie 12 salariés et 3 bénévoles."
    for f in find_figures(text, offset=100):
        assert text[f.start - 100 : f.end - 100] == f.text


def test_urls() -> None:
    text = "Voir www.recyclerie-du-marais.fr, https://exemple.org/page. Écrire à contact@exemple.fr."
    assert find_urls(text) == ["www.recyclerie-du-marais.fr", "https://exemple.org/page"]


def test_the_tail_of_an_email_address_is_no_web_address() -> None:
    assert find_urls("Écrire à prenom.nom@mairie-lille.fr ou voir www.lille.fr.") == ["www.lille.fr"]
    assert find_urls("Contact : accueil@archipel-habitat.fr") == []


def test_an_address_cut_after_a_dot_is_joined() -> None:
    assert find_urls("Ouverture des votes : https://www.youtube. com/watch?v=T8u") == ["https://www.youtube.com/watch?v=T8u"]
    assert find_urls("Plateforme : www.participation.\nville-exemple.fr/projets") == [
        "www.participation.ville-exemple.fr/projets"]
    # a complete address then a new sentence stays two things
    assert find_urls("Voir www.exemple.fr. la suite") == ["www.exemple.fr"]


def test_addresses_mended_against_the_documents_others() -> None:
    known = ["https://jeparticipe.meu-", "don.fr", "www.jeparticipe.meudon.fr", "jeparticipe.meudon.fr",
             "https://bud-getparticipatif.merignac.com/", "budgetparticipatif.merignac.com",
             "www.budgetparticipatif.merignac.com", "https://www.youtube", "archipel-habitat.fr",
             "www.rete-cuuperativa.corsica"]
    assert repair_urls(known, known) == [
        "jeparticipe.meudon.fr", "www.jeparticipe.meudon.fr", "https://budgetparticipatif.merignac.com/",
        "budgetparticipatif.merignac.com", "www.budgetparticipatif.merignac.com", "archipel-habitat.fr",
        "www.rete-cuuperativa.corsica"]
    assert url_host("HTTPS://www.Exemple.fr:8080/a?b") == "exemple.fr"


FICHE = """Budget participatif de Bellecombe

Ville de Bellecombe
Hôtel de ville, 2 place de la Mairie, 72700 Allonnes
{head}

Présentation du projet

La ville a ouvert en 2019 une plateforme où les habitants proposent des projets et votent. 214 projets ont été
déposés et 11 réalisés. Vidéo : https://www.youtube.com/watch?v=x1

Liens

Site de la commune, allonnes.fr

Plateforme de participation de la commune, jeparticipe-allonnes.fr
"""


@pytest.mark.parametrize("head", [
    "www.allonnes.fr www.jeparticipe-allonnes.fr",  # the institution's site, introduced as such, first
    "https://www.youtube.com/watch?v=x1 www.jeparticipe-allonnes.fr",  # a video first
])
def test_the_cards_address_is_the_initiatives_site(extract_text, head: str) -> None:
    _, _, extraction = extract_text(FICHE.format(head=head))
    [card] = extraction.initiatives
    assert card.urls[0] == "www.jeparticipe-allonnes.fr"
    assert "https://www.youtube.com/watch?v=x1" in card.urls


def test_the_institutions_site_alone_stays_the_cards_address(extract_text) -> None:
    _, _, extraction = extract_text(FICHE.format(head="www.allonnes.fr"))
    assert extraction.initiatives[0].urls[0] == "www.allonnes.fr"


def test_places_have_official_codes() -> None:
    index = place_index()
    assert len(index.departements) == 101
    assert index.area("Deux-Sèvres").code == "79"
    assert index.area("Corse-du-Sud").code == "2A"
    assert index.area("Nouvelle-Aquitaine").code == "75"
    assert index.area("Poitou-Charentes").code == "54"  # a région before 2016
    assert index.resolve_commune("Niort").code == "79191"
    assert index.resolve_commune("Marseille").code == "13055"


def test_homonymous_communes_are_settled_by_context_or_left_unknown() -> None:
    index = place_index()
    assert index.resolve_commune("Saint-Nazaire", {"44"}).code == "44184"
    assert index.resolve_commune("Saint-Nazaire").code is None
    assert departements_in("12 rue des Halles, 79000 Niort (Deux-Sèvres)") == {"79"}


def test_component_marks_organisations_legal_forms_places_figures_urls(nlp: Language) -> None:
    doc = nlp(
        "L'association Les Jardins de Cocagne, créée en 2004 à Niort, emploie 25 salariés "
        "avec le soutien de France Active et du Conseil général des Deux-Sèvres. www.cocagne-niort.fr"
    )
    assert "Les Jardins de Cocagne" in [s.text for s in doc.spans["organisations"]]
    assert "France Active" in [s.text for s in doc.spans["organisations"]]
    assert next(s.label_ for s in doc.spans["legal_forms"]) == "association"
    assert ("Niort", "commune", "79191") in [(s.text, s.label_, s.kb_id_) for s in doc.spans["places"]]
    assert ("Deux-Sèvres", "departement", "79") in [(s.text, s.label_, s.kb_id_) for s in doc.spans["places"]]
    assert [(s.text, s.label_) for s in doc.spans["figures"]] == [("25 salariés", "emplois")]
    assert [s.text for s in doc.spans["urls"]] == ["www.cocagne-niort.fr"]
    assert [s.text for s in doc.spans["since"]] == ["créée en 2004"]


def test_street_names_and_common_words_are_not_communes(nlp: Language) -> None:
    doc = nlp("Le siège est au 41 rue de Verdun. Ville, Département et CAF financent les quartiers Nord.")
    assert [s.text for s in doc.spans["places"]] == []


def test_mentions_of_one_organisation_are_merged() -> None:
    groups = merge_organisations(
        ["Recyclerie du Marais", "la Recyclerie", "RDM", "France Active", "Recyclerie du Marais"]
    )
    assert groups == [["Recyclerie du Marais", "la Recyclerie", "RDM", "Recyclerie du Marais"], ["France Active"]]


def test_names_in_titles() -> None:
    assert title_candidates("La Ressourcerie du Val de Sèvre : réemployer plutôt que jeter")[0] == (
        "La Ressourcerie du Val de Sèvre"
    )
    assert title_candidates("Sortir de l'isolement : le GEM L'Escale Brestoise") == ["GEM L'Escale Brestoise"]
    assert title_candidates("Faire de la commande publique un levier : l'ensemblier Estuaire Solidaire au Havre") == [
        "Estuaire Solidaire"
    ]


def test_card_of_a_cahier(extract_text, cahier: str) -> None:
    doc, _, extraction = extract_text(cahier)
    [card] = extraction.initiatives
    assert card.name == "Recyclerie du Marais"  # the declared "Structure porteuse"
    assert card.legal_forms[0] == "association loi 1901"
    assert card.places[0].to_json() == {"name": "Niort", "level": "commune", "code": "79191"}
    assert [(f.value, f.unit) for f in card.figures] == [
        (340, "tonnes"), (12, "emplois"), (20, "benevoles"), (480_000, "euros")
    ]
    assert card.urls == ("www.recyclerie-du-marais.fr",)
    assert card.since == "2006"
    assert "CRESS Poitou-Charentes" in card.partners or "CRESS" in card.partners
    assert card.what and "collecte" in card.what
    assert doc.text[card.start : card.end] == card.text
    assert card.text.startswith("La Recyclerie du Marais, association loi 1901")


def test_no_card_for_a_cahier_without_initiative(extract_text) -> None:
    _, _, extraction = extract_text("Nos propositions\n\n1. Créer un fonds.\n\n2. Ouvrir la commande publique.\n")
    assert extraction.initiatives == ()
