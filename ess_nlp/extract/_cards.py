"""Assembling one initiative card per cahier from the spans ``ess_initiatives`` marked.

The card reads the cahier's initiative sections (kind "initiative"); a cahier without one gets a
card from its other prose only when that prose describes an activity ("propose", "accompagne",
"a pour objet"…) of a named organisation, with at least one fact (a figure, a legal form, a date,
a web address). Organisation mentions are merged within the cahier: same name up to case,
accents and articles, a shorter form contained in a longer one ("la Recyclerie" in "Recyclerie
du Marais"), or an acronym of the long form ("RDM").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from ess_nlp.extract._context import sentences
from ess_nlp.extract._resources import data_path, norm_name, read_jsonl
from ess_nlp.extract.figures import find_figures, find_urls, repair_urls, url_host
from ess_nlp.extract.initiatives import LEGAL_KEY, ORGS_KEY, PLACES_KEY
from ess_nlp.extract.places import (
    departements_in,
    place_index,
    places_in_label,
    postal_commune,
    title_communes,
)
from ess_nlp.extract.records import Initiative, Place
from ess_nlp.records import Unit

_GENERIC = frozenset(norm_name(w) for w in (
    "association", "structure", "coopérative", "entreprise", "projet", "initiative", "réseau", "collectif",
    "maison", "jardin", "centre", "atelier", "fondation", "mutuelle", "société", "union", "fédération",
))
# A lowercase article ("la Recyclerie") is not part of a name; a capitalised one at the start of a
# title or a declared name is ("Le Panier Comtois", "L'Épicerie du Pont"). Legal-form words before
# a capitalised name are dropped ("Association L'Épicerie du Pont").
_LEADING = re.compile(
    r"^(?:(?:la|le|les|l['’]|une?|notre|nos|cette|ce)\s*)?"
    r"(?:(?i:association|coop[ée]rative|SCOP|SCIC|soci[ée]t[ée]|structure)\s+(?=[A-ZÀ-Ö«\"]))?[«\"“\s]*",
)
_TITLE_SPLIT = re.compile(r"\s+[:–—-]\s+|\s*:\s+")
_LEVEL_ORDER = {"commune": 0, "departement": 1, "region": 2}


@dataclass(frozen=True)
class CahierView:
    """One cahier: its unit, its section units, and each paragraph with its processed ``Doc``."""

    cahier: Unit
    sections: list[Unit]
    paragraphs: list[tuple[Unit, Doc]]
    proposals: int = 0


@functools.lru_cache(maxsize=1)
def _cues() -> dict[str, re.Pattern[str]]:
    rows = read_jsonl(data_path("patterns/initiatives.jsonl"), required=("label", "pattern"))
    patterns: dict[str, list[str]] = {}
    for row in rows:
        patterns.setdefault(row["label"], []).append(f"(?:{row['pattern']})")
    return {label: re.compile("|".join(p), re.I) for label, p in patterns.items()}


def clean_name(text: str) -> str:
    """A name without its leading article, legal-form word or quotes: "la Recyclerie" -> "Recyclerie"."""
    cleaned = _LEADING.sub("", text.strip()).strip(" «»\"“”,.;:")
    return cleaned or text.strip()


def _key(name: str) -> str:
    return norm_name(clean_name(name))


def _acronyms(name: str) -> set[str]:
    """Initials of the capitalised words ("RM"), and of every word but articles ("RDM")."""
    capitals = "".join(w[0] for w in re.findall(r"[A-ZÀ-Ö][\w’'-]*", name)).upper()
    words = [w for w in re.findall(r"[\w’'-]+", name) if w.lower() not in ("le", "la", "les", "l'", "l’", "et")]
    return {capitals, "".join(w[0] for w in words).upper()}


def merge_organisations(mentions: Iterable[str]) -> list[list[str]]:
    """Group mentions of the same organisation; each group lists its mentions in text order."""
    groups: list[list[str]] = []
    keys: list[set[str]] = []
    for mention in mentions:
        key = _key(mention)
        if not key or key in _GENERIC:
            continue
        target = None
        for i, group in enumerate(groups):
            if _same(key, mention, keys[i], group):
                target = i
                break
        if target is None:
            groups.append([mention])
            keys.append({key})
        else:
            groups[target].append(mention)
            keys[target].add(key)
    return groups


def _same(key: str, mention: str, group_keys: set[str], group: list[str]) -> bool:
    if key in group_keys:
        return True
    words = key.split()
    for other in group_keys:
        other_words = other.split()
        shorter, longer = (words, other_words) if len(words) <= len(other_words) else (other_words, words)
        if shorter and _contiguous(shorter, longer) and not (len(shorter) == 1 and shorter[0] in _GENERIC):
            return True
    if mention.isupper() and 2 <= len(mention) <= 8:
        return any(mention in _acronyms(clean_name(g)) for g in group)
    return any(g.isupper() and 2 <= len(g) <= 8 and g in _acronyms(clean_name(mention)) for g in group)


def _contiguous(short: list[str], long: list[str]) -> bool:
    n = len(short)
    return any(long[i : i + n] == short for i in range(len(long) - n + 1))


def canonical(group: list[str]) -> str:
    """The fullest form of a group of mentions (most words, then first seen)."""
    return clean_name(max(group, key=lambda m: (len(clean_name(m).split()), not m.isupper())))


@dataclass(frozen=True)
class Header:
    """What the head of a cahier says about who wrote it: a name line right above an address
    line (letterheads, fiches: "Ville d'Allonnes" / "Hotel de ville, … 72700, Allonnes"), the
    commune of that address with its INSEE code, and the web addresses written around it."""

    porteur: str | None = None
    place: Place | None = None
    urls: tuple[str, ...] = ()


_HEAD_PARAGRAPHS = 10
# "Exemple : la conserverie du Sud-Loire": the section names the initiative it presents.
_EXAMPLE_HEADING = re.compile(r"^\s*(?:un\s+)?(?:exemples?|zoom|focus|initiative|témoignage)\s*(?:\d+\s*)?:\s*(.{3,80}?)\s*$",
                              re.I)
_STREET = re.compile(
    r"^(?:\d{1,4}(?:[-–]\d{1,4})?,?\s+(?:bis\s+|ter\s+)?)?(?i:rue|avenue|av\.|boulevard|bd|place|pl\.|allée|impasse|"
    r"chemin|quai|route|cours|esplanade|hôtel de ville|hotel de ville|parvis|square|cs\s*\d|bp\s*\d)\b"
    r"|^\d{1,4}(?:[-–]\d{1,4})?,?\s"
)
_NOT_NAME = re.compile(r"(?i)^(?:contact|tél|tel|téléphone|courriel|e-mail|mail|site|web|www\.|https?://|lauréat|mention|"
                       r"cas d['’]étude|le \d|objet\s*:)")


def _name_line(line: str, title: str) -> bool:
    words = line.split()
    return (0 < len(words) <= 12 and any(c.isupper() for c in line[:3]) and not _STREET.match(line)
            and not _NOT_NAME.match(line) and "@" not in line and not find_urls(line)
            and norm_name(line) != norm_name(title)
            and not line.rstrip().endswith((".", ";", ":", "?", "!")))


def read_header(view: CahierView) -> Header:
    """The :class:`Header` of a cahier, read in its first paragraphs (before its first section
    that presents the initiative, states findings or proposes)."""
    head: list[Unit] = []
    for unit, _ in view.paragraphs:
        if unit.kind in ("initiative", "constat", "proposition") or len(head) >= _HEAD_PARAGRAPHS:
            break
        head.append(unit)
    lines = [line.strip() for unit in head for line in unit.text.split("\n") if line.strip()]
    title = view.cahier.title or ""
    for i, line in enumerate(lines):
        place = postal_commune(line)
        if place is None:
            continue
        porteur = next((candidate for candidate in reversed(lines[:i]) if _name_line(candidate, title)), None)
        if porteur:  # "Conseil National de l'Alimentation (CNA)": the name, without its acronym
            porteur = clean_name(re.sub(r"\s*\([A-ZÀ-Ö0-9&.\- ]{2,12}\)\s*$", "", porteur))
        return Header(porteur or None, place, _head_urls(view, head))
    return Header(urls=_head_urls(view, head))


# "Site de la commune, meudon.fr", "site internet de la métropole : …": the institution's own site,
# which a fiche lists beside the initiative's.
_INSTITUTION_SITE = re.compile(
    r"(?i)\bsites?\s+(?:internet\s+|web\s+)?(?:officiel\s+)?(?:de\s+la\s+|du\s+|de\s+l['’]\s*|des\s+)?"
    r"(?:commune|ville|collectivit[ée]|m[ée]tropole|d[ée]partement|r[ée]gion|agglom[ée]ration|mairie|"
    r"communaut[ée]\s+(?:de\s+communes|d['’]\s*agglom[ée]ration|urbaine)|conseil\s+(?:d[ée]partemental|r[ée]gional))"
    r"\s*[,:–-]?\s*$"
)
# Sites that host everyone's pages (videos, social networks, document viewers, link shorteners):
# never the initiative's own site when it has one.
_SHARED_HOSTS = frozenset((
    "youtube.com", "youtu.be", "dailymotion.com", "vimeo.com", "facebook.com", "fb.com", "twitter.com", "x.com",
    "instagram.com", "linkedin.com", "flickr.com", "calameo.com", "fr.calameo.com", "issuu.com", "bit.ly",
    "goo.gl", "google.com", "docs.google.com", "drive.google.com",
))


def _shared(host: str) -> bool:
    return host in _SHARED_HOSTS or any(host.endswith("." + h) for h in _SHARED_HOSTS)


def _institution_hosts(view: CahierView) -> set[str]:
    """Hosts the cahier introduces as an institution's site ("Site de la commune, meudon.fr")."""
    found = set()
    for unit, _ in view.paragraphs:
        text = unit.text
        for url in find_urls(text):
            at = text.find(url)
            if at > 0 and _INSTITUTION_SITE.search(text[max(0, at - 60) : at]):
                found.add(url_host(url))
    return found


