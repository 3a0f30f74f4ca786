"""Commands over sources: text, split, ingest, run, app."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Annotated

import typer

from ess_nlp.cli._common import (
    DbOption,
    JsonOption,
    LimitOption,
    QuietOption,
    busy_notice,
    cli_limits,
    fail,
    progress_bar,
    split_files,
)
from ess_nlp.errors import EssNlpError
from ess_nlp.ingest import read_document
from ess_nlp.pipeline import STEP_LABELS, SourceReport, ingest_paths
from ess_nlp.pipeline import run as run_pipeline
from ess_nlp.store import Store

PathsArgument = Annotated[list[Path], typer.Argument(help="Fichiers ou dossiers (parcourus récursivement).")]


def register(app: typer.Typer) -> None:
    app.command("text")(text)
    app.command("split")(split)
    app.command("ingest")(ingest)
    app.command("run")(run)
    app.command("app")(serve_app)


def text(file: Annotated[Path, typer.Argument(help="Le fichier à lire.")]) -> None:
    """Affiche le texte brut extrait de FILE (celui que tous les décalages indexent)."""
    try:
        doc = read_document(file)
    except EssNlpError as err:
        fail(str(err))
    sys.stdout.write(doc.text)
    if not doc.text.endswith("\n"):
        sys.stdout.write("\n")


def split(files: PathsArgument, json_output: JsonOption = False) -> None:
    """Découpe des fichiers en cahiers, sections, paragraphes et phrases.

    Avec --json, une ligne JSON par unité : id, level, parent, source, title, kind, start, end,
    text (start/end indexent le texte affiché par « ess-nlp text FILE »).
    """
    failures: list[str] = []
    for _path, units in split_files(files, failures):
        for unit in units:
            if json_output:
                typer.echo(json.dumps(unit.to_json(), ensure_ascii=False))
            else:
                indent = {"cahier": 0, "section": 2, "paragraph": 4, "sentence": 6}[unit.level]
                label = unit.title or unit.text[:80].replace("\n", " ")
                kind = f" [{unit.kind}]" if unit.level == "section" else ""
                typer.echo(f"{' ' * indent}{unit.level} {unit.id}{kind} {label}")
    if failures:
        raise typer.Exit(1)


def ingest(
    paths: PathsArgument,
    db: DbOption = None,
    json_output: JsonOption = False,
    quiet: QuietOption = False,
    limit: LimitOption = None,
) -> None:
    """Ingère des fichiers (ou dossiers, récursivement) dans la base : lecture, découpage, stockage.

    Une ligne par fichier dès qu'il est traité (un fichier en échec : une phrase sur la sortie
    d'erreur, et la suite continue ; un export de formulaire .csv/.xlsx : une seconde ligne dit
    comment ses colonnes ont été lues), puis un bilan. Chaque fichier est lu dans un processus à
    part, dans des limites de taille, de temps et de mémoire (--limit pour les changer).
    """
    limits = cli_limits(limit)
    with (
        Store(_db_path(db), on_busy=busy_notice()) as store,
        progress_bar("Ingestion", quiet or json_output) as bar,
    ):

        def on_file(source: str, report: SourceReport | None) -> None:
            if report is None:
                bar.describe(f"Ingestion : {_short(source)}")
            else:
                _print_source(report, json_output)

        reports = ingest_paths(paths, store, limits=limits, progress=bar, on_file=on_file)
    if not json_output:
        _print_summary(reports)
    if any(r.outcome == "failed" for r in reports):
        raise typer.Exit(1)


def run(
    paths: PathsArgument,
    db: DbOption = None,
    json_output: JsonOption = False,
    quiet: QuietOption = False,
    limit: LimitOption = None,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Répartit lecture, découpage, classification et extraction sur N processus de ce poste "
            "(Dask) ; la base obtenue est la même qu'en un seul processus.",
            show_default=False,
        ),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Adresse d'un ordonnanceur Dask (tcp://HÔTE:8786) dont les processus de calcul, lancés par "
            "« dask worker », voient les fichiers aux mêmes chemins.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Tâche principale : ingère PATH… puis lance chaque traitement (classification, extraction, thèmes).

    Avec --workers N ou --scheduler ADRESSE, les fichiers sont traités en parallèle par Dask ;
    une seule écriture dans la base, dans l'ordre des fichiers ; un traitement interrompu
    reprend où il s'était arrêté.
    """
    from ess_nlp.cli._common import step_progress

    limits = cli_limits(limit)
    if workers is not None and scheduler is not None:
        fail("Choisissez --workers (processus de ce poste) ou --scheduler (une grappe Dask), pas les deux.")
    if workers is not None and workers < 1:
        fail(f"--workers doit être un entier positif (au moins 1), et non {workers}.")
    with contextlib.ExitStack() as stack:
        client = None
        if workers is not None or scheduler is not None:
            from ess_nlp.parallel import dask_client

            try:
                client = stack.enter_context(dask_client(workers=workers, scheduler=scheduler))
            except EssNlpError as err:
                fail(str(err))
        store = stack.enter_context(Store(_db_path(db), on_busy=busy_notice()))
        progress = stack.enter_context(step_progress(quiet or json_output))
        report = run_pipeline(paths, store, limits=limits, progress=progress, client=client)
    _print_sources(report.sources, json_output)
    for step in report.steps:
        if json_output:
            typer.echo(
                json.dumps(
                    {"step": step.name, "summary": step.summary, "counts": step.counts, "seconds": step.seconds},
                    ensure_ascii=False,
                )
            )
        else:
            typer.echo(f"{STEP_LABELS.get(step.name, step.name)} : {step.summary}")
    if report.failures or any(step.failed for step in report.steps):
        raise typer.Exit(1)


