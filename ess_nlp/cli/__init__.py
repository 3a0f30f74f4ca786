"""The ``ess-nlp`` command line: parses arguments, calls the library, prints results.

Each area registers its commands from a module of its own (``_corpus``, ``_classify``…):
a module defines ``register(app: typer.Typer) -> None`` and is listed in ``COMMAND_MODULES``.
Library errors (``EssNlpError``) become one line on stderr and a non-zero exit status.
"""

from __future__ import annotations

import importlib
import sys

import typer

from ess_nlp.errors import EssNlpError

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


def main() -> None:
    """Entry point of the ``ess-nlp`` script: a library error is one line on stderr, exit 1."""
    try:
        app()
    except EssNlpError as err:
        typer.echo(str(err), err=True)
        sys.exit(1)
