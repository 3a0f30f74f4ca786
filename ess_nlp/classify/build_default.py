"""Rebuild the shipped default model from the sample corpus gold.

    .venv/bin/python -m ess_nlp.classify.build_default --out models/ess-default/3

Texts: the 65 gold cahiers of ``corpus/gold/sample.jsonl``, read from ``corpus/sample/`` and split
with the project's reader and splitter (cahier level). Labels: their gold ``domains`` and
``themes`` (multi-label). Estimator: ``small_data_estimator(seed)`` (word unigrams on lemmas,
C=1), seed 0, blended with the zero-shot scorer of the default taxonomy and calibrated (the
blend is fitted on the out-of-fold scores of a 5-fold cross-validation, ``--no-blend`` for the
classifier alone, as version 2), decision thresholds chosen on the cross-validated scores; the
cross-validated metrics and the reliability curve go into ``meta.json`` and the model card.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from ess_nlp.classify.gold import gold_training_data
from ess_nlp.classify.model import save_model
from ess_nlp.classify.train import small_data_estimator, train_model
from ess_nlp.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parents[2]

DESCRIPTION = (
    "Modèle par défaut des domaines et thèmes, entraîné sur les 65 cahiers annotés du corpus d'exemple "
    "(corpus/gold/sample.jsonl : cahiers fictifs écrits pour le projet, dans 8 formats de fichiers), au niveau "
    "du cahier entier. Les textes viennent de la lecture et du découpage de corpus/sample/ par ess-nlp."
)
LIMITS = (
    "Corpus d'entraînement très petit (65 cahiers, 7 à 21 exemples par label) et rédigé pour le projet. Le "
    "mélange avec le zéro-shot (descriptions des labels) tient mieux sur des textes que le classifieur n'a pas "
    "vus, et ses scores sont calibrés (voir « Fiabilité des scores ») ; un texte dont le meilleur score est bas "
    "est dit « incertain ». Appris sur des cahiers entiers, le modèle est moins fiable sur des sections ou des "
    "phrases isolées. Réentraînez-le sur des cahiers réels annotés dès qu'il y en a (ess-nlp train)."
)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, required=True, help="new model folder, e.g. models/ess-default/3")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-blend", action="store_true", help="the classifier alone (as version 2)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    taxonomy = load_taxonomy()
    gold = ROOT / "corpus" / "gold" / "sample.jsonl"
    data = gold_training_data(gold, ROOT / "corpus" / "sample", taxonomy)
    data.source = "corpus/gold/sample.jsonl"
    model = train_model(
        data,
        taxonomy,
        estimator=small_data_estimator(args.seed),
        seed=args.seed,
        blend=not args.no_blend,
        extra_meta={
            "description": DESCRIPTION,
            "limits": LIMITS,
            "command": f".venv/bin/python -m ess_nlp.classify.build_default --out {args.out} --seed {args.seed}"
            + (" --no-blend" if args.no_blend else ""),
        },
    )
    model.meta["training_data"]["description"] = (
        "65 cahiers, texte complet du cahier, labels domains et themes"
    )
    save_model(model, args.out)
    for facet, info in model.meta["facets"].items():
        cv = info["cv"]
        print(f"{facet}: 5-fold CV micro-F1 {cv['micro_f1']:.3f} macro-F1 {cv['macro_f1']:.3f} (n={cv['n']})")
        if "reliability" in info:
            print(f"{facet}: out-of-fold ECE {info['reliability']['ece']:.3f}; {info['blend_sources']}")


if __name__ == "__main__":
    main()
