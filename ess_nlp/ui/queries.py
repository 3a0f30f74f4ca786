"""Read-only queries the app's pages need, as plain functions over a ``Store`` (no streamlit).

Each function takes an open :class:`~ess_nlp.store.Store` and returns pandas frames or small
records, so ``data.py`` can cache them and a benchmark or a notebook can call them directly.
Where a later step (classification, extraction, topics) owns the data, the query goes through
that step's tables or library functions when they exist and falls back to what the core tables
give (section kinds, cahier metadata) otherwise; the ``*_available`` functions tell the pages
which case they are in so they can say so in French.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from ess_nlp.store import QueryError, Store, fts_query, views

# --- labels (the taxonomy's names; the classification package owns them when present) ---------

DOMAIN_NAMES: dict[str, str] = {
    "consommer": "Consommer",
    "cooperer": "Coopérer",
    "creer": "Créer",
    "democratiser": "Démocratiser",
    "financer": "Financer",
    "se_former": "Se former",
    "se_loger": "Se loger",
    "soigner": "Soigner",
    "travailler": "Travailler",
}
THEME_NAMES: dict[str, str] = {
    "T1": "T1 Collaboration et mutualisation",
    "T2": "T2 Triptyque État, privé, ESS",
    "T3": "T3 Coopérations territoriales (PTCE)",
    "T4": "T4 Comportement des banques",
    "T5": "T5 Finance alternative",
    "T6": "T6 Système financier pour l'ESS",
    "T7": "T7 Mesures et indicateurs",
    "T8": "T8 Loi-cadre et politique publique",
    "T9": "T9 Visibilité européenne",
    "T10": "T10 Innovation sociale",
    "T11": "T11 Circuits courts",
    "T12": "T12 Prévention, accompagnement, formation",
}
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
# The unit kind given by the section a passage sits in, as an extraction kind.
SECTION_TO_ITEM = {"proposition": "proposal", "constat": "constat", "initiative": "initiative"}


def taxonomy_path() -> str | None:
    """The label set the app shows: ``$ESS_NLP_TAXONOMY`` (a taxonomy YAML file, e.g. for
    another consultation), or None for the package's default taxonomy."""
    import os

    return os.environ.get("ESS_NLP_TAXONOMY") or None


@functools.lru_cache(maxsize=4)
def _load_taxonomy(path: str | None, stamp: float) -> tuple[object | None, str | None]:
    from ess_nlp.errors import EssNlpError
    from ess_nlp.taxonomy import load_taxonomy

    try:
        return load_taxonomy(path), None
    except EssNlpError as err:
        return None, str(err)


def app_taxonomy() -> tuple[object | None, str | None]:
    """``(taxonomy, None)``, or ``(None, the French reason)`` when the file cannot be used."""
    import os

    path = taxonomy_path()
    try:
        stamp = os.stat(path).st_mtime if path else 0.0
    except OSError:
        stamp = -1.0
    return _load_taxonomy(path, stamp)


def label_names(facet: str) -> dict[str, str]:
    """Display names of a facet's labels (``domains``/``themes``) from the app's taxonomy
    (:func:`app_taxonomy`), or the built-in names when it cannot be read; a facet the
    taxonomy lacks has no names."""
    taxonomy, _problem = app_taxonomy()
    if taxonomy is None:
        return dict(DOMAIN_NAMES if facet == "domains" else THEME_NAMES if facet == "themes" else {})
    try:
        labels = taxonomy.facet(facet).labels  # type: ignore[attr-defined]
    except KeyError:
        return {}
    if facet == "themes":
        return {label.id: f"{label.id} {label.display_name}" for label in labels}
    return {label.id: label.display_name for label in labels}


def names_with_unknown(names: dict[str, str], found: Iterable[str]) -> tuple[dict[str, str], list[str]]:
    """``names`` plus the labels found in the database that the taxonomy lacks (shown as
    « id (hors taxonomie) »), and the list of those labels."""
    unknown = sorted({str(x) for x in found} - set(names))
    return {**names, **{u: f"{u} (hors taxonomie)" for u in unknown}}, unknown


