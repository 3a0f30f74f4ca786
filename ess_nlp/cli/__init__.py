"""The ``ess-nlp`` command line: parses arguments, calls the library, prints results.

Each area registers its commands from a module of its own (``_corpus``, ``_classify``…):
a module defines ``register(app: typer.Typer) -> None`` and is listed in ``COMMAND_MODULES``.
Library errors (``EssNlpError``) become one line on stderr and a non-zero exit status; so do
errors of the operating system and of SQLite (disk full, no permission, read-only disk), in
French through :func:`ess_nlp.errors.system_error`, without a traceback. Command-line mistakes
(unknown option, missing argument, a word where a number goes) are told in French too
(:mod:`ess_nlp.cli._usage`), with exit status 2 as Click gives them.
"""

from __future__ import annotations

import importlib
import sqlite3
import sys
from collections.abc import Sequence

import typer

from ess_nlp.cli._usage import NoArgsIsHelpError, UsageError, french_usage_error
from ess_nlp.errors import EssNlpError, system_error

COMMAND_MODULES: tuple[str, ...] = (
    "ess_nlp.cli._corpus",
    "ess_nlp.cli._classify",
    "ess_nlp.cli._extract",
    "ess_nlp.cli._topics",
    "ess_nlp.cli._export",
    "ess_nlp.cli._maintenance",
)

app = typer.Typer(
    name="ess-nlp",
    help="Fouille de textes des cahiers d'espérance de l'ESS : ingestion, découpage, "
    "classification, extraction, thèmes et application.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``ess-nlp`` script: a library error, or a disk full, a refused write,
    a read-only disk (OS or SQLite), is one French line on stderr and exit status 1."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        status = app(args=args, prog_name="ess-nlp", standalone_mode=False)
    except NoArgsIsHelpError as err:  # the help is already printed, as Typer does
        sys.exit(err.exit_code)
    except UsageError as err:
        typer.echo(french_usage_error(err), err=True)
        sys.exit(err.exit_code)
    except typer.Abort:
        typer.echo("Interrompu.", err=True)
        sys.exit(1)
    except EssNlpError as err:
        typer.echo(str(err), err=True)
        sys.exit(1)
    except (OSError, sqlite3.Error) as err:
        command = next((a for a in args if not a.startswith("-")), "")
        found = system_error(err, f"ess-nlp {command}".strip())
        if found is None:
            raise
        typer.echo(str(found), err=True)
        sys.exit(1)
    # Without standalone mode, Typer returns the status of ``typer.Exit(code)`` instead of exiting.
    if isinstance(status, int) and status:
        sys.exit(status)
