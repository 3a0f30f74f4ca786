"""Exceptions raised by the library for bad input.

Messages are for the people using the toolkit (French speakers): one sentence in French that
names the file (or label, or line), says what was wrong and what was expected. The CLI prints
them as they are; the app shows them with ``st.error``.

Errors of the operating system and of SQLite (disk full, no permission, read-only disk) become
a :class:`StorageError` with a French sentence through :func:`system_error`: the store does so
for its transactions, the pipeline for each file and step, the command line for the rest.
"""

from __future__ import annotations

import errno


class EssNlpError(Exception):
    """Base class of every error the library raises on purpose."""


class IngestError(EssNlpError, ValueError):
    """A source file could not be read. ``str(err)`` names the file and the reason."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source} : {reason}")


class ConfigError(EssNlpError, ValueError):
    """A configuration or data file (taxonomy, column mapping, training data) is invalid."""


class ModelError(EssNlpError, ValueError):
    """A model folder is missing, incomplete or incompatible with what was asked."""


class StorageError(EssNlpError):
    """The operating system or SQLite refused to write or read (disk full, no permission,
    read-only file system, input/output error). ``str(err)`` names the file or the step and the
    reason in French; the database keeps what earlier transactions saved."""


# Operating-system error numbers people meet, with the French reason and what to do.
_ERRNO_REASONS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("disque plein", "libérez de la place sur le disque puis relancez"),
    errno.EDQUOT: ("quota de disque dépassé", "libérez de la place ou demandez un quota plus grand, puis relancez"),
    errno.EFBIG: ("fichier trop grand pour le système de fichiers", "écrivez-le sur un autre disque"),
    errno.EACCES: ("droits insuffisants", "vérifiez les droits sur le fichier et son dossier"),
    errno.EPERM: ("opération non permise", "vérifiez les droits sur le fichier et son dossier"),
    errno.EROFS: ("système de fichiers en lecture seule", "écrivez sur un disque accessible en écriture"),
    errno.EIO: ("erreur d'entrée-sortie du disque", "vérifiez le disque (il est peut-être défectueux ou débranché)"),
    errno.ENOENT: ("fichier ou dossier introuvable", "vérifiez le chemin"),
    errno.ENOTDIR: ("un élément du chemin n'est pas un dossier", "vérifiez le chemin"),
    errno.ELOOP: ("lien symbolique qui tourne en boucle", "corrigez ou retirez le lien"),
    errno.EISDIR: ("c'est un dossier", "indiquez un fichier"),
    errno.ENAMETOOLONG: ("nom trop long", "choisissez un chemin plus court"),
    errno.EMFILE: ("trop de fichiers ouverts", "relancez la commande"),
    errno.ENOMEM: ("mémoire insuffisante", "fermez d'autres programmes puis relancez"),
}
# SQLite's messages (sqlite3.OperationalError and DatabaseError) for the same causes.
_SQLITE_REASONS: tuple[tuple[str, tuple[str, str]], ...] = (
    ("database or disk is full", _ERRNO_REASONS[errno.ENOSPC]),
    ("readonly database", ("base en lecture seule", "vérifiez les droits sur la base et son dossier, ou le disque")),
    ("disk i/o error", _ERRNO_REASONS[errno.EIO]),
    ("unable to open database file", ("la base ne peut pas être ouverte", "vérifiez son chemin et les droits sur son dossier")),
    ("database disk image is malformed", ("fichier de base endommagé", "restaurez une sauvegarde (« ess-nlp backup »)")),
    ("file is not a database", ("ce n'est pas une base SQLite", "vérifiez le chemin de la base")),
    ("out of memory", _ERRNO_REASONS[errno.ENOMEM]),
)


def system_reason(err: BaseException) -> tuple[str, str] | None:
    """``(reason, what to do)`` in French for an operating-system or SQLite error, ``None`` for
    any other exception (a bug, which keeps its traceback)."""
    import sqlite3

    if isinstance(err, StorageError):
        return None
    if isinstance(err, OSError):
        found = _ERRNO_REASONS.get(err.errno or 0)
        if found is not None:
            return found
        name = errno.errorcode.get(err.errno or 0)
        return (f"erreur du système ({name})" if name else "erreur du système", "vérifiez le disque et relancez")
    if isinstance(err, sqlite3.DatabaseError) and not isinstance(err, sqlite3.IntegrityError | sqlite3.ProgrammingError):
        text = str(err).lower()
        for pattern, found in _SQLITE_REASONS:
            if pattern in text:
                return found
    return None


def reason_text(err: BaseException) -> str:
    """The French reason (and what to do) of an OS or SQLite error, else ``str(err)``."""
    found = system_reason(err)
    return f"{found[0]} ; {found[1]}" if found else str(err)


def system_error(err: BaseException, where: str, *, kept: str = "") -> StorageError | None:
    """The :class:`StorageError` to raise or print for ``err`` (see :func:`system_reason`), as one
    sentence: ``where`` (a file, a step) first, the reason, what to do, then ``kept`` (e.g. that
    the database is intact); ``None`` when ``err`` is not an operating-system or SQLite error.
    An error that is already a StorageError is returned as it is."""
    if isinstance(err, StorageError):
        return err
    found = system_reason(err)
    if found is None:
        return None
    reason, advice = found
    filename = getattr(err, "filename", None)
    if filename and str(filename) not in where:
        where = f"{where} ({filename})" if where else str(filename)
    tail = f" ; {kept}" if kept else ""
    return StorageError(f"{where} : {reason} ; {advice}{tail}.")
