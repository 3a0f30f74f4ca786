"""What a synthesis draws from the store: the units a scope covers, and the constats,
proposals and initiatives found in them, each with a citation.

Reads the tables other steps fill (classification predictions, the app's annotations,
extraction records and near-duplicate groups, topic assignments) when they exist, and falls
back on what the core tables give otherwise (section kinds, the domain a cahier names in its
form, the theme's keywords found by the full-text index); :class:`Selection` says in French
which source was used, so the page and the draft can tell the group.
"""

from __future__ import annotations

import bisect
import json
import logging
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ess_nlp.errors import ConfigError
from ess_nlp.store import Store, views
from ess_nlp.synthesis.records import Citation, Item, Scope, ScopeKind, new_id
from ess_nlp.text import fold

logger = logging.getLogger(__name__)

__all__ = [
    "Candidate",
    "Selection",
    "candidates",
    "citation_for",
    "item_for",
    "resolve_scope",
    "select_scope",
]

_EXTRACTION_TABLES = {"proposal": "proposals", "constat": "constats", "initiative": "initiatives"}
_SECTION_KIND = {"proposal": "proposition", "constat": "constat", "initiative": "initiative"}
_MARKER = re.compile(r"^\s*(?:\(?\d{1,3}[.)°]|\(?[a-zA-Z][.)]|[-–—•*▪◦·])\s+")
_CHUNK = 500


def extraction_available(store: Store) -> bool:
    conn = store.conn
    return (
        conn.execute("SELECT 1 FROM proposals LIMIT 1").fetchone() is not None
        or conn.execute("SELECT 1 FROM constats LIMIT 1").fetchone() is not None
    )


# --- scopes ---------------------------------------------------------------------------------


def _taxonomy_labels(facet: str) -> dict[str, str]:
    from ess_nlp.taxonomy import load_taxonomy

    return {label.id: label.name for label in load_taxonomy().facet(facet).labels}


def resolve_scope(store: Store | None, kind: ScopeKind | str, value: str) -> Scope:
    """A checked scope with its display name: a theme id (``T4``), a domain id
    (``financer``) or a topic (``"<model>:<topic id>"``, or a topic id of the only model)."""
    value = str(value).strip()
    if kind in ("theme", "domain"):
        facet = "themes" if kind == "theme" else "domains"
        labels = _taxonomy_labels(facet)
        match = next((k for k in labels if fold(k) == fold(value) or fold(labels[k]) == fold(value)), None)
        if match is None:
            what = "Thème" if kind == "theme" else "Domaine"
            raise ConfigError(f"{what} « {value} » inconnu : attendu l'un de {', '.join(labels)}.")
        label = f"{match} — {labels[match]}" if kind == "theme" else labels[match]
        return Scope(kind, match, label)
    if kind == "topic":
        if store is None or store.conn.execute("SELECT 1 FROM topic_identities LIMIT 1").fetchone() is None:
            raise ConfigError(
                "Aucun thème émergent dans cette base : lancez d'abord « ess-nlp topics »."
            )
        model, _, topic = value.rpartition(":")
        rows = store.conn.execute("SELECT model, topic_id, name FROM topic_identities").fetchall()
        if not model:
            models = sorted({r["model"] for r in rows})
            if len(models) != 1:
                raise ConfigError(
                    f"Thème émergent « {value} » ambigu : précisez le modèle sous la forme "
                    f"« modèle:numéro » (modèles : {', '.join(models) or 'aucun'})."
                )
            model = models[0]
        found = next((r for r in rows if r["model"] == model and str(r["topic_id"]) == topic), None)
        if found is None:
            raise ConfigError(
                f"Thème émergent « {value} » introuvable : attendu « modèle:numéro » d'un thème existant "
                "(voir la page Explorer ou « ess-nlp topics »)."
            )
        return Scope("topic", f"{model}:{topic}", str(found["name"]))
    raise ConfigError(f"Portée « {kind} » inconnue : attendu theme, domain ou topic.")


