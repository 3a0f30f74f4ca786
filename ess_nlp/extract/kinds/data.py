"""The real labelled sets the sentence-kind model learns from and is measured on, with their
fixed development/test parts.

Every set lives outside the repository (``../shared/data``, see its README); a loader takes the
folder of that data and returns typed rows, each with its ``part``: ``"dev"`` (training and
tuning) or ``"test"`` (held out: only ``benchmarks/eval_real.py`` reads it). The part of a row is
a pure function of the set name, the row's key (its contribution, report, fiche or sheet id)
and :data:`SPLIT_SEED`, so training and evaluation agree without sharing any file, and adding
rows to a set never moves the others.

- ``an``: Assemblée nationale consultation (2016): 1,808 segments over 465 contributions,
  each labelled by volunteers; grouped by contribution (a contribution and its segments fall in
  the same part).
- ``gdn``: Grand Débat local meeting reports: the ``constats`` and ``propositions`` fields, and
  the account of how the meeting went (``how_it_went``: sentences that are neither).
- ``decider``: Décider ensemble fiches (PDFs and the CSV of their fields).
- ``pdcn``: Près de chez nous sheets; ``apriles``: Apriles sheets (misaligned columns).
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ess_nlp.errors import ConfigError

Part = Literal["dev", "test"]

SPLIT_SEED = 12
"""Seed of every dev/test split (written here once, read by training and evaluation)."""

TEST_FRACTION: dict[str, float] = {"an": 0.4, "gdn": 0.5, "decider": 0.5, "pdcn": 0.5, "apriles": 0.5}
"""Share of each set's keys held out as its test part."""

KINDS: tuple[str, ...] = ("proposal", "constat", "description", "other")
"""The sentence kinds, in the model's label order."""

#: Labels of the Assemblée nationale consultation -> sentence kinds.
AN_KINDS: dict[str, str] = {
    "des propositions de nouvelles mesures": "proposal",
    "des analyses ou proposition d'ordre général": "proposal",
    "une description d'un problème": "constat",
    "une analyse des causes du problème": "constat",
    "l'évocation d'expérience(s) personnelle(s)": "description",
    "des prises de position contre une mesure existante": "other",
    "des questions ou demandes d'information": "other",
}
AN_NEW_MEASURE = "des propositions de nouvelles mesures"


def split_part(set_name: str, key: str, *, seed: int = SPLIT_SEED) -> Part:
    """``"test"`` for a fixed share (:data:`TEST_FRACTION`) of the keys of a set, else ``"dev"``."""
    digest = hashlib.sha256(f"{set_name}\x1f{seed}\x1f{key}".encode()).digest()
    return "test" if int.from_bytes(digest[:8], "big") / 2**64 < TEST_FRACTION[set_name] else "dev"


@dataclass(frozen=True)
class LabelledText:
    """A text with its kind: ``label`` is the set's own label, ``group`` the key of the
    document it belongs to (splits and cross-validation keep a group together)."""

    text: str
    kind: str
    source: str
    group: str
    part: Part
    label: str = ""


@dataclass(frozen=True)
class Contribution:
    """An answer of the Assemblée nationale consultation: does it propose a new measure?"""

    id: str
    text: str
    proposes: bool
    part: Part


@dataclass(frozen=True)
class Report:
    """A Grand Débat local meeting report: its diagnosis and proposals fields, the account of
    how the meeting went and the report's title (``""`` when the organiser wrote none)."""

    id: str
    constats: str
    propositions: str
    part: Part
    account: str = ""
    title: str = ""


@dataclass(frozen=True)
class Fiche:
    """A Décider ensemble fiche: the PDF (None when the CSV row has no readable PDF) and the
    CSV fields that are the gold of its card."""

    key: str
    pdf: Path | None
    title: str
    porteur: str
    commune: str
    postal_code: str
    url: str
    presentation: str
    porteur_text: str
    part: Part


@dataclass(frozen=True)
class Sheet:
    """An initiative sheet of a directory (Près de chez nous, Apriles) and its known fields."""

    key: str
    paragraphs: tuple[str, ...]
    title: str
    organisation: str
    city: str
    postal_code: str
    region: str
    description: str
    part: Part


