"""What every document format prints, computed once: the blocks of a synthesis in reading
order (headings, introduction, constats, numbered proposals, initiative cards, organisations)
and the footnotes holding the sources, with personal data masked when asked."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Literal

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

BlockKind = Literal["title", "heading", "subheading", "paragraph", "bullet", "proposal", "meta", "link"]

UNSOURCED = "[source à préciser]"
ORGANISATIONS_TITLE = "Organisations contributrices"

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Text safe for XML-based formats: characters XML 1.0 forbids removed, line breaks kept."""
    return _XML_ILLEGAL.sub("", str(text))


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


@dataclass(frozen=True)
class Prepared:
    title: str
    blocks: tuple[Block, ...]
    notes: tuple[Note, ...]
    contributors: tuple[Contributor, ...]
    doc: Synthesis
    masked: bool
    created: str = field(default_factory=lambda: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))


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


def prepare(doc: Synthesis, *, mask: bool = True, masker: Masker | None = None) -> Prepared:
    """The blocks and footnotes of ``doc`` (personal data masked unless ``mask`` is False)."""
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
                blocks.append(Block("subheading", item.title or item.organisation or "Initiative", item=item.id))
                meta = " — ".join(x for x in (item.organisation, item.place) if x)
                if meta:
                    blocks.append(Block("meta", meta))
                blocks.append(Block("paragraph", item.text, note=note_for(item), unsourced=item.unsourced, item=item.id))
                if item.url:
                    blocks.append(Block("link", item.url))
            else:
                blocks.append(Block("bullet", item.text, note=note_for(item), unsourced=item.unsourced, item=item.id))
    found = contributors(doc)
    if found:
        blocks.append(Block("heading", ORGANISATIONS_TITLE))
        for c in found:
            suffix = f" ({c.cahiers} cahier{'s' if c.cahiers > 1 else ''})" if c.cahiers else ""
            blocks.append(Block("bullet", c.name + suffix))
    return Prepared(doc.title, tuple(blocks), tuple(notes), tuple(found), doc, mask)


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
