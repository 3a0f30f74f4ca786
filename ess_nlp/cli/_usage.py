"""Command-line mistakes (unknown option, missing argument, a word where a number goes) told in French.

Typer and Click word these errors in English; :func:`french_usage_error` rewrites the error Click
raises into one French sentence and the help command to run, e.g.::

    ess-nlp run corpus --workers abc
    Valeur invalide pour --workers : « abc » n'est pas un nombre entier.
    Aide : ess-nlp run --help
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from typer._click import exceptions as click_errors

# pydantic's error types (Typer coerces values through pydantic) and what the value should have been.
_EXPECTED = {
    "int_parsing": "n'est pas un nombre entier",
    "int_from_float": "n'est pas un nombre entier",
    "float_parsing": "n'est pas un nombre",
    "bool_parsing": "n'est ni oui ni non (true/false)",
    "path_not_file": "n'est pas un fichier",
    "path_not_directory": "n'est pas un dossier",
    "path_does_not_exist": "n'existe pas",
    "enum": "n'est pas une valeur possible",
    "literal_error": "n'est pas une valeur possible",
}


def _pydantic_details(err: BaseException) -> tuple[str | None, Any]:
    """The pydantic error type behind a Typer ``BadParameter`` and the value it refused."""
    cause = err.__cause__
    errors = getattr(cause, "errors", None)
    if not callable(errors):
        return None, None
    try:
        first = errors()[0]
    except (IndexError, TypeError):
        return None, None
    return first.get("type"), first.get("input")


def _option_name(err: click_errors.ClickException) -> str:
    param = getattr(err, "param", None)
    if param is not None:
        if getattr(param, "param_type_name", "") == "argument":
            return str(param.name).upper()
        return " / ".join(param.opts) or str(param.name)
    return str(getattr(err, "option_name", "") or "")


def _bad_parameter(err: click_errors.BadParameter) -> str:
    name = _option_name(err)
    kind, value = _pydantic_details(err)
    if kind in _EXPECTED and value is not None:
        return f"Valeur invalide pour {name} : « {value} » {_EXPECTED[kind]}."
    return f"Valeur invalide pour {name}."


def _missing(err: click_errors.MissingParameter) -> str:
    param = err.param
    if param is not None and getattr(param, "param_type_name", "") == "argument":
        return f"Argument manquant : {_option_name(err)}."
    return f"Option obligatoire manquante : {_option_name(err)}."


def _no_such_option(err: click_errors.NoSuchOption) -> str:
    sentence = f"Option inconnue : {err.option_name}."
    if err.possibilities:
        sentence += " Vouliez-vous dire " + " ou ".join(sorted(err.possibilities)) + " ?"
    return sentence


def _other_usage(err: click_errors.UsageError) -> str:
    message = err.format_message()
    command = re.match(r"No such command '(.*)'\.", message)
    if command:
        name = command.group(1)
        sentence = f"Commande inconnue : « {name} »."
        group = err.ctx.command if err.ctx is not None else None
        names = list(getattr(group, "commands", {}) or {})
        close = difflib.get_close_matches(name, names, n=1)
        if close:
            sentence += f" Vouliez-vous dire « {close[0]} » ?"
        return sentence
    option = re.match(r"Option '(.*)' requires an argument\.", message)
    if option:
        return f"L'option {option.group(1)} attend une valeur."
    extra = re.match(r"Got unexpected extra arguments? \((.*)\)", message)
    if extra:
        return f"Argument en trop : {extra.group(1)}."
    return "Ligne de commande invalide."


def french_usage_error(err: click_errors.UsageError) -> str:
    """One French sentence for a command-line mistake, then the help command to run."""
    if isinstance(err, click_errors.MissingParameter):
        sentence = _missing(err)
    elif isinstance(err, click_errors.BadParameter):
        sentence = _bad_parameter(err)
    elif isinstance(err, click_errors.NoSuchOption):
        sentence = _no_such_option(err)
    else:
        sentence = _other_usage(err)
    path = err.ctx.command_path if err.ctx is not None else "ess-nlp"
    return f"{sentence}\nAide : {path} --help"


UsageError = click_errors.UsageError
NoArgsIsHelpError = click_errors.NoArgsIsHelpError
