"""What every document format prints, computed once: the cover (title, scope, working group,
date, version), the blocks of a synthesis in reading order (headings, introduction, constats,
numbered proposals, initiative cards, organisations) and the footnotes holding the sources,
with personal data masked when asked.

An initiative prints as a short card — organisation, place, what it does, its results, web
address — one :class:`Block` of kind ``field`` per line; the passage it comes from is printed
once, in its footnote."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Any, Literal

from ess_nlp.privacy import Masker
from ess_nlp.synthesis.records import (
    SECTION_TITLES,
    SECTIONS,
    Citation,
    Contributor,
    Item,
    Synthesis,
    contributors,
    proposal_numbers,
)

BlockKind = Literal["title", "heading", "subheading", "paragraph", "bullet", "proposal", "field"]

UNSOURCED = "[source à préciser]"
ORGANISATIONS_TITLE = "Organisations contributrices"

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>«»\"'`]*[^\s<>«»\"'`.,;:!?)\]]", re.IGNORECASE)
_RESULTS = re.compile(r"\s*\bRésultats\s*:\s*")
#: Longest "what" of an initiative card printed as it is (longer passages are cut at a sentence
#: or a word, the full passage being in the footnote).
CARD_WHAT = 320
CARD_LABELS = {
    "organisation": "Organisation",
    "place": "Lieu",
    "what": "Ce qu'elle fait",
    "results": "Résultats",
    "url": "Site web",
}
_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre")  # fmt: skip


def clean_text(text: str) -> str:
    """Text safe for XML-based formats: characters XML 1.0 forbids removed, line breaks kept."""
    return _XML_ILLEGAL.sub("", str(text))


def link_target(url: str) -> str | None:
    """The ``http(s)://`` address a link points to (``www.x.org`` gets ``https://``), None
    for anything else (no ``javascript:``, no ``file:``)."""
    url = url.strip()
    if re.match(r"^www\.", url, re.IGNORECASE):
        url = "https://" + url
    return url if re.fullmatch(r"https?://[^\s<>\"'`]+", url, re.IGNORECASE) else None


def link_parts(text: str) -> list[tuple[str, str | None]]:
    """``text`` cut into ``(piece, target)``: ``target`` is the address of a web address found
    in the text (printed as a link), None for plain text."""
    parts: list[tuple[str, str | None]] = []
    at = 0
    for match in _URL.finditer(text):
        if match.start() > at:
            parts.append((text[at : match.start()], None))
        parts.append((match.group(0), link_target(match.group(0))))
        at = match.end()
    if at < len(text) or not parts:
        parts.append((text[at:], None))
    return parts


def french_date(day: dt.date) -> str:
    """``4 décembre 2026`` (``1er`` for the first of the month)."""
    return f"{'1er' if day.day == 1 else day.day} {_MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class Cover:
    """The cover: ``title``; ``scope`` (« Thème de travail T4 — … »); ``group`` (the working
    group, empty when the synthesis has none); ``date`` (of the version exported, or today for a
    draft); ``version`` (« Version 3 », « Brouillon »)."""

    title: str
    scope: str
    group: str
    date: dt.date
    version: str

    @property
    def date_text(self) -> str:
        return french_date(self.date)

    def lines(self) -> list[str]:
        """The lines under the title, in order."""
        return [x for x in (self.scope, f"Groupe de travail : {self.group}" if self.group else "",
                            f"{self.version} du {self.date_text}") if x]  # fmt: skip


@dataclass(frozen=True)
class Note:
    """A footnote: the sources of one item (``number`` is 1-based)."""

    number: int
    text: str
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class Block:
    """One printed paragraph: ``number`` is a proposal's number as printed ("1.", "a)", "Ou :"),
    ``depth`` its nesting; ``note`` the footnote holding its sources (None when it has none);
    ``unsourced`` marks a statement left without a citation."""

    kind: BlockKind
    text: str
    number: str = ""
    depth: int = 0
    note: int | None = None
    unsourced: bool = False
    item: str | None = None
    label: str = ""
    """The label of a card line (« Organisation », « Lieu »…: kind ``field``)."""
    link: str | None = None
    """The address a card line links to (its « Site web »)."""


@dataclass(frozen=True)
class Prepared:
    title: str
    blocks: tuple[Block, ...]
    notes: tuple[Note, ...]
    contributors: tuple[Contributor, ...]
    doc: Synthesis
    masked: bool
    created: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    cover: Cover | None = None

    @property
    def front(self) -> Cover:
        """The cover (one made from the title alone when none was given)."""
        return self.cover or Cover(self.title, "", "", dt.date.today(), "Brouillon")


def citation_text(c: Citation) -> str:
    """One source as printed in a footnote."""
    who = ", ".join(x for x in (c.organisation, c.territory) if x)
    head = f"Cahier « {c.cahier_title} »" if c.cahier_title else "Cahier"
    if who:
        head += f" ({who})"
    where = PurePath(c.source).name + (f", p. {c.page}" if c.page else "")
    return f"{head}, {where} : « {' '.join(c.text.split())} »"


def masked_doc(doc: Synthesis, masker: Masker) -> Synthesis:
    """The synthesis with personal data masked in every text (organisation names kept)."""
    masker.add_keep(c.organisation for c in doc.citations())
    masker.add_keep(i.organisation for _, i in doc.items())
    masker.add_keep(doc.working_group)
    texts: list[str] = [doc.title, doc.introduction]
    for _, item in doc.items():
        texts += [item.text, item.title, item.place, item.note]
        texts += [c.text for c in item.citations]
        texts += [c.cahier_title for c in item.citations]
    masked = dict(zip(texts, masker.mask_many(texts), strict=True))

    def one(item: Item) -> Item:
        return replace(
            item,
            text=masked.get(item.text, item.text),
            title=masked.get(item.title, item.title),
            place=masked.get(item.place, item.place),
            note=masked.get(item.note, item.note),
            citations=tuple(
                replace(c, text=masked.get(c.text, c.text), cahier_title=masked.get(c.cahier_title, c.cahier_title))
                for c in item.citations
            ),
            children=tuple(one(k) for k in item.children),
        )

    out = replace(doc, title=masked.get(doc.title, doc.title), introduction=masked.get(doc.introduction, doc.introduction))
    for section in SECTIONS:
        out = out.with_section(section, tuple(one(i) for i in out.section(section)))
    return out


def make_cover(doc: Synthesis, meta: Mapping[str, Any] | None = None) -> Cover:
    """The cover of ``doc`` from the export's metadata (``version``, ``group``,
    ``updated_at``, ``draft``, as :func:`ess_nlp.export.export` gives them)."""
    meta = meta or {}
    scope = doc.scope
    name = {"theme": "Thème de travail", "domain": "Domaine", "topic": "Sujet émergent"}[scope.kind]
    label = scope.label if scope.label and scope.label != scope.value else ""
    if scope.kind == "theme":
        scope_text = f"{name} {label}" if label.startswith(scope.value) else f"{name} {scope.value}" + (
            f" — {label}" if label else ""
        )
    else:
        scope_text = f"{name} : {label or scope.value}"
    day = dt.date.today()
    updated = str(meta.get("updated_at") or "")
    with contextlib.suppress(ValueError):
        day = dt.date.fromisoformat(updated[:10]) if updated else day
    version = meta.get("version")
    draft = bool(meta.get("draft")) or version is None
    return Cover(
        title=doc.title,
        scope=scope_text,
        group=str(meta.get("group_name") or meta.get("group") or ""),
        date=day,
        version="Brouillon" if draft else f"Version {version}",
    )


def card_fields(item: Item) -> list[tuple[str, str]]:
    """The lines of an initiative's card: ``(key, text)`` for organisation, place, what it does,
    results and web address, those it has. « what » is the item's wording up to « Résultats : »
    (as drafts write cards); a wording still equal to a long cited passage is cut (the
    passage is in the footnote)."""
    text = " ".join(item.text.split())
    found = _RESULTS.search(text)
    what, results = (text[: found.start()], text[found.end() :]) if found else (text, "")
    what, results = what.strip(), results.strip().rstrip(".")
    passages = {" ".join(c.text.split()) for c in item.citations}
    if len(what) > CARD_WHAT and any(what in p for p in passages):
        first = re.split(r"(?<=[.!?])\s+", what, maxsplit=1)[0]
        what = first if len(first) <= CARD_WHAT else what[:CARD_WHAT].rsplit(" ", 1)[0] + " …"
        if first != " ".join(text.split()) and not what.endswith("…"):
            what += " …"
    fields = [("organisation", item.organisation), ("place", item.place), ("what", what), ("results", results),
              ("url", item.url)]  # fmt: skip
    return [(k, " ".join(v.split())) for k, v in fields if v and v.strip()]


def prepare(
    doc: Synthesis, *, mask: bool = True, masker: Masker | None = None, meta: Mapping[str, Any] | None = None
) -> Prepared:
    """The cover, blocks and footnotes of ``doc`` (personal data masked unless ``mask`` is
    False); ``meta`` is the export's metadata the cover is made from (see :func:`make_cover`)."""
    cover = make_cover(doc, meta)
    if mask:
        doc = masked_doc(doc, masker or Masker())
    numbers = proposal_numbers(doc)
    blocks: list[Block] = [Block("title", doc.title)]
    notes: list[Note] = []

    def note_for(item: Item) -> int | None:
        if not item.citations:
            return None
        notes.append(Note(len(notes) + 1, " ; ".join(citation_text(c) for c in item.citations), item.citations))
        return len(notes)

    if doc.introduction:
        blocks += [Block("paragraph", p.strip()) for p in re.split(r"\n\s*\n", doc.introduction) if p.strip()]
    for section in SECTIONS:
        items = doc.section(section)
        if not items:
            continue
        blocks.append(Block("heading", SECTION_TITLES[section]))
        for item in items:
            if item.kind == "text":
                blocks.append(Block("paragraph", item.text, note=note_for(item), unsourced=item.unsourced, item=item.id))
            elif section == "proposals":
                _proposal_blocks(item, 0, numbers, blocks, note_for)
            elif section == "initiatives":
                blocks += _card_blocks(item, note_for(item))
            else:
                blocks.append(Block("bullet", item.text, note=note_for(item), unsourced=item.unsourced, item=item.id))
    found = contributors(doc)
    if found:
        blocks.append(Block("heading", ORGANISATIONS_TITLE))
        for c in found:
            suffix = f" ({c.cahiers} cahier{'s' if c.cahiers > 1 else ''})" if c.cahiers else ""
            blocks.append(Block("bullet", c.name + suffix))
    if mask:  # the cover's title is the masked one too
        cover = replace(cover, title=doc.title)
    return Prepared(doc.title, tuple(blocks), tuple(notes), tuple(found), doc, mask, cover=cover)