def _cahier_urls(view: CahierView) -> list[str]:
    return [url for unit, _ in view.paragraphs for url in find_urls(unit.text)]


def _head_urls(view: CahierView, head: list[Unit]) -> tuple[str, ...]:
    """Web addresses of the head, the initiative's before the institution's: a fiche's header
    often gives the institution's site, then the initiative's. A site of which another address
    of the head is a subdomain ("merignac.com" beside "budgetparticipatif.merignac.com"), or
    that the cahier introduces as the institution's ("Site de la commune, meudon.fr"), comes
    last, and a shared host (a video, a social network) after the others; then those the rest
    of the cahier cites again come first. Addresses a line break cut are mended against the
    cahier's others (:func:`~ess_nlp.extract.figures.repair_urls`)."""
    known = _cahier_urls(view)
    urls = repair_urls(dict.fromkeys(url for unit in head for url in find_urls(unit.text)), known)
    ids = {u.id for u in head}
    cited = {url_host(url) for unit, _ in view.paragraphs if unit.id not in ids for url in find_urls(unit.text)}
    body = norm_name(" ".join(unit.text for unit, _ in view.paragraphs if unit.id not in ids))
    hosts = {url_host(url) for url in urls}
    institutions = {h for h in hosts if any(other.endswith("." + h) for other in hosts)}
    if len(hosts) > 1:
        institutions |= _institution_hosts(view) & hosts
    return tuple(sorted(urls, key=lambda url: (_shared(url_host(url)), url_host(url) in institutions,
                                               not (url_host(url) in cited or norm_name(url_host(url)) in body))))


