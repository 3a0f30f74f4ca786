"""Commands that look after the database: check, backup."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ess_nlp.cli._common import DbOption
from ess_nlp.settings import resolve_db
from ess_nlp.store import Store


def register(app: typer.Typer) -> None:
    app.command("check")(check)
    app.command("backup")(backup)


def _open(db: Path | None) -> Store:

    from ess_nlp.errors import ConfigError

    path = resolve_db(db)
    if not path.is_file():
        raise ConfigError(f"{path} : base introuvable ; indiquez-la avec --db ou ESS_NLP_DB.")
    return Store(path)


def check(db: DbOption = None) -> None:
    """Vérifie l'intégrité de la base (PRAGMA integrity_check et clés étrangères)."""
    with _open(db) as store:
        problems = store.integrity_problems()
        if problems:
            for line in problems:
                typer.echo(line, err=True)
            typer.echo(f"{store.path} : {len(problems)} problème(s) d'intégrité.", err=True)
            raise typer.Exit(1)
        typer.echo(f"{store.path} : intégrité vérifiée, aucun problème.")


def backup(
    target: Annotated[Path, typer.Argument(help="Le fichier de sauvegarde à écrire.")],
    db: DbOption = None,
) -> None:
    """Copie la base dans TARGET pendant qu'elle sert (API de sauvegarde en ligne de SQLite), puis vérifie la copie."""
    with _open(db) as store:
        written = store.backup(target)
    with Store(written) as copy:
        problems = copy.integrity_problems()
    if problems:
        typer.echo(f"{written} : la copie a {len(problems)} problème(s) d'intégrité.", err=True)
        raise typer.Exit(1)
    typer.echo(f"Sauvegarde écrite : {written} (intégrité vérifiée).")
