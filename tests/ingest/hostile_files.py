"""Hostile and oversized source files, generated on demand (nothing large is committed).

Each case writes one or more files into a folder and returns their paths. ``scale`` shrinks
the sizes for fast tests (``scale=1.0`` gives the sizes of issue 17, used by
``benchmarks/hostile_benchmark.py``). Sparse files are used where the content does not matter,
so that a "200 MB" file costs no disk.
"""

from __future__ import annotations

import io
import os
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

GOOD_TEXT = (
    "Cahier d'espérance : la recyclerie du quartier\n\n"
    "Constat\n\n"
    "Les objets encore utilisables finissent à la déchetterie.\n\n"
    "Nos propositions\n\n"
    "1. Créer une recyclerie coopérative dans chaque intercommunalité.\n"
)
_PROSE = (
    "L'association accompagne les habitants du quartier vers l'emploi et la formation. "
    "Elle réunit des bénévoles, des salariés en insertion et des partenaires publics. "
    "En 2010, elle a aidé 120 personnes et créé 14 emplois durables sur le territoire. "
)


def write_good_files(folder: Path, count: int = 2) -> list[Path]:
    """Ordinary cahiers placed beside each hostile file: they must be stored."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"bon-{i + 1}.txt"
        path.write_text(GOOD_TEXT.replace("recyclerie du quartier", f"recyclerie n° {i + 1}"), encoding="utf-8")
        paths.append(path)
    return paths


# --- office archives --------------------------------------------------------------------------


def docx_bytes(document_xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal .docx holding ``document_xml`` (and ``extra`` members)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        archive.writestr("word/document.xml", document_xml)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_paragraphs(texts: list[str]) -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{t}</w:t></w:r></w:p>" for t in texts)
    return f'<?xml version="1.0"?><w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'.encode()


def zip_bomb_docx(scale: float = 1.0) -> bytes:
    """document.xml of zeros deflated about 1,000:1 (the ratio check refuses it)."""
    return docx_bytes(b"<w:document>" + b" " * int(200 * MB * scale) + b"</w:document>")


def entity_expansion_docx() -> bytes:
    """A "billion laughs" document.xml: ten levels of ten entity references."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{"".join(f"&lol{i - 1};" for _ in range(10))}">' for i in range(1, 10)
    ]
    xml = (
        '<?xml version="1.0"?><!DOCTYPE w:document [' + "".join(entities) + "]>"
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>'
    )
    return docx_bytes(xml.encode())


