"""OpenDocument text (.odt) reader working on content.xml and styles.xml directly.

Handles headings (with outline numbering when the outline style numbers them), paragraphs,
lists with automatic numbering (list styles from automatic and common styles, nested levels,
``start-value``, ``continue-numbering`` and ``continue-list``, prefixes and suffixes,
``display-levels``), tables (repeated and covered cells), notes (footnotes and endnotes),
frames with text boxes and sections. Annotations, tracked deletions and generated indexes
(table of contents) are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from ess_nlp.errors import IngestError
from ess_nlp.ingest._build import Note, TextBuilder
from ess_nlp.ingest._limits import Limits, open_zip, read_member
from ess_nlp.ingest._lists import bullet_glyph, format_number
from ess_nlp.ingest._walk import Walk, run_walk, wrapped_children
from ess_nlp.ingest._xml import local, parse_xml

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
WHAT = "document OpenDocument texte (.odt)"

_SKIPPED = {
    "annotation", "annotation-end", "tracked-changes", "table-of-content", "alphabetical-index",
    "illustration-index", "object-index", "user-index", "table-index", "bibliography",
    "sequence-decls", "variable-decls", "user-field-decls", "forms", "note-citation",
    "bookmark", "bookmark-start", "bookmark-end", "reference-mark", "reference-mark-start",
    "reference-mark-end", "soft-page-break", "change", "change-start", "change-end",
    "title", "desc", "number",
}  # fmt: skip


def _t(name: str) -> str:
    return f"{{{TEXT}}}{name}"


@dataclass
class _LevelStyle:
    kind: str = "number"  # number | bullet | none
    fmt: str = "1"
    prefix: str = ""
    suffix: str = "."
    start: int = 1
    display_levels: int = 1
    bullet: str = "•"


@dataclass
class _ListInstance:
    style: str | None
    counters: dict[int, int] = field(default_factory=dict)


class _OdtReader:
    def __init__(self, content: etree._Element, styles: etree._Element | None, source: str) -> None:
        self.source = source
        self.list_styles: dict[str, dict[int, _LevelStyle]] = {}
        self.paragraph_list_style: dict[str, str] = {}
        self.outline: dict[int, _LevelStyle] = {}
        for root in (styles, content):
            if root is not None:
                self._load_styles(root)
        body = content.find(f"{{{OFFICE}}}body/{{{OFFICE}}}text")
        if body is None:
            raise IngestError(
                source, f"ce n'est pas un {WHAT} : content.xml ne contient pas de texte (office:text)"
            )
        self.body = body
        self.notes: list[Note] = []
        self.instances: dict[str, _ListInstance] = {}
        self.last_instance: _ListInstance | None = None
        self.outline_counters: dict[int, int] = {}

    def _load_styles(self, root: etree._Element) -> None:
        for el in root.iter(_t("list-style")):
            name = el.get(f"{{{STYLE}}}name")
            if name:
                self.list_styles[name] = _levels(el)
        for el in root.iter(_t("outline-style")):
            self.outline = _levels(el)
        for el in root.iter(f"{{{STYLE}}}style"):
            list_style = el.get(f"{{{STYLE}}}list-style-name")
            name = el.get(f"{{{STYLE}}}name")
            if list_style and name:
                self.paragraph_list_style[name] = list_style

    def read(self) -> tuple[TextBuilder, list[Note]]:
        builder = TextBuilder()
        run_walk(self._blocks(self.body, builder))
        return builder, self.notes

    # --- blocks ---

    def _blocks(self, el: etree._Element, builder: TextBuilder) -> Walk:
        for child in el:
            name = local(child.tag)
            if name in _SKIPPED:
                continue
            if name == "p":
                yield self._paragraph(child, builder, None)
            elif name == "h":
                yield self._heading(child, builder)
            elif name == "list":
                yield self._list(child, builder, level=0, instance=None, inherited_style=None)
            elif name == "table":
                yield self._table(child, builder)
            else:  # section, index-body of kept indexes, frames at block level, change-region...
                yield self._blocks(child, builder)

    def _paragraph(self, p: etree._Element, builder: TextBuilder, marker: str | None) -> Walk:
        deferred: list[etree._Element] = []
        builder.paragraph_break()
        if marker:
            builder.prefix(marker)  # written only if the paragraph has text
        yield self._inline(p, builder, deferred)
        builder.prefix(None)
        builder.paragraph_break()
        for frame in deferred:
            yield self._blocks(frame, builder)

    def _heading(self, h: etree._Element, builder: TextBuilder) -> Walk:
        marker = None
        level = int(h.get(_t("outline-level"), "1") or 1) - 1
        if h.get(_t("is-list-header")) != "true" and level in self.outline:
            style = self.outline[level]
            if style.kind == "number" and style.fmt:
                self.outline_counters[level] = self.outline_counters.get(level, style.start - 1) + 1
                for deeper in [k for k in self.outline_counters if k > level]:
                    del self.outline_counters[deeper]
                marker = self._format(style, self.outline, self.outline_counters, level)
        yield self._paragraph(h, builder, marker)

    def _list(
        self,
        el: etree._Element,
        builder: TextBuilder,
        level: int,
        instance: _ListInstance | None,
        inherited_style: str | None,
    ) -> Walk:
        style = el.get(_t("style-name")) or inherited_style
        if instance is None:
            continue_list = el.get(_t("continue-list"))
            if continue_list and continue_list in self.instances:
                instance = self.instances[continue_list]
            elif el.get(_t("continue-numbering")) == "true" and self.last_instance is not None:
                instance = self.last_instance
            else:
                instance = _ListInstance(style)
            self.last_instance = instance
        list_id = el.get(f"{{{XML_NS}}}id")
        if list_id:
            self.instances[list_id] = instance
        for item in el:
            name = local(item.tag)
            if name not in {"list-item", "list-header"}:
                continue
            numbered = name == "list-item"
            first = True
            for child in item:
                child_name = local(child.tag)
                if child_name in {"p", "h"}:
                    marker = None
                    if first and numbered:
                        marker = self._item_marker(instance, style, level, item, child)
                    yield self._paragraph(child, builder, marker)
                    first = False
                elif child_name == "list":
                    yield self._list(child, builder, level + 1, instance, style)
                    first = False
                elif child_name == "table":
                    yield self._table(child, builder)
                    first = False

    def _item_marker(
        self,
        instance: _ListInstance,
        style_name: str | None,
        level: int,
        item: etree._Element,
        p: etree._Element,
    ) -> str | None:
        style_name = style_name or self.paragraph_list_style.get(p.get(_t("style-name"), ""))
        levels = self.list_styles.get(style_name or "", {})
        style = levels.get(level) or _LevelStyle()
        counters = instance.counters
        override = item.get(_t("start-value"))
        if override and override.isdigit():
            counters[level] = int(override)
        elif level in counters:
            counters[level] += 1
        else:
            counters[level] = style.start
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        if style.kind == "bullet":
            return bullet_glyph(style.bullet) + " "
        if style.kind == "none" or not style.fmt:
            text = style.prefix + style.suffix
            return text.strip() + " " if text.strip() else None
        return self._format(style, levels, counters, level)

    def _format(
        self, style: _LevelStyle, levels: dict[int, _LevelStyle], counters: dict[int, int], level: int
    ) -> str:
        parts = []
        for k in range(max(0, level - style.display_levels + 1), level + 1):
            k_style = levels.get(k) or _LevelStyle()
            value = counters.get(k, k_style.start)
            parts.append(format_number(value, k_style.fmt if k_style.kind == "number" else "1"))
        return f"{style.prefix}{'.'.join(parts)}{style.suffix}".strip() + " "

    # --- inline ---

    def _inline(self, el: etree._Element, builder: TextBuilder, deferred: list[etree._Element]) -> Walk:
        if el.text:
            builder.add(el.text)
        for child in el:
            name = local(child.tag)
            if name in _SKIPPED:
                pass
            elif name == "s" or name == "tab":
                builder.add(" ")
            elif name == "line-break":
                builder.paragraph_break()
            elif name == "note":
                yield self._note(child, builder)
            elif name == "frame" or name == "text-box":
                deferred.append(child)
            elif name in {"p", "h"} or not _is_drawing(child):  # malformed nesting: keep the text
                yield self._inline(child, builder, deferred)
            if child.tail:
                builder.add(child.tail)

    def _note(self, note: etree._Element, builder: TextBuilder) -> Walk:
        citation = note.find(_t("note-citation"))
        marker = ""
        if citation is not None:
            marker = citation.get(_t("label")) or "".join(citation.itertext()).strip()
        body = note.find(_t("note-body"))
        text_builder = TextBuilder()
        if body is not None:
            with text_builder.flat():
                yield self._blocks(body, text_builder)
        item = Note(marker or str(len(self.notes) + 1), text_builder.build().text)
        self.notes.append(item)
        builder.mark(item)

    # --- tables ---

    def _table(self, table: etree._Element, builder: TextBuilder) -> Walk:
        for row in _table_rows(table):
            cells = _row_cells(row)
            while cells and not _has_text(cells[-1]):
                cells.pop()
            if not cells:
                continue
            builder.paragraph_break()
            with builder.flat():
                for i, cell in enumerate(cells):
                    if i:
                        builder.add(" | ")
                    yield self._blocks(cell, builder)
            builder.paragraph_break()


def _levels(el: etree._Element) -> dict[int, _LevelStyle]:
    levels: dict[int, _LevelStyle] = {}
    for child in el:
        name = local(child.tag)
        level = int(child.get(_t("level"), "1") or 1) - 1
        style = _LevelStyle()
        if name in {"list-level-style-number", "outline-level-style"}:
            style.kind = "number"
            style.fmt = child.get(f"{{{STYLE}}}num-format", "")
            style.prefix = child.get(f"{{{STYLE}}}num-prefix", "")
            style.suffix = child.get(f"{{{STYLE}}}num-suffix", "")
            start = child.get(_t("start-value"), "1")
            style.start = int(start) if start.isdigit() else 1
            levels_shown = child.get(_t("display-levels"), "1")
            style.display_levels = int(levels_shown) if levels_shown.isdigit() else 1
        elif name == "list-level-style-bullet":
            style.kind = "bullet"
            style.bullet = child.get(_t("bullet-char"), "•")
        elif name == "list-level-style-image":
            style.kind = "bullet"
        else:
            continue
        levels[level] = style
    return levels


def _is_drawing(el: etree._Element) -> bool:
    tag = el.tag if isinstance(el.tag, str) else ""
    return "drawing" in tag or "svg" in tag


def _table_rows(table: etree._Element) -> list[etree._Element]:
    """Rows in order, including those inside row groups at any depth."""
    groups = {"table-header-rows", "table-rows", "table-row-group"}
    return wrapped_children(table, "table-row", lambda el: el if local(el.tag) in groups else None)


def _row_cells(row: etree._Element) -> list[etree._Element]:
    cells: list[etree._Element] = []
    for cell in row:
        name = local(cell.tag)
        if name not in {"table-cell", "covered-table-cell"}:
            continue
        repeat = cell.get(f"{{{TABLE}}}number-columns-repeated", "1")
        count = int(repeat) if repeat.isdigit() else 1
        cells.extend([cell] * (min(count, 64) if _has_text(cell) else min(count, 1)))
    return cells


def _has_text(el: etree._Element) -> bool:
    return any(t.strip() for t in el.itertext())


def read_odt(data: bytes, source: str, limits: Limits) -> tuple[TextBuilder, list[Note]]:
    archive = open_zip(data, source, limits, WHAT)
    with archive:
        names = set(archive.namelist())
        if "mimetype" in names:
            mimetype = read_member(archive, "mimetype", source, WHAT).decode("ascii", "replace").strip()
            if mimetype and "opendocument.text" not in mimetype:
                raise IngestError(source, f"ce n'est pas un {WHAT} : le type déclaré est « {mimetype} »")
        if "content.xml" not in names:
            raise IngestError(source, f"ce n'est pas un {WHAT} : l'archive ne contient pas content.xml")
        content = parse_xml(read_member(archive, "content.xml", source, WHAT), source, WHAT, limits)
        styles = (
            parse_xml(read_member(archive, "styles.xml", source, WHAT), source, WHAT, limits)
            if "styles.xml" in names
            else None
        )
    return _OdtReader(content, styles, source).read()
