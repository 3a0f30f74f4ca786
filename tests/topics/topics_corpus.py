"""Small synthetic French corpora for the topic tests (deterministic, written for the tests)."""

from __future__ import annotations

import hashlib
import random
import re

from ess_nlp.records import Document, Unit
from ess_nlp.store import Store
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
    "sante": [
        "maisons de santé",
        "médecins généralistes",
        "déserts médicaux",
        "infirmiers",
        "prévention santé",
        "téléconsultation",
        "centres de soins",
        "aidants familiaux",
        "mutuelles",
        "pharmacies rurales",
    ],
}
#: The subjects the default corpus uses ("sante" is kept for a topic that appears later).
BASE_SUBJECTS = ("mobilite", "alimentation", "logement", "finance")
FILLERS = [
    "Nous proposons de développer {a} et {b} sur le territoire.",
    "Il faut soutenir {a} avec {b} dans les quartiers.",
    "Les associations demandent plus de moyens pour {a}, en lien avec {b}.",
    "Favoriser {a} et renforcer {b} pour les habitants.",
    "Créer un réseau autour de {a} ; mutualiser {b}.",
]


def make_corpus(
    per_subject: int = 15, seed: int = 0, subjects: tuple[str, ...] = BASE_SUBJECTS
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


def add_sections(
    store: Store,
    ids: list[str],
    texts: list[str],
    *,
    metadata: dict[str, dict[str, str]] | None = None,
    kind: str = "proposition",
) -> list[str]:
    """Store each text as a one-section cahier (source ``<id>.txt``); returns the section unit ids.

    ``metadata`` (by text id) goes on the cahier unit, as a tabular export would put it;
    ``kind`` is the section kind.
    """
    unit_ids = []
    for text_id, text in zip(ids, texts, strict=True):
        sha = hashlib.sha256(f"{text_id}\n{text}".encode()).hexdigest()
        source = f"corpus/{text_id}.txt"
        key = sha[:10]
        cahier = Unit(
            id=f"{key}:c1",
            level="cahier",
            parent=None,
            source=source,
            start=0,
            end=len(text),
            text=text,
            title=text_id,
            metadata=(metadata or {}).get(text_id, {}),
        )
        section = Unit(
            id=f"{key}:c1.s1",
            level="section",
            parent=cahier.id,
            source=source,
            start=0,
            end=len(text),
            text=text,
            title="Propositions",
            kind=kind,
            cahier=cahier.id,
        )
        store.add_document(Document(source=source, text=text, format="txt", sha256=sha), [cahier, section])
        unit_ids.append(section.id)
    return unit_ids
