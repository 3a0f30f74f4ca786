"""Every setting the package reads from the environment, in one frozen object.

:func:`settings` reads the ``ESS_NLP_*`` variables each time it is called (nothing is read at
import), so a test or a notebook that sets one sees it on the next call. Each field says which
variable sets it and what it is when the variable is absent:

===========================  =====================================================================
variable                     meaning
===========================  =====================================================================
``ESS_NLP_DB``               the SQLite database (``var/ess_nlp.sqlite3``)
``ESS_NLP_MODELS``           where shipped and trained models live (the project's ``models/``)
``ESS_NLP_KIND_MODEL``       the sentence-kind model folder (``none``: cue rules only)
``ESS_NLP_TAXONOMY``         a taxonomy YAML file the app shows (the package's default taxonomy)
``ESS_NLP_LIMITS``           reading limits, e.g. ``max_seconds=120,max_file_bytes=200MB``
``ESS_NLP_APP_MAX_MB``       largest file the app's import page accepts, in Mo (50)
``ESS_NLP_APP_MAX_PAGES``    most pages of a PDF the app's import page reads (1000)
``ESS_NLP_USERS``            the users file of the served app (``var/users.toml``)
``ESS_NLP_SECRETS``          Streamlit's secrets file (``.streamlit/secrets.toml``)
``ESS_NLP_LOGIN``            ``1`` asks for a login even on this machine
``ESS_NLP_PDF_FONT``         a TrueType font for PDF exports (``ESS_NLP_PDF_FONT_BOLD``: its bold)
``ESS_NLP_EXPORT_TEMPLATE``  the organisation's export template (``var/export_template.toml``)
``ESS_NLP_GROUPING``         how proposals are grouped across cahiers: ``lexical``, ``semantic``,
                             ``core`` or ``sentence`` (the package's default method, ``core``)
===========================  =====================================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ess_nlp.errors import ConfigError

__all__ = ["DEFAULT_DB", "DEFAULT_EXPORT_TEMPLATE", "GROUPING_METHODS", "Settings", "resolve_db", "settings"]

DEFAULT_DB = Path("var/ess_nlp.sqlite3")
DEFAULT_USERS = Path("var/users.toml")
DEFAULT_SECRETS = Path(".streamlit/secrets.toml")
DEFAULT_EXPORT_TEMPLATE = Path("var/export_template.toml")
PROJECT_MODELS = Path(__file__).resolve().parents[1] / "models"
#: The grouping methods ``ESS_NLP_GROUPING`` may name (``ess_nlp.extract.duplicates.Method``).
GROUPING_METHODS = ("lexical", "semantic", "core", "sentence")


@dataclass(frozen=True)
class Settings:
    """The package's settings (see the module docstring for the variables behind them)."""

    db_path: Path = DEFAULT_DB
    models_dir: Path = PROJECT_MODELS
    kind_model: str = ""
    taxonomy: Path | None = None
    limits: str = ""
    app_max_mb: int = 50
    app_max_pages: int = 1000
    users_path: Path = DEFAULT_USERS
    secrets_path: Path = DEFAULT_SECRETS
    login_forced: bool = False
    pdf_font: Path | None = None
    pdf_font_bold: Path | None = None
    export_template: Path | None = None
    """Set only by the variable; :func:`ess_nlp.export.template.load_template` falls back on
    ``DEFAULT_EXPORT_TEMPLATE`` (used when it exists)."""
    grouping: str = ""
    """A method of :data:`GROUPING_METHODS`; empty: the package's default
    (:func:`ess_nlp.extract.step.grouping_method`)."""


def _positive_int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value <= 0:
        raise ConfigError(f"Variable {name} invalide : un nombre entier positif est attendu, reçu « {raw} ».")
    return value


def _choice(environ: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    raw = environ.get(name, "").strip()
    if raw and raw not in choices:
        raise ConfigError(
            f"Variable {name} invalide : une de ces valeurs est attendue : {', '.join(choices)} ; reçu « {raw} »."
        )
    return raw


def _path(environ: Mapping[str, str], name: str) -> Path | None:
    raw = environ.get(name, "").strip()
    return Path(raw) if raw else None


def settings(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings as the environment (``os.environ`` unless given) says now."""
    env = os.environ if environ is None else environ
    return Settings(
        db_path=_path(env, "ESS_NLP_DB") or DEFAULT_DB,
        models_dir=_path(env, "ESS_NLP_MODELS") or PROJECT_MODELS,
        kind_model=env.get("ESS_NLP_KIND_MODEL", "").strip(),
        taxonomy=_path(env, "ESS_NLP_TAXONOMY"),
        limits=env.get("ESS_NLP_LIMITS", ""),
        app_max_mb=_positive_int(env, "ESS_NLP_APP_MAX_MB", 50),
        app_max_pages=_positive_int(env, "ESS_NLP_APP_MAX_PAGES", 1000),
        users_path=_path(env, "ESS_NLP_USERS") or DEFAULT_USERS,
        secrets_path=_path(env, "ESS_NLP_SECRETS") or DEFAULT_SECRETS,
        login_forced=env.get("ESS_NLP_LOGIN", "") == "1",
        pdf_font=_path(env, "ESS_NLP_PDF_FONT"),
        pdf_font_bold=_path(env, "ESS_NLP_PDF_FONT_BOLD"),
        export_template=_path(env, "ESS_NLP_EXPORT_TEMPLATE"),
        grouping=_choice(env, "ESS_NLP_GROUPING", GROUPING_METHODS),
    )


def resolve_db(db: str | Path | None = None) -> Path:
    """The database a command or page works on: ``db`` when given, else ``$ESS_NLP_DB``, else
    ``var/ess_nlp.sqlite3``."""
    return Path(db) if db is not None else settings().db_path
