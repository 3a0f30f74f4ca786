"""Options, error output and progress bars shared by every command."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ess_nlp.errors import EssNlpError
from ess_nlp.ingest import Limits
from ess_nlp.pipeline import STEP_LABELS
from ess_nlp.records import Unit

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Fichier de base SQLite (défaut : $ESS_NLP_DB ou var/ess_nlp.sqlite3)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Sortie JSON Lines (une ligne JSON par objet).")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Sans barre de progression.")]
LimitOption = Annotated[
    list[str] | None,
    typer.Option(
        "--limit",
        metavar="NOM=VALEUR",
        help="Change une limite par fichier (répétable), p. ex. --limit max_seconds=120 "
        "--limit max_file_bytes=200MB ; aussi par la variable ESS_NLP_LIMITS "
        "(« max_seconds=120,max_file_bytes=200MB »). Limites et valeurs par défaut : README, "
        "section « Fichiers hostiles et limites ».",
    ),
]


def cli_limits(assignments: list[str] | None) -> Limits:
    """The library's default limits, changed by ``$ESS_NLP_LIMITS`` then by ``--limit`` options
    (a bad name or value raises a ConfigError, printed as one line)."""
    return Limits.from_env().replace(assignments or [])


def busy_notice(timeout: float = 30.0) -> Callable[[], None]:
    """An ``on_busy`` callback for :class:`~ess_nlp.store.Store`: one line on stderr, once."""
    said = False

    def notice() -> None:
        nonlocal said
        if not said:
            typer.echo(
                f"Base occupée par un autre traitement : attente de sa fin (jusqu'à {timeout:g} s)…", err=True
            )
            said = True

    return notice

_stderr = Console(stderr=True)


def split_files(files: Iterable[Path], failures: list[str]) -> Iterator[tuple[Path, list[Unit]]]:
    """Read and split each file under ``files``; a bad file is reported on stderr (one line),
    appended to ``failures`` and skipped."""
    from ess_nlp.ingest import iter_source_files, read_document
    from ess_nlp.segment import split_document

    for path in iter_source_files(files):
        try:
            units = split_document(read_document(path))
        except EssNlpError as err:
            typer.echo(str(err), err=True)
            failures.append(str(err))
            continue
        yield path, units


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one line on stderr and exit with ``code``."""
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _new_progress(quiet: bool) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_stderr,
        disable=quiet,
        transient=False,
    )


class Bar:
    """A progress bar on stderr: call it with ``(done, total)``; :meth:`describe` changes its label."""

    def __init__(self, progress: Progress, description: str) -> None:
        self._progress = progress
        self._task = progress.add_task(description, total=None)

    def __call__(self, done: int, total: int) -> None:
        self._progress.update(self._task, completed=done, total=total)

    def describe(self, description: str) -> None:
        self._progress.update(self._task, description=description)


@contextlib.contextmanager
def progress_bar(description: str, quiet: bool = False) -> Iterator[Bar]:
    """One progress bar on stderr, called with ``(done, total)``."""
    with _new_progress(quiet) as progress:
        yield Bar(progress, description)


@contextlib.contextmanager
def step_progress(quiet: bool = False) -> Iterator[Callable[[str], Callable[[int, int], None]]]:
    """A factory giving one progress bar per named step of the main job."""
    with _new_progress(quiet) as progress:

        def for_step(name: str) -> Callable[[int, int], None]:
            task = progress.add_task(STEP_LABELS.get(name, name), total=None)

            def update(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            return update

        yield for_step
