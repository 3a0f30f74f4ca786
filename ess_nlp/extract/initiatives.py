"""spaCy component ``ess_initiatives``: the facts an initiative card is made of.

On each ``Doc`` it marks, as span groups:

- ``organisations``: organisations named in the text, from the French pipeline's entity
  recogniser (ORG, MISC, and LOC entities headed by an organisation word such as
  "Recyclerie", "Association", "Jardins"), from the gazetteer of ESS networks, federations and
  public bodies (``data/gazetteer.jsonl``, label NETWORK or PUBLIC), and from a legal form or
  organisation word followed by a capitalised name ("l'association Les Jardins de Cocagne");
- ``legal_forms``: legal forms from the gazetteer (label = canonical name: "SCOP", "SCIC",
  "association loi 1901"…);
- ``places``: communes, départements and régions (label = level, ``kb_id_`` = INSEE code or "");
- ``figures``: figures with a unit (label = unit); ``urls``: web addresses; ``since``: the
  date or duration an initiative has been running ("depuis 2006", "créée en 2006").

The card itself (name, what it does, partners, merged organisations) is assembled per cahier by
:func:`ess_nlp.extract.build_card` from these spans.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from ess_nlp.extract._context import ensure_extension
from ess_nlp.extract._resources import data_path, norm_name, read_jsonl
from ess_nlp.extract.figures import find_figures, find_urls
from ess_nlp.extract.places import departements_in, place_index

ORGS_KEY = "organisations"
LEGAL_KEY = "legal_forms"
PLACES_KEY = "places"
FIGURES_KEY = "figures"
URLS_KEY = "urls"
SINCE_KEY = "since"

_CONNECTORS = frozenset({"de", "du", "des", "d'", "d’", "la", "le", "les", "l'", "l’", "et", "en", "à", "au", "aux",
                         "pour", "sur", "-", "&"})
_ARTICLES = re.compile(r"^(?:la|le|les|l['’]|une?|cette|notre|nos)\s+", re.I)
_PLACE_PREPOSITIONS = frozenset({"à", "a", "au", "sur", "de", "dans", "près", "vers"})
_STREET_WORDS = frozenset({"rue", "avenue", "boulevard", "bd", "place", "allée", "impasse", "chemin", "quai", "route",
                           "cours", "square", "résidence", "lycée", "collège", "école", "gare", "hôpital", "parc",
                           "centre", "quartier", "cité", "pont", "port", "salle", "maison", "foyer", "église"})
_COMMON_WORD_AREAS = frozenset({"nord", "lot", "var", "cher", "manche", "somme", "vienne", "loire", "marne", "meuse",
                                "aube", "indre", "orne", "eure", "ain", "gard", "tarn", "aude", "oise", "landes",
                                "creuse", "allier", "yonne", "centre", "corse", "gers"})
_AREA_LEAD = frozenset({"le", "la", "les", "l'", "l’", "du", "de", "des", "en", "dans", "département", "(", "haute",
                        "région"})
# Commune names that are also common words when capitalised at a sentence start or in a list.
_NOT_COMMUNES = frozenset({"ville", "centre", "nord", "sud", "est", "ouest", "region", "etat", "france", "europe",
                           "plan", "mars", "mai", "juillet", "aout", "union", "marche", "place", "port", "pont",
                           "bois", "val", "mont", "vie", "paix", "fontaine", "ferme", "foret", "mer", "montagne",
                           "saint", "sainte", "oui", "non", "ecole", "eglise", "caf", "ars", "une", "tout"})


@dataclass(frozen=True)
class _Gazetteer:
    label: str
    ident: str
    name: str


@functools.lru_cache(maxsize=4)
def _organisation_words(path: str) -> tuple[frozenset[str], frozenset[str]]:
    rows = read_jsonl(path, required=("label", "words"))
    heads = frozenset(w for r in rows if r["label"] == "ORG_HEAD" for w in r["words"])
    not_org = frozenset(w for r in rows if r["label"] == "NOT_ORG" for w in r["words"])
    return heads, not_org


class InitiativeAnnotator:
    """Marks organisations, legal forms, places, figures, URLs and dates on a ``Doc``."""

    def __init__(self, nlp: Language, name: str = "ess_initiatives", *, gazetteer_path: str | None = None,
                 organisations_path: str | None = None, cues_path: str | None = None) -> None:
        self.name = name
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.entries: dict[str, _Gazetteer] = {}
        path = Path(gazetteer_path) if gazetteer_path else data_path("data/gazetteer.jsonl")
        for i, row in enumerate(read_jsonl(path, required=("label", "id", "name", "pattern"))):
            key = f"G{i}"
            self.entries[key] = _Gazetteer(row["label"], row["id"], row["name"])
            pattern = row["pattern"]
            matcher = self.exact if any(c.isupper() for c in pattern) else self.folded
            matcher.add(key, [nlp.make_doc(pattern)])
        self.places = PhraseMatcher(nlp.vocab, attr="ORTH")
        index = place_index()
        for area in (*index.departements.values(), *index.regions.values()):
            self.places.add(f"{area.level}|{area.code}|{area.name}", [nlp.make_doc(area.name)])
        self.heads, self.not_org = _organisation_words(
            str(Path(organisations_path) if organisations_path else data_path("patterns/organisations.jsonl"))
        )
        cues = read_jsonl(Path(cues_path) if cues_path else data_path("patterns/initiatives.jsonl"),
                          required=("label", "pattern"))
        patterns: dict[str, list[str]] = {}
        for row in cues:
            patterns.setdefault(row["label"], []).append(f"(?:{row['pattern']})")
        self.cues = {label: re.compile("|".join(p), re.I) for label, p in patterns.items()}
        ensure_extension()

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc

    def match(self, doc: Doc) -> dict[str, list[Span]]:
        groups: dict[str, list[Span]] = {k: [] for k in (ORGS_KEY, LEGAL_KEY, PLACES_KEY, FIGURES_KEY, URLS_KEY,
                                                          SINCE_KEY)}
        gazetteer_orgs: list[Span] = []
        for matcher in (self.exact, self.folded):
            for m_id, start, end in matcher(doc):
                entry = self.entries[doc.vocab.strings[m_id]]
                if entry.label == "LEGAL_FORM":
                    groups[LEGAL_KEY].append(Span(doc, start, end, label=entry.name))
                else:
                    gazetteer_orgs.append(Span(doc, start, end, label=entry.label, kb_id=entry.name))
        groups[LEGAL_KEY] = _longest(groups[LEGAL_KEY])
        groups[PLACES_KEY] = self._places(doc)
        place_chars = {(s.start_char, s.end_char) for s in groups[PLACES_KEY]}
        orgs = gazetteer_orgs + self._named_after_heads(doc) + self._entity_orgs(doc, place_chars)
        legal = {(s.start, s.end) for s in groups[LEGAL_KEY]}
        groups[ORGS_KEY] = [s for s in _longest(orgs) if (s.start, s.end) not in legal]
        for figure in find_figures(doc.text):
            span = doc.char_span(figure.start, figure.end, label=figure.unit, alignment_mode="expand")
            if span is not None:
                groups[FIGURES_KEY].append(span)
        for url in find_urls(doc.text):
            for m in re.finditer(re.escape(url), doc.text):
                span = doc.char_span(m.start(), m.end(), label="URL", alignment_mode="expand")
                if span is not None:
                    groups[URLS_KEY].append(span)
        if "SINCE" in self.cues:
            for m in self.cues["SINCE"].finditer(doc.text):
                span = doc.char_span(m.start(), m.end(), label="SINCE", alignment_mode="expand")
                if span is not None:
                    groups[SINCE_KEY].append(span)
        return groups

    def set_annotations(self, doc: Doc, groups: dict[str, list[Span]]) -> None:
        for key, spans in groups.items():
            doc.spans[key] = spans

    # -- organisations -----------------------------------------------------------------------

    def _entity_orgs(self, doc: Doc, place_chars: set[tuple[int, int]]) -> list[Span]:
        found = []
        for ent in doc.ents:
            span = _strip_articles(ent)
            if span is None or not any(c.isupper() for c in span.text):
                continue
            head = span[0].lower_
            if ent.label_ == "LOC" and head not in self.heads:
                continue
            if ent.label_ not in ("ORG", "MISC", "LOC"):
                continue
            if norm_name(span.text) in {norm_name(w) for w in self.not_org}:
                continue
            if (span.start_char, span.end_char) in place_chars and head not in self.heads:
                continue
            if ent.label_ == "MISC" and head not in self.heads and len(span) > 6:
                continue
            found.append(Span(doc, span.start, span.end, label="ORG"))
        return found

    def _named_after_heads(self, doc: Doc) -> list[Span]:
        """"l'association Les Jardins de Cocagne", "la Recyclerie du Marais", "«Le Panier»"."""
        found = []
        i = 0
        n = len(doc)
        while i < n:
            token = doc[i]
            low = token.lower_
            acronym = token.is_upper and 2 <= len(token.text) <= 6 and token.is_alpha
            if low not in self.heads and not acronym:
                i += 1
                continue
            if token.text[:1].isupper():
                # "Recyclerie du Marais", "Association Les Amis du Jardin"
                end = _capitalised_run(doc, i)
                if end > i + 1:
                    found.append(Span(doc, i, end, label="ORG"))
                i = max(i + 1, end)
                continue
            # "l'association Les Jardins de Cocagne", "la coopérative « Bois Bocage »"
            start = i + 1
            if start < n and doc[start].text in ("«", '"', "“"):
                start += 1
            end = _capitalised_run(doc, start)
            if end > start:
                found.append(Span(doc, start, end, label="ORG"))
            i = max(i + 1, end)
        return found

    # -- places ------------------------------------------------------------------------------

    def _places(self, doc: Doc) -> list[Span]:
        index = place_index()
        spans: list[Span] = []
        for m_id, start, end in self.places(doc):
            level, code, _ = doc.vocab.strings[m_id].split("|", 2)
            prev = doc[start - 1].lower_ if start > 0 else ""
            if end - start == 1 and doc[start].lower_ in _COMMON_WORD_AREAS and prev not in _AREA_LEAD:
                continue  # "les quartiers Nord", "le Lot de…": not the département without "du", "le"…
            spans.append(Span(doc, start, end, label=level, kb_id=code))
        context_deps = departements_in(doc.text)
        candidates: list[tuple[Span, str]] = [(e, "") for e in doc.ents if e.label_ == "LOC"]
        for token in doc:
            low = token.lower_
            postal = token.like_num and len(token.text) == 5 and token.text.isdigit()
            if (low in _PLACE_PREPOSITIONS or postal) and token.i + 1 < len(doc) \
                    and doc[token.i + 1].text[:1].isupper():
                end = _capitalised_run(doc, token.i + 1)
                if end > token.i + 1:
                    article = {"au": "Le ", "aux": "Les ", "du": "Le ", "des": "Les "}.get(low, "")
                    candidates.append((doc[token.i + 1 : end], article))
        taken = [(s.start, s.end) for s in spans]
        for cand, article in candidates:
            if any(a < cand.end and cand.start < b for a, b in taken):
                continue
            span = _strip_articles(cand)
            if span is None or norm_name(span.text) in _NOT_COMMUNES:
                continue
            before = [t.lower_ for t in doc[max(0, span.start - 3) : span.start]]
            if any(w in _STREET_WORDS for w in before):
                continue
            if index.area(span.text) is not None and (not before or before[-1] not in ("à", "a")):
                continue  # "Vienne", "Paris": the département or région unless "à Vienne"
            place = index.resolve_commune(span.text, context_deps)
            if place is None and article:
                place = index.resolve_commune(article + span.text, context_deps)
            if place is None:
                continue
            spans.append(Span(doc, span.start, span.end, label="commune", kb_id=place.code or ""))
            taken.append((span.start, span.end))
        return _longest(spans)


def _capitalised_run(doc: Doc, start: int) -> int:
    """End of a capitalised name starting at ``start`` ("Jardins de Cocagne", "Bois-Énergie 79")."""
    end = start
    j = start
    n = len(doc)
    while j < n:
        text = doc[j].text
        if text[:1].isupper() or (text[:1].isdigit() and j > start):
            j += 1
            end = j
        elif doc[j].lower_ in _CONNECTORS and j > start and j + 1 < n and (
            doc[j + 1].text[:1].isupper() or doc[j + 1].lower_ in ("l'", "l’", "la", "le", "les")
        ):
            j += 1
        elif text in ("»", '"', "”") and j > start:
            break
        else:
            break
    return end


def _strip_articles(span: Span) -> Span | None:
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].lower_ in ("la", "le", "les", "l'", "l’", "du", "de", "des", "d'", "d’")
                           or doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    if start >= end:
        return None
    return Span(doc, start, end, label=span.label_, kb_id=span.kb_id_)


def _longest(spans: list[Span]) -> list[Span]:
    """Drop spans that overlap a longer one; keep text order."""
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if not any(k.start < span.end and span.start < k.end for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)


@Language.factory(
    "ess_initiatives",
    default_config={"gazetteer_path": None, "organisations_path": None, "cues_path": None},
)
def make_initiative_annotator(nlp: Language, name: str, gazetteer_path: str | None,
                              organisations_path: str | None, cues_path: str | None) -> InitiativeAnnotator:
    return InitiativeAnnotator(nlp, name, gazetteer_path=gazetteer_path, organisations_path=organisations_path,
                               cues_path=cues_path)
