"""Commands over classification: classify, train, evaluate."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ess_nlp.cli._common import JsonOption, QuietOption, fail, progress_bar, split_files
from ess_nlp.errors import EssNlpError

LEVELS = ("cahier", "section", "sentence")

TaxonomyOption = Annotated[
    Path | None,
    typer.Option("--taxonomy", help="Fichier YAML de taxonomie (défaut : domaines et thèmes des cahiers)."),
]
LabelSepOption = Annotated[
    str, typer.Option("--label-sep", help="Séparateur des labels d'une cellule (multi-label).")
]


def register(app: typer.Typer) -> None:
    app.command("classify")(classify)
    app.command("train")(train)
    app.command("evaluate")(evaluate)


def classify(
    files: Annotated[list[Path], typer.Argument(help="Fichiers ou dossiers à classer.")],
    level: Annotated[
        str, typer.Option("--level", help="Niveau des unités : cahier, section ou sentence.")
    ] = "cahier",
    model_dir: Annotated[
        Path | None, typer.Option("--model", help="Dossier de modèle (models/<nom>/<version>).")
    ] = None,
    taxonomy_file: TaxonomyOption = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Ajoute les mots et phrases qui portent chaque label.")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Classe les cahiers (ou sections, ou phrases) de fichiers dans les facettes d'une taxonomie.

    Chaque label retenu est suivi de sa probabilité calibrée ; une facette dont le meilleur score
    est trop bas est dite « incertain » plutôt que forcée dans un label. --explain ajoute les mots
    et les phrases qui portent chaque label.

    Avec --json, une ligne par unité : id, level, source, title, start, end, scores
    ({facette: {label: score}}), labels ({facette: liste des labels retenus}), uncertain (facettes
    « incertain ») et, avec --explain, explanations. Sans --model : le modèle par défaut livré, ou
    le zéro-shot quand la taxonomie donnée n'a pas de modèle.
    """
    from ess_nlp.classify._text import unit_text

    if level not in LEVELS:
        fail(f"Niveau « {level} » inconnu : cahier, section ou sentence attendu.")
    try:
        model = _choose_model(model_dir, taxonomy_file)
    except EssNlpError as err:
        fail(str(err))
    failures: list[str] = []
    for _path, units in split_files(files, failures):
        sentences = [u for u in units if u.level == "sentence"]
        chosen = [u for u in units if u.level == level and u.text.strip()]
        items = [
            unit_text(
                u,
                [
                    s
                    for s in sentences
                    if u.start <= s.start and s.end <= u.end and s.cahier == (u.cahier or u.id)
                ],
            )
            for u in chosen
        ]
        try:
            predictions = model.predict(items, explain=explain)
        except EssNlpError as err:
            fail(str(err))
        for unit, prediction in zip(chosen, predictions, strict=True):
            record: dict[str, Any] = {
                "id": unit.id,
                "level": unit.level,
                "source": unit.source,
                "title": unit.title,
                "start": unit.start,
                "end": unit.end,
                **prediction.to_json(),
            }
            if json_output:
                typer.echo(json.dumps(record, ensure_ascii=False))
            else:
                heading = unit.title or unit.text[:60].replace("\n", " ")
                typer.echo(f"{unit.id} {heading}")
                for line in _describe(model, unit.text, prediction, explain=explain):
                    typer.echo(f"    {line}")
    if failures:
        raise typer.Exit(1)


def _describe(model: Any, text: str, prediction: Any, *, explain: bool) -> list[str]:
    """Readable lines of one unit's classification: labels with their probability, « incertain »
    when the best score is too low, and (with ``explain``) the words and sentences behind."""
    lines = []
    for facet, scores in prediction.scores.items():
        names = {label.id: label.display_name for label in model.taxonomy.facet(facet).labels}
        found = prediction.labels.get(facet, [])
        if not found:
            best = max(scores, key=lambda label: scores[label])
            lines.append(
                f"{facet} : incertain (meilleur score : {names[best]} {_pct(scores[best])}, "
                f"sous le seuil de confiance {_pct(model.uncertain_below)})"
            )
            continue
        lines.append(f"{facet} : " + " ; ".join(f"{names[label]} {_pct(scores[label])}" for label in found))
        if not explain:
            continue
        for label in found:
            explanation = prediction.explanations.get(facet, {}).get(label)
            if explanation is None:
                continue
            words = ", ".join(e.term + (f" (via {e.via})" if e.via else "") for e in explanation.terms)
            lines.append(f"  {names[label]} — mots : {words or '—'}")
            for sentence in explanation.sentences:
                quoted = " ".join(text[sentence.start : sentence.end].split())
                quoted = quoted if len(quoted) <= 160 else quoted[:157] + "…"
                lines.append(f"  {names[label]} — phrase ({_pct(sentence.score)}) : « {quoted} »")
    return lines


