"""The core of a demand (action verb and its arguments, from the parse) and the grouping that uses
it: the same demand in other words is one group; what asks nothing by its form joins none."""

from __future__ import annotations

import numpy as np
import pytest

from ess_nlp.extract import duplicates
from ess_nlp.extract.demand_core import demand_cores

# Four cahiers of the sample asking banks to publish their loan figures, each in its own words.
PUBLISH = [
    "Que les banques publient le taux d'acceptation de leurs prêts à la création par tranche d'âge.",
    "Demander aux banques bénéficiant de garanties publiques de publier leur taux d'acceptation des dossiers "
    "de reprise par les salariés.",
    "Nous proposons que chaque banque publie chaque année, par quartier prioritaire, le nombre de prêts "
    "professionnels accordés et refusés, sur le modèle du Community Reinvestment Act américain.",
    "Obliger les banques à motiver par écrit tout refus de prêt professionnel de moins de 25 000 euros et à "
    "publier chaque année, par département, leurs encours de crédit aux TPE et aux structures de l'ESS.",
]
# Other demands on the same subjects (banks, loans, guarantees, publishing).
OTHERS = [
    "Inciter les banques à cofinancer les entreprises soutenues par un club, par une garantie régionale.",
    "Ouvrir les garanties de la banque publique aux associations employeuses.",
    "D'obliger les banques à examiner en priorité les demandes de prêt des entreprises qui ont réuni un apport.",
    "Créer dans chaque région un fonds de garantie mutualisé pour les prêts aux entrepreneurs de l'ESS.",
    "Que les collectivités publient la liste des marchés réservés aux structures d'insertion.",
    "Les banques doivent revenir dans les quartiers.",
]


def cores(*texts: str) -> list[set[str]]:
    return demand_cores(list(texts))[0]


def test_a_frame_verb_passes_its_addressee_to_the_action_it_asks() -> None:
    direct, framed = cores(PUBLISH[0], PUBLISH[1])
    # « Demander aux banques de publier leur taux d'acceptation »: the banks publish; « demander »
    # is the frame, not the demand, and gives no feature of its own.
    assert {"publier>banque", "publier>taux_acceptation"} <= framed
    assert not any(f.startswith("demander>") for f in framed)
    assert {"publier>banque", "publier>taux_acceptation"} <= direct
    [proposed] = cores(PUBLISH[2])  # « Nous proposons que chaque banque publie … »
    assert "publier>banque" in proposed and not any(f.startswith("proposer>") for f in proposed)


def test_an_argument_is_named_with_what_specifies_it_and_a_locution_with_its_verb() -> None:
    guarantee, training, desk = cores("Créer un fonds de garantie pour les SCIC.",
                                      "Créer un fonds national pour la formation.",
                                      "Mettre en place un guichet unique dans chaque région.")
    assert guarantee == {"creer>fonds_garantie"} and training == {"creer>fonds_formation"}
    assert desk == {"mettre_place>guichet_unique"}


def test_what_asks_nothing_by_its_form() -> None:
    _, asking = demand_cores([
        "Comment mieux associer les citoyens ?",
        "Voir https://granddebat.fr/projects/la-transition-ecologique",
        "Revoir les niches fiscales, sont-elles toutes nécessaires ?",
        "Rendre le vote obligatoire.",
    ])
    assert asking == [False, False, True, True]


def test_the_same_demand_in_other_words_is_one_group_by_its_core() -> None:
    items = [(f"p{i}", text, f"cahier{i}") for i, text in enumerate(PUBLISH + OTHERS)]
    texts = [text for _, text, _ in items]
    lexical = duplicates.similarity_matrix(texts, method="lexical").toarray()
    core = duplicates.similarity_matrix(texts, method="core").toarray()
    assert np.all(core >= lexical - 1e-6)  # the core only ever raises the lexical similarity
    # publishing banks' acceptance rates, directly or asked through « demander aux banques de »
    assert lexical[0, 1] < duplicates.STRONG_THRESHOLD <= core[0, 1]
    assert np.array_equal(core[4:, 4:], lexical[4:, 4:])  # no shared core among the others
    publish = {f"p{i}" for i in range(len(PUBLISH))}
    # Words alone put at most two of the four together (what issue 16 found on the sample).
    before = duplicates.group_duplicates(items, method="lexical")
    assert max((len(publish & set(g.members)) for g in before), default=0) < 3
    groups = duplicates.group_duplicates(items, method="core")
    [joined] = [g for g in groups if publish & set(g.members)]
    assert len(publish & set(joined.members)) >= 3 and set(joined.members) <= publish
    assert joined.cahiers >= 3


@pytest.mark.parametrize("text", ["Comment l'État peut-il améliorer son action ?",
                                  "Organisation de l'État : https://granddebat.fr/projects/organisation"])
def test_what_asks_nothing_joins_no_group(text: str) -> None:
    items = [("a", text, "c1"), ("b", text, "c2"), ("c", text, "c3")]
    assert len(duplicates.group_duplicates(items, method="lexical")) == 1  # identical words
    assert duplicates.group_duplicates(items, method="core") == []
