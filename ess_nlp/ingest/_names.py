"""Names of source files as they are recorded and shown.

The operating system may give any bytes in a path: bytes that are not UTF-8 (Python keeps
them as lone surrogates, which SQLite, JSON and terminals refuse), line breaks, control
characters, bidirectional overrides that make a name display backwards. The recorded name
writes those as visible escapes (``\\xe9``, ``\\n``, ``\\u202e``), the same way every time, so a
file keeps one identity across runs and every message about it stays on one line.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

# Bidirectional embeddings, overrides and isolates: shown as escapes, never applied.
_BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)}
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def source_name(path: str | os.PathLike[str]) -> str:
    """The name ``path`` is recorded and shown under (see the module docstring)."""
    raw = os.fsencode(Path(path))
    text = raw.decode("utf-8", "backslashreplace")
    if text.isprintable() and not _BIDI.intersection(text):
        return text
    return "".join(_escape(ch) for ch in text)


def _escape(ch: str) -> str:
    if ch in _SHORT:
        return _SHORT[ch]
    if ch in _BIDI or unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Zl", "Zp", "Co", "Cn"}:
        code = ord(ch)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return ch