def _pct(score: float) -> str:
    """A calibrated probability as a French percentage: 0.724 -> « 72 % »."""
    return f"{round(100 * float(score))} %"


def _choose_model(model_dir: Path | None, taxonomy_file: Path | None) -> Any:
    from ess_nlp.classify.model import ClassificationModel, default_model_path, load_model
    from ess_nlp.taxonomy import load_taxonomy

    taxonomy = load_taxonomy(taxonomy_file) if taxonomy_file is not None else None
    if model_dir is not None:
        return load_model(model_dir, taxonomy=taxonomy)
    default = default_model_path()
    if default is not None:
        shipped_fingerprint = json.loads((default / "meta.json").read_text("utf-8"))["taxonomy"][
            "fingerprint"
        ]
        if taxonomy is None or taxonomy.fingerprint() == shipped_fingerprint:
            return load_model(default, taxonomy=taxonomy)
    taxonomy = taxonomy if taxonomy is not None else load_taxonomy()
    return ClassificationModel(taxonomy, meta={"name": f"{taxonomy.name}-zero-shot", "kind": "zero-shot"})


def train(
    data: Annotated[Path, typer.Option("--data", help="Fichier CSV, TSV ou JSONL des textes et labels.")],
    text_col: Annotated[str, typer.Option("--text-col", help="Colonne du texte.")],
    label_col: Annotated[
        list[str], typer.Option("--label-col", help="Colonne des labels (répétable : une par facette).")
    ],
    out: Annotated[
        Path, typer.Option("--out", help="Dossier du nouveau modèle, par ex. models/mon-modele/2.")
    ],
    label_sep: LabelSepOption = ";",
    taxonomy_file: TaxonomyOption = None,
    facet: Annotated[
        list[str] | None, typer.Option("--facet", help="Facette de chaque colonne de labels (même ordre).")
    ] = None,
    seed: Annotated[
        int, typer.Option("--seed", help="Graine aléatoire (plis de validation croisée, solveur).")
    ] = 0,
    folds: Annotated[int, typer.Option("--folds", help="Nombre de plis de la validation croisée.")] = 5,
    min_examples: Annotated[
        int, typer.Option("--min-examples", help="Nombre minimal d'exemples par label.")
    ] = 5,
    embeddings: Annotated[
        str,
        typer.Option(
            "--embeddings",
            help="Plongements ajoutés aux n-grammes : auto (défaut : avec ou sans MiniLM, ce que la validation "
            "croisée préfère, facette par facette), aucun, minilm ou spacy.",
        ),
    ] = "auto",
    tune_threshold: Annotated[
        bool,
        typer.Option(
            "--tune-threshold/--fixed-threshold",
            help="Seuil de décision des facettes multi-label choisi par validation croisée (défaut), ou 0,5.",
        ),
    ] = True,
    json_output: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Entraîne un modèle sur des textes étiquetés, avec validation croisée, et l'écrit dans OUT.

    Les labels sont des identifiants (ou noms) de la taxonomie, joints par --label-sep pour le
    multi-label. Le seuil de décision de chaque facette multi-label est celui qui donne le
    meilleur macro-F1 en validation croisée (--fixed-threshold : 0,5). Le dossier est écrit
    d'un coup (dossier temporaire puis renommage). Par défaut (--embeddings auto), chaque facette
    garde les traits, n-grammes seuls ou n-grammes et plongements MiniLM, qui donnent le meilleur
    macro-F1 en validation croisée.
    """
    from ess_nlp.classify.data import load_training_data
    from ess_nlp.classify.estimator import TextClassifier
    from ess_nlp.classify.features import TextFeatures
    from ess_nlp.classify.model import save_model
    from ess_nlp.classify.train import train_model
    from ess_nlp.taxonomy import load_taxonomy

    if out.exists():
        fail(f"{out} : ce dossier de modèle existe déjà ; choisissez une nouvelle version.")
    dense = {"auto": "auto", "aucun": None, "none": None, "minilm": "minilm", "spacy": "spacy"}
    if embeddings.lower() not in dense:
        fail(f"--embeddings {embeddings} : valeur inconnue ; choisissez auto, aucun, minilm ou spacy.")
    try:
        taxonomy = load_taxonomy(taxonomy_file)
        training = load_training_data(
            data,
            text_col=text_col,
            label_cols=label_col,
            taxonomy=taxonomy,
            label_sep=label_sep,
            facets=facet or None,
            min_examples=min_examples,
        )
        chosen = dense[embeddings.lower()]
        estimator = (
            None
            if chosen == "auto"
            else TextClassifier(features=TextFeatures(embeddings=chosen, embedding_weight=1.0), random_state=seed)
        )
        command = (
            "ess-nlp " + " ".join(shlex.quote(a) for a in sys.argv[1:])
            if sys.argv[1:2] == ["train"]
            else None
        )
        with progress_bar("Entraînement", quiet or json_output) as bar:
            model = train_model(
                training,
                taxonomy,
                estimator=estimator,
                seed=seed,
                folds=folds,
                name=out.parent.name or out.name,
                version=out.name,
                extra_meta={"command": command} if command else None,
                progress=bar,
                tune_threshold=tune_threshold,
            )
        save_model(model, out)
    except EssNlpError as err:
        fail(str(err))
    for facet_id, info in model.meta["facets"].items():
        cv = info.get("cv")
        if cv is None:
            continue
        record = {
            "model": str(out),
            "facet": facet_id,
            **{k: cv[k] for k in ("n", "macro_f1", "micro_f1", "accuracy")},
        }
        choice = info.get("features_choice")
        if choice:
            record["features"] = choice["chosen"]
        if json_output:
            typer.echo(json.dumps({**record, "per_label": cv["per_label"]}, ensure_ascii=False))
        else:
            typer.echo(
                f"{out} · {facet_id} : validation croisée sur {cv['n']} textes — macro-F1 {cv['macro_f1']:.3f}, "
                f"micro-F1 {cv['micro_f1']:.3f}, exactitude {cv['accuracy']:.3f}"
                + (f" ; traits : {choice['chosen']}" if choice else "")
            )


def evaluate(
    model_dir: Annotated[Path, typer.Option("--model", help="Dossier du modèle à évaluer.")],
    data: Annotated[
        Path, typer.Option("--data", help="Fichier CSV, TSV ou JSONL des textes et labels attendus.")
    ],
    text_col: Annotated[str, typer.Option("--text-col", help="Colonne du texte.")],
    label_col: Annotated[str, typer.Option("--label-col", help="Colonne des labels attendus.")],
    label_sep: LabelSepOption = ";",
    facet: Annotated[str | None, typer.Option("--facet", help="Facette de la colonne de labels.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Évalue un modèle sur des textes étiquetés : macro-F1, micro-F1, exactitude, détail par label.

    Avec --json : {"n", "macro_f1", "micro_f1", "accuracy", "per_label": {label: {"precision",
    "recall", "f1", "support"}}}.
    """
    from ess_nlp.classify.data import load_training_data
    from ess_nlp.classify.model import load_model
    from ess_nlp.classify.train import evaluate_model

    try:
        model = load_model(model_dir)
        labelled = load_training_data(
            data,
            text_col=text_col,
            label_cols=[label_col],
            taxonomy=model.taxonomy,
            label_sep=label_sep,
            facets=[facet] if facet else None,
            min_examples=0,
        )
        result = evaluate_model(model, labelled)
    except EssNlpError as err:
        fail(str(err))
    if json_output:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    typer.echo(
        f"{result['n']} textes — macro-F1 {result['macro_f1']:.3f}, micro-F1 {result['micro_f1']:.3f}, "
        f"exactitude {result['accuracy']:.3f}"
    )
    for label, m in result["per_label"].items():
        typer.echo(
            f"  {label:<14} précision {m['precision']:.3f}  rappel {m['recall']:.3f}  F1 {m['f1']:.3f}  "
            f"effectif {m['support']}"
        )
