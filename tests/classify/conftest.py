"""Small inline taxonomy and training texts shared by the classification tests."""

from __future__ import annotations

import os

import pytest

from ess_nlp.taxonomy import Taxonomy, parse_taxonomy

os.environ.setdefault("HF_HUB_OFFLINE", "1")

MINI_TAXONOMY = """
name: mini
facets:
  - id: sujets
    name: Sujets
    threshold: 0.5
    labels:
      - id: logement
        name: Logement
        description: Se loger, habiter un logement digne, payer son loyer, rénover les maisons.
        keywords: [logement, loyer, habitat, maison]
        examples:
          - "Les familles ne trouvent pas de logement à un loyer abordable."
          - "Nous rénovons les maisons des propriétaires modestes."
      - id: emploi
        name: Emploi
        description: Trouver un travail, l'insertion par l'activité économique, les salariés et le chômage.
        keywords: [emploi, travail, salarié, chômage, insertion]
        examples:
          - "Le chantier d'insertion emploie vingt salariés en parcours."
          - "Le chômage de longue durée touche un habitant sur cinq."
      - id: sante
        name: Santé
        description: Se soigner, l'accès aux soins, les médecins, les mutuelles et la prévention.
        keywords: [santé, soin, médecin, mutuelle, malade]
        examples:
          - "Il faut six mois pour obtenir un rendez-vous chez un médecin."
          - "La mutuelle rembourse les soins dentaires."
"""

LOGEMENT = [
    "Les loyers augmentent et les familles quittent le quartier faute de logement.",
    "Nous construisons des maisons en habitat participatif pour douze familles.",
    "Le logement social manque dans la commune, les loyers sont trop chers.",
    "La rénovation des logements anciens réduit la facture de chauffage.",
    "Une foncière solidaire achète des appartements pour les louer à bas loyer.",
    "Les locataires du quartier demandent des logements mieux isolés.",
]
EMPLOI = [
    "Le chantier d'insertion emploie des salariés éloignés de l'emploi.",
    "Le chômage des jeunes atteint trente pour cent dans la vallée.",
    "Nous accompagnons les demandeurs d'emploi vers un travail durable.",
    "L'entreprise d'insertion a embauché quinze salariés cette année.",
    "Les contrats aidés permettent de retrouver un travail.",
    "La coopérative crée des emplois pour les chômeurs de longue durée.",
]
SANTE = [
    "Les médecins manquent et les malades attendent des mois.",
    "La mutuelle ouvre un centre de santé sans dépassement d'honoraires.",
    "La prévention des maladies passe par l'éducation à la santé.",
    "Les soins dentaires sont trop chers pour les familles modestes.",
    "Le centre de santé accueille les patients sans médecin traitant.",
    "Les aides à domicile soignent les personnes âgées malades.",
]


@pytest.fixture(scope="session")
def mini_taxonomy() -> Taxonomy:
    return parse_taxonomy(MINI_TAXONOMY, source="mini.yaml")


@pytest.fixture(scope="session")
def single_label_data() -> tuple[list[str], list[str]]:
    texts = LOGEMENT + EMPLOI + SANTE
    labels = ["logement"] * len(LOGEMENT) + ["emploi"] * len(EMPLOI) + ["sante"] * len(SANTE)
    return texts, labels


@pytest.fixture(scope="session")
def multi_label_data() -> tuple[list[str], list[tuple[str, ...]]]:
    texts = (
        LOGEMENT
        + EMPLOI
        + SANTE
        + [
            "Les salariés de la régie rénovent les logements du quartier.",
            "Les chômeurs n'ont plus de mutuelle et renoncent aux soins.",
            "Le chantier d'insertion répare les maisons des personnes malades.",
        ]
    )
    labels = (
        [("logement",)] * len(LOGEMENT)
        + [("emploi",)] * len(EMPLOI)
        + [("sante",)] * len(SANTE)
        + [("emploi", "logement"), ("emploi", "sante"), ("emploi", "logement", "sante")]
    )
    return texts, labels