def build_card(view: CahierView) -> Initiative | None:
    """The initiative card of a cahier, or None when the cahier presents no initiative."""
    init_sections = [s for s in view.sections if s.kind == "initiative"]
    cues = _cues()
    if init_sections:
        ids = {s.id for s in init_sections}
        paras = [(u, d) for u, d in view.paragraphs if u.section in ids]
        anchor = init_sections[0]
        start = paras[0][0].start if paras else min(s.start for s in init_sections)
        end = paras[-1][0].end if paras else max(s.end for s in init_sections)
    else:
        paras = [(u, d) for u, d in view.paragraphs if u.kind not in ("constat", "proposition")]
        if not paras:
            return None
        anchor = view.cahier
        start, end = paras[0][0].start, paras[-1][0].end
    all_org_spans = [s for _, d in view.paragraphs for s in d.spans.get(ORGS_KEY, [])]
    groups = merge_organisations([s.text for s in all_org_spans])
    card_spans = [s for _, d in paras for s in d.spans.get(ORGS_KEY, [])]
    example = _EXAMPLE_HEADING.match(init_sections[0].title or "") if init_sections else None
    name = _capitalised(clean_name(example.group(1))) if example else _name(view, groups, card_spans)
    body = view.cahier.text[start - view.cahier.start : end - view.cahier.start]
    what = _what(paras, cues.get("WHAT_CUE"))
    figures = tuple(f for u, _ in paras for f in find_figures(u.text, offset=u.start))
    legal_forms = _legal_forms(paras, view, name, groups)
    header = read_header(view)
    known = _cahier_urls(view)
    urls = tuple(repair_urls((*header.urls, *(url for u, _ in paras for url in find_urls(u.text))), known)) or tuple(
        repair_urls(known, known))
    urls = tuple(sorted(urls, key=lambda url: _shared(url_host(url))))  # stable: the head's order kept
    since = _since(paras, cues.get("SINCE"))
    if not init_sections:
        # No section presents an initiative: a card only for prose that describes one (an
        # activity of a named organisation, or a sheet with no proposal at all).
        facts = figures or legal_forms or urls or since
        described = what is not None and (view.proposals == 0 or (facts and cues["WHAT_CUE"].search(what)))
        if name is None or not described:
            return None
    places = _places(paras, view)
    if header.place is not None:
        places = (header.place, *(p for p in places if (p.level, p.code) != ("commune", header.place.code)))
    partners = _partners(paras, groups, name, cues.get("PARTNER_CUE"))
    in_card = {s.text for s in card_spans}
    porteur = _meta_organisation(view) or header.porteur or name
    organisations = tuple(dict.fromkeys(
        [*([porteur] if porteur else []), *(canonical(g) for g in groups if in_card.intersection(g))]))
    return Initiative(
        id=f"{anchor.id}/init1",
        name=name,
        porteur=porteur,
        text=body,
        source=view.cahier.source,
        start=start,
        end=end,
        unit=anchor.id,
        cahier=view.cahier.id,
        section=anchor.id if anchor.level == "section" else None,
        what=what,
        since=since,
        organisations=organisations,
        partners=partners,
        legal_forms=legal_forms,
        places=places,
        urls=urls,
        figures=figures,
    )


