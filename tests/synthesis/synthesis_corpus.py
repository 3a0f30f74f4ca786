"""A small store for the synthesis and export tests: four hand-written cahiers (two carry
the same proposal, one holds personal data and a script tag), split and extracted.

Loaded by file path (tests/ is not a package) from tests/synthesis and tests/export.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

CAHIERS: dict[str, str] = {
    "cahiers/epargne-lille.txt": (
        "Des clubs d'épargnants pour les entreprises de Lille\n\n"
        "Structure porteuse : Épargne Solidaire Nord\n\n"
        "Commune : Lille\n\n"
        "Domaine : Financer\n\n"
        "Présentation de l'initiative\n\n"
        "Depuis 2004, Épargne Solidaire Nord fédère 14 clubs d'investisseurs solidaires à Lille. "
        "Les clubs ont investi 410 000 euros dans 63 entreprises et créé 120 emplois. "
        "Site : www.epargne-nord.org\n\n"
        "Constats\n\n"
        "Les banques refusent les prêts aux très petites entreprises sans apport personnel. "
        "Seules 19 créatrices sur 127 ont obtenu un prêt bancaire en 2009.\n\n"
        "Nos propositions\n\n"
        "1. Créer un fonds de garantie régional pour les prêts bancaires aux très petites entreprises.\n\n"
        "2. Faire connaître l'épargne solidaire dans les agences bancaires et les bureaux de poste.\n\n"
        "Contact\n\n"
        "Marie Dupont, présidente, marie.dupont@exemple.fr, 06 12 34 56 78."
    ),
    "cahiers/monnaie-bordeaux.txt": (
        "La Garonnelle, monnaie locale à Bordeaux\n\n"
        "Structure porteuse : La Garonnelle\n\n"
        "Commune : Bordeaux\n\n"
        "Domaine : Financer\n\n"
        "Présentation de l'initiative\n\n"
        "La Garonnelle est une monnaie locale complémentaire lancée en 2010 à Bordeaux. "
        "Elle circule chez 120 commerçants et 30 producteurs.\n\n"
        "Constats\n\n"
        "Les monnaies locales n'ont pas de cadre juridique clair, ce qui inquiète les commerçants.\n\n"
        "Nos propositions\n\n"
        "1. Créer un fonds régional de garantie pour les prêts bancaires aux très petites entreprises.\n\n"
        "2. Reconnaître les monnaies locales complémentaires dans le code monétaire et financier."
    ),
    "cahiers/ressourcerie-dijon.txt": (
        "Une ressourcerie pour le Grand Dijon\n\n"
        "Structure porteuse : Ressourcerie du Grand Dijon\n\n"
        "Commune : Dijon\n\n"
        "Domaine : Consommer\n\n"
        "Présentation de l'initiative\n\n"
        "Depuis 2006, la Ressourcerie du Grand Dijon collecte 400 tonnes d'objets par an et emploie 18 salariés.\n\n"
        "Constats\n\n"
        "Dans les déchetteries, les objets réutilisables partent trop souvent à la benne.\n\n"
        "Nos propositions\n\n"
        "1. Aménager dans chaque déchetterie un espace réservé au réemploi."
    ),
    "cahiers/piege.txt": (
        "<script>alert('xss')</script> Un cahier piégé\n\n"
        "Structure porteuse : =HYPERLINK(\"http://exemple.invalid\";\"cliquez\")\n\n"
        "Domaine : Financer\n\n"
        "Constats\n\n"
        "Le texte contient <b>des balises</b> & des esperluettes : les banques ferment leurs agences rurales.\n\n"
        "Nos propositions\n\n"
        "1. =HYPERLINK(\"http://exemple.invalid\";\"Créer\") un <script>fonds</script> de garantie."
    ),
}


def build(db: Path, *, extract: bool = True) -> Path:
    from ess_nlp.extract.step import extract_step
    from ess_nlp.records import Document
    from ess_nlp.segment import split_document
    from ess_nlp.store import Store

    with Store(db) as store:
        for source, text in CAHIERS.items():
            doc = Document(source=source, text=text, format="txt", sha256=hashlib.sha256(text.encode()).hexdigest())
            store.add_document(doc, split_document(doc))
        if extract:
            extract_step(store)
    return db


_BUILT: dict[bool, Path] = {}


def shared(tmp_path_factory: object, *, extract: bool = True) -> Path:
    """Built once per process; tests that write get a copy (:func:`copy`)."""
    if extract not in _BUILT:
        folder = tmp_path_factory.mktemp("synthesis_corpus")  # type: ignore[attr-defined]
        _BUILT[extract] = build(folder / "corpus.sqlite3", extract=extract)
    return _BUILT[extract]


def copy(source: Path, target: Path) -> Path:
    from ess_nlp.store import Store

    with Store(source) as src, Store(target) as dst:
        src.conn.backup(dst.conn)
    return target


def add_predictions(store: object, rows: list[tuple[str, str, str, float]], *, model: str = "test") -> None:
    """Write assigned classifier labels ``(unit, facet, label, score)`` as a new current model
    version (migration 0002), as a retrain would."""
    import datetime as dt

    conn = store.conn  # type: ignore[attr-defined]
    now = dt.datetime.now(dt.UTC).isoformat()
    version = conn.execute("SELECT count(*) FROM model_versions").fetchone()[0] + 1
    conn.execute("UPDATE model_versions SET is_current = 0 WHERE is_current = 1")
    cursor = conn.execute(
        "INSERT INTO model_versions(name, version, kind, taxonomy, fingerprint, created_at, is_current)"
        " VALUES (?, ?, 'supervised', 'ess-cahiers', 'x', ?, 1)",
        (model, str(version), now),
    )
    model_id = cursor.lastrowid
    conn.executemany(
        "INSERT INTO predictions(unit_id, model_id, facet, label, score, assigned) VALUES (?, ?, ?, ?, ?, 1)",
        [(unit, model_id, facet, label, score) for unit, facet, label, score in rows],
    )


def clear_predictions(store: object) -> None:
    """A new current model that assigns nothing (labels then come from the next call)."""
    add_predictions(store, [])