def card_continues(blocks: tuple[Block, ...], at: int) -> bool:
    """True when ``blocks[at]`` is a line of an initiative card that is not its last (the
    document formats keep the lines of a card on one page)."""
    block = blocks[at]
    following = blocks[at + 1] if at + 1 < len(blocks) else None
    return block.kind == "field" and following is not None and following.kind == "field" and following.item == block.item


def _card_blocks(item: Item, note: int | None) -> list[Block]:
    """An initiative: its title, then one line per card field; the footnote call (and the
    « source à préciser » flag) goes on the « what » line."""
    blocks = [Block("subheading", item.title or item.organisation or "Initiative", item=item.id)]
    fields = card_fields(item) or [("what", item.text)]
    noted = next((k for k, _ in fields if k == "what"), fields[-1][0])
    for key, value in fields:
        here = key == noted
        blocks.append(
            Block(
                "field",
                value,
                label=CARD_LABELS[key],
                note=note if here else None,
                unsourced=item.unsourced and here,
                item=item.id,
                link=link_target(value) if key == "url" else None,
            )
        )
    return blocks


def _proposal_blocks(
    item: Item, depth: int, numbers: dict[str, str], blocks: list[Block], note_for: Callable[[Item], int | None]
) -> None:
    blocks.append(
        Block(
            "proposal",
            item.text,
            number=numbers.get(item.id, ""),
            depth=depth,
            note=note_for(item),
            unsourced=item.unsourced,
            item=item.id,
        )
    )
    for child in item.children:
        _proposal_blocks(child, depth + 1, numbers, blocks, note_for)
