"""The real personal-data gold of ``benchmarks/eval_privacy.py``, built at run time from ``../shared/data``.

Nothing personal is written in the repository: the texts are read from ``../shared/data`` and the
hand-checked spans are kept here as document ids, offsets and a SHA-1 prefix of the span's text
(a span that moved is found again by its hash; one that cannot be found is reported).

Documents (``load_documents``):
- ``<file>.pdf``: the text of each readable PDF of ``decider-ensemble-fiches/pdf`` (ess-nlp's reader);
- ``csv:<line>:<field>``: the free-text fields of ``decider-ensemble-resources.csv`` and
  ``csv:<line>:adresse``: its « NOM DU PORTEUR + ADRESSE POSTALE » field;
- ``apriles:<row>``: each initiative sheet of ``apriles-initiatives-openscraper`` (fields joined by
  new lines, from the fourth on: the contact block, partners, summary, tags…).

Gold (``build_gold``), per kind:
- ``person``: person names, hand-checked (``FIXED`` below): named contacts of the fiches, officials,
  people quoted in the sheets;
- ``email``: every token with an ``@`` between word characters and a dotted domain (checked by hand:
  all are e-mail addresses);
- ``phone``: every run of ten digits (or +33 and nine digits) with any separators (checked by hand);
- ``address``: the street field (« ADRESSE_RUE ») of each fiche of the CSV, wherever it occurs
  (either apostrophe), and the post-office boxes of the CSV's address field; where that field
  writes the street otherwise (another number, « 15/17 », a typo), its street part: from the first
  number, street type or post-office box after the holder's name to the postal code.
Never-mask gold (``keep``), each occurrence outside a personal span:
- ``commune``: the CSV's communes and, in the sheets, the word after a postal code;
- ``organisation``: the CSV's project holders and the sheets' last field (the holder);
- ``legal_form``: legal forms (association, SCOP, SCIC, mutuelle…);
- ``common_noun``: capitalised words at the start of a line whose lowercase form also occurs (a
  street type opening a postal address, « Place de l'Hôtel de Ville 75196 Paris », is not one);
- ``named_after``: organisations and places named after someone, hand-checked (``FIXED``).

Development and test parts: by fiche (a PDF and its CSV row go together) and by sheet, seeded
(``SEED``); tune on ``dev``, report ``test``.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

SEED = 13
DECIDER = "decider-ensemble-fiches"
APRILES = "apriles-initiatives-openscraper"
APRILES_FILE = "export_openscraper_5aa3de630a828651b2ebfe3e.csv"
CSV_FIELDS = (
    "PORTEUR DE PROJET - EXTENSIF",
    "À RETENIR",
    "PRÉSENTATION DU PROJET",
    "AUTRES ACTEURS IMPLIQUÉS DANS LA DÉMARCHE",
    "ÉTAPES",
)
PERSONAL = ("person", "email", "phone", "address")
LEGAL_FORMS = (
    "association", "associations", "SCOP", "SCIC", "SCI", "SARL", "SAS", "SA", "GIE", "EURL", "mutuelle",
    "fondation", "coopérative", "CAE", "régie de quartier", "collectivité", "communauté de communes",
    "syndicat", "fédération", "groupement", "entreprise d'insertion", "ESAT", "EHPAD", "CCAS", "GIP",
)  # fmt: skip

# Hand-checked spans: (kind, document, start, end, SHA-1 prefix of the span's text).
FIXED: tuple[tuple[str, str, int, int, str], ...] = (
    ("person", "93.Fiche_longue-Antony_2021.pdf.pdf", 264, 278, "e8284fbc321c"),
    ("person", "64.Fiche_barometre-Paris.pdf", 2037, 2049, "21c054d65b3b"),
    ("person", "87.Fiche_longue-Millau_2021.pdf.pdf", 231, 247, "6dd3f695b9d7"),
    ("person", "85.Fiche_longue-Plesse_2021.pdf.pdf", 259, 274, "4c04e60c3a38"),
    ("person", "85.Fiche_longue-Plesse_2021.pdf.pdf", 909, 924, "e75d4016d2e8"),
    ("person", "44.Fiche_barometre-MEL.pdf", 1609, 1623, "58e76b764389"),
    ("person", "89.Fiche_longue-Tours2_2021.pdf.pdf", 1908, 1924, "30efc951b4a0"),
    ("person", "csv:90:AUTRES ACTEURS IMPLIQUÉS DANS LA DÉMARCHE", 166, 182, "30efc951b4a0"),
    ("person", "94.Fiche_longue-Bordeaux_2021.pdf.pdf", 249, 264, "50385321d800"),
    ("person", "100.Fiche_longue-CNA_2021.pdf.pdf", 338, 349, "f920dfa57645"),
    ("person", "98.Fiche_longue-HauteGaronne_2021.pdf.pdf", 365, 384, "727d860c8935"),
    ("person", "90.Fiche_longue-Orleans_2021.pdf.pdf", 228, 242, "dd880209ff15"),
    ("person", "92.Fiche_longue-Allones_2021.pdf.pdf", 239, 257, "1d5c49c33ef4"),
    ("person", "84.Fiche_longue-OIF_2021.pdf.pdf", 300, 311, "36e9cab50dac"),
    ("person", "89.Fiche_longue-Tours2_2021.pdf.pdf", 254, 269, "0508520f1d3c"),
    ("person", "91.Fiche_longue-ArchipelHabitat_2021.pdf.pdf", 323, 335, "293d3519fa0a"),
    ("person", "95.Fiche_longue-Lille_2021.pdf.pdf", 311, 323, "4c627bddf58a"),
    ("person", "88.Fiche_longue-Tours1_2021.pdf.pdf", 212, 222, "88c4ae0d01b1"),
    ("person", "89.Fiche_longue-Tours2_2021.pdf.pdf", 200, 210, "88c4ae0d01b1"),
    ("person", "86.Fiche_longue-Jouars_2021.pdf.pdf", 288, 304, "0a280ef52914"),
    ("person", "75.Fiche_barometre-Rennes.pdf", 10280, 10296, "25c27d53d45b"),
    ("person", "101.Fiche_longue-Aquitanis_2021.pdf.pdf", 262, 272, "1bef5c27acc9"),
    ("person", "97.Fiche_longue-Coutances_2021.pdf.pdf", 290, 307, "b97839095c1d"),
    ("person", "96.Fiche_longue-Etain_2021.pdf.pdf", 270, 282, "dabb23b086a1"),
    ("person", "43.Fiche_barometre-Marcq.pdf", 8114, 8131, "89f24c28d934"),
    ("person", "43.Fiche_barometre-Marcq.pdf", 8458, 8475, "89f24c28d934"),
    ("person", "csv:35:PORTEUR DE PROJET - EXTENSIF", 260, 273, "1667b09b27ce"),
    ("person", "csv:72:ÉTAPES", 154, 171, "f72caede872f"),
    ("person", "csv:72:ÉTAPES", 210, 224, "3ac17f64d18c"),
    ("person", "apriles:82", 1751, 1766, "5981c82847fe"),
    ("person", "apriles:21", 973, 989, "57aace46ceff"),
    ("person", "apriles:21", 954, 969, "97f871436f6e"),
    ("person", "apriles:21", 1013, 1029, "275907c48f22"),
    ("person", "apriles:141", 385, 402, "4ed69ba5cb04"),
    ("person", "apriles:29", 2858, 2876, "6916a991cb0e"),
    ("person", "apriles:29", 2841, 2856, "ae8ad82267cd"),
    ("person", "apriles:264", 1195, 1208, "fd06f2afdf5c"),
    ("person", "apriles:146", 243, 256, "dc396052dde8"),
    ("person", "apriles:35", 1331, 1345, "7749a6ecf0e7"),
    ("person", "apriles:82", 1673, 1686, "a5c40fe02e76"),
    ("person", "apriles:108", 262, 266, "055d120b6eb8"),
    ("person", "apriles:63", 512, 527, "0c0258763838"),
    ("person", "apriles:125", 4, 20, "d95381e9f4a9"),
    ("person", "apriles:16", 1582, 1597, "4099674f0402"),  # dev: a cited author, missed by the first labelling
    ("keep", "apriles:57", 237, 253, "a1c7822d8277"),
    ("keep", "apriles:57", 605, 621, "a1c7822d8277"),
    ("keep", "apriles:130", 133, 145, "5380c0d2fa5f"),
    ("keep", "apriles:130", 455, 467, "5380c0d2fa5f"),
    ("keep", "apriles:136", 120, 139, "360ee3ce0eec"),
    ("keep", "apriles:136", 1027, 1046, "360ee3ce0eec"),
    ("keep", "apriles:236", 7, 25, "a81573d8d0d9"),
    ("keep", "apriles:69", 27, 39, "1ac6777c43f8"),
    ("keep", "apriles:69", 944, 956, "1ac6777c43f8"),
    ("keep", "apriles:240", 62, 77, "41116dcd531a"),
    ("keep", "apriles:240", 1240, 1255, "41116dcd531a"),
    ("keep", "apriles:125", 65, 81, "338422b3fe33"),
    ("keep", "apriles:125", 103, 119, "338422b3fe33"),
    ("keep", "apriles:125", 318, 334, "338422b3fe33"),
    ("keep", "apriles:125", 491, 507, "338422b3fe33"),
    ("keep", "apriles:125", 1377, 1393, "338422b3fe33"),
    ("keep", "apriles:230", 27, 44, "e098b5a7337c"),
    ("keep", "apriles:246", 128, 144, "92256c070f4c"),
    ("keep", "apriles:30", 930, 941, "40008719698d"),
    ("keep", "apriles:57", 292, 303, "40008719698d"),
    ("keep", "apriles:57", 726, 737, "40008719698d"),
    ("keep", "apriles:203", 582, 593, "40008719698d"),
    ("keep", "apriles:262", 181, 192, "40008719698d"),
    ("keep", "apriles:141", 1455, 1470, "028b5c0ea2b2"),
    ("keep", "apriles:141", 254, 275, "58f060c8fb5e"),
    ("keep", "apriles:37", 177, 200, "4977c5454183"),
    ("keep", "87.Fiche_longue-Millau_2021.pdf.pdf", 1214, 1221, "99ee2b97dfda"),
    ("keep", "csv:88:AUTRES ACTEURS IMPLIQUÉS DANS LA DÉMARCHE", 52, 59, "99ee2b97dfda"),
    ("keep", "95.Fiche_longue-Lille_2021.pdf.pdf", 2286, 2302, "31663aeb4168"),
    ("keep", "csv:96:AUTRES ACTEURS IMPLIQUÉS DANS LA DÉMARCHE", 151, 167, "c51d22ec044b"),
    ("keep", "csv:34:PRÉSENTATION DU PROJET", 53, 63, "e91546a16b73"),
    ("keep", "csv:34:ÉTAPES", 727, 737, "e91546a16b73"),
    ("keep", "csv:37:PRÉSENTATION DU PROJET", 15, 22, "f40b0151098d"),
    ("keep", "csv:37:ÉTAPES", 691, 698, "f40b0151098d"),
)


@dataclass(frozen=True)
class Span:
    doc: str
    start: int
    end: int
    kind: str
    group: str = ""
    """For never-mask spans: commune, organisation, legal_form, common_noun, named_after."""


def _sha(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def load_documents(shared: Path, *, pdfs: bool = True) -> dict[str, str]:
    """Every document of the gold, by id (PDF texts cached in the temporary folder)."""
    docs: dict[str, str] = {}
    if pdfs:
        docs.update(_pdf_texts(shared / DECIDER / "pdf"))
    with (shared / DECIDER / "decider-ensemble-ressources.csv").open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            for name in CSV_FIELDS:
                docs[f"csv:{line}:{name}"] = row[name]
            docs[f"csv:{line}:adresse"] = row["NOM DU PORTEUR + ADRESSE POSTALE"]
    with (shared / APRILES / APRILES_FILE).open(encoding="utf-8", newline="") as fh:
        for number, fields in enumerate(csv.reader(fh, delimiter="|")):
            if number:
                docs[f"apriles:{number}"] = "\n".join(fields[3:])
    return docs


def _pdf_texts(folder: Path) -> dict[str, str]:
    from ess_nlp.ingest import read_document

    files = sorted(folder.glob("*.pdf"))
    key = _sha("".join(f"{p.name}:{p.stat().st_size}" for p in files))
    cache = Path(tempfile.gettempdir()) / f"ess-nlp-privacy-pdfs-{key}.json"
    if cache.is_file():
        cached: dict[str, str] = json.loads(cache.read_text("utf-8"))
        return cached
    texts = {p.name: read_document(p).text for p in files}
    cache.write_text(json.dumps(texts), "utf-8")
    return texts


def part(doc: str) -> str:
    """``dev`` or ``test``: by fiche number (PDF name or the CSV row's PDF) or by sheet."""
    return "test" if int(_sha(f"{SEED}:{group_of(doc)}"), 16) % 2 else "dev"


_CSV_FICHES: dict[str, str] = {}


def group_of(doc: str) -> str:
    if doc.startswith("apriles:"):
        return doc
    if doc.startswith("csv:"):
        return "fiche:" + _CSV_FICHES.get(doc.split(":")[1], doc.split(":")[1])
    return "fiche:" + doc.split(".", 1)[0]


def _index_fiches(shared: Path) -> None:
    with (shared / DECIDER / "decider-ensemble-ressources.csv").open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            _CSV_FICHES[str(line)] = row["PDF FILE NAME"].split(".", 1)[0].strip()


def build_gold(shared: Path, docs: dict[str, str]) -> tuple[list[Span], list[Span], list[str]]:
    """``(personal spans, never-mask spans, problems)`` over ``docs``."""
    _index_fiches(shared)
    problems: list[str] = []
    personal: list[Span] = []
    keep: list[Span] = []
    for kind, doc, start, end, digest in FIXED:
        if doc not in docs:
            continue
        found = _relocate(docs[doc], start, end, digest)
        if found is None:
            problems.append(f"{doc}: span {start}-{end} not found (the text changed)")
            continue
        if kind == "keep":
            keep.append(Span(doc, *found, "keep", "named_after"))
        else:
            personal.append(Span(doc, *found, kind))
    for doc, text in docs.items():
        personal += [Span(doc, m.start(), m.end(), "email") for m in _EMAIL.finditer(text)]
        personal += [Span(doc, m.start(), m.end(), "phone") for m in _PHONE.finditer(text)]
    personal += _addresses(shared, docs)
    keep += _never_mask(shared, docs)
    personal_by_doc = by_doc(personal)
    keep = [k for k in keep if not _overlaps_any(k, personal_by_doc.get(k.doc, []))]
    return personal, keep, problems


def _relocate(text: str, start: int, end: int, digest: str) -> tuple[int, int] | None:
    if _sha(text[start:end]) == digest:
        return start, end
    width = end - start
    for i in range(0, max(0, len(text) - width) + 1):
        if _sha(text[i : i + width]) == digest:
            return i, i + width
    return None


# Broad patterns (wider than the masker's): what looks like an e-mail or a phone at all.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(
    r"(?<![\d])(?:\(?(?:\+|00)\s?33\s?\)?[\s.\-]?(?:\(0\)\s?)?\d(?:[\s.\-/]{0,2}\d){8}|0\d(?:[\s.\-/]{0,2}\d){8})(?!\d)"
)