@dataclass(frozen=True)
class Selection:
    """The units a scope covers: whole cahiers, or sections, paragraphs and sentences;
    ``how`` says in French where the selection came from; ``scores`` rank units (higher =
    more about the scope) when the source gives scores."""

    cahiers: frozenset[str] = frozenset()
    units: frozenset[str] = frozenset()
    how: str = ""
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.cahiers and not self.units


def select_scope(store: Store, scope: Scope) -> Selection:
    """The units ``scope`` covers in ``store``."""
    if scope.kind == "topic":
        return _select_topic(store, scope)
    facet = "themes" if scope.kind == "theme" else "domains"
    cahiers: set[str] = set()
    units: set[str] = set()
    scores: dict[str, float] = {}
    found = views.unit_labels(store.conn, facet=facet, label=scope.value)
    for x in found:
        (cahiers if x.level == "cahier" else units).add(x.unit)
        scores[x.unit] = max(scores.get(x.unit, 0.0), x.score)
    sources = {x.source for x in found}
    if sources & {"model", "annotation"} or views.current_model_id(store.conn) is not None:
        said = [name for key, name in (("model", "la classification"), ("annotation", "les annotations")) if key in sources]
        return Selection(
            frozenset(cahiers), frozenset(units), "d'après " + (" et ".join(said) or "la classification"), scores
        )
    if scope.kind == "domain":
        return Selection(
            frozenset(cahiers),
            frozenset(),
            "sans classification en base, d'après le domaine indiqué dans le formulaire des cahiers",
        )
    return _select_by_keywords(store, scope)


def _select_by_keywords(store: Store, scope: Scope) -> Selection:
    """Sentences holding a keyword (lemma) of the theme, through the full-text index."""
    from ess_nlp.taxonomy import load_taxonomy

    label = load_taxonomy().facet("themes").label(scope.value)
    scores: dict[str, float] = {}
    for keyword in label.keywords:
        for hit in store.search(keyword, lemmas=keyword, limit=500):
            scores[hit.unit.id] = scores.get(hit.unit.id, 0.0) + 1.0
    return Selection(
        frozenset(),
        frozenset(scores),
        "sans classification en base, d'après les passages contenant les mots-clés du thème",
        scores,
    )


def _select_topic(store: Store, scope: Scope) -> Selection:
    model, _, topic = scope.value.rpartition(":")
    conn = store.conn
    run = conn.execute("SELECT max(id) FROM topic_runs WHERE model = ?", (model,)).fetchone()[0]
    if run is None:
        return Selection(how=f"alors qu'aucun calcul de thèmes « {model} » n'est en base")
    rows = conn.execute(
        "SELECT a.unit_id, u.level, a.probability FROM topic_assignments a JOIN units u ON u.id = a.unit_id"
        " WHERE a.run_id = ? AND a.topic_id = ?",
        (run, int(topic)),
    ).fetchall()
    cahiers = frozenset(r["unit_id"] for r in rows if r["level"] == "cahier")
    units = frozenset(r["unit_id"] for r in rows if r["level"] != "cahier")
    scores = {r["unit_id"]: float(r["probability"]) for r in rows}
    return Selection(cahiers, units, f"d'après les unités du thème émergent « {scope.label} »", scores)


# --- cahier information -------------------------------------------------------------------------


@dataclass(frozen=True)
class CahierInfo:
    title: str
    organisation: str
    territory: str


