"""Small synthetic French corpora for the topic tests (deterministic, written for the tests)."""

from __future__ import annotations

import random
import re

from ess_nlp.topics import FRENCH_STOP_WORDS, LABEL_SEPARATOR

# Four subjects, each with its own words; sentences mix them with shared filler.
SUBJECTS: dict[str, list[str]] = {
    "mobilite": [
        "covoiturage",
        "vélo",
        "pistes cyclables",
        "transports en commun",
        "autobus",
        "navettes rurales",
        "mobilité partagée",
        "gare",
        "trajets domicile-travail",
        "autopartage",
    ],
    "alimentation": [
        "circuits courts",
        "maraîchers",
        "produits locaux",
        "cantines scolaires",
        "agriculture biologique",
        "épicerie solidaire",
        "paniers paysans",
        "jardins partagés",
        "AMAP",
        "producteurs",
    ],
    "logement": [
        "habitat participatif",
        "logements sociaux",
        "loyers",
        "rénovation thermique",
        "colocation solidaire",
        "foncier",
        "bailleurs",
        "hébergement d'urgence",
        "copropriétés",
        "habitat inclusif",
    ],
    "finance": [
        "épargne solidaire",
        "monnaie locale",
        "microcrédit",
        "banques éthiques",
        "finance participative",
        "fonds de garantie",
        "investissement citoyen",
        "prêts d'honneur",
        "NEF",
        "capital-risque solidaire",
    ],
}
FILLERS = [
    "Nous proposons de développer {a} et {b} sur le territoire.",
    "Il faut soutenir {a} avec {b} dans les quartiers.",
    "Les associations demandent plus de moyens pour {a}, en lien avec {b}.",
    "Favoriser {a} et renforcer {b} pour les habitants.",
    "Créer un réseau autour de {a} ; mutualiser {b}.",
]


def make_corpus(
    per_subject: int = 15, seed: int = 0, subjects: tuple[str, ...] = tuple(SUBJECTS)
) -> tuple[list[str], list[str], list[str]]:
    """``(ids, texts, subjects)``: ``per_subject`` texts of two or three sentences per subject."""
    rng = random.Random(seed)
    ids, texts, labels = [], [], []
    for subject in subjects:
        words = SUBJECTS[subject]
        for i in range(per_subject):
            sentences = []
            for _ in range(rng.randint(2, 3)):
                a, b = rng.sample(words, 2)
                sentences.append(rng.choice(FILLERS).format(a=a, b=b))
            ids.append(f"{subject}-{seed}-{i}")
            texts.append(" ".join(sentences))
            labels.append(subject)
    return ids, texts, labels


LABEL_WORD = re.compile(r"^[^\W\d_]+(?:-[^\W\d_]+)*$")


def assert_clean_label(label: str) -> None:
    """A label is keywords joined by LABEL_SEPARATOR; each word is letters only and no stop word."""
    assert label, "empty label"
    for keyword in label.split(LABEL_SEPARATOR):
        words = keyword.split(" ")
        assert 1 <= len(words) <= 2, keyword
        for word in words:
            assert LABEL_WORD.match(word), f"punctuation or digits in {word!r} ({label!r})"
            assert word.lower() not in FRENCH_STOP_WORDS, f"stop word {word!r} in {label!r}"