def lying_zip_docx(scale: float = 1.0) -> bytes:
    """A .docx whose zip directory declares a small document.xml that inflates to far more.

    The member is ``200 MB × scale`` of real paragraphs compressed about 30:1 (under any
    ratio limit), then its declared uncompressed size is rewritten to 1 KB in both headers.
    """
    paragraph = b"<w:p><w:r><w:t>" + _PROSE.encode() + b"</w:t></w:r></w:p>"
    body = paragraph * max(1, int(200 * MB * scale) // len(paragraph))
    xml = b'<?xml version="1.0"?><w:document xmlns:w="' + W_NS.encode() + b'"><w:body>' + body + b"</w:body></w:document>"
    return declare_size(docx_bytes(xml), "word/document.xml", 1024)


def declare_size(archive: bytes, member: str, size: int) -> bytes:
    """Rewrite the uncompressed size of ``member`` in the local header and central directory."""
    data = bytearray(archive)
    encoded = member.encode()
    for signature, size_offset, name_offset in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (pos := data.find(signature, start)) != -1:
            if data[pos + name_offset : pos + name_offset + len(encoded)] == encoded:
                data[pos + size_offset : pos + size_offset + 4] = struct.pack("<I", size)
            start = pos + 4
    return bytes(data)


def nested_docx(depth: int) -> bytes:
    """Tables nested ``depth`` deep (each cell holds the next table)."""
    xml = "<w:tbl><w:tr><w:tc>" * depth + "<w:p><w:r><w:t>Au fond.</w:t></w:r></w:p>" + "</w:tc></w:tr></w:tbl>" * depth
    return docx_bytes(
        f'<?xml version="1.0"?><w:document xmlns:w="{W_NS}"><w:body>{xml}</w:body></w:document>'.encode()
    )


def far_cell_xlsx() -> bytes:
    """A workbook whose only other cell sits at the last row and column (XFD1048576)."""
    sheet = (
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<dimension ref="A1:XFD1048576"/><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Titre</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>Proposition</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>Monnaie locale</t></is></c>'
        '<c r="B2" t="inlineStr"><is><t>Créer une monnaie locale complémentaire dans chaque bassin de vie. '
        "Elle soutient les commerces de proximité.</t></is></c></row>"
        '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>loin</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    return _xlsx({"xl/worksheets/sheet1.xml": sheet})


def _xlsx(members: dict[str, str]) -> bytes:
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    base = {
        "[Content_Types].xml": (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0"?><workbook xmlns="{ns}" xmlns:r="{rel}"><sheets>'
            '<sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in {**base, **members}.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def formula_xlsx() -> bytes:
    """Cells that a spreadsheet would run as formulas if exported as they are."""
    sheet = (
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<sheetData>"
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Titre</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>Proposition</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>=HYPERLINK("http://exemple.invalid","clic")</t></is></c>'
        '<c r="B2" t="inlineStr"><is><t>=1+1 puis +SOMME(A1:A2) et @cmd|\' /C calc\'!A0</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    return _xlsx({"xl/worksheets/sheet1.xml": sheet})


# --- PDF ----------------------------------------------------------------------------------------


def pdf_stream_bomb(scale: float = 1.0) -> bytes:
    """A one-page PDF whose content stream inflates to ``1 GB × scale`` of spaces (about 1,000:1)."""
    size = int(1024 * MB * scale)
    compressor = zlib.compressobj(9)
    chunk = b" " * MB
    parts = [compressor.compress(chunk) for _ in range(size // MB)]
    parts.append(compressor.compress(b"BT /F1 12 Tf 72 720 Td (Bombe) Tj ET"))
    parts.append(compressor.flush())
    stream = b"".join(parts)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" /Filter /FlateDecode >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


# --- text, markup, tables ---------------------------------------------------------------------


def nested_html(depth: int) -> bytes:
    return (b"<html><body>" + b"<div>" * depth + b"Au fond du puits." + b"</div>" * depth + b"</body></html>")


def nested_markdown(depth: int) -> bytes:
    """Block quotes, list items and brackets nested ``depth`` deep, on a few lines."""
    lines = [
        "# Titre",
        "",
        "> " * depth + "citation au fond",
        "",
        "[" * depth + "lien" + "](x)" * depth,
        "",
        "*" * depth + "emphase" + "*" * depth,
        "",
        "".join("  " * i + "- point\n" for i in range(min(depth, 2000))),
    ]
    return "\n".join(lines).encode()


def prose(size: int, paragraph_break: bool = True) -> bytes:
    """About ``size`` bytes of French prose; one paragraph per sentence group, or none at all."""
    sep = "\n\n" if paragraph_break else " "
    unit = (_PROSE.strip() + sep).encode()
    return unit * max(1, size // len(unit))


def write_sparse(path: Path, size: int) -> Path:
    """A file of ``size`` bytes that takes no disk (a hole)."""
    with path.open("wb") as handle:
        handle.truncate(size)
    return path


def big_csv(rows: int) -> bytes:
    lines = ["Titre;Proposition"] + [f"Cahier {i};Créer une coopérative n° {i}." for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


# --- the cases ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One hostile input: ``make(folder, scale)`` writes it and returns its paths."""

    name: str
    make: Callable[[Path, float], list[Path]]


def _one(name: str, data: Callable[[float], bytes]) -> Callable[[Path, float], list[Path]]:
    def make(folder: Path, scale: float) -> list[Path]:
        path = folder / name
        path.write_bytes(data(scale))
        return [path]

    return make


def _symlink_loop(folder: Path, scale: float) -> list[Path]:
    (folder / "boucle-a.txt").symlink_to(folder / "boucle-b.txt")
    (folder / "boucle-b.txt").symlink_to(folder / "boucle-a.txt")
    (folder / "dossier-boucle").symlink_to(folder, target_is_directory=True)
    return [folder / "boucle-a.txt", folder / "boucle-b.txt"]


def _sparse(name: str, size: int) -> Callable[[Path, float], list[Path]]:
    def make(folder: Path, scale: float) -> list[Path]:
        return [write_sparse(folder / name, size)]  # sparse: full size at any scale, no disk used

    return make


def _many_files(folder: Path, scale: float) -> list[Path]:
    sub = folder / "beaucoup"
    sub.mkdir()
    paths = []
    for i in range(max(20, int(2000 * scale))):
        path = sub / f"petit-{i:05d}.txt"
        path.write_text(f"Petit cahier {i}\n\nCréer un tiers-lieu n° {i} dans la commune.", encoding="utf-8")
        paths.append(path)
    return paths


def _odd_names(folder: Path, scale: float) -> list[Path]:
    names = [
        os.fsdecode(b"caf\xe9-latin1.txt"),  # not valid UTF-8
        "ligne\nnouvelle.txt",
        "guillemets \"doubles\" et 'simples'.txt",
        "<img src=x onerror=alert(1)>.md",
        "é" * 120 + ".txt",  # 240 bytes of name
        "bidi-\u202etxt.exe.txt",
    ]
    paths = []
    for name in names:
        path = folder / name
        path.write_text(GOOD_TEXT.replace("du quartier", f"« {len(paths)} »"), encoding="utf-8")
        paths.append(path)
    return paths


def _random_bytes(folder: Path, scale: float) -> list[Path]:
    rng = random.Random(17)
    paths = []
    for ext in (".txt", ".md", ".html", ".csv", ".docx", ".odt", ".xlsx", ".pdf"):
        path = folder / f"aleatoire{ext}"
        path.write_bytes(rng.randbytes(4096))
        paths.append(path)
        empty = folder / f"vide{ext}"
        empty.write_bytes(b"")
        paths.append(empty)
    return paths


def _truncated(folder: Path, scale: float) -> list[Path]:
    from ingest_factories import DocxBuilder, PdfLine, PdfPage, pdf_bytes

    pdf = pdf_bytes([PdfPage([PdfLine("Un cahier tronqué en cours de route.")])])
    builder = DocxBuilder()
    builder.paragraph("Un document Word tronqué.")
    docx = builder.to_bytes()
    paths = [folder / "tronque.pdf", folder / "tronque.docx"]
    paths[0].write_bytes(pdf[: len(pdf) // 2])
    paths[1].write_bytes(docx[: len(docx) // 2])
    return paths


def _encrypted(folder: Path, scale: float) -> list[Path]:
    from ingest_factories import PdfLine, PdfPage, pdf_bytes

    path = folder / "chiffre.pdf"
    path.write_bytes(pdf_bytes([PdfPage([PdfLine("Secret.")])], encrypt_password="secret"))
    return [path]


def _image_only(folder: Path, scale: float) -> list[Path]:
    from ingest_factories import image_only_pdf

    path = folder / "scan.pdf"
    path.write_bytes(image_only_pdf())
    return [path]


def _encodings(folder: Path, scale: float) -> list[Path]:
    text = GOOD_TEXT.replace("du quartier", "de l'Hérault, à Béziers")
    paths = [folder / "utf16.txt", folder / "cp1252.txt", folder / "utf16-sans-bom.txt"]
    paths[0].write_bytes(text.encode("utf-16"))
    paths[1].write_bytes(text.encode("cp1252"))
    paths[2].write_bytes(text.encode("utf-16-le"))
    return paths


def _script_and_formulas(folder: Path, scale: float) -> list[Path]:
    paths = [folder / "script.html", folder / "script.md", folder / "formules.csv", folder / "formules.xlsx"]
    paths[0].write_text(
        "<html><body><h1>Cahier &lt;b&gt;gras&lt;/b&gt;</h1><p>Texte <script>alert('x')</script>"
        "&lt;script&gt;alert(1)&lt;/script&gt; et <b onclick=\"alert(2)\">fin</b>.</p>"
        "<p><img src=x onerror=alert(3)> [lien](javascript:alert(4))</p></body></html>",
        encoding="utf-8",
    )
    paths[1].write_text(
        "# <script>alert('titre')</script>\n\n<img src=x onerror=alert(1)>\n\n"
        "Proposition : **<b>gras</b>** [clic](javascript:alert(2)) $x$ `code` <style>*{}</style>\n",
        encoding="utf-8",
    )
    paths[2].write_text(
        'Titre;Proposition\n=HYPERLINK("http://exemple.invalid";"clic");"=1+1 et +SOMME(A1:A2) @cmd -2+3"\n'
        "<script>alert(5)</script>;Créer une monnaie <b>locale</b>.\n",
        encoding="utf-8",
    )
    paths[3].write_bytes(formula_xlsx())
    return paths


def _mixed(folder: Path, scale: float) -> list[Path]:
    """The folder of issue 17's first report: good files beside a 100,000-level nested HTML
    page, a 200 MB text file, a docx zip bomb, an entity-expansion docx and a symlink loop."""
    makers = [
        _one("imbrique.html", lambda s: nested_html(max(2000, int(100_000 * s)))),
        _sparse("enorme.txt", 200 * MB),
        _one("bombe.docx", zip_bomb_docx),
        _one("entites.docx", lambda s: entity_expansion_docx()),
        _symlink_loop,
    ]
    return [path for make in makers for path in make(folder, scale)]


def cases() -> list[Case]:
    """Every hostile case of issue 17, in the order the benchmark prints them."""
    return [
        Case("dossier-mixte", _mixed),
        Case("html-imbrique-100000", _one("imbrique.html", lambda s: nested_html(max(2000, int(100_000 * s))))),
        Case("md-imbrique-100000", _one("imbrique.md", lambda s: nested_markdown(max(2000, int(100_000 * s))))),
        Case("txt-200-mo", _sparse("enorme.txt", 200 * MB)),
        Case("txt-90-mo", _one("long.txt", lambda s: prose(int(90 * MB * s)))),
        Case("txt-6,8-mo-sans-paragraphe", _one("sans-paragraphe.txt", lambda s: prose(int(6.8 * MB * s), False))),
        Case("csv-1-million-lignes", _one("million.csv", lambda s: big_csv(int(1_000_000 * s)))),
        Case("xlsx-cellule-lointaine", _one("lointaine.xlsx", lambda s: far_cell_xlsx())),
        Case("docx-bombe-zip", _one("bombe.docx", zip_bomb_docx)),
        Case("docx-expansion-entites", _one("entites.docx", lambda s: entity_expansion_docx())),
        Case("docx-taille-mensongere", _one("mensonge.docx", lying_zip_docx)),
        Case("docx-imbrique", _one("imbrique.docx", lambda s: nested_docx(max(300, int(5000 * s))))),
        Case("pdf-bombe-flux", _one("bombe.pdf", pdf_stream_bomb)),
        Case("pdf-tronque-docx-tronque", _truncated),
        Case("pdf-chiffre", _encrypted),
        Case("pdf-image-seule", _image_only),
        Case("lien-symbolique-en-boucle", _symlink_loop),
        Case("noms-non-utf8-et-bizarres", _odd_names),
        Case("octets-aleatoires-et-vides", _random_bytes),
        Case("utf16-et-cp1252", _encodings),
        Case("script-et-formules", _script_and_formulas),
        Case("2000-petits-fichiers", _many_files),
    ]