def cahier_info(store: Store, cahier_ids: Iterable[str | None]) -> dict[str, CahierInfo]:
    ids = sorted({c for c in cahier_ids if c})
    out: dict[str, CahierInfo] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        rows = store.conn.execute(
            "SELECT u.id, u.title, u.metadata, t.commune, t.departement, t.region FROM units u"
            " LEFT JOIN cahier_territories t ON t.cahier_id = u.id"
            f" WHERE u.id IN ({','.join('?' * len(chunk))})",
            chunk,
        )
        for r in rows:
            meta = json.loads(r["metadata"] or "{}")
            # the stored territory (current région); the metadata's where extraction did not run
            territory = ", ".join(x for x in (r["commune"], r["departement"], r["region"]) if x)
            if r["region"] is None and meta:
                from ess_nlp.extract.territory import decide

                found = decide(meta, [])
                territory = found.label if found.filled else ""
            out[r["id"]] = CahierInfo(str(r["title"] or ""), str(meta.get("organisation") or ""), territory)
    missing = [c for c, i in out.items() if not i.organisation]
    if missing:
        # a cahier without an organisation field: the first organisation its initiative cards name
        for start in range(0, len(missing), _CHUNK):
            chunk = missing[start : start + _CHUNK]
            for r in store.conn.execute(
                "SELECT cahier_id, organisations FROM initiatives"
                f" WHERE cahier_id IN ({','.join('?' * len(chunk))}) ORDER BY start DESC",
                chunk,
            ):
                names = json.loads(r["organisations"] or "[]")
                if names:
                    old = out[r["cahier_id"]]
                    out[r["cahier_id"]] = CahierInfo(old.title, str(names[0]), old.territory)
    return out


# --- candidates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A constat, proposal or initiative found in the store, ready to become an item.

    ``id`` is the extraction record id (or the unit id when extraction did not run);
    ``group`` and ``group_cahiers`` tell a proposal's near-duplicate group and how many
    cahiers carry it; ``richness`` scores an initiative card (filled fields and figures);
    ``strength`` scores a constat (evidence, figures)."""

    kind: str
    id: str
    text: str
    citation: Citation
    cue: str = ""
    parent: str | None = None
    alternative: bool = False
    group: int | None = None
    group_cahiers: int = 1
    name: str = ""
    organisation: str = ""
    place: str = ""
    url: str = ""
    richness: float = 0.0
    strength: float = 0.0
    section: str | None = None
    what: str = ""
    results: tuple[str, ...] = ()
    kind_score: float | None = None


def _strip_marker(text: str, start: int) -> tuple[str, int]:
    match = _MARKER.match(text)
    if match and match.end() < len(text):
        return text[match.end() :], start + match.end()
    return text, start


def _strip_title(text: str, start: int, title: str) -> tuple[str, int]:
    """A section's text without its heading (the item quotes what the section says)."""
    if not text.startswith(title):
        return text, start
    body = text[len(title) :].lstrip()
    if not body:
        return text, start
    return body, start + len(text) - len(body)


class _Spans:
    """The selected units as character spans per source, to test whether a record overlaps one."""

    def __init__(self, store: Store, selection: Selection | None) -> None:
        self.selection = selection
        self.spans: dict[str, list[tuple[int, int]]] = {}
        if selection is None or not selection.units:
            return
        ids = sorted(selection.units)
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            for r in store.conn.execute(
                "SELECT s.path, u.start, u.end FROM units u JOIN sources s ON s.id = u.source_id"
                f" WHERE u.id IN ({','.join('?' * len(chunk))})",
                chunk,
            ):
                self.spans.setdefault(r["path"], []).append((int(r["start"]), int(r["end"])))
        for spans in self.spans.values():
            spans.sort()
        self.starts = {path: [a for a, _ in spans] for path, spans in self.spans.items()}
        self.longest = {path: max(b - a for a, b in spans) for path, spans in self.spans.items()}

    def matches(self, row: sqlite3.Row) -> bool:
        selection = self.selection
        if selection is None:
            return True
        if row["cahier_id"] in selection.cahiers or row["unit_id"] in selection.units:
            return True
        spans = self.spans.get(row["source"])
        if not spans:
            return False
        start, end = int(row["start"]), int(row["end"])
        # spans starting before `end` and not ending before `start` overlap
        i = bisect.bisect_left(self.starts[row["source"]], end)
        j = bisect.bisect_left(self.starts[row["source"]], start - self.longest[row["source"]])
        return any(a < end and start < b for a, b in spans[j:i])


