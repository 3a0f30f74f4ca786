"""Personal data in every writing, through every export format (issue 18's « PII variants » row).

A planted set of personal data, written here (no real person): e-mails in seven writings (plain,
capitals, « arobase », « (at) », « [at] … [dot] », spaces around « @ »), French phone numbers in ten
writings ((+33) 6…, +33 (0)6…, 06.…, 06-…, 0655…, spaced groups…), person names in the writings the
audit found missed (lower case, capitals, « Dr », « M. », « Mme », « Madame », a surname alone after
the full name or a title) and postal addresses. The set goes through the default mask of each export
format (docx, odt, md, pdf, csv, xlsx, json: a synthesis holding the set; iramuteq: a cahier holding
it); each file is read back as text and every planted datum still readable is counted as a leak.

    .venv/bin/python benchmarks/pii_variants_benchmark.py

Prints, per format, the share of e-mails, phones, names and addresses masked, the acceptance line
(e-mails and phones 100 % masked in every format, names ≥ 90 %) and the masking speed.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@dataclass(frozen=True)
class Planted:
    kind: str  # email, phone, person, address
    sentence: str
    secrets: tuple[str, ...]
    """What must not be readable in the export (case-insensitive; phones: their digits)."""


_PHONE_WRITINGS = (
    "(+33) 6 55 44 {a} {b}",
    "+33 (0)6 55 44 {a} {b}",
    "+33 6 55 44 {a} {b}",
    "+33655 44{a}{b}",
    "0033 6 55 44 {a} {b}",
    "06 55 44 {a} {b}",
    "06.55.44.{a}.{b}",
    "06-55-44-{a}-{b}",
    "065544{a}{b}",
    "06 55 44{a[0]} {a[1]}{b}",
)
_EMAIL_WRITINGS = (
    "{local}@{domain}.fr",
    "{LOCAL}@{DOMAIN}.FR",
    "{local} arobase {domain}.fr",
    "{local} (at) {domain}.fr",
    "{local} [at] {domain} [dot] fr",
    "{local}(arobase){domain}.fr",
    "{local} @ {domain}.fr",
)
_NAMES = (
    ("Contact : {first} {last}, présidente.", "{first} {last}"),
    ("Contact : {FIRST} {LAST}, trésorier.", "{FIRST} {LAST}"),
    ("Responsable : {LAST} {first}", "{LAST} {first}"),
    ("contactez {lfirst} {llast} le matin.", "{lfirst} {llast}"),
    ("Le Dr {first} {last} reçoit les familles.", "{first} {last}"),
    ("Le Docteur {first} {last} reçoit les familles.", "{first} {last}"),
    ("M. {last} a ouvert la séance.", "{last}"),
    ("Mme {last} a ouvert la séance.", "{last}"),
    ("Madame {first} {last} a ouvert la séance.", "{first} {last}"),
    ("Monsieur {LAST} a ouvert la séance.", "{LAST}"),
    ("Nous avons rencontré {first} {last}. Selon {last}, il faut agir.", "{last}"),
    ("{first} {last} préside l'association. {LAST} rappelle les règles.", "{last}"),
    ("Signé : {first} {last}", "{first} {last}"),
    ("Cordialement,\n{first} {last}", "{first} {last}"),
    ("{first} {last}, chargée de mission, anime l'atelier.", "{first} {last}"),
)
# Invented people: common French first names and surnames.
_PEOPLE = (
    ("Sophie", "Vernet"), ("Karim", "Benali"), ("Claire", "Fontanel"), ("Jean", "Moulinet"),
    ("Nadia", "Ferrand"), ("Thomas", "Lecoeur"), ("Isabelle", "Marchetti"), ("Paul", "Durandeau"),
)  # fmt: skip
_ADDRESSES = (
    ("Siège : 12 rue des Lilas-{n}, 75011 Paris.", "Lilas-{n}"),
    ("Siège : 3 bis avenue Victor Hugo-{n} 63300 Thiers.", "Hugo-{n}"),
    ("Adresse : 5 chemin des Vignes-{n}, 84120 Pertuis.", "Vignes-{n}"),
    ("Adresse : lieu-dit Les Granges-{n} 12000 Rodez.", "Granges-{n}"),
    ("Adresse : 14 IMPASSE DU MOULIN-{n} 44000 NANTES.", "MOULIN-{n}"),
)


def planted() -> list[Planted]:
    """The planted set: every writing of every kind, each with its own values."""
    out: list[Planted] = []
    for n, writing in enumerate(_PHONE_WRITINGS):
        a, b = f"{30 + n:02d}", f"{10 + n:02d}"
        out.append(Planted("phone", f"Tél. : {writing.format(a=a, b=b)}, le matin.", (f"65544{a}{b}",)))
    for n, writing in enumerate(_EMAIL_WRITINGS):
        local, domain = f"prenom.nom{n}", f"asso-exemple{n}"
        value = writing.format(local=local, domain=domain, LOCAL=local.upper(), DOMAIN=domain.upper())
        out.append(Planted("email", f"Écrire à {value} pour s'inscrire.", (local, domain)))
    for n, (sentence, _secret) in enumerate(_NAMES):
        first, last = _PEOPLE[n % len(_PEOPLE)]
        values = {"first": first, "last": last, "FIRST": first.upper(), "LAST": last.upper(),
                  "lfirst": first.lower(), "llast": last.lower()}  # fmt: skip
        out.append(Planted("person", sentence.format(**values), (last,)))
    for n, (sentence, secret) in enumerate(_ADDRESSES):
        out.append(Planted("address", sentence.format(n=n), (secret.format(n=n),)))
    return out


def leaked(item: Planted, text: str) -> bool:
    """Whether ``item`` is still readable in the exported ``text``."""
    if item.kind == "phone":
        return item.secrets[0] in re.sub(r"\D", "", text)
    folded = text.casefold()
    return any(s.casefold() in folded for s in item.secrets)


def exported_texts(items: list[Planted], workdir: Path) -> dict[str, str]:
    """The text of each export format of a synthesis (and a cahier) holding ``items``, masked by
    default, read back from the file."""
    from ess_nlp.export import FORMATS, export_synthesis
    from ess_nlp.export.iramuteq import iramuteq_corpus
    from ess_nlp.records import Document
    from ess_nlp.segment import split_document
    from ess_nlp.store import Store
    from ess_nlp.synthesis import Scope, Synthesis, edit

    doc = Synthesis("Contacts des initiatives", Scope("theme", "T4"))
    doc = edit.set_introduction(doc, "\n\n".join(i.sentence for i in items[: len(items) // 2]))
    for item in items:
        doc = edit.add_item(doc, edit.make_item("proposal", item.sentence), section="proposals")
    text = "Contacts\n\n" + "\n\n".join(i.sentence for i in items)
    out: dict[str, str] = {}
    with Store(workdir / "pii.sqlite3") as store:
        source = Document("cahiers/contacts.txt", text, "txt", hashlib.sha256(text.encode()).hexdigest())
        store.add_document(source, split_document(source))
        for fmt in FORMATS:
            data = iramuteq_corpus(store) if fmt == "iramuteq" else export_synthesis(doc, fmt)
            out[fmt] = read_back(fmt, data)
    return out


def read_back(fmt: str, data: bytes) -> str:
    """The readable text of an export file."""
    if fmt in ("docx", "odt"):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            parts = [n for n in z.namelist() if n.endswith(".xml")]
            xml = " ".join(z.read(n).decode("utf-8") for n in parts)
        return re.sub(r"<[^>]+>", "", xml)
    if fmt == "pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    if fmt == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join(
            str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v
        )
    text = data.decode("utf-8-sig")
    if fmt == "json":
        return json.dumps(json.loads(text), ensure_ascii=False)
    if fmt == "md":
        return re.sub(r"\\(.)", r"\1", text)
    return text


def main() -> int:
    from ess_nlp.export import FORMATS
    from ess_nlp.privacy import Masker

    items = planted()
    kinds = ("email", "phone", "person", "address")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        texts = exported_texts(items, Path(tmp))
    elapsed = time.perf_counter() - started
    print(f"planted: {', '.join(f'{sum(i.kind == k for i in items)} {k}' for k in kinds)}; "
          f"{len(FORMATS)} formats in {elapsed:.1f} s")  # fmt: skip
    print(f"{'format':<9}" + "".join(f"{k:>10}" for k in kinds))
    share: dict[str, list[float]] = {k: [] for k in kinds}
    for fmt in FORMATS:
        row = []
        for kind in kinds:
            chosen = [i for i in items if i.kind == kind]
            masked = sum(not leaked(i, texts[fmt]) for i in chosen) / len(chosen)
            share[kind].append(masked)
            row.append(f"{masked:>10.1%}")
        print(f"{fmt:<9}" + "".join(row))
    worst = {k: min(v) for k, v in share.items()}
    ok = worst["email"] == 1.0 and worst["phone"] == 1.0 and worst["person"] >= 0.9
    print(f"PII variants: e-mails {worst['email']:.0%} and phones {worst['phone']:.0%} masked in every format "
          f"(worst format), names {worst['person']:.0%}, addresses {worst['address']:.0%}: "
          f"{'met' if ok else 'NOT met'} (e-mails and phones 100 %, names ≥ 90 %)")  # fmt: skip
    sentences = [i.sentence for i in items] * 20
    masker = Masker()
    masker.mask("M. Dupont")  # loads the pipeline
    started = time.perf_counter()
    masker.mask_many([f"{s} ({n})" for n, s in enumerate(sentences)])
    elapsed = time.perf_counter() - started
    print(f"speed: {len(sentences) / elapsed:.0f} short texts/s ({len(sentences)} texts, pipeline loaded)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