def _name(view: CahierView, groups: list[list[str]], card_spans: list[Span]) -> str | None:
    body = " ".join(u.text for u, _ in view.paragraphs)
    body_key = f" {norm_name(body)} "
    meta = _meta_organisation(view)
    if meta:
        return meta
    title = (view.cahier.title or "").strip()
    candidates = title_candidates(title)
    for candidate in candidates:
        if f" {norm_name(candidate)} " in body_key:
            return candidate
    for candidate in candidates:  # "GEM L'Escale Brestoise" written "L'Escale Brestoise" in the text
        words = candidate.split()
        tail = " ".join(words[1:])
        if len(words) > 1 and words[0].isupper() and f" {norm_name(tail)} " in body_key:
            return tail
    short_title = bool(title) and len(title.split()) <= 8 and not _HEADING_MARK.match(title) \
        and not _TITLE_SPLIT.search(title) and not _SLOGAN.match(title)
    if short_title:
        return clean_name(title)
    for span in card_spans:
        if span.label_ == "ORG":
            for group in groups:
                if span.text in group:
                    return canonical(group)
            return clean_name(span.text)
    if title and len(title.split()) <= 10 and not _HEADING_MARK.match(title):
        return clean_name(_TITLE_SPLIT.split(title, maxsplit=1)[0])
    for span in card_spans:
        return canonical([span.text])
    return None


