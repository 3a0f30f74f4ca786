"""Exceptions raised by the library for bad input.

Messages are for the people using the toolkit (French speakers): one sentence in French that
names the file (or label, or line), says what was wrong and what was expected. The CLI prints
them as they are; the app shows them with ``st.error``.
"""

from __future__ import annotations


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
