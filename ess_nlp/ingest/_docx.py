"""Word (.docx) reader working on the WordprocessingML parts directly.

Handles paragraphs, tables, automatic numbering (numbering.xml: abstract numbering levels,
``numFmt``, ``lvlText``, ``start``, level overrides and restarts, nested levels, numbering
inherited from paragraph styles), footnotes and endnotes, text boxes, content controls,
tracked changes (insertions kept, deletions dropped), fields (result kept, instructions
dropped) and hidden text (dropped). Page headers and footers are not part of the body and
are ignored; so is a generated table of contents.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from ess_nlp.errors import IngestError
from ess_nlp.ingest._build import Note, TextBuilder, clean_inline
from ess_nlp.ingest._limits import Limits, open_zip, read_member
from ess_nlp.ingest._lists import bullet_glyph, format_number
from ess_nlp.ingest._walk import Walk, run_walk, wrapped_children
from ess_nlp.ingest._xml import local, parse_xml

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
WHAT = "document Word (.docx)"


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def _val(el: etree._Element | None, attr: str = "val") -> str | None:
    if el is None:
        return None
    value = el.get(_w(attr))
    return None if value is None else str(value)


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


# --- numbering ------------------------------------------------------------------------------


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    restart: int | None = None  # w:lvlRestart (1-based level that restarts this one; 0 = never)
    legal: bool = False
    suffix: str = "tab"
    style: str | None = None


@dataclass
class _Abstract:
    levels: dict[int, _Level] = field(default_factory=dict)
    num_style_link: str | None = None
    style_link: str | None = None


@dataclass
class _Num:
    abstract_id: str
    start_overrides: dict[int, int] = field(default_factory=dict)
    level_overrides: dict[int, _Level] = field(default_factory=dict)


def _parse_level(el: etree._Element) -> _Level:
    level = _Level()
    level.start = _int(_val(el.find(_w("start"))), 1)
    level.fmt = _val(el.find(_w("numFmt"))) or "decimal"
    lvl_text = el.find(_w("lvlText"))
    level.text = _val(lvl_text) or "" if lvl_text is not None else f"%{_int(el.get(_w('ilvl')), 0) + 1}."
    restart = el.find(_w("lvlRestart"))
    level.restart = _int(_val(restart), 0) if restart is not None else None
    level.legal = el.find(_w("isLgl")) is not None and _val(el.find(_w("isLgl"))) not in {"0", "false"}
    level.suffix = _val(el.find(_w("suff"))) or "tab"
    level.style = _val(el.find(_w("pStyle")))
    return level


class _Numbering:
    """Computes the visible marker of numbered paragraphs, in document order."""

    def __init__(self, root: etree._Element | None, styles: _Styles) -> None:
        self.abstracts: dict[str, _Abstract] = {}
        self.nums: dict[str, _Num] = {}
        self.styles = styles
        self.counters: dict[str, dict[int, int]] = {}
        self.seen: set[str] = set()
        if root is None:
            return
        for el in root.iter(_w("abstractNum")):
            abstract = _Abstract()
            for lvl in el.findall(_w("lvl")):
                abstract.levels[_int(lvl.get(_w("ilvl")), 0)] = _parse_level(lvl)
            abstract.num_style_link = _val(el.find(_w("numStyleLink")))
            abstract.style_link = _val(el.find(_w("styleLink")))
            self.abstracts[el.get(_w("abstractNumId"), "")] = abstract
        for el in root.iter(_w("num")):
            num = _Num(_val(el.find(_w("abstractNumId"))) or "")
            for override in el.findall(_w("lvlOverride")):
                ilvl = _int(override.get(_w("ilvl")), 0)
                start = override.find(_w("startOverride"))
                if start is not None:
                    num.start_overrides[ilvl] = _int(_val(start), 1)
                lvl = override.find(_w("lvl"))
                if lvl is not None:
                    num.level_overrides[ilvl] = _parse_level(lvl)
            self.nums[el.get(_w("numId"), "")] = num

    def _abstract_of(self, num: _Num) -> tuple[str, _Abstract] | None:
        abstract_id = num.abstract_id
        abstract = self.abstracts.get(abstract_id)
        for _ in range(5):  # follow numStyleLink -> numbering style -> num -> abstract
            if abstract is None or not abstract.num_style_link:
                break
            linked = self.styles.num_pr(abstract.num_style_link)[0]
            target = self.nums.get(linked or "")
            if target is None or target.abstract_id == abstract_id:
                break
            abstract_id, abstract = target.abstract_id, self.abstracts.get(target.abstract_id)
        return (abstract_id, abstract) if abstract is not None else None

    def level_for_style(self, num_id: str, style_id: str | None) -> int:
        num = self.nums.get(num_id)
        found = self._abstract_of(num) if num else None
        if found and style_id:
            for ilvl, level in found[1].levels.items():
                if level.style == style_id:
                    return ilvl
        return 0

    def marker(self, num_id: str, ilvl: int) -> str | None:
        num = self.nums.get(num_id)
        if num is None:
            return None
        found = self._abstract_of(num)
        if found is None:
            return None
        abstract_id, abstract = found

        def level_def(i: int) -> _Level:
            return num.level_overrides.get(i) or abstract.levels.get(i) or _Level(text=f"%{i + 1}.")

        def start_of(i: int) -> int:
            return num.start_overrides.get(i, level_def(i).start)

        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.seen:
            self.seen.add(num_id)
            if num.start_overrides or num.level_overrides:
                counters.clear()  # a list instance with overrides restarts the numbering
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start_of(ilvl)
        for deeper in [i for i in counters if i > ilvl]:
            restart = level_def(deeper).restart
            if restart is None or (restart != 0 and ilvl < restart):
                del counters[deeper]
        current = level_def(ilvl)
        if current.fmt == "bullet":
            text = bullet_glyph(_bullet_char(current.text)) if current.text.strip() else ""
        else:
            text = current.text
            for i in range(9):
                placeholder = f"%{i + 1}"
                if placeholder in text:
                    value = counters.get(i, start_of(i))
                    fmt = "decimal" if current.legal and i != ilvl else level_def(i).fmt
                    if level_def(i).fmt == "bullet":
                        fmt = "decimal"
                    text = text.replace(placeholder, format_number(value, fmt))
        text = clean_inline(text)
        if not text:
            return None
        return text + ("" if current.suffix == "nothing" else " ")


def _bullet_char(text: str) -> str:
    char = text.strip()[:1]
    if "\uf000" <= char <= "\uf0ff":  # Symbol/Wingdings glyphs in the private use area
        return "•"
    return char


# --- styles ---------------------------------------------------------------------------------


class _Styles:
    """Paragraph styles: numbering inherited through ``basedOn``."""

    def __init__(self, root: etree._Element | None) -> None:
        self.styles: dict[str, etree._Element] = {}
        if root is not None:
            for el in root.iter(_w("style")):
                style_id = el.get(_w("styleId"))
                if style_id:
                    self.styles[style_id] = el

    def num_pr(self, style_id: str | None) -> tuple[str | None, int | None]:
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self.styles:
            seen.add(style_id)
            el = self.styles[style_id]
            num_pr = el.find(f"{_w('pPr')}/{_w('numPr')}")
            if num_pr is not None:
                num_id = _val(num_pr.find(_w("numId")))
                ilvl = num_pr.find(_w("ilvl"))
                return num_id, _int(_val(ilvl), 0) if ilvl is not None else None
            style_id = _val(el.find(_w("basedOn")))
        return None, None

    def hidden(self, style_id: str | None) -> bool:
        el = self.styles.get(style_id or "")
        return el is not None and _on(el.find(f"{_w('rPr')}/{_w('vanish')}"))


def _on(el: etree._Element | None) -> bool:
    return el is not None and _val(el) not in {"0", "false", "off"}


# --- reader ---------------------------------------------------------------------------------


class _DocxReader:
    def __init__(self, archive: zipfile.ZipFile, source: str, limits: Limits) -> None:
        self.archive = archive
        self.source = source
        self.limits = limits
        self.names = set(archive.namelist())
        main = self._main_part()
        rels = self._relationships(main)
        self.body = self._parse(main).find(_w("body"))
        if self.body is None:
            raise IngestError(source, f"{WHAT} endommagé : le corps du document (w:body) est absent")
        self.styles = _Styles(self._part(rels.get("styles")))
        self.numbering = _Numbering(self._part(rels.get("numbering")), self.styles)
        self.note_parts = {
            "footnote": self._notes(self._part(rels.get("footnotes")), "footnote"),
            "endnote": self._notes(self._part(rels.get("endnotes")), "endnote"),
        }
        self.note_counts = {"footnote": 0, "endnote": 0}
        self.notes: list[Note] = []
        self.field_stack: list[str] = []
        self.custom_mark: Note | None = None

    def _main_part(self) -> str:
        if "_rels/.rels" in self.names:
            root = self._parse("_rels/.rels")
            for rel in root.iter(f"{{{REL}}}Relationship"):
                if rel.get("Type", "").endswith("/officeDocument"):
                    target = rel.get("Target", "").lstrip("/")
                    if target in self.names:
                        return str(target)
        if "word/document.xml" in self.names:
            return "word/document.xml"
        raise IngestError(
            self.source, f"ce n'est pas un {WHAT} : l'archive ne contient pas word/document.xml"
        )

    def _relationships(self, main: str) -> dict[str, str]:
        folder, name = posixpath.split(main)
        rels_name = posixpath.join(folder, "_rels", name + ".rels")
        found: dict[str, str] = {}
        if rels_name in self.names:
            root = self._parse(rels_name)
            for rel in root.iter(f"{{{REL}}}Relationship"):
                if rel.get("TargetMode") == "External":
                    continue
                kind = rel.get("Type", "").rsplit("/", 1)[-1]
                target = posixpath.normpath(posixpath.join(folder, rel.get("Target", "")))
                found[kind] = target.lstrip("/")
        for kind in ("styles", "numbering", "footnotes", "endnotes"):
            found.setdefault(kind, posixpath.join(folder, f"{kind}.xml"))
        return found

    def _part(self, name: str | None) -> etree._Element | None:
        if not name or name not in self.names:
            return None
        return self._parse(name)

    def _parse(self, name: str) -> etree._Element:
        return parse_xml(read_member(self.archive, name, self.source, WHAT), self.source, WHAT, self.limits)

    def _notes(self, root: etree._Element | None, kind: str) -> dict[str, etree._Element]:
        if root is None:
            return {}
        return {
            el.get(_w("id"), ""): el for el in root.iter(_w(kind)) if el.get(_w("type")) in (None, "normal")
        }

    # --- body ---

    def read(self) -> tuple[TextBuilder, list[Note]]:
        builder = TextBuilder()
        run_walk(self._blocks(self.body, builder))
        return builder, self.notes

    def _blocks(self, el: etree._Element, builder: TextBuilder) -> Walk:
        for child in el:
            name = local(child.tag)
            if name == "p":
                yield self._paragraph(child, builder)
            elif name == "tbl":
                yield self._table(child, builder)
            elif name == "sdt":
                if not _is_toc(child):
                    content = child.find(_w("sdtContent"))
                    if content is not None:
                        yield self._blocks(content, builder)
            elif name in {"customXml", "ins", "moveTo", "smartTag"}:
                yield self._blocks(child, builder)
            elif name == "AlternateContent":
                choice = child.find(f"{{{MC}}}Choice")
                if choice is not None:
                    yield self._blocks(choice, builder)

    def _paragraph(self, p: etree._Element, builder: TextBuilder) -> Walk:
        ppr = p.find(_w("pPr"))
        style_id = _val(ppr.find(_w("pStyle"))) if ppr is not None else None
        if self.styles.hidden(style_id):
            return
        marker = self._marker(ppr, style_id)
        deferred: list[etree._Element] = []
        builder.paragraph_break()
        if marker:
            builder.prefix(marker)  # written only if the paragraph has text
        yield self._inline(p, builder, deferred)
        builder.prefix(None)
        builder.paragraph_break()
        for box in deferred:
            yield self._blocks(box, builder)

    def _marker(self, ppr: etree._Element | None, style_id: str | None) -> str | None:
        num_pr = ppr.find(_w("numPr")) if ppr is not None else None
        num_id: str | None = None
        ilvl: int | None = None
        if num_pr is not None:
            num_id = _val(num_pr.find(_w("numId")))
            ilvl_el = num_pr.find(_w("ilvl"))
            ilvl = _int(_val(ilvl_el), 0) if ilvl_el is not None else None
        if num_id is None:
            style_num, style_ilvl = self.styles.num_pr(style_id)
            num_id = style_num
            if ilvl is None:
                ilvl = style_ilvl
            if num_id and ilvl is None:
                ilvl = self.numbering.level_for_style(num_id, style_id)
        if not num_id or num_id == "0":
            return None
        return self.numbering.marker(num_id, ilvl or 0)

    def _inline(self, el: etree._Element, builder: TextBuilder, deferred: list[etree._Element]) -> Walk:
        for child in el:
            name = local(child.tag)
            if name == "r":
                yield self._run(child, builder, deferred)
            elif name in {"hyperlink", "ins", "moveTo", "smartTag", "customXml", "fldSimple", "dir", "bdo"}:
                yield self._inline(child, builder, deferred)
            elif name == "sdt":
                content = child.find(_w("sdtContent"))
                if content is not None:
                    yield self._inline(content, builder, deferred)
            elif name == "oMath" or name == "oMathPara":
                builder.add("".join(t.text or "" for t in child.iter() if local(t.tag) == "t"))
            elif name == "AlternateContent":
                choice = child.find(f"{{{MC}}}Choice")
                if choice is not None:
                    yield self._inline(choice, builder, deferred)

    def _run(  # noqa: C901 - one branch per kind of run content WordprocessingML allows
        self, r: etree._Element, builder: TextBuilder, deferred: list[etree._Element]
    ) -> Walk:
        rpr = r.find(_w("rPr"))
        hidden = rpr is not None and _on(rpr.find(_w("vanish")))
        for child in r:
            name = local(child.tag)
            if name == "fldChar":
                kind = child.get(_w("fldCharType"))
                if kind == "begin":
                    self.field_stack.append("instr")
                elif kind == "separate" and self.field_stack:
                    self.field_stack[-1] = "result"
                elif kind == "end" and self.field_stack:
                    self.field_stack.pop()
                continue
            if "instr" in self.field_stack or hidden:
                continue
            if name == "t":
                text = child.text or ""
                if self.custom_mark is not None:
                    self.custom_mark.marker = clean_inline(text) or self.custom_mark.marker
                    self.custom_mark = None
                    continue
                builder.add(text)
            elif name in {"tab", "ptab"}:
                builder.add(" ")
            elif name in {"br", "cr"}:
                builder.paragraph_break()
            elif name == "noBreakHyphen":
                builder.add("-")
            elif name == "sym":
                builder.add(_symbol(child.get(_w("char"), "")))
            elif name in {"footnoteReference", "endnoteReference"}:
                kind = "footnote" if name == "footnoteReference" else "endnote"
                note_el = self.note_parts[kind].get(child.get(_w("id"), ""))
                if child.get(_w("customMarkFollows")) in {"1", "true", "on"}:
                    marker = "*"
                else:
                    self.note_counts[kind] += 1
                    n = self.note_counts[kind]
                    marker = str(n) if kind == "footnote" else format_number(n, "lowerRoman")
                if note_el is not None:
                    note = Note(marker, (yield self._note_text(note_el)))
                    if marker == "*":
                        self.custom_mark = note
                    self.notes.append(note)
                    builder.mark(note)
            elif name in {"drawing", "pict", "object"}:
                deferred.extend(_text_boxes(child))
            elif name == "AlternateContent":
                choice = child.find(f"{{{MC}}}Choice")
                if choice is not None:
                    for box_holder in choice:
                        deferred.extend(_text_boxes(box_holder))
            elif name == "ruby":
                base = child.find(_w("rubyBase"))
                if base is not None:
                    yield self._inline(base, builder, deferred)

    def _table(self, tbl: etree._Element, builder: TextBuilder) -> Walk:
        for row in _rows(tbl):
            cells = _cells(row)
            builder.paragraph_break()
            with builder.flat():
                first = True
                texts: list[tuple[etree._Element, bool]] = []
                for cell in cells:
                    texts.append((cell, _cell_has_text(cell)))
                while texts and not texts[-1][1]:
                    texts.pop()
                for cell, _ in texts:
                    if not first:
                        builder.add(" | ")
                    first = False
                    yield self._blocks(cell, builder)
            builder.paragraph_break()

    def _note_text(self, el: etree._Element) -> Walk:
        builder = TextBuilder()
        saved_stack, self.field_stack = self.field_stack, []
        saved_mark, self.custom_mark = self.custom_mark, None
        with builder.flat():
            yield self._blocks(el, builder)
        self.field_stack, self.custom_mark = saved_stack, saved_mark
        return builder.build().text


def _is_toc(sdt: etree._Element) -> bool:
    gallery = sdt.find(f"{_w('sdtPr')}/{_w('docPartObj')}/{_w('docPartGallery')}")
    return gallery is not None and "table of contents" in (_val(gallery) or "").lower()


def _text_boxes(el: etree._Element) -> list[etree._Element]:
    boxes = []
    for box in el.iter(_w("txbxContent")):
        if not any(local(a.tag) in {"txbxContent", "Fallback"} for a in box.iterancestors()):
            boxes.append(box)
    return boxes


def _symbol(code: str) -> str:
    try:
        value = int(code, 16)
    except ValueError:
        return ""
    if 0xF000 <= value <= 0xF0FF:
        value -= 0xF000
    if value in (0xB7, 0xA7):
        return "•"
    return chr(value) if 0x20 <= value < 0x110000 else ""


def _rows(tbl: etree._Element) -> list[etree._Element]:
    return wrapped_children(tbl, "tr", _content_control)


def _cells(row: etree._Element) -> list[etree._Element]:
    return wrapped_children(row, "tc", _content_control)


def _content_control(el: etree._Element) -> etree._Element | None:
    """What a content control (``sdt``) or custom XML element wraps; None for anything else."""
    name = local(el.tag)
    if name == "sdt":
        return el.find(_w("sdtContent"))
    return el if name == "customXml" else None


def _cell_has_text(cell: etree._Element) -> bool:
    return any((t.text or "").strip() for t in cell.iter(_w("t")))


def read_docx(data: bytes, source: str, limits: Limits) -> tuple[TextBuilder, list[Note]]:
    archive = open_zip(data, source, limits, WHAT)
    with archive:
        return _DocxReader(archive, source, limits).read()