def serve_app(
    db: DbOption = None,
    port: Annotated[int, typer.Option(help="Port HTTP.")] = 8501,
    host: Annotated[
        str, typer.Option(help="Adresse d'écoute (127.0.0.1 : ce poste seulement).")
    ] = "127.0.0.1",
) -> None:
    """Lance l'application (Streamlit) sur la base, à l'adresse 127.0.0.1 par défaut."""
    from ess_nlp.access import check_serving

    check_serving(host)  # served to others: a users file or OIDC is required (French error otherwise)
    env = {**os.environ, "ESS_NLP_DB": str(_db_path(db).resolve())}
    command = app_command(host, port)
    typer.echo(f"Application : http://{host}:{port}  (base : {env['ESS_NLP_DB']})")
    raise typer.Exit(subprocess.call(command, env=env))


APP_DIR = Path(__file__).resolve().parents[1] / "app"


def streamlit_options() -> dict[str, object]:
    """The app's Streamlit options (``ess_nlp/app/streamlit.toml``: offline serving, no usage
    statistics, no start-up banner that looks up the external address), by dotted name."""
    data = tomllib.loads((APP_DIR / "streamlit.toml").read_text(encoding="utf-8"))
    return {f"{section}.{key}": value for section, table in data.items() for key, value in table.items()}


def app_command(host: str, port: int) -> list[str]:
    """``python -m streamlit run ess_nlp/streamlit_app.py`` with the address, the port and every
    option of :func:`streamlit_options` as flags (whatever the working folder holds); the upload
    size follows ``ESS_NLP_APP_MAX_MB``, the import page's own limit."""
    from ess_nlp.errors import ConfigError
    from ess_nlp.settings import settings

    command = [sys.executable, "-m", "streamlit", "run", str(APP_DIR.parent / "streamlit_app.py")]
    options: dict[str, object] = {**streamlit_options(), "server.address": host, "server.port": port}
    with contextlib.suppress(ConfigError):  # a mistyped setting: the app's frame says it in French
        options["server.maxUploadSize"] = settings().app_max_mb
    for name, value in options.items():
        command += [f"--{name}", str(value).lower() if isinstance(value, bool) else str(value)]
    return command


def _db_path(db: Path | None) -> Path:
    from ess_nlp.settings import resolve_db

    return resolve_db(db)


_OUTCOME_WORDS = {
    "added": "ajouté",
    "replaced": "remplacé",
    "unchanged": "inchangé",
    "duplicate": "doublon",
}


def _short(source: str, width: int = 60) -> str:
    """The end of a source name, for a progress bar label."""
    return source if len(source) <= width else "…" + source[-(width - 1) :]


def _print_source(r: SourceReport, json_output: bool) -> None:
    """One line for one file: JSON, or the failure's sentence on stderr, or what was stored."""
    if json_output:
        typer.echo(json.dumps(r.__dict__, ensure_ascii=False))
    elif r.outcome == "failed":
        typer.echo(r.message, err=True)
    elif r.message:
        typer.echo(r.message)
    elif r.outcome in {"added", "replaced"}:
        typer.echo(f"{_OUTCOME_WORDS[r.outcome]} : {r.path} ({r.cahiers} cahier(s), {r.units} unités)")
    else:
        typer.echo(f"{_OUTCOME_WORDS.get(r.outcome, r.outcome)} : {r.path}")
    if r.columns and not json_output:  # a form export: how its columns were read
        typer.echo(f"  {r.columns}")


def _print_sources(reports: list[SourceReport], json_output: bool) -> None:
    for r in reports:
        _print_source(r, json_output)
    if not json_output:
        _print_summary(reports)


def _print_summary(reports: list[SourceReport]) -> None:
    counts: dict[str, int] = {}
    for r in reports:
        counts[r.outcome] = counts.get(r.outcome, 0) + 1
    names = {
        "added": "ajoutés",
        "replaced": "remplacés",
        "unchanged": "inchangés",
        "duplicate": "doublons",
        "failed": "en échec",
    }
    summary = ", ".join(f"{n} {names[k]}" for k, n in counts.items())
    typer.echo(f"{len(reports)} fichiers : {summary or 'aucun'}.")
