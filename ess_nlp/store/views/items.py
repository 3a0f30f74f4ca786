"""Proposals, findings and initiative cards as tables: the extraction's items when the step ran,
else the sentences of the sections of the matching kind; and the names a cahier's cards carry."""

from __future__ import annotations

import json
import re

import pandas as pd

from ess_nlp.store import Store
from ess_nlp.store.views.corpus import extraction_available, query_frame
from ess_nlp.store.views.territories import territories_frame
from ess_nlp.text import fold

__all__ = [
    "KIND_NAMES",
    "SECTION_KIND_NAMES",
    "SECTION_TO_ITEM",
    "cahier_names",
    "find_names",
    "initiatives_table",
    "items_frame",
    "passage_context",
    "proposals_table",
]


KIND_NAMES: dict[str, str] = {
    "proposal": "Proposition",
    "constat": "Constat",
    "initiative": "Initiative",
}


SECTION_KIND_NAMES: dict[str, str] = {
    "constat": "Constats",
    "proposition": "Propositions",
    "initiative": "Initiative",
    "contexte": "Contexte",
    "autre": "Autre",
}


SECTION_TO_ITEM = {"proposition": "proposal", "constat": "constat", "initiative": "initiative"}


def items_frame(store: Store, kind: str, *, cahier: str | None = None) -> pd.DataFrame:
    """Proposals, constats or initiatives: ``id, kind, cahier, unit, source, start, end, text, number``.

    From the extraction tables when stored; otherwise the sentences of the sections of the
    matching kind (a "Nos propositions" section gives proposals), marked ``cue = "section"``.
    """
    conn = store.conn
    table = {"proposal": "proposals", "constat": "constats", "initiative": "initiatives"}[kind]
    if extraction_available(store):
        number = "t.number" if kind == "proposal" else "NULL AS number"
        where, params = "", []
        if cahier is not None:
            where = " WHERE t.cahier_id = ?"
            params.append(cahier)
        return query_frame(
            conn,
            f"SELECT t.id, '{kind}' AS kind, t.cahier_id AS cahier, t.unit_id AS unit, s.path AS source,"
            f" t.start, t.end, t.text, {number}, 'extraction' AS cue"
            f" FROM {table} t JOIN units u ON u.id = t.unit_id JOIN sources s ON s.id = u.source_id{where}"
            " ORDER BY s.path, t.start",
            params,
        )
    section_kind = {v: k for k, v in SECTION_TO_ITEM.items()}[kind]
    level = "paragraph" if kind == "initiative" else "sentence"
    where = "u.level = ? AND u.kind = ?"
    params = [level, section_kind]
    if cahier is not None:
        where += " AND u.cahier_id = ?"
        params.append(cahier)
    frame = query_frame(
        conn,
        f"SELECT u.id, '{kind}' AS kind, u.cahier_id AS cahier, u.id AS unit, s.path AS source,"
        " u.start, u.end, u.text, p.number, 'section' AS cue"
        " FROM units u JOIN sources s ON s.id = u.source_id LEFT JOIN units p ON p.id = u.parent_id"
        f" WHERE {where} ORDER BY s.path, u.ord",
        params,
    )
    if kind == "proposal" and not frame.empty:
        # An introduction line ("Nous proposons :") is not a proposal.
        frame = frame[~frame["text"].str.rstrip().str.endswith(":") | frame["number"].notna()]
        frame = frame.reset_index(drop=True)
    return frame


def proposals_table(store: Store) -> pd.DataFrame:
    """Every proposal with its cahier and near-duplicate group: ``id, text, number, cahier,
    cahier_title, organisation, territory, source, unit, group_id, group_label, group_cahiers``, and
    the cahier's territory columns (:data:`~ess_nlp.store.views.territories.TERRITORY_COLUMNS`)."""
    base = items_frame(store, "proposal")
    conn = store.conn
    if not base.empty:
        groups = query_frame(
            conn,
            "SELECT m.proposal_id AS id, g.id AS group_id, g.label AS group_label, g.cahiers AS group_cahiers"
            " FROM duplicate_members m JOIN duplicate_groups g ON g.id = m.group_id",
        )
        base = base.merge(groups, on="id", how="left")
    else:
        for column in ("group_id", "group_label", "group_cahiers"):
            base[column] = pd.NA
    base["group_cahiers"] = base["group_cahiers"].fillna(1).astype(int)
    base["folded"] = [fold(t) for t in base["text"]]  # for accent-insensitive filtering
    return _with_cahier_columns(store, base)