def _meta_organisation(view: CahierView) -> str | None:
    """The organisation a form field declares ("Structure porteuse : …"), first one only."""
    meta = view.cahier.metadata.get("organisation") if view.cahier.metadata else None
    if meta:
        candidate = clean_name(re.split(r"\s*[(,;]|\s+[-–]\s+", meta, maxsplit=1)[0])
        if candidate and len(candidate.split()) <= 8 and any(c.isupper() for c in candidate):
            return candidate
    return None


# A title opening with an infinitive ("Entreprendre au féminin…") is a slogan, not a name.
_SLOGAN = re.compile(r"^\s*[A-ZÀ-Ö]\w{2,}(?:er|ir|re|oir)\b(?!\s+(?:de|du|des)\s+[A-ZÀ-Ö])")
_HEADING_MARK = re.compile(r"^\s*(?:[IVX]+|\d+|[A-Z])\s*[).\-–]\s")
_ARTICLE = re.compile(r"^(?:la|le|les|l['’]|une?|des|notre|nos|Une?|Des|Notre|Nos)\s*")
_CONNECTOR_BEFORE = frozenset({"de", "du", "des", "d'", "d’", "la", "le", "les", "l'", "l’", "et", "en"})
_TRAILING_PLACE = re.compile(r"\s+(?:au|aux|à|en|dans|sur)\s+(?:le\s+|la\s+|les\s+|l['’])?[A-ZÀ-Ö][\w'’ -]*$")


def title_candidates(title: str) -> list[str]:
    """Organisation or initiative names a title holds, in title order: "La Ressourcerie du Val de
    Sèvre : réemployer…" -> "Ressourcerie du Val de Sèvre"; "Faire… : l'ensemblier Estuaire
    Solidaire au Havre" -> "Estuaire Solidaire"."""
    if not title or _HEADING_MARK.match(title):
        return []
    out = []
    for part in _TITLE_SPLIT.split(title):
        if _SLOGAN.match(part):
            continue
        part = _ARTICLE.sub("", part.strip()).strip(" .«»\"")
        words = part.split()
        if not words or len(words) > 10:
            continue
        first_cap = next((i for i, w in enumerate(words) if w[:1].isupper() or (w[:2].lower() in ("l'", "l’")
                                                                                   and w[2:3].isupper())), None)
        if first_cap is None:
            continue
        if first_cap > 0 and words[first_cap - 1].lower() not in _CONNECTOR_BEFORE:
            part = " ".join(words[first_cap:])
        part = _TRAILING_PLACE.sub("", part).strip()
        if re.fullmatch(r"[IVXLC]+(?:e|er|ème)?", part):
            continue
        if part and len(part.split()) <= 8:
            out.append(clean_name(part))
    return out


def _what(paras: list[tuple[Unit, Doc]], cue: re.Pattern[str] | None) -> str | None:
    first = None
    for _, doc in paras:
        for sent in sentences(doc):
            text = sent.text.strip()
            if len(text.split()) < 3 or re.match(r"^[\w' -]{1,30}\s:", text):
                continue
            if first is None:
                first = text
            if cue is not None and cue.search(text):
                return text
    return first


def _since(paras: list[tuple[Unit, Doc]], cue: re.Pattern[str] | None) -> str | None:
    if cue is None:
        return None
    for unit, _ in paras:
        match = cue.search(unit.text)
        if match:
            groups = [g for g in match.groups() if g]
            return " ".join(g.strip() for g in groups) + (" ans" if not re.fullmatch(r"\d{4}", groups[-1]) else "")
    return None


