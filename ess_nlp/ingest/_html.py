"""HTML reader (BeautifulSoup over lxml).

Page furniture is dropped: ``script``, ``style``, ``nav``, ``aside``, site ``header`` and
``footer`` (those outside ``main``/``article``), forms' hidden parts, elements hidden with
``hidden``, ``aria-hidden`` or ``display:none``. When the page has a ``<main>`` element only
its content is read. Headings, paragraphs, list items (``<ol>`` numbering computed from
``start``, ``type``, ``reversed`` and ``value``), table rows, ``<br>`` (a paragraph break) and
footnotes (``<sup><a href="#fn1">1</a></sup>`` references whose targets are removed from the
body and become footnotes) are kept.

Elements nested deeper than ``Limits.max_nesting_depth`` make the page refused (one sentence);
the walk over the tree is iterative (:mod:`ess_nlp.ingest._walk`).
"""

from __future__ import annotations

import contextlib
import re

from bs4 import BeautifulSoup
from bs4.element import Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag
from lxml import etree

from ess_nlp.ingest._build import Note, TextBuilder, clean_inline
from ess_nlp.ingest._encoding import decode_text
from ess_nlp.ingest._limits import Limits, check_depth
from ess_nlp.ingest._lists import format_number
from ess_nlp.ingest._walk import Walk, run_walk

_DROPPED = {
    "script", "style", "noscript", "template", "nav", "aside", "iframe", "svg", "canvas",
    "object", "embed", "video", "audio", "button", "select", "input", "textarea", "head", "map",
}  # fmt: skip
_BLOCKS = {
    "p", "div", "section", "article", "main", "header", "footer", "h1", "h2", "h3", "h4", "h5",
    "h6", "blockquote", "pre", "address", "figure", "figcaption", "dl", "dt", "dd", "ul", "ol",
    "li", "hr", "body", "html", "form", "fieldset", "legend", "details", "summary", "caption",
    "center", "hgroup",
}  # fmt: skip
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_NOTE_CLASS_RE = re.compile(r"foot|endnote|note", re.IGNORECASE)
_MARKER_CLEAN_RE = re.compile(r"^[\[(]?\s*([^\])\s]{1,6})\s*[\])]?$")
_NOTES_TITLE_RE = re.compile(r"^((notes?|notes de bas de page|références)\s*:?)?$", re.IGNORECASE)
_BACKLINK_RE = re.compile(r"^\s*(↩|↑|\^|retour)", re.IGNORECASE)


def decode_html(data: bytes, source: str) -> tuple[str, str]:
    declared = None
    match = _META_CHARSET_RE.search(data[:4096])
    if match:
        declared = match.group(1).decode("ascii", "replace")
    return decode_text(data, source, declared)