# --- helpers --------------------------------------------------------------------------------


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?", (name,))
    return row.fetchone() is not None


def table_columns(conn: sqlite3.Connection, name: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({name})")}


def _frame(conn: sqlite3.Connection, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
    cursor = conn.execute(sql, params)
    columns = [d[0] for d in cursor.description]
    return pd.DataFrame([tuple(r) for r in cursor.fetchall()], columns=columns)


# --- corpus ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CorpusSize:
    sources: int
    cahiers: int
    sections: int
    paragraphs: int
    sentences: int

    @property
    def empty(self) -> bool:
        return self.cahiers == 0


def corpus_size(store: Store) -> CorpusSize:
    counts = store.count_units()
    sources = store.conn.execute("SELECT count(*) FROM sources").fetchone()[0]
    return CorpusSize(
        sources=int(sources),
        cahiers=counts.get("cahier", 0),
        sections=counts.get("section", 0),
        paragraphs=counts.get("paragraph", 0),
        sentences=counts.get("sentence", 0),
    )


def sources_frame(store: Store) -> pd.DataFrame:
    """One row per stored file: path, format, size, cahiers, date.

    (Not ``Store.sources()``: its per-source count runs in quadratic time on large databases,
    the planner searching the ``level`` index for each source.)
    """
    frame = _frame(
        store.conn,
        'SELECT id, path AS fichier, format, size AS taille, ingested_at AS "ingéré le" FROM sources ORDER BY path',
    )
    counts = _frame(
        store.conn,
        "SELECT source_id AS id, count(*) AS cahiers FROM units WHERE level = 'cahier' GROUP BY source_id",
    )
    frame = frame.merge(counts, on="id", how="left")
    frame["cahiers"] = frame["cahiers"].fillna(0).astype(int)
    return frame[["fichier", "format", "taille", "cahiers", "ingéré le"]]


def cahiers_frame(store: Store) -> pd.DataFrame:
    """One row per cahier: id, title, source, format, page, organisation, legal form, territory,
    the domain written in the cahier (form field), sections, sentences, words."""
    frame = _frame(
        store.conn,
        "SELECT u.id, coalesce(u.title, '') AS title, s.path AS source, s.format, u.page,"
        " coalesce(json_extract(u.metadata, '$.organisation'), '') AS organisation,"
        " coalesce(json_extract(u.metadata, '$.legal_form'), '') AS legal_form,"
        " coalesce(json_extract(u.metadata, '$.territory'), '') AS territory,"
        " coalesce(json_extract(u.metadata, '$.domain'), '') AS domain_field,"
        " coalesce(json_extract(u.metadata, '$.Commune'), '') AS commune,"
        " coalesce(json_extract(u.metadata, '$.\"Département\"'), '') AS departement,"
        " coalesce(json_extract(u.metadata, '$.\"Région\"'), '') AS region,"
        " u.end - u.start AS chars"
        " FROM units u JOIN sources s ON s.id = u.source_id"
        " WHERE u.level = 'cahier' ORDER BY s.path, u.ord",
    )
    counts = _frame(
        store.conn,
        "SELECT cahier_id AS id, sum(level = 'section') AS sections, sum(level = 'sentence') AS sentences"
        " FROM units WHERE level IN ('section', 'sentence') GROUP BY cahier_id",
    )
    frame = frame.merge(counts, on="id", how="left")
    for column in ("sections", "sentences"):
        frame[column] = frame[column].fillna(0).astype(int)
    frame["title"] = [t or f"(sans titre) {i}" for t, i in zip(frame["title"], frame["id"], strict=True)]
    # "Commune, Département, Région" written in one field fills the missing levels.
    for i, territory in enumerate(frame["territory"]):
        parts = [p.strip() for p in str(territory).split(",")]
        if len(parts) == 3:
            for column, value in zip(("commune", "departement", "region"), parts, strict=True):
                if not frame.at[i, column]:
                    frame.at[i, column] = value
    _fill_places_from_initiatives(store, frame)
    return frame


def _fill_places_from_initiatives(store: Store, frame: pd.DataFrame) -> None:
    """Cahiers that name no territory in a form field take the first place of each level named
    in their initiative cards (extraction)."""
    if not extraction_available(store) or frame.empty:
        return
    missing = frame["territory"] == ""
    if not missing.any():
        return
    found: dict[str, dict[str, str]] = {}
    for cahier, places in store.conn.execute("SELECT cahier_id, places FROM initiatives ORDER BY start"):
        for place in json.loads(places or "[]"):
            level = {"commune": "commune", "departement": "departement", "region": "region"}.get(
                place.get("level")
            )
            if level and place.get("name"):
                found.setdefault(cahier, {}).setdefault(level, place["name"])
    for i in frame.index[missing]:
        places = found.get(frame.at[i, "id"], {})
        for column, value in places.items():
            if not frame.at[i, column]:
                frame.at[i, column] = value
        if places:
            frame.at[i, "territory"] = ", ".join(
                places[k] for k in ("commune", "departement", "region") if k in places
            )


def cahier_units(store: Store, cahier: str) -> list[object]:
    """The cahier unit then every unit below it, in source order."""
    head = store.unit(cahier)
    if head is None:
        return []
    return [head, *store.units(cahier=cahier)]


def cahier_page_range(store: Store, cahier: str) -> tuple[int | None, int | None]:
    row = store.conn.execute(
        "SELECT min(page), max(page) FROM units WHERE id = ? OR cahier_id = ?", (cahier, cahier)
    ).fetchone()
    return (row[0], row[1]) if row else (None, None)


# --- classification (domains and themes) ------------------------------------------------------


_CURRENT = "JOIN model_versions m ON m.id = p.model_id AND m.is_current = 1"
# Units of one level first, then their predictions by primary key: SQLite would otherwise walk
# every prediction of the model (all levels) and look each unit up — 100 times slower on large
# databases. CROSS JOIN fixes that order.
_LEVEL_PREDICTIONS = (
    "FROM units u CROSS JOIN predictions p ON p.unit_id = u.id"
    " AND p.model_id = (SELECT id FROM model_versions WHERE is_current = 1)"
)


def classification_available(store: Store) -> bool:
    """Whether the current classification model scored units (migration 0002)."""
    conn = store.conn
    if not has_table(conn, "predictions") or not has_table(conn, "model_versions"):
        return False
    return conn.execute(f"SELECT 1 FROM predictions p {_CURRENT} LIMIT 1").fetchone() is not None


def unit_labels(store: Store, level: str = "cahier") -> pd.DataFrame:
    """``unit, facet, label, score`` for every label kept on units of ``level``, by the one
    rule of :mod:`ess_nlp.store.views.labels` (a person's annotation replaces the model's labels;
    without a classifier, cahiers take the domain their form names)."""
    rows = views.unit_labels(store.conn, level=level)
    return pd.DataFrame(
        [(x.unit, x.facet, x.label, x.score) for x in rows], columns=["unit", "facet", "label", "score"]
    )


def unit_scores(store: Store, unit_id: str) -> pd.DataFrame:
    """Every score of the current model on one unit: ``facet, label, score, assigned, terms,
    sentences`` (``terms``: the words that carried the label; ``sentences``: ``(start, end,
    score)`` offsets into the unit's text), best first."""
    columns = ["facet", "label", "score", "assigned", "terms", "sentences"]
    if not classification_available(store):
        return pd.DataFrame(columns=columns)
    rows = []
    for facet, label, score, assigned, explanation in store.conn.execute(
        f"SELECT p.facet, p.label, p.score, p.assigned, p.explanation FROM predictions p {_CURRENT}"
        " WHERE p.unit_id = ? ORDER BY p.facet, p.score DESC",
        (unit_id,),
    ):
        terms: list[str] = []
        sentences: list[tuple[int, int, float]] = []
        if explanation:
            try:
                data = json.loads(explanation)
            except ValueError:
                data = {}
            for term in data.get("terms", []):
                word = str(term.get("term", ""))
                terms.append(f"{word} (via {term['via']})" if term.get("via") else word)
            sentences = [
                (int(x["start"]), int(x["end"]), float(x.get("score", 0))) for x in data.get("sentences", [])
            ]
        rows.append((facet, label, float(score), bool(assigned), terms, sentences))
    return pd.DataFrame(rows, columns=columns)


def current_model_info(store: Store) -> dict[str, object] | None:
    """The current classification model: name, version, kind, created_at, meta (dict)."""
    if not has_table(store.conn, "model_versions"):
        return None
    row = store.conn.execute(
        "SELECT id, name, version, kind, path, created_at, meta FROM model_versions WHERE is_current = 1"
    ).fetchone()
    if row is None:
        return None
    return {**dict(row), "meta": json.loads(row["meta"] or "{}")}


def _fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def labels_wide(labels: pd.DataFrame, facet: str) -> dict[str, list[str]]:
    """``{unit: [label, ...]}`` for one facet."""
    part = labels[labels["facet"] == facet]
    out: dict[str, list[str]] = {}
    for unit, label in zip(part["unit"], part["label"], strict=True):
        out.setdefault(unit, []).append(label)
    return out


# --- extraction (proposals, constats, initiatives) ------------------------------------------


def extraction_available(store: Store) -> bool:
    """Whether the extraction step ran on this database (migration 0003, at least one source)."""
    conn = store.conn
    if has_table(conn, "extracted_sources"):
        return conn.execute("SELECT 1 FROM extracted_sources LIMIT 1").fetchone() is not None
    return (
        has_table(conn, "proposals")
        and conn.execute("SELECT 1 FROM proposals LIMIT 1").fetchone() is not None
    )


def items_frame(store: Store, kind: str, *, cahier: str | None = None) -> pd.DataFrame:
    """Proposals, constats or initiatives: ``id, kind, cahier, unit, source, start, end, text, number``.

    From the extraction tables when stored; otherwise the sentences of the sections of the
    matching kind (a "Nos propositions" section gives proposals), marked ``cue = "section"``.
    """
    conn = store.conn
    table = {"proposal": "proposals", "constat": "constats", "initiative": "initiatives"}[kind]
    if extraction_available(store):
        columns = table_columns(conn, table)
        unit_col = "unit_id" if "unit_id" in columns else "unit"
        cahier_col = "cahier_id" if "cahier_id" in columns else "cahier"
        extra = ", t.number" if "number" in columns else ", NULL AS number"
        where, params = "", []
        if cahier is not None:
            where = f" WHERE t.{cahier_col} = ?"
            params.append(cahier)
        return _frame(
            conn,
            f"SELECT t.id, '{kind}' AS kind, t.{cahier_col} AS cahier, t.{unit_col} AS unit, s.path AS source,"
            f" t.start, t.end, t.text{extra}, 'extraction' AS cue"
            f" FROM {table} t JOIN units u ON u.id = t.{unit_col} JOIN sources s ON s.id = u.source_id{where}"
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
    frame = _frame(
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


# --- search ---------------------------------------------------------------------------------


def search_frame(store: Store, query: str, *, lemmas: str | None = None, limit: int = 500) -> pd.DataFrame:
    """Sentences matching ``query`` (accents ignored; lemmas too when given), best first:
    ``unit, cahier, source, page, kind, text, rank``."""
    hits = store.search(query, lemmas=lemmas, limit=limit)
    return pd.DataFrame(
        [
            {
                "unit": h.unit.id,
                "cahier": h.unit.cahier,
                "source": h.unit.source,
                "page": h.unit.page,
                "kind": h.unit.kind,
                "text": h.unit.text,
                "rank": h.rank,
            }
            for h in hits
        ],
        columns=["unit", "cahier", "source", "page", "kind", "text", "rank"],
    )


def query_problem(query: str) -> str | None:
    """Why ``query`` goes beyond the bounds of a search (a French sentence), or None."""
    try:
        fts_query(query)
    except QueryError as err:
        return str(err)
    return None


def valid_query(query: str) -> bool:
    """Whether ``query`` has a word to look for (and stays within the bounds of a search)."""
    return query_problem(query) is None and bool(fts_query(query))


# --- misc -------------------------------------------------------------------------------------


def unit_metadata(store: Store, unit_id: str) -> dict[str, str]:
    row = store.conn.execute("SELECT metadata FROM units WHERE id = ?", (unit_id,)).fetchone()
    return dict(json.loads(row[0])) if row else {}


# --- coverage (domain x theme) ------------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    """Cahiers and proposals per (domain, theme) cell, and the blind spots among themes."""

    cells: pd.DataFrame  # domain, theme, cahiers, proposals
    themes: pd.DataFrame  # theme, cahiers, proposals, blind_spot (reason in French or "")
    domains: pd.DataFrame  # domain, cahiers, proposals


def coverage(
    labels: pd.DataFrame,
    proposals_per_cahier: pd.Series,
    *,
    domains: Sequence[str],
    themes: Sequence[str],
    min_cahiers: int = 2,
    min_proposals: int = 5,
) -> Coverage:
    """Count cahiers (and their proposals) labelled with each domain and theme.

    A theme is a blind spot when fewer than ``min_cahiers`` cahiers or fewer than
    ``min_proposals`` proposals carry it.
    """
    by_domain = labels_wide(labels, "domains")
    by_theme = labels_wide(labels, "themes")
    cells = {(d, t): [0, 0] for d in domains for t in themes}
    domain_totals = {d: [0, 0] for d in domains}
    theme_totals = {t: [0, 0] for t in themes}
    for cahier in set(by_domain) | set(by_theme):
        n_prop = int(proposals_per_cahier.get(cahier, 0))
        for d in by_domain.get(cahier, []):
            if d in domain_totals:
                domain_totals[d][0] += 1
                domain_totals[d][1] += n_prop
        for t in by_theme.get(cahier, []):
            if t in theme_totals:
                theme_totals[t][0] += 1
                theme_totals[t][1] += n_prop
        for d in by_domain.get(cahier, []):
            for t in by_theme.get(cahier, []):
                if (d, t) in cells:
                    cells[(d, t)][0] += 1
                    cells[(d, t)][1] += n_prop
    cell_frame = pd.DataFrame(
        [(d, t, c, p) for (d, t), (c, p) in cells.items()],
        columns=["domain", "theme", "cahiers", "proposals"],
    )
    reasons = []
    for t in themes:
        c, p = theme_totals[t]
        why = []
        if c < min_cahiers:
            why.append(f"{c} cahier{'s' if c > 1 else ''}")
        if p < min_proposals:
            why.append(f"{p} proposition{'s' if p > 1 else ''}")
        reasons.append((t, c, p, " et ".join(why)))
    theme_frame = pd.DataFrame(reasons, columns=["theme", "cahiers", "proposals", "blind_spot"])
    domain_frame = pd.DataFrame(
        [(d, c, p) for d, (c, p) in domain_totals.items()], columns=["domain", "cahiers", "proposals"]
    )
    return Coverage(cells=cell_frame, themes=theme_frame, domains=domain_frame)


def cahiers_in_cell(labels: pd.DataFrame, domain: str | None, theme: str | None) -> list[str]:
    """Cahiers labelled with ``domain`` and ``theme`` (None: any)."""
    sets = []
    if domain:
        sets.append(set(labels.loc[(labels["facet"] == "domains") & (labels["label"] == domain), "unit"]))
    if theme:
        sets.append(set(labels.loc[(labels["facet"] == "themes") & (labels["label"] == theme), "unit"]))
    if not sets:
        return sorted(set(labels["unit"]))
    return sorted(set.intersection(*sets))


# --- concordance --------------------------------------------------------------------------------


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """``text`` lowercased without accents, and for each folded character its index in ``text``."""
    import unicodedata

    folded: list[str] = []
    index: list[int] = []
    for i, char in enumerate(text):
        for c in unicodedata.normalize("NFKD", char.lower()):
            if not unicodedata.combining(c):
                folded.append(c)
                index.append(i)
    return "".join(folded), index


def concordance(text: str, query: str, *, width: int = 60) -> tuple[str, str, str]:
    """``(left, keyword, right)`` around the first word of ``text`` matching a word of ``query``
    (accents and case ignored; a word sharing a long prefix counts, for lemma hits)."""
    import re

    folded, index = fold_with_map(text)
    words = [w for w in re.findall(r"\w+", fold_with_map(query)[0]) if w]
    best: tuple[int, int] | None = None
    for w in words:
        match = re.search(rf"\b{re.escape(w)}\w*", folded)
        if match is None and len(w) > 5:
            match = re.search(rf"\b{re.escape(w[: max(4, len(w) - 3)])}\w*", folded)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), match.end())
    if best is None or not index:
        return "", "", text[: 2 * width]
    start, end = index[best[0]], index[best[1] - 1] + 1
    left = text[max(0, start - width) : start]
    right = text[end : end + width]
    if start > width:
        left = "…" + left
    if end + width < len(text):
        right = right + "…"
    return left, text[start:end], right


# --- proposals and initiatives tables ------------------------------------------------------------


def proposals_table(store: Store) -> pd.DataFrame:
    """Every proposal with its cahier and near-duplicate group: ``id, text, number, cahier,
    cahier_title, organisation, territory, source, unit, group_id, group_label, group_cahiers``."""
    base = items_frame(store, "proposal")
    conn = store.conn
    if not base.empty and has_table(conn, "duplicate_members"):
        groups = _frame(
            conn,
            "SELECT m.proposal_id AS id, g.id AS group_id, g.label AS group_label, g.cahiers AS group_cahiers"
            " FROM duplicate_members m JOIN duplicate_groups g ON g.id = m.group_id",
        )
        base = base.merge(groups, on="id", how="left")
    else:
        base = base.assign(group_id=pd.NA, group_label=pd.NA, group_cahiers=pd.NA)
    base["group_cahiers"] = base["group_cahiers"].fillna(1).astype(int)
    base["folded"] = [_fold(t) for t in base["text"]]  # for accent-insensitive filtering
    return _with_cahier_columns(store, base)


def _with_cahier_columns(store: Store, frame: pd.DataFrame) -> pd.DataFrame:
    info = _frame(
        store.conn,
        "SELECT id AS cahier, coalesce(title, '') AS cahier_title,"
        " coalesce(json_extract(metadata, '$.organisation'), '') AS organisation,"
        " coalesce(json_extract(metadata, '$.territory'), '') AS territory"
        " FROM units WHERE level = 'cahier'",
    )
    return frame.merge(info, on="cahier", how="left")


def initiatives_table(store: Store) -> pd.DataFrame:
    """Every initiative card: ``id, name, what, since, organisations, partners, legal_forms,
    places, urls, figures`` (lists as "; "-joined text), with the cahier columns."""
    conn = store.conn
    if extraction_available(store):
        frame = _frame(
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
        _fold(f"{n} {o} {t}")
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


# --- annotation queue and suggestions -----------------------------------------------------------


def model_ranking(store: Store, level: str, facet: str) -> list[str]:
    """Units of ``level``, those the current model hesitates most about on ``facet`` first
    (``ess_nlp.classify.rank_for_annotation``, uncertainty); empty without a classifier."""
    if facet == "kind" or not classification_available(store):
        return []
    from ess_nlp.classify import rank_for_annotation

    taxonomy, _problem = app_taxonomy()
    if taxonomy is None:
        return []
    try:
        spec = taxonomy.facet(facet)  # type: ignore[attr-defined]
    except KeyError:
        return []
    info = current_model_info(store) or {}
    meta = info.get("meta") if isinstance(info.get("meta"), dict) else {}
    threshold = float((meta or {}).get("facets", {}).get(facet, {}).get("threshold", spec.threshold))
    labels = list(spec.label_ids)
    column = {label: k for k, label in enumerate(labels)}
    ids: list[str] = []
    index: dict[str, int] = {}
    cells: list[tuple[int, int, float]] = []
    for unit_id, label, score in store.conn.execute(
        f"SELECT p.unit_id, p.label, p.score {_LEVEL_PREDICTIONS} AND p.facet = ?"
        " WHERE u.level = ? ORDER BY u.source_id, u.ord",
        (facet, level),
    ):
        if label not in column:
            continue
        if unit_id not in index:
            index[unit_id] = len(ids)
            ids.append(unit_id)
        cells.append((index[unit_id], column[label], float(score)))
    if not ids:
        return []
    import numpy as np

    scores = np.zeros((len(ids), len(labels)))
    for i, k, score in cells:
        scores[i, k] = score
    ranked = rank_for_annotation(ids, scores, threshold=threshold, multi_label=spec.multi_label)
    return [unit_id for unit_id, _ in ranked]


def annotation_queue(
    store: Store,
    level: str,
    facet: str,
    annotator: str,
    *,
    ranking: Sequence[str] = (),
    others_first: bool = False,
    limit: int = 200,
) -> list[str]:
    """Units of ``level`` to annotate on ``facet``, most useful first, without those
    ``annotator`` already did.

    With a model ``ranking`` (see :func:`model_ranking`), the units the model hesitates most
    about come first. ``others_first`` (or without a ranking) puts first the units other people
    annotated and this annotator has not (each gives agreement data), those they disagree on
    first; then the rest in ranking or source order.
    """
    conn = store.conn
    done_by_me = {
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT unit_id FROM app_annotations WHERE facet = ? AND annotator = ?",
            (facet, annotator),
        )
    }
    others: dict[str, set[str]] = {}
    for unit, labels in conn.execute(
        "SELECT a.unit_id, a.labels FROM app_annotations a JOIN units u ON u.id = a.unit_id"
        " WHERE a.facet = ? AND a.annotator != ? AND u.level = ?",
        (facet, annotator, level),
    ):
        others.setdefault(unit, set()).add(labels)
    queue: list[str] = []
    if others_first or not ranking:
        queue = sorted((u for u in others if u not in done_by_me), key=lambda u: -len(others[u]))[:limit]
    taken = set(queue) | done_by_me
    if ranking:
        rest: Iterable[str] = ranking
    else:
        where = "level = ?"
        params: list[object] = [level]
        if level == "sentence" and facet == "kind":
            where += " AND length(text) > 30"
        rest = (
            r[0] for r in conn.execute(f"SELECT id FROM units WHERE {where} ORDER BY source_id, ord", params)
        )
    for unit in rest:
        if len(queue) >= limit:
            break
        if unit not in taken:
            queue.append(unit)
            taken.add(unit)
    return queue


def suggestion(store: Store, unit_id: str, facet: str) -> list[str]:
    """The machine's labels for a unit, to pre-fill the annotation form."""
    conn = store.conn
    if facet == "kind":
        kinds = []
        if extraction_available(store):
            for kind, table in (
                ("proposal", "proposals"),
                ("constat", "constats"),
                ("initiative", "initiatives"),
            ):
                hit = conn.execute(
                    f"SELECT 1 FROM {table} t JOIN units u ON u.id = ?"
                    " WHERE t.unit_id = u.id OR t.unit_id = u.parent_id"
                    " OR (u.level = 'sentence' AND t.start < u.end AND u.start < t.end"
                    "     AND t.cahier_id = u.cahier_id) LIMIT 1",
                    (unit_id,),
                ).fetchone()
                if hit:
                    kinds.append(kind)
            return kinds
        row = conn.execute("SELECT kind FROM units WHERE id = ?", (unit_id,)).fetchone()
        kind = SECTION_TO_ITEM.get(row[0]) if row and row[0] else None
        return [kind] if kind else []
    labels = unit_labels(store, "cahier")
    own = labels[(labels["unit"] == unit_id) & (labels["facet"] == facet)]
    if own.empty and classification_available(store):
        level = conn.execute("SELECT level FROM units WHERE id = ?", (unit_id,)).fetchone()
        if level:
            labels = unit_labels(store, level[0])
            own = labels[(labels["unit"] == unit_id) & (labels["facet"] == facet)]
    return list(own["label"])


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
    import re

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
