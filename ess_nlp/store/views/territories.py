"""Each cahier's territory as the app, the drafts and the exports read it: commune, département
and current région (2016 reform) with their INSEE codes.

The extract step decides it (:mod:`ess_nlp.extract.territory`: metadata first, else the places
of the text) and stores it in ``cahier_territories``. A cahier the step has not seen yet (a
database where extraction did not run) takes the territory its metadata gives, read by the same
rule, so that a former région never shows.
"""

from __future__ import annotations

import json

import pandas as pd

from ess_nlp.records import NOT_FILLED
from ess_nlp.store import Store

__all__ = [
    "LEVELS",
    "NOT_FILLED",
    "TERRITORY_COLUMNS",
    "filter_territories",
    "territories_frame",
    "territory_options",
]

TERRITORY_COLUMNS = (
    "territory", "commune", "commune_code", "departement", "departement_code", "region", "region_code",
    "territory_origin", "territory_evidence", "territory_written",
)
"""Columns :func:`territories_frame` adds to a cahier (``territory``: "Commune, Département,
Région" or "(non renseigné)"; ``territory_written``: the metadata as written)."""

LEVELS: dict[str, str] = {"region": "Région", "departement": "Département", "commune": "Commune"}
"""The levels a territory is shown and filtered at, with their French names."""


def territories_frame(store: Store) -> pd.DataFrame:
    """One row per cahier: ``cahier`` and :data:`TERRITORY_COLUMNS`; "" for what is unknown
    (``territory`` is then "(non renseigné)")."""
    frame = pd.read_sql_query(
        "SELECT u.id AS cahier, u.metadata, t.commune, t.commune_code, t.departement, t.departement_code,"
        " t.region, t.region_code, t.origin AS territory_origin, t.evidence AS territory_evidence"
        " FROM units u LEFT JOIN cahier_territories t ON t.cahier_id = u.id WHERE u.level = 'cahier'",
        store.conn,
    )
    metadata = [json.loads(m or "{}") for m in frame.pop("metadata")]
    missing = frame["territory_origin"].isna()
    if missing.any():
        from ess_nlp.extract.territory import decide  # loads the place tables: only when needed

        for i in frame.index[missing]:
            found = decide(metadata[i], [])
            for column, value in (
                ("commune", found.commune), ("commune_code", found.commune_code),
                ("departement", found.departement), ("departement_code", found.departement_code),
                ("region", found.region), ("region_code", found.region_code),
                ("territory_origin", found.origin), ("territory_evidence", found.evidence),
            ):
                frame.at[i, column] = value
    for column in TERRITORY_COLUMNS[1:-1]:
        frame[column] = frame[column].fillna("").astype(str)
    frame["territory"] = [
        ", ".join(x for x in parts if x) or NOT_FILLED
        for parts in zip(frame["commune"], frame["departement"], frame["region"], strict=True)
    ]
    frame["territory_written"] = [_written(m) for m in metadata]
    return frame[["cahier", *TERRITORY_COLUMNS]]


def _written(metadata: dict[str, object]) -> str:
    value = metadata.get("territory") or ", ".join(
        str(metadata[k]) for k in ("Commune", "Département", "Région") if metadata.get(k)
    )
    return str(value or "")


def filter_territories(frame: pd.DataFrame, chosen: list[str]) -> pd.DataFrame:
    """The rows of ``frame`` (with :data:`TERRITORY_COLUMNS`) in any of the ``chosen``
    territories, each ``"<level>:<value>"`` (``"region:Bretagne"``, ``"departement:Rhône"``,
    ``"commune:Lille"``) or "(non renseigné)"; nothing chosen keeps every row."""
    if not chosen or frame.empty:
        return frame
    keep = pd.Series(False, index=frame.index)
    for choice in chosen:
        if choice == NOT_FILLED:
            keep |= frame["territory"] == NOT_FILLED
            continue
        level, _, value = choice.partition(":")
        if level in LEVELS and value:
            keep |= frame[level] == value
    return frame[keep]


def territory_options(frame: pd.DataFrame) -> dict[str, str]:
    """The territories a filter offers over ``frame`` (with :data:`TERRITORY_COLUMNS`, and ``cahier``
    or ``id`` for the cahier), as ``{value for filter_territories: French label}``: each région,
    then its départements and communes, each with its number of cahiers, then "(non renseigné)"
    when some cahier has no territory."""
    options: dict[str, str] = {}
    if frame.empty:
        return options
    who = "cahier" if "cahier" in frame.columns else "id"

    def count(part: pd.DataFrame) -> str:
        n = part[who].nunique() if who in part.columns else len(part)
        return f"{n} cahier{'s' if n > 1 else ''}"

    known = frame[frame["territory"] != NOT_FILLED]
    for region, part in sorted(known.groupby("region"), key=lambda kv: (not kv[0], str(kv[0]))):
        if region:
            options[f"region:{region!s}"] = f"{region!s} — région, {count(part)}"
        for dep, dep_part in sorted(part.groupby("departement"), key=lambda kv: (not kv[0], str(kv[0]))):
            if dep:
                code = dep_part["departement_code"].iloc[0]
                options[f"departement:{dep!s}"] = f"{dep!s} ({code}) — département, {count(dep_part)}"
            for commune, commune_part in sorted(dep_part.groupby("commune"), key=lambda kv: str(kv[0])):
                if commune:
                    options[f"commune:{commune!s}"] = f"{commune!s} — commune, {count(commune_part)}"
    unknown = frame[frame["territory"] == NOT_FILLED]
    if not unknown.empty:
        options[NOT_FILLED] = f"{NOT_FILLED} — {count(unknown)}"
    return options