class _HtmlReader:
    def __init__(self, soup: BeautifulSoup) -> None:
        self.soup = soup
        self.notes: list[Note] = []
        self.refs: dict[int, Note] = {}  # id(<a> tag) -> note
        self.note_targets: set[int] = set()

    def read(self) -> tuple[TextBuilder, list[Note]]:
        self._drop_furniture()
        self._find_footnotes()
        root = self.soup.find("main") or self.soup.find("body") or self.soup
        builder = TextBuilder()
        run_walk(self._walk(root, builder))
        return builder, self.notes

    def _drop_furniture(self) -> None:
        for tag in list(self.soup.find_all(True)):
            if tag.decomposed:
                continue
            name = tag.name
            if (
                name in _DROPPED
                or _hidden(tag)
                or (name in {"header", "footer"} and tag.find_parent(["main", "article"]) is None)
                or (tag.get("role") or "")
                in {"navigation", "banner", "contentinfo", "search", "complementary"}
            ):
                tag.decompose()

    def _find_footnotes(self) -> None:
        ids = {tag["id"]: tag for tag in self.soup.find_all(id=True) if isinstance(tag.get("id"), str)}
        for anchor in self.soup.find_all("a", href=True):
            href = anchor.get("href")
            if not isinstance(href, str) or not href.startswith("#") or href[1:] not in ids:
                continue
            target = ids[href[1:]]
            text = clean_inline(anchor.get_text())
            marker = _MARKER_CLEAN_RE.match(text)
            if marker is None or not _is_note_ref(anchor) or not _is_note_target(target, anchor):
                continue
            note_text = self._note_text(target)
            note = Note(marker.group(1), note_text)
            self.notes.append(note)
            self.refs[id(anchor)] = note
            self.note_targets.add(id(target))
        containers: list[Tag] = []
        for target in [t for t in ids.values() if id(t) in self.note_targets]:
            holder = _notes_container(target)
            if holder is not None and all(holder is not c for c in containers):
                containers.append(holder)
            target.decompose()
        for holder in containers:
            if holder.decomposed:
                continue
            previous = holder.find_previous_sibling()
            if not _NOTES_TITLE_RE.match(clean_inline(holder.get_text())):
                continue
            holder.decompose()
            if (
                isinstance(previous, Tag)
                and previous.name in {"h1", "h2", "h3", "h4", "h5", "h6", "p", "hr"}
                and _NOTES_TITLE_RE.match(clean_inline(previous.get_text()))
            ):
                previous.decompose()

    def _note_text(self, target: Tag) -> str:
        parts: list[str] = []
        for node in target.descendants:
            if isinstance(node, NavigableString) and not isinstance(node, Comment):
                link = node.find_parent("a")
                if link is not None and _is_backlink(link):
                    continue
                parts.append(str(node))
        return clean_inline(" ".join(parts))

    def _walk(self, node: Tag, builder: TextBuilder) -> Walk:
        for child in node.children:
            if isinstance(child, Comment | Declaration | Doctype | ProcessingInstruction):
                continue
            if isinstance(child, NavigableString):
                builder.add(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if id(child) in self.refs:
                builder.mark(self.refs[id(child)])
                continue
            if name == "sup" and any(id(a) in self.refs for a in child.find_all("a")):
                for a in child.find_all("a"):
                    if id(a) in self.refs:
                        builder.mark(self.refs[id(a)])
                continue
            if name == "br":
                builder.paragraph_break()
            elif name in {"ol", "ul", "menu"}:
                yield self._list(child, builder)
            elif name == "table":
                yield self._table(child, builder)
            elif name == "pre":
                builder.paragraph_break()
                for line in child.get_text().splitlines():
                    builder.paragraph(line)
            elif name in _BLOCKS or name in {"td", "th", "tr", "tbody", "thead", "tfoot"}:
                builder.paragraph_break()
                yield self._walk(child, builder)
                builder.paragraph_break()
            else:
                yield self._walk(child, builder)

    def _list(self, lst: Tag, builder: TextBuilder) -> Walk:
        items = [li for li in lst.find_all("li", recursive=False)]
        ordered = lst.name == "ol"
        fmt = _ol_format(lst)
        reversed_ = lst.has_attr("reversed")
        number = _int_attr(lst, "start", len(items) if reversed_ else 1)
        for li in items:
            number = _int_attr(li, "value", number)
            marker = f"{format_number(number, fmt)}. " if ordered else "• "
            builder.paragraph_break()
            builder.prefix(marker)  # the item's text may sit in a nested <p>
            yield self._walk(li, builder)
            builder.paragraph_break()
            builder.prefix(None)  # an empty item leaves no marker behind
            number = number - 1 if reversed_ else number + 1
        # Text directly inside the list but outside items (malformed pages).
        for child in lst.children:
            if isinstance(child, NavigableString) and not isinstance(child, Comment) and child.strip():
                builder.paragraph(str(child))

    def _table(self, table: Tag, builder: TextBuilder) -> Walk:
        rows = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
        caption = table.find("caption")
        if caption is not None and caption.find_parent("table") is table:
            builder.paragraph_break()
            yield self._walk(caption, builder)
            builder.paragraph_break()
        for tr in rows:
            cells = [c for c in tr.find_all(["td", "th"], recursive=False)]
            while cells and not clean_inline(cells[-1].get_text()):
                cells.pop()
            if not cells:
                continue
            builder.paragraph_break()
            with builder.flat():
                for i, cell in enumerate(cells):
                    if i:
                        builder.add(" | ")
                    yield self._walk(cell, builder)
            builder.paragraph_break()


def _classes(tag: Tag) -> list[str]:
    value: object = tag.get("class") or []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list | tuple) else []