def candidates(store: Store, kind: str, selection: Selection | None = None) -> list[Candidate]:
    """Every ``kind`` ("constat", "proposal", "initiative") in the units of ``selection`` (all
    when None), in source order, from the extraction tables or, when extraction did not run,
    from the sentences (constats, proposals) and first paragraphs (initiatives) of the
    sections of that kind."""
    if kind not in _EXTRACTION_TABLES:
        raise ConfigError(f"Type « {kind} » inconnu : attendu constat, proposal ou initiative.")
    rows = _extraction_rows(store, kind) if extraction_available(store) else _section_rows(store, kind)
    spans = _Spans(store, selection)
    kept = [r for r in rows if spans.matches(r)]
    info = cahier_info(store, (r["cahier_id"] for r in kept))
    groups = _duplicate_groups(store) if kind == "proposal" else {}
    return [_candidate(kind, r, info, groups) for r in kept]


_EXTRACTION_SQL = {
    "proposal": (
        "SELECT t.id, t.unit_id, t.cahier_id, t.section_id, t.start, t.end, t.text, t.cue, t.parent_id,"
        " t.alternative, NULL AS name, NULL AS what, NULL AS since, '[]' AS organisations, '[]' AS legal_forms,"
        " '[]' AS places, '[]' AS urls, '[]' AS figures, s.path AS source, u.page, t.kind_score, NULL AS porteur"
    ),
    "constat": (
        "SELECT t.id, t.unit_id, t.cahier_id, t.section_id, t.start, t.end, t.text, t.cue, NULL AS parent_id,"
        " 0 AS alternative, NULL AS name, NULL AS what, NULL AS since, '[]' AS organisations,"
        " '[]' AS legal_forms, '[]' AS places, '[]' AS urls, '[]' AS figures, s.path AS source, u.page,"
        " t.kind_score, NULL AS porteur"
    ),
    "initiative": (
        "SELECT t.id, t.unit_id, t.cahier_id, t.section_id, t.start, t.end, t.text, '' AS cue,"
        " NULL AS parent_id, 0 AS alternative, t.name, t.what, t.since, t.organisations, t.legal_forms,"
        " t.places, t.urls, t.figures, s.path AS source, u.page, NULL AS kind_score, t.porteur"
    ),
}


def _extraction_rows(store: Store, kind: str) -> list[sqlite3.Row]:
    table = _EXTRACTION_TABLES[kind]
    return store.conn.execute(
        f"{_EXTRACTION_SQL[kind]} FROM {table} t JOIN units u ON u.id = t.unit_id"
        " JOIN sources s ON s.id = u.source_id ORDER BY s.path, t.start"
    ).fetchall()


def _section_rows(store: Store, kind: str) -> list[sqlite3.Row]:
    """The fallback: units of sections of the matching kind, shaped like extraction rows."""
    section_kind = _SECTION_KIND[kind]
    if kind == "initiative":
        where = (
            "u.level = 'paragraph' AND u.kind = 'initiative' AND u.ord = (SELECT min(v.ord) FROM units v"
            " WHERE v.parent_id = u.parent_id AND v.level = 'paragraph')"
        )
    elif kind == "proposal":
        # list items are their own paragraphs; prose proposals are sentences of other paragraphs
        where = (
            "u.kind = 'proposition' AND ((u.level = 'paragraph' AND u.number IS NOT NULL)"
            " OR (u.level = 'sentence' AND (SELECT p.number FROM units p WHERE p.id = u.parent_id) IS NULL))"
        )
    else:
        where = f"u.level = 'sentence' AND u.kind = '{section_kind}'"
    rows = store.conn.execute(
        "SELECT u.id, u.id AS unit_id, u.cahier_id, u.section_id, u.start, u.end, u.text, 'section' AS cue,"
        " NULL AS parent_id, 0 AS alternative, NULL AS name, NULL AS what, NULL AS since,"
        " '[]' AS organisations, '[]' AS legal_forms, '[]' AS places, '[]' AS urls, '[]' AS figures,"
        f" s.path AS source, u.page, NULL AS kind_score, NULL AS porteur, u.number"
        f" FROM units u JOIN sources s ON s.id = u.source_id WHERE {where}"
        " ORDER BY s.path, u.ord"
    ).fetchall()
    if kind == "proposal":
        rows = [r for r in rows if not str(r["text"]).rstrip().endswith(":") or r["number"]]
    return rows


