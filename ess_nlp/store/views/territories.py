"""Each cahier's territory as the app, the drafts and the exports read it: commune, département
and current région (2016 reform) with their INSEE codes.

The extract step decides it (:mod:`ess_nlp.extract.territory`: metadata first, else the places
of the text) and stores it in ``cahier_territories``. A cahier the step has not seen yet (a
database where extraction did not run) takes the territory its metadata gives, read by the same
rule, so that a former région never shows.
"""

from __future__ import annotations

import json
from typing import Any

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
    "territory",
    "commune",
    "commune_code",
    "departement",
    "departement_code",
    "region",
    "region_code",
    "territory_origin",
    "territory_evidence",
    "territory_written",
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
                ("commune", found.commune),
                ("commune_code", found.commune_code),
                ("departement", found.departement),
                ("departement_code", found.departement_code),
                ("region", found.region),
                ("region_code", found.region_code),
                ("territory_origin", found.origin),
                ("territory_evidence", found.evidence),
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
    known = frame[frame["territory"] != NOT_FILLED]
    tree = _TerritoryTree(known, who)
    for region in sorted(tree.regions, key=_filled_first):
        if region:
            options[f"region:{region!s}"] = f"{region!s} — région, {_cahiers(tree.regions[region])}"
        for dep in sorted(tree.deps_of[region], key=_filled_first):
            if dep:
                n = tree.departements[(region, dep)]
                options[f"departement:{dep!s}"] = (
                    f"{dep!s} ({tree.codes[(region, dep)]}) — département, {_cahiers(n)}"
                )
            for commune in sorted(tree.communes_of[(region, dep)], key=str):
                if commune:
                    n = tree.communes[(region, dep, commune)]
                    options[f"commune:{commune!s}"] = f"{commune!s} — commune, {_cahiers(n)}"
    unknown = frame[frame["territory"] == NOT_FILLED]
    if not unknown.empty:
        options[NOT_FILLED] = f"{NOT_FILLED} — {_cahiers(_count(unknown, who))}"
    return options


def _cahiers(n: int) -> str:
    return f"{n} cahier{'s' if n > 1 else ''}"


def _count(part: pd.DataFrame, who: str) -> int:
    return int(part[who].nunique()) if who in part.columns else len(part)


def _filled_first(value: object) -> tuple[bool, str]:
    return (not value, str(value))


class _TerritoryTree:
    """Cahiers per région, département and commune of ``known``, counted in one vectorised pass
    per level (a 9,000-cahier corpus has thousands of communes), with each level's children."""

    def __init__(self, known: pd.DataFrame, who: str) -> None:
        self.regions = {k[0]: n for k, n in self._counts(known, who, ["region"]).items()}
        self.departements = self._counts(known, who, ["region", "departement"])
        self.communes = self._counts(known, who, ["region", "departement", "commune"])
        firsts = known.drop_duplicates(["region", "departement"])
        self.codes = dict(
            zip(
                zip(firsts["region"], firsts["departement"], strict=True),
                firsts["departement_code"],
                strict=True,
            )
        )
        self.deps_of: dict[Any, list[Any]] = {}
        for region, dep in self.departements:
            self.deps_of.setdefault(region, []).append(dep)
        self.communes_of: dict[tuple[Any, ...], list[Any]] = {}
        for region, dep, commune in self.communes:
            self.communes_of.setdefault((region, dep), []).append(commune)

    @staticmethod
    def _counts(part: pd.DataFrame, who: str, keys: list[str]) -> dict[tuple[Any, ...], int]:
        groups = part.groupby(keys, sort=False)
        sizes = groups[who].nunique() if who in part.columns else groups.size()
        return {(k if isinstance(k, tuple) else (k,)): int(v) for k, v in sizes.items()}