def _notes_container(target: Tag) -> Tag | None:
    """The outermost element holding the notes (a list, or a block marked as notes)."""
    found = (
        target.parent if isinstance(target.parent, Tag) and target.parent.name in {"ol", "ul", "dl"} else None
    )
    for holder in target.parents:
        if not isinstance(holder, Tag) or holder.name in {"body", "html", "main", "article", "[document]"}:
            break
        marked = holder.get("role") in {"doc-endnotes", "doc-footnotes"} or any(
            _NOTE_CLASS_RE.search(c) for c in [*_classes(holder), str(holder.get("id", ""))]
        )
        if marked:
            found = holder
    return found


def _hidden(tag: Tag) -> bool:
    if tag.has_attr("hidden") or str(tag.get("aria-hidden", "")).lower() == "true":
        return True
    style = str(tag.get("style", "")).replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _is_note_ref(anchor: Tag) -> bool:
    if anchor.find_parent("sup") is not None or anchor.find("sup") is not None:
        return True
    role = str(anchor.get("role", ""))
    return role == "doc-noteref" or any(_NOTE_CLASS_RE.search(c) for c in _classes(anchor))


def _is_note_target(target: Tag, anchor: Tag) -> bool:
    """The target is a note: a list item, paragraph or block inside something marked as notes,
    or any element after the reference whose id looks like a note id ("fn1", "note-1")."""
    if target.name not in {"li", "p", "div", "aside", "section", "dd", "span"}:
        return False
    if target is anchor or anchor in target.descendants:
        return False
    for holder in [target, *target.parents]:
        if not isinstance(holder, Tag):
            continue
        if holder.get("role") in {"doc-endnotes", "doc-footnote", "doc-endnote"}:
            return True
        if any(_NOTE_CLASS_RE.search(c) for c in _classes(holder)):
            return True
    return bool(
        re.match(r"^(fn|note|footnote|ftn|endnote)[-_:]?\w*\d", str(target.get("id", "")), re.IGNORECASE)
    )


def _is_backlink(link: Tag) -> bool:
    href = str(link.get("href", ""))
    if "fnref" in href or "ref" in href.lower():
        return True
    if any("back" in c for c in _classes(link)) or link.get("role") == "doc-backlink":
        return True
    return bool(_BACKLINK_RE.match(link.get_text()))


def _ol_format(lst: Tag) -> str:
    kind = str(lst.get("type", "1"))
    return kind if kind in {"1", "a", "A", "i", "I"} else "1"


def _int_attr(tag: Tag, name: str, default: int) -> int:
    value = tag.get(name)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return default
    return default


def read_html(data: bytes, source: str, limits: Limits) -> tuple[TextBuilder, list[Note], str]:
    text, encoding = decode_html(data, source)
    if limits.max_nesting_depth < _LIBXML_MAX_DEPTH and _deeper_than_libxml(text):
        check_depth(_LIBXML_MAX_DEPTH + 1, source, limits, "éléments HTML")
    soup = BeautifulSoup(text, "lxml")
    check_depth(_depth(soup), source, limits, "éléments HTML")
    builder, notes = _HtmlReader(soup).read()
    return builder, notes, encoding


_LIBXML_MAX_DEPTH = 256


def _deeper_than_libxml(text: str) -> bool:
    """libxml2's own HTML parser stops at 256 levels and says so: a quick test that spares
    building a tree of a hundred thousand levels."""
    parser = etree.HTMLParser(recover=True, no_network=True)
    with contextlib.suppress(etree.LxmlError, ValueError):
        etree.fromstring(text, parser)
    return any("Excessive depth" in entry.message for entry in parser.error_log)


def _depth(root: Tag) -> int:
    """How deep elements nest under ``root`` (computed without recursion)."""
    deepest = 0
    stack: list[tuple[Tag, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tag))
    return deepest