def _street_pattern(street: str) -> str:
    words = [re.sub(r"['’]", "['’]", re.escape(w)) for w in street.split()]  # either apostrophe
    return r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)"


# The street part of the CSV's address field when its street field is written otherwise there
# (« 15/17 rue … » for « 15 rue … », another number, a typo): from the first number, street type or
# post-office box after the holder's name to the postal code.
_STREET_PART = re.compile(
    r"(?:\d|\b(?:rue|avenue|boulevard|bd|place|allée|quai|chemin|route|impasse|cours|square|esplanade|"
    r"passage|BP|CS)\b).*?(?=[\s,–-]*\b\d{2}\s?\d{3}\s+[^\W\d])",
    re.IGNORECASE | re.DOTALL,
)


def _addresses(shared: Path, docs: dict[str, str]) -> list[Span]:
    streets: set[str] = set()
    holders: dict[str, str] = {}
    with (shared / DECIDER / "decider-ensemble-ressources.csv").open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            street = " ".join(row["ADRESSE_RUE"].split()).strip(" ,")
            if len(street) > 6:
                streets.add(street)
            holders[f"csv:{line}:adresse"] = " ".join(row["NOM_PORTEUR_PROJET"].split())
    spans = []
    for doc, text in docs.items():
        for street in streets:
            pattern = _street_pattern(street)
            spans += [
                Span(doc, m.start(), m.end(), "address") for m in re.finditer(pattern, text, re.IGNORECASE)
            ]
    for doc, text in docs.items():
        if doc.endswith(":adresse"):  # post-office boxes of the address field
            spans += [
                Span(doc, m.start(), m.end(), "address") for m in re.finditer(r"\b(?:BP|CS)\s?\d+", text)
            ]
    found = {s.doc for s in spans}
    for doc, holder in holders.items():
        field = docs.get(doc, "")
        if field and doc not in found:  # the street field is written otherwise in the address field
            offset = _offset_after_words(
                field, len(holder) if " ".join(field.split()).startswith(holder) else 0
            )
            m = _STREET_PART.search(field, offset)
            if m:
                spans.append(Span(doc, m.start(), m.end(), "address"))
    return spans