def _duplicate_groups(store: Store) -> dict[str, tuple[int, int]]:
    """``{proposal id: (group id, cahiers carrying the group)}``."""
    return {
        r["proposal_id"]: (int(r["group_id"]), int(r["cahiers"]))
        for r in store.conn.execute(
            "SELECT m.proposal_id, m.group_id, g.cahiers FROM duplicate_members m"
            " JOIN duplicate_groups g ON g.id = m.group_id"
        )
    }


def _candidate(
    kind: str, r: sqlite3.Row, info: dict[str, CahierInfo], groups: dict[str, tuple[int, int]]
) -> Candidate:
    text, start = str(r["text"]), int(r["start"])
    if r["cue"] == "section" and kind == "proposal":
        text, start = _strip_marker(text, start)
    cahier = info.get(r["cahier_id"] or "", CahierInfo("", "", ""))
    organisations = json.loads(r["organisations"] or "[]")
    places = json.loads(r["places"] or "[]")
    urls = json.loads(r["urls"] or "[]")
    figures = json.loads(r["figures"] or "[]")
    citation = Citation(
        unit=str(r["unit_id"]),
        source=str(r["source"]),
        start=start,
        end=start + len(text),
        text=text,
        cahier=r["cahier_id"],
        cahier_title=cahier.title,
        organisation=str(organisations[0]) if kind == "initiative" and organisations else cahier.organisation,
        territory=cahier.territory,
        page=r["page"],
        record=str(r["id"]) if r["cue"] != "section" else None,
    )
    group, group_cahiers = groups.get(str(r["id"]), (None, 1))
    richness = 0.0
    strength = 0.0
    if kind == "initiative":
        filled = [r["name"], r["what"], r["since"], organisations, json.loads(r["legal_forms"] or "[]"), places, urls]
        richness = sum(1.0 for f in filled if f) + min(len(figures), 4) + min(len(text), 600) / 600
        if r["cue"] == "section":
            richness += min(len(re.findall(r"\d+", text)), 4) + (1.0 if re.search(r"www\.|https?://", text) else 0.0)
    kind_score = float(r["kind_score"]) if r["kind_score"] is not None else None
    if kind == "constat":
        strength = {"evidence": 3.0, "explicit": 2.0}.get(str(r["cue"]), 1.0)
        strength += 1.0 if re.search(r"\d", text) else 0.0
        strength += min(len(text), 250) / 250
        strength += 2.0 * kind_score if kind_score is not None else 0.0
    place = ", ".join(str(p.get("name", "")) for p in places[:1] if p.get("name")) or cahier.territory
    organisation = str(r["porteur"] or "") or ", ".join(str(o) for o in organisations[:2]) or cahier.organisation
    return Candidate(
        kind=kind,
        id=str(r["id"]),
        text=text,
        citation=citation,
        cue=str(r["cue"] or ""),
        parent=r["parent_id"],
        alternative=bool(r["alternative"]),
        group=group,
        group_cahiers=group_cahiers,
        name=str(r["name"] or ""),
        organisation=organisation,
        place=place,
        url=str(urls[0]) if urls else "",
        richness=richness,
        strength=strength,
        section=r["section_id"],
        what=str(r["what"] or ""),
        results=tuple(str(f.get("text", "")) for f in figures if f.get("text")),
        kind_score=kind_score,
    )


