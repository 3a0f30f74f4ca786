"""Fixtures of the extraction tests: the extraction pipeline (loaded once) and a helper turning
inline French text into a document and its units."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
from spacy.language import Language

from ess_nlp.extract import Extraction, extract_units, extraction_pipeline
from ess_nlp.records import Document, Unit
from ess_nlp.segment import split_document


@pytest.fixture(scope="session")
def nlp() -> Language:
    return extraction_pipeline()


def make_document(text: str, source: str = "cahier.txt") -> Document:
    return Document(source=source, text=text, format="txt", sha256=hashlib.sha256(text.encode()).hexdigest())


@pytest.fixture(scope="session")
def extract_text(nlp: Language) -> Callable[[str], tuple[Document, list[Unit], Extraction]]:
    """``extract_text(text)`` -> (document, units, extraction)."""

    def run(text: str, source: str = "cahier.txt") -> tuple[Document, list[Unit], Extraction]:
        doc = make_document(text, source)
        units = split_document(doc)
        return doc, units, extract_units(units, nlp=nlp)

    return run


CAHIER = """La Recyclerie du Marais : donner une seconde vie aux objets

Structure porteuse : Recyclerie du Marais (association loi 1901), 12 rue des Halles, 79000 Niort.

Présentation de l'initiative

La Recyclerie du Marais, association loi 1901 créée en 2006 à Niort, collecte 340 tonnes d'objets par an avec le soutien de la Communauté d'agglomération du Niortais et de la CRESS Poitou-Charentes. La Recyclerie emploie 12 salariés en insertion et s'appuie sur une vingtaine de bénévoles. Son budget annuel atteint 480 000 euros. Plus d'informations sur www.recyclerie-du-marais.fr.

Constat :

Un tiers des jeunes du quartier sont sans emploi. Les structures de réemploi manquent de fonds propres.

Nos propositions

Nous proposons :

1. De créer un fonds territorial de garantie pour les SCIC.

2. D'ouvrir la commande publique aux structures de l'ESS :

a) en réservant des lots aux SIAE ;

b) en simplifiant les dossiers de candidature.

3. Que l'État garantisse les prêts d'honneur.

Ou : que les Régions garantissent ces prêts.

Il faudrait que chaque département dispose d'un fonds de garantie dédié.
"""


@pytest.fixture(scope="session")
def cahier() -> str:
    """A small cahier with every kind of material (initiative, findings, proposals)."""
    return CAHIER