def _offset_after_words(text: str, length: int) -> int:
    """The offset in ``text`` after its first ``length`` characters counted with runs of spaces as one."""
    seen = i = 0
    while i < len(text) and seen < length:
        if text[i].isspace():
            while i < len(text) and text[i].isspace():
                i += 1
            seen += 1
        else:
            i += 1
            seen += 1
    return i


_STREET_BEFORE = re.compile(
    r"\b(?:(?:rue|avenue|boulevard|bd|place|allée|quai|chemin|route|impasse|cours|square|esplanade)\b|"
    r"(?:pl|av|bd|bld)\.)[^\n,]{0,20}$",  # and abbreviated: « Pl. de l'Hôtel de ville »
    re.IGNORECASE,
)


def _fold(text: str) -> str:
    return text.replace("\u0130", "i").upper().casefold()


def _never_mask(shared: Path, docs: dict[str, str]) -> list[Span]:
    communes: set[str] = set()
    organisations: set[str] = set()
    with (shared / DECIDER / "decider-ensemble-ressources.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            communes.add(row["COMMUNE"].strip())
            organisations.add(" ".join(row["NOM_PORTEUR_PROJET"].split()))
    with (shared / APRILES / APRILES_FILE).open(encoding="utf-8", newline="") as fh:
        for number, fields in enumerate(csv.reader(fh, delimiter="|")):
            if number and fields and len(fields[-1]) < 80 and "http" not in fields[-1]:
                organisations.add(" ".join(fields[-1].split()))
    for doc, text in docs.items():
        if doc.startswith("apriles:"):
            communes.update(m.group(1) for m in re.finditer(r"\b\d{2} ?\d{3} ([A-ZÀ-Þ][\w’'-]+)", text))
    groups = {
        "commune": {c for c in communes if len(c) > 2},
        "organisation": {o for o in organisations if len(o) > 3},
        "legal_form": set(LEGAL_FORMS),
    }
    spans: list[Span] = []
    # A value is searched for only in the texts that hold it, case folded where the search ignores
    # case (« İ » as « i », then upper and casefold, puts together every pair of characters that
    # ``re.IGNORECASE`` matches, « ı » and « i », « ſ » and « s » included: checked over all of
    # Unicode): the same spans, without scanning 875 texts for each of the 500 values.
    folded = {doc: _fold(text) for doc, text in docs.items()}
    for group, values in groups.items():
        flags = re.IGNORECASE if group != "legal_form" else 0
        for value in values:
            pattern = re.compile(r"(?<![\w@./-])" + re.escape(value) + r"(?![\w@-]|\.\w)", flags)
            key = _fold(value) if flags else value
            for doc, text in docs.items():
                if key not in (folded[doc] if flags else text):
                    continue
                spans += [
                    Span(doc, m.start(), m.end(), "keep", group)
                    for m in pattern.finditer(text)
                    if not _STREET_BEFORE.search(
                        text[max(0, m.start() - 30) : m.start()]
                    )  # « rue de Rennes »
                ]
    spans += _common_nouns(docs)
    return spans


# « Place de l'Hôtel de Ville 75196 Paris »: a street type opening a line is the start of a postal
# address (personal data to mask), not a common noun.
_STREET_START = re.compile(
    r"(?:rue|avenue|boulevard|place|allée|quai|chemin|route|impasse|cours|square|esplanade)\s+"
    r"(?:(?:de|du|des|la|le|les|l['’]|d['’])\s*)*[A-ZÀ-Þ][^\n]{0,60}?\b\d{2}\s?\d{3}\b",
    re.IGNORECASE,
)


def _common_nouns(docs: dict[str, str]) -> list[Span]:
    lower: set[str] = set()
    for text in docs.values():
        lower.update(re.findall(r"(?<![\w’'])[a-zà-ÿ][a-zà-ÿ-]{3,}", text))
    spans = []
    for doc, text in docs.items():
        for m in re.finditer(r"(?m)^[^\w\n]*([A-ZÀ-Þ][a-zà-ÿ-]{3,})\b", text):
            if m.group(1).lower() in lower and not _STREET_START.match(text, m.start(1)):
                spans.append(Span(doc, m.start(1), m.end(1), "keep", "common_noun"))
    return spans


def _overlaps_any(span: Span, others: Iterable[Span]) -> bool:
    return any(o.doc == span.doc and o.start < span.end and span.start < o.end for o in others)


def by_doc(spans: Iterable[Span]) -> dict[str, list[Span]]:
    out: dict[str, list[Span]] = {}
    for span in spans:
        out.setdefault(span.doc, []).append(span)
    return out