def _legal_forms(paras: list[tuple[Unit, Doc]], view: CahierView, name: str | None,
                 groups: list[list[str]]) -> tuple[str, ...]:
    """Legal forms: first those stated for the initiative's own organisation anywhere in the
    cahier (same sentence as its name, or "est une SCOP", "constituée en SCIC"), then the other
    forms named in the card passage."""
    attached: list[str] = []
    others: list[str] = []
    meta = view.cahier.metadata.get("legal_form") if view.cahier.metadata else None
    if meta:
        attached.append(meta.strip())
    keys = {_key(name)} if name else set()
    for group in groups:
        if name and any(_key(m) == _key(name) for m in group):
            keys |= {_key(m) for m in group}
    keys.discard("")
    card_ids = {u.id for u, _ in paras}
    for unit, doc in view.paragraphs:
        for span in doc.spans.get(LEGAL_KEY, []):
            sent = span.sent if doc.has_annotation("SENT_START") else doc[:]
            sent_key = f" {norm_name(sent.text)} "
            near = any(f" {k} " in sent_key for k in keys)
            follows = span.start > 0 and doc[span.start - 1].lower_ in (
                "une", "un", "en", "statut", "forme", "(", "que")
            if near or (follows and unit.id in card_ids):
                attached.append(span.label_)
            elif unit.id in card_ids:
                others.append(span.label_)
    forms = list(dict.fromkeys(attached + others))
    if "association loi 1901" in forms and "association" in forms:
        forms.remove("association")
    return tuple(forms)


def _places(paras: list[tuple[Unit, Doc]], view: CahierView) -> tuple[Place, ...]:
    """Places of the card: the commune(s) first (card passage, then the rest of the cahier and its
    metadata), then départements, then régions. Homonymous communes are settled with the
    départements and régions the whole cahier names."""
    index = place_index()
    context = departements_in(view.cahier.text)
    for region in _regions_in(view):
        context |= index.departements_of_region(region)
    card_ids = {u.id for u, _ in paras}
    found: list[tuple[int, int, Place]] = []
    for unit, doc in view.paragraphs:
        rank = 0 if unit.id in card_ids else 1
        for span in doc.spans.get(PLACES_KEY, []):
            place = Place(span.text, span.label_, span.kb_id_ or None)
            if place.level == "commune":
                place = index.resolve_commune(span.text, context) or place
            elif rank:
                continue  # départements and régions only from the card passage
            found.append((rank, unit.start + span.start_char, place))
    territory = view.cahier.metadata.get("territory") if view.cahier.metadata else None
    if territory:
        found.extend((0, -1, p) for p in places_in_label(territory))
    if view.cahier.title:
        found.extend((1, view.cahier.start, c) for c in title_communes(view.cahier.title, context))
    ordered = sorted(found, key=lambda t: (_LEVEL_ORDER.get(t[2].level, 3), t[0], t[1]))
    unique: dict[tuple[str, str], Place] = {}
    for _, _, place in ordered:
        unique.setdefault((place.level, place.code or norm_name(place.name)), place)
    return tuple(unique.values())


def _regions_in(view: CahierView) -> set[str]:
    return {
        span.kb_id_
        for _, doc in view.paragraphs
        for span in doc.spans.get(PLACES_KEY, [])
        if span.label_ == "region" and span.kb_id_
    }


def _partners(paras: list[tuple[Unit, Doc]], groups: list[list[str]], name: str | None,
              cue: re.Pattern[str] | None) -> tuple[str, ...]:
    if cue is None:
        return ()
    partners: list[str] = []
    name_key = _key(name) if name else ""
    for _, doc in paras:
        for sent in sentences(doc):
            match = cue.search(sent.text)
            if not match:
                continue
            cue_end = sent.start_char + match.start()
            for span in doc.spans.get(ORGS_KEY, []):
                if span.start_char >= cue_end and span.end_char <= sent.end_char:
                    label = next((canonical(g) for g in groups if span.text in g), clean_name(span.text))
                    if _key(label) != name_key:
                        partners.append(label)
    return tuple(dict.fromkeys(partners))


def _capitalised(name: str) -> str:
    return name[:1].upper() + name[1:]
