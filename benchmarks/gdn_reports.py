"""Grand Débat meeting reports (``../shared/data/gdn-reunions-locales``) as plain-text cahiers,
shared by the benchmarks that build databases or folders from them."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ESS_NLP_SHARED_DATA", ROOT.parent / "shared" / "data"))
GDN_CSV = SHARED / "gdn-reunions-locales" / "gdn_reunions_locales.csv"


def gdn_text(row: dict[str, str]) -> str:
    """One meeting report as the plain text a cahier would be: title, fields, two sections."""
    lines = [row["title"].strip() or f"Réunion {row['contribution_id']}", ""]
    for label, key in (("Commune", "ville"), ("Département", "departement"), ("Région", "region")):
        if row.get(key, "").strip():
            lines += [f"{label} : {row[key].strip()}", ""]
    lines += ["Constats", "", row["constats"].strip() or "(non renseigné)", ""]
    lines += ["Propositions", "", row["propositions"].strip() or "(non renseigné)", ""]
    return "\n".join(lines)


def iter_gdn(limit: int | None = None) -> Iterator[dict[str, str]]:
    """The reports' CSV rows, in file order (the first ``limit`` when given)."""
    csv.field_size_limit(1 << 24)
    with GDN_CSV.open(encoding="utf-8", newline="") as handle:
        for i, row in enumerate(csv.DictReader(handle)):
            if limit is not None and i >= limit:
                return
            yield row