def _require(path: Path) -> Path:
    if not path.is_file():
        raise ConfigError(f"{path} : fichier absent ; le dossier des données réelles (../shared/data) était attendu.")
    return path


def _rows(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(1 << 30)
    with _require(path).open(encoding="utf-8", newline="") as fh:
        return [{k or "": (v or "") for k, v in row.items()} for row in csv.DictReader(fh)]


# -- Assemblée nationale -----------------------------------------------------------------------


def an_segments(root: Path) -> list[LabelledText]:
    """The 1,808 labelled segments (the volunteers' summaries of a contribution's statements)."""
    path = root / "an-consultation-egalite-fh-2016" / "exploitation" / "crowdsource_resultat_syntheses.csv"
    out = []
    for row in _rows(path):
        text = " ".join(row["synthese"].split())
        label = row["affirmation"].strip()
        if not text or label not in AN_KINDS:
            continue
        group = row["document_id"].strip()
        out.append(LabelledText(text, AN_KINDS[label], "an", group, split_part("an", group), label))
    return out


def an_contributions(root: Path) -> list[Contribution]:
    """The 465 segmented contributions; ``proposes`` when a volunteer marked a new measure in it."""
    path = root / "an-consultation-egalite-fh-2016" / "exploitation" / "crowdsource_resultat_syntheses.csv"
    texts: dict[str, str] = {}
    proposes: dict[str, bool] = defaultdict(bool)
    for row in _rows(path):
        key = row["document_id"].strip()
        texts[key] = row["text"].replace("\r", "")
        proposes[key] |= row["affirmation"].strip() == AN_NEW_MEASURE
    return [Contribution(k, texts[k], proposes[k], split_part("an", k)) for k in sorted(texts, key=_natural)]


def _natural(key: str) -> tuple[int, str]:
    return (int(key), key) if key.isdigit() else (1 << 62, key)


# -- Grand Débat -------------------------------------------------------------------------------


def clean_field(value: str) -> str:
    """A form field's lines, stripped, without blank lines."""
    lines = [line.strip() for line in str(value).replace("\r", "").split("\n")]
    return "\n".join(line for line in lines if line).strip()


def gdn_reports(root: Path, *, min_chars: int = 50) -> list[Report]:
    """Reports whose diagnosis and proposals fields both hold ``min_chars`` characters or more."""
    path = root / "gdn-reunions-locales" / "gdn_reunions_locales.csv"
    out = []
    for row in _rows(path):
        diag, props = clean_field(row["constats"]), clean_field(row["propositions"])
        if len(diag) < min_chars or len(props) < min_chars:
            continue
        key = row["contribution_id"].strip()
        out.append(Report(key, diag, props, split_part("gdn", key), clean_field(row.get("how_it_went") or ""),
                          clean_field(row.get("title") or "")))
    return out


def report_text(constats: str, propositions: str, *, headings: bool = False,
                lead: str = "") -> tuple[str, dict[str, tuple[int, int]]]:
    """A report as one document: its two fields joined as paragraphs (as real reports without
    headings come), or under the headings « Constats » and « Propositions »; with the span of
    each field, keyed by the kind its sentences are ("constat", "proposal"). ``lead``: a text
    written first that is neither (the account of how the meeting went, or the report's title,
    as reports open), its span keyed "other"."""
    pieces: list[tuple[str, str | None]] = [("Compte rendu\n\n", None)] if headings else []
    if lead:
        pieces += [(lead, "other"), ("\n\n", None)]
    pieces += [("Constats\n\n", None)] if headings else []
    pieces += [(constats, "constat"), ("\n\n", None)]
    pieces += [("Propositions\n\n", None)] if headings else []
    pieces += [(propositions, "proposal"), ("\n", None)]
    fields: dict[str, tuple[int, int]] = {}
    start = 0
    for piece, kind in pieces:
        if kind is not None:
            fields[kind] = (start, start + len(piece))
        start += len(piece)
    text = "".join(piece for piece, _ in pieces)
    return text, fields


def field_sentences(text: str, fields: dict[str, tuple[int, int]]) -> list[tuple[str, int, int]]:
    """``(field kind, start, end)`` of each sentence of three letters or more of each field."""
    from ess_nlp.extract._context import sentence_bounds

    out = []
    for field, (a, b) in fields.items():
        for s, e in sentence_bounds(text[a:b]):
            if sum(ch.isalpha() for ch in text[a + s : a + e]) >= 3:
                out.append((field, a + s, a + e))
    return out


def field_hits(text: str, fields: dict[str, tuple[int, int]], found: dict[str, list[tuple[int, int]]],
               counts: Counter[str], misses: list[str] | None = None,
               sentences: list[tuple[str, int, int]] | None = None) -> None:
    """Score extracted spans against the fields of a report, sentence by sentence.

    ``fields`` maps a kind ("proposal", "constat") to the span of ``text`` its field occupies;
    ``found`` maps each kind to the spans extraction gave it. Every sentence of a field (three
    letters or more; ``sentences`` when already computed by :func:`field_sentences`) counts
    once in ``counts["<field kind>_sent"]``; for each kind, a sentence that some extracted span
    overlaps counts in ``"<kind>_pred"``, and in ``"<kind>_tp"`` when the field is of that
    kind, else in ``"<field kind>_as_<kind>"``. ``misses`` collects the sentences extraction got wrong."""
    for field, s, e in sentences if sentences is not None else field_sentences(text, fields):
        counts[f"{field}_sent"] += 1
        for kind, spans in found.items():
            hit = any(x < e and s < y for x, y in spans)
            counts[f"{kind}_pred"] += hit
            counts[f"{kind}_tp"] += hit and field == kind
            counts[f"{field}_as_{kind}"] += hit and field != kind
            if misses is not None and hit != (field == kind) and (hit or field == kind):
                misses.append(f"{'FP' if hit else 'FN'} {kind}: {text[s:e][:120]}")


def gdn_sentences(reports: Iterable[Report]) -> list[LabelledText]:
    """Each sentence of a report's diagnosis field as a constat, of its proposals field as a proposal."""
    from ess_nlp.extract._context import sentence_bounds

    out = []
    for report in reports:
        for text, kind, label in ((report.constats, "constat", "constats"),
                                  (report.propositions, "proposal", "propositions")):
            for a, b in sentence_bounds(text):
                sentence = text[a:b]
                if sum(ch.isalpha() for ch in sentence) >= 3:
                    out.append(LabelledText(sentence, kind, "gdn", report.id, report.part, label))
    return out


def gdn_account_sentences(reports: Iterable[Report]) -> list[LabelledText]:
    """Each sentence of a report's account of how the meeting went, as « other »: a meeting's
    account (who came, how it was run, how it felt) is neither a finding nor a proposal."""
    from ess_nlp.extract._context import sentence_bounds

    out = []
    for report in reports:
        for a, b in sentence_bounds(report.account):
            sentence = report.account[a:b]
            if sum(ch.isalpha() for ch in sentence) >= 3:
                out.append(LabelledText(sentence, "other", "gdn", report.id, report.part, "how_it_went"))
    return out


def gdn_title_rows(reports: Iterable[Report]) -> list[LabelledText]:
    """Each report's title (« Réunion citoyenne sur la fiscalité », « démocratie et citoyenneté
    des personnes âgées »), as « other »: a title names the meeting, it neither finds nor asks."""
    return [LabelledText(r.title, "other", "gdn", r.id, r.part, "title")
            for r in reports if sum(ch.isalpha() for ch in r.title) >= 3]


# -- Décider ensemble --------------------------------------------------------------------------


def _pdf_key(name: str) -> str:
    return re.sub(r"(?:\.pdf)+$", "", name.strip(), flags=re.I)


def decider_fiches(root: Path) -> list[Fiche]:
    """One fiche per CSV row; ``pdf`` is set for the fiches whose PDF opens without a password."""
    folder = root / "decider-ensemble-fiches"
    pdfs = {_pdf_key(p.name): p for p in sorted((folder / "pdf").glob("*.pdf"))}
    out = []
    for row in _rows(folder / "decider-ensemble-ressources.csv"):
        key = _pdf_key(row["PDF FILE NAME"])
        if not key:
            continue
        out.append(Fiche(
            key=key,
            pdf=pdfs.get(key),
            title=row["TITRE DU PROJET"].strip(),
            porteur=row["NOM_PORTEUR_PROJET"].strip(),
            commune=row["COMMUNE"].strip(),
            postal_code=row["CODE_POSTAL"].strip(),
            url=row["SITE WEB"].strip(),
            presentation=row["PRÉSENTATION DU PROJET"].strip(),
            porteur_text=row["PORTEUR DE PROJET - EXTENSIF"].strip(),
            part=split_part("decider", key),
        ))
    return out


# -- initiative directories --------------------------------------------------------------------


def pdcn_sheets(root: Path) -> list[Sheet]:
    """The 100 Près de chez nous sheets, as a directory page shows them: title, summary,
    description, commitment, then the commune and its postal code."""
    out = []
    for row in _rows(root / "presdecheznous-niort" / "initiatives.csv"):
        postal = row["postal_code"].split(".")[0].strip()
        paragraphs = [row["title"].strip()]
        paragraphs += [row[k].strip() for k in ("summary", "description", "commitment") if row[k].strip()]
        if row["city"].strip():
            paragraphs.append(f"Commune : {row['city'].strip()}" + (f" ({postal})" if postal else ""))
        key = row["id"].strip()
        out.append(Sheet(key, tuple(paragraphs), row["title"].strip(), "", row["city"].strip(), postal, "",
                         " ".join(row[k] for k in ("summary", "description")).strip(), split_part("pdcn", key)))
    return out


_REGIONS = (
    "Alsace", "Aquitaine", "Auvergne", "Basse-Normandie", "Bourgogne", "Bretagne", "Centre", "Champagne-Ardenne",
    "Corse", "Franche-Comté", "Guadeloupe", "Guyane", "Haute-Normandie", "Île-de-France", "Ile-de-France",
    "La Réunion", "Languedoc-Roussillon", "Limousin", "Lorraine", "Martinique", "Midi-Pyrénées", "Mayotte",
    "Nord-Pas-de-Calais", "Pays de la Loire", "Picardie", "Poitou-Charentes", "Provence-Alpes-Côte d'Azur",
    "Rhône-Alpes", "Auvergne-Rhône-Alpes", "Bourgogne-Franche-Comté", "Centre-Val de Loire", "Grand Est",
    "Hauts-de-France", "Normandie", "Nouvelle-Aquitaine", "Occitanie", "National",
)


def apriles_sheets(root: Path) -> list[Sheet]:
    """The 269 Apriles sheets. Empty fields were dropped at export, so the values do not line up
    with the header: the fields are read by content. The last fields are the région, the title,
    the picture's address (when there is one) and the organisation carrying the initiative."""
    path = _require(root / "apriles-initiatives-openscraper" / "export_openscraper_5aa3de630a828651b2ebfe3e.csv")
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    out = []
    for line in lines:
        fields = [f.strip() for f in line.split("|")]
        if len(fields) < 6 or not fields[2].startswith("http"):
            continue
        key = fields[2]
        values = fields[3:]
        region_at = max((i for i, v in enumerate(values) if v in _REGIONS), default=None)
        if region_at is None:
            continue
        tail = [v for v in values[region_at + 1 :] if v]
        title = tail[0] if tail else ""
        rest = [v for v in tail[1:] if not v.startswith(("http://", "https://"))]
        organisation = rest[0] if rest and not re.fullmatch(r"[\d\s]+", rest[0]) else ""
        body = [v for v in values[:region_at] if v and not v.startswith(("http://", "https://", "mailto:"))]
        contact = body[0] if body else ""
        postal = re.search(r"\b(\d{5})\s+((?:[A-ZÀ-Ö][\w'’-]*(?:\s+|$)){1,4})", contact)
        description = max(body, key=len) if body else ""
        paragraphs = (title, *body, *(v for v in rest[:1]))
        out.append(Sheet(key, tuple(p for p in paragraphs if p), title, organisation,
                         postal.group(2).strip() if postal else "", postal.group(1) if postal else "",
                         values[region_at], description, split_part("apriles", key)))
    return out
