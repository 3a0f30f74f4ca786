"""Commands over topics: ``topics`` (cluster units or a CSV column) and ``topics-edit``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from ess_nlp.cli._common import DbOption, JsonOption, QuietOption, fail, progress_bar
from ess_nlp.errors import ConfigError, EssNlpError


def register(app: typer.Typer) -> None:
    app.command("topics")(topics)
    app.command("topics-edit")(topics_edit)


def _db_path(db: Path | None) -> Path:
    from ess_nlp.settings import resolve_db

    return resolve_db(db)


def read_table(path: Path, text_col: str, id_col: str | None) -> tuple[list[str], list[str]]:
    """``(ids, texts)`` from a CSV/TSV/XLSX file; ids are ``id_col`` or data-row numbers (1-based)."""
    import pandas as pd

    if not path.is_file():
        raise ConfigError(f"{path} : fichier introuvable (un fichier CSV, TSV ou XLSX est attendu).")
    frame: pd.DataFrame | None = None
    try:
        if path.suffix.lower() in {".xlsx", ".xlsm"}:
            frame = pd.read_excel(path, dtype=str).fillna("")
        else:
            for encoding in ("utf-8-sig", "cp1252"):
                try:
                    with path.open(encoding=encoding) as handle:
                        header = handle.readline()
                    frame = pd.read_csv(
                        path,
                        sep=_separator(path, header),
                        dtype=str,
                        keep_default_na=False,
                        encoding=encoding,
                    )
                    break
                except UnicodeDecodeError:
                    continue
            if frame is None:
                raise ConfigError(f"{path} : encodage illisible (UTF-8 ou Windows-1252 attendu).")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, OSError) as err:
        raise ConfigError(
            f"{path} : tableau illisible ({err}) ; un CSV avec une ligne d'en-tête est attendu."
        ) from None
    assert frame is not None  # read above, or a ConfigError was raised
    for column in (text_col, id_col):
        if column is not None and column not in frame.columns:
            raise ConfigError(
                f"{path} : colonne « {column} » absente ; colonnes présentes : {', '.join(map(str, frame.columns))}."
            )
    texts = [str(t) for t in frame[text_col].tolist()]
    ids = [str(i) for i in frame[id_col].tolist()] if id_col else [str(i) for i in range(1, len(texts) + 1)]
    return ids, texts


def _separator(path: Path, header: str) -> str:
    """Tab for .tsv; otherwise the most frequent of ``,`` ``;`` tab in the header line (``,`` if none)."""
    if path.suffix.lower() == ".tsv":
        return "\t"
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _emit(result: Any, skipped: list[str], json_output: bool) -> None:
    from ess_nlp.topics import OUTLIER, OUTLIER_LABEL

    unassigned = int((result.topics == OUTLIER).sum())
    topic_lines = [
        {
            "kind": "topic",
            "topic": t,
            "label": result.info[t].name,
            "size": result.info[t].size,
            "keywords": [w for w, _ in result.info[t].keywords],
            "auto_label": result.info[t].label,
        }
        for t in result.topic_ids
    ]
    if unassigned:
        topic_lines.append(
            {
                "kind": "topic",
                "topic": OUTLIER,
                "label": OUTLIER_LABEL,
                "size": unassigned,
                "keywords": [],
                "auto_label": OUTLIER_LABEL,
            }
        )
    if not json_output:
        typer.echo(f"{len(result.info)} sujets émergents sur {len(result.ids)} unités ({unassigned} non classées).")
        for line in topic_lines:
            typer.echo(f"{line['topic']:>4}  {line['size']:>6}  {line['label']}")
        return
    for line in topic_lines:
        typer.echo(json.dumps(line, ensure_ascii=False))
    for i, unit_id in enumerate(result.ids):
        typer.echo(
            json.dumps(
                {
                    "kind": "assignment",
                    "id": unit_id,
                    "topic": int(result.topics[i]),
                    "probability": round(float(result.probability[i]), 6),
                    "similarity": round(float(result.similarity[i]), 6),
                    "origin": result.origin[i],
                },
                ensure_ascii=False,
            )
        )
    for unit_id in skipped:
        typer.echo(
            json.dumps(
                {
                    "kind": "assignment",
                    "id": unit_id,
                    "topic": OUTLIER,
                    "probability": 0.0,
                    "similarity": 0.0,
                    "origin": "empty",
                },
                ensure_ascii=False,
            )
        )


def topics(
    level: Annotated[
        str | None,
        typer.Option(
            "--level", help="Niveau d'unités à regrouper : cahier, section (défaut), paragraph, sentence."
        ),
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind", help="Ne garder que les unités de ce type de section (répétable) : proposition…"
        ),
    ] = None,
    data: Annotated[
        Path | None, typer.Option("--data", help="Fichier CSV/TSV/XLSX à regrouper au lieu de la base.")
    ] = None,
    text_col: Annotated[
        str | None, typer.Option("--text-col", help="Colonne du texte (avec --data).")
    ] = None,
    id_col: Annotated[
        str | None,
        typer.Option("--id-col", help="Colonne des identifiants (avec --data ; défaut : n° de ligne)."),
    ] = None,
    backend: Annotated[
        str, typer.Option("--backend", help="Plongements : tfidf-svd (défaut), spacy, sentence-transformers.")
    ] = "tfidf-svd",
    embedding_model: Annotated[
        str | None,
        typer.Option("--embedding-model", help="Dossier ou paquet installé du modèle sentence-transformers."),
    ] = None,
    clusterer: Annotated[
        str,
        typer.Option(
            "--clusterer",
            help="Regroupement : leiden (défaut, mêmes thèmes sur toute machine) ou umap-hdbscan (BERTopic).",
        ),
    ] = "leiden",
    resolution: Annotated[
        float | None,
        typer.Option(
            "--resolution",
            help="Résolution de Leiden (plus haute : thèmes plus nombreux et plus petits ; "
            "défaut : choisie par stabilité entre 0,6 et 2).",
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Graine (SVD, Leiden ; UMAP avec umap-hdbscan).")] = 42,
    min_cluster_size: Annotated[
        int | None,
        typer.Option("--min-cluster-size", help="Taille minimale d'un thème (défaut : 2 % des unités)."),
    ] = None,
    max_outliers: Annotated[
        float,
        typer.Option("--max-outliers", help="Part maximale d'unités laissées hors thème (défaut 0,10)."),
    ] = 0.10,
    name: Annotated[
        str | None,
        typer.Option("--name", help="Nom du modèle de thèmes (défaut : le niveau, ou le fichier)."),
    ] = None,
    save: Annotated[
        bool, typer.Option("--save", help="Enregistrer le modèle dans models/topics/NOM/VERSION.")
    ] = False,
    models_dir: Annotated[Path, typer.Option("--models-dir", help="Dossier des modèles de thèmes.")] = Path(
        "models/topics"
    ),
    db: DbOption = None,
    json_output: JsonOption = False,
    quiet: QuietOption = False,
) -> None:
    """Regroupe des unités en thèmes (reproductible : même graine, mêmes thèmes).

    Avec --json : une ligne {"kind": "topic", "topic", "label", "size", "keywords"} par thème, puis une ligne {"kind": "assignment", "id", "topic", "probability"} par unité (topic -1 : non classée).

    Sur la base, les thèmes gardent leurs numéros et noms d'un calcul à l'autre et les modifications enregistrées sont rejouées.
    """
    from ess_nlp.topics import (
        DEFAULT_LEVEL,
        TopicConfig,
        fit_topics,
        run_topics,
        save_topic_model,
        stored_units,
    )

    try:
        if data is not None and (level is not None or kind):
            raise ConfigError(
                "Choisissez soit --level (unités de la base), soit --data FILE --text-col COL, pas les deux."
            )
        if data is None and (text_col is not None or id_col is not None):
            raise ConfigError("--text-col et --id-col s'emploient avec --data FILE.")
        if data is not None and text_col is None:
            raise ConfigError(f"{data} : indiquez la colonne du texte avec --text-col COL.")
        config = TopicConfig(
            backend=backend,
            clusterer=clusterer,
            resolution=resolution,
            seed=seed,
            embedding_model=embedding_model,
            min_cluster_size=min_cluster_size,
            max_outliers=max_outliers,
        )
        with progress_bar("Sujets émergents", quiet or json_output) as bar:
            if data is not None:
                assert text_col is not None
                ids, texts = read_table(data, text_col, id_col)
                result = fit_topics(texts, ids, config=config, progress=bar)
                skipped = [i for i, t in zip(ids, texts, strict=True) if not t.strip()]
                model = name or data.stem
            else:
                with _open_store(db) as store:
                    run = run_topics(
                        store,
                        level=level or DEFAULT_LEVEL,
                        kinds=tuple(kind or ()),
                        model=name,
                        config=config,
                        progress=bar,
                    )
                    kept = set(run.result.ids)
                    units = stored_units(store, level or DEFAULT_LEVEL, tuple(kind or ()))
                    skipped = [u.id for u in units if u.id not in kept]
                result, model = run.result, run.model
                for outcome in run.replay:
                    if not outcome.applied:
                        typer.echo(
                            f"Modification {outcome.edit.id} non rejouée : {outcome.message}", err=True
                        )
        for note in result.notes:
            typer.echo(note, err=True)
        if save:
            folder = save_topic_model(result, model, root=models_dir)
            typer.echo(f"Modèle enregistré : {folder}", err=True)
    except EssNlpError as err:
        fail(str(err))
    _emit(result, skipped, json_output)


def _open_store(db: Path | None) -> Any:
    from ess_nlp.store import Store

    return Store(_db_path(db))


def topics_edit(
    model: Annotated[str, typer.Option("--name", help="Nom du modèle de thèmes (par exemple « section »).")],
    who: Annotated[str, typer.Option("--who", help="Qui fait la modification.")],
    why: Annotated[str, typer.Option("--why", help="Pourquoi (gardé dans le journal).")] = "",
    merge: Annotated[
        str | None, typer.Option("--merge", help="Thèmes à fusionner, séparés par des virgules.")
    ] = None,
    into: Annotated[int | None, typer.Option("--into", help="Thème qui reçoit la fusion.")] = None,
    split: Annotated[int | None, typer.Option("--split", help="Thème à diviser.")] = None,
    parts: Annotated[int, typer.Option("--parts", help="Nombre de parties de la division.")] = 2,
    move: Annotated[
        str | None, typer.Option("--move", help="Unités à déplacer, séparées par des virgules.")
    ] = None,
    to: Annotated[int | None, typer.Option("--to", help="Thème de destination (-1 : hors thème).")] = None,
    rename: Annotated[int | None, typer.Option("--rename", help="Thème à renommer.")] = None,
    label: Annotated[str | None, typer.Option("--label", help="Nouveau nom (avec --rename).")] = None,
    db: DbOption = None,
    json_output: JsonOption = False,
) -> None:
    """Modifie les thèmes du dernier calcul (fusion, division, déplacement, renommage).

    La modification est enregistrée avec qui, quand et pourquoi, et rejouée à chaque calcul suivant (« ess-nlp topics »).
    """
    from ess_nlp.topics import edit_topics, merge_edit, move_edit, rename_edit, split_edit

    try:
        chosen = [opt for opt in (merge, split, move, rename) if opt is not None]
        if len(chosen) != 1:
            raise ConfigError("Donnez exactement une modification : --merge, --split, --move ou --rename.")
        if merge is not None:
            try:
                ids = [int(t) for t in merge.split(",") if t.strip()]
            except ValueError:
                raise ConfigError(
                    f"--merge « {merge} » : des numéros de thèmes séparés par des virgules sont attendus."
                ) from None
            edit = merge_edit(ids, into=into, who=who, why=why)
        elif split is not None:
            edit = split_edit(split, parts=parts, who=who, why=why)
        elif move is not None:
            if to is None:
                raise ConfigError("--move demande le thème de destination --to N.")
            edit = move_edit([u.strip() for u in move.split(",") if u.strip()], to, who=who, why=why)
        else:
            assert rename is not None
            if label is None:
                raise ConfigError("--rename demande le nouveau nom --label TEXTE.")
            edit = rename_edit(rename, label, who=who, why=why)
        with _open_store(db) as store:
            outcome = edit_topics(store, model, edit)
    except EssNlpError as err:
        fail(str(err))
    if json_output:
        record = outcome.edit.to_json()
        record = {"kind": "edit", "edit": record.pop("kind"), **record, "message": outcome.message}
        typer.echo(json.dumps(record, ensure_ascii=False))
    else:
        typer.echo(outcome.message)