def _with_cahier_columns(store: Store, frame: pd.DataFrame) -> pd.DataFrame:
    info = query_frame(
        store.conn,
        "SELECT id AS cahier, coalesce(title, '') AS cahier_title,"
        " coalesce(json_extract(metadata, '$.organisation'), '') AS organisation"
        " FROM units WHERE level = 'cahier'",
    )
    info = info.merge(territories_frame(store), on="cahier", how="left")
    return frame.merge(info, on="cahier", how="left")


def initiatives_table(store: Store) -> pd.DataFrame:
    """Every initiative card: ``id, name, what, since, organisations, partners, legal_forms,
    places, urls, figures`` (lists as "; "-joined text), with the cahier columns."""
    conn = store.conn
    if extraction_available(store):
        frame = query_frame(
            conn,
            "SELECT i.id, i.cahier_id AS cahier, i.unit_id AS unit, s.path AS source, i.start, i.end,"
            " coalesce(i.name, '') AS name, coalesce(i.what, '') AS what, coalesce(i.since, '') AS since,"
            " i.organisations, i.partners, i.legal_forms, i.places, i.urls, i.figures, i.text"
            " FROM initiatives i JOIN units u ON u.id = i.unit_id JOIN sources s ON s.id = u.source_id"
            " ORDER BY s.path, i.start",
        )
        for column in ("organisations", "partners", "legal_forms", "urls"):
            frame[column] = ["; ".join(str(x) for x in json.loads(v or "[]")) for v in frame[column]]
        frame["places"] = [
            "; ".join(
                p.get("name", "") + (f" ({p['code']})" if p.get("code") else "")
                for p in json.loads(v or "[]")
            )
            for v in frame["places"]
        ]
        frame["figures"] = [
            "; ".join(f.get("text", "") for f in json.loads(v or "[]")) for v in frame["figures"]
        ]
    else:
        frame = items_frame(store, "initiative")
        for column in (
            "name",
            "what",
            "since",
            "organisations",
            "partners",
            "legal_forms",
            "places",
            "urls",
            "figures",
        ):
            frame[column] = ""
    frame["folded"] = [
        fold(f"{n} {o} {t}")
        for n, o, t in zip(frame["name"], frame["organisations"], frame["text"], strict=True)
    ]
    return _with_cahier_columns(store, frame)


def passage_context(store: Store, unit_id: str) -> tuple[str, str, str]:
    """The paragraph holding ``unit_id`` split around the unit: ``(before, unit, after)``."""
    unit = store.unit(unit_id)
    if unit is None:
        return "", "", ""
    holder = unit
    if unit.level == "sentence" and unit.parent:
        holder = store.unit(unit.parent) or unit
    a, b = unit.start - holder.start, unit.end - holder.start
    return holder.text[:a], holder.text[a:b], holder.text[b:]


def cahier_names(store: Store, cahier: str) -> list[tuple[str, str]]:
    """``(name, "ORG" | "LOC")`` of the organisations, partners and places the extraction found
    in a cahier's initiative cards (to mark them in the text)."""
    if not extraction_available(store):
        return []
    names: dict[str, str] = {}
    for orgs, partners, places in store.conn.execute(
        "SELECT organisations, partners, places FROM initiatives WHERE cahier_id = ?", (cahier,)
    ):
        for name in json.loads(orgs or "[]") + json.loads(partners or "[]"):
            names.setdefault(str(name), "ORG")
        for place in json.loads(places or "[]"):
            if place.get("name"):
                names.setdefault(str(place["name"]), "LOC")
    return sorted(names.items(), key=lambda kv: -len(kv[0]))


def find_names(text: str, names: list[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """Every whole-word occurrence of each name in ``text``, longest names first, no overlaps."""
    taken: list[tuple[int, int]] = []
    found = []
    for name, label in names:
        if len(name) < 3:
            continue
        for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            a, b = match.span()
            if any(a < e and s < b for s, e in taken):
                continue
            taken.append((a, b))
            found.append((a, b, label))
    return found

