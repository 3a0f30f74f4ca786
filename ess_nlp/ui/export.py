"""Table downloads from the app: CSV for French spreadsheet software."""

from __future__ import annotations

import pandas as pd

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A cell a spreadsheet would run as a formula (``=HYPERLINK(…)``) gets a leading quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, ``;`` separators, formula-like cells neutralised."""
    safe = frame.map(neutralise) if not frame.empty else frame
    return safe.to_csv(sep=";", index=False).encode("utf-8-sig")