def candidate_item(candidate: Candidate, *, citations: Sequence[Citation] | None = None) -> Item:
    """An item made from a candidate (its citation, or ``citations`` when given)."""
    if candidate.kind == "initiative":
        return Item(
            id=new_id(),
            kind="initiative",
            text=card_text(candidate),
            citations=tuple(citations or (candidate.citation,)),
            title=candidate.name or candidate.citation.cahier_title,
            organisation=candidate.organisation,
            place=candidate.place,
            url=candidate.url,
        )
    return Item(
        id=new_id(),
        kind=candidate.kind,  # type: ignore[arg-type]
        text=candidate.text,
        citations=tuple(citations or (candidate.citation,)),
        alternative=candidate.alternative,
    )


_CARD_WHAT = 320


def card_text(candidate: Candidate) -> str:
    """The short text of an example: what the initiative does and its results in figures; the
    full passage stays in the citation (the footnote)."""
    what = " ".join((candidate.what or "").split())
    if not what:
        sentences = re.split(r"(?<=[.!?])\s+", " ".join(candidate.text.split()), maxsplit=1)
        what = sentences[0] if sentences else ""
    if len(what) > _CARD_WHAT:
        what = what[: _CARD_WHAT].rsplit(" ", 1)[0] + " …"
    results = list(dict.fromkeys(" ".join(r.split()) for r in candidate.results))[:4]
    if results:
        what = f"{what} Résultats : {', '.join(results)}."
    return what or " ".join(candidate.text.split())


# --- single references (the « ajouter à la synthèse » action) ---------------------------------


def citation_for(store: Store, ref: str) -> Citation:
    """The citation of an extraction record id (proposal, constat, initiative) or a unit id."""
    return item_for(store, ref).citations[0]


def item_for(store: Store, ref: str, kind: str | None = None) -> Item:
    """An item for an extraction record id or a unit id, with its citation (``kind`` forces
    the item kind, e.g. a sentence added as a proposal)."""
    conn = store.conn
    if extraction_available(store):
        for record_kind, table in _EXTRACTION_TABLES.items():
            row = conn.execute(
                f"{_EXTRACTION_SQL[record_kind]} FROM {table} t JOIN units u ON u.id = t.unit_id"
                " JOIN sources s ON s.id = u.source_id WHERE t.id = ?",
                (ref,),
            ).fetchone()
            if row is not None:
                info = cahier_info(store, [row["cahier_id"]])
                item = candidate_item(_candidate(record_kind, row, info, {}))
                return _with_kind(item, kind)
    unit = store.unit(ref)
    if unit is None:
        raise ConfigError(
            f"Passage « {ref} » introuvable dans la base « {store.path} » : sa source a peut-être été "
            "retirée ou réimportée."
        )
    text, start = unit.text, unit.start
    if unit.level == "paragraph" and unit.number:
        text, start = _strip_marker(text, start)
    elif unit.level == "section" and unit.title:
        text, start = _strip_title(text, start, unit.title)
    cahier = cahier_info(store, [unit.cahier or unit.id]).get(unit.cahier or unit.id, CahierInfo("", "", ""))
    citation = Citation(
        unit=unit.id,
        source=unit.source,
        start=start,
        end=start + len(text),
        text=text,
        cahier=unit.cahier or (unit.id if unit.level == "cahier" else None),
        cahier_title=cahier.title,
        organisation=cahier.organisation,
        territory=cahier.territory,
        page=unit.page,
    )
    guessed = kind or {"proposition": "proposal", "constat": "constat", "initiative": "initiative"}.get(
        unit.kind or "", "text"
    )
    return Item(
        id=new_id(),
        kind=guessed,  # type: ignore[arg-type]
        text=" ".join(text.split()),
        citations=(citation,),
        title=cahier.title if guessed == "initiative" else "",
        organisation=cahier.organisation if guessed == "initiative" else "",
        place=cahier.territory if guessed == "initiative" else "",
    )


def _with_kind(item: Item, kind: str | None) -> Item:
    if kind is None or kind == item.kind:
        return item
    from dataclasses import replace

    return replace(item, kind=kind)  # type: ignore[arg-type]
