"""Table downloads from the app: CSV for French spreadsheet software."""

from __future__ import annotations

import pandas as pd

from ess_nlp.export.tables import neutralise


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, ``;`` separators, formula-like cells neutralised (the same
    rule as the synthesis exports)."""
    safe = frame.map(neutralise) if not frame.empty else frame
    return safe.to_csv(sep=";", index=False).encode("utf-8-sig")
