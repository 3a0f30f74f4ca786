"""Splitting documents into traceable units: cahiers, sections, paragraphs, sentences.

A compiled document (one file bundling many cahiers) is split at banners ("Cahier
d'espérance n° 12"), separator lines ("* * *") or repeated title labels ("Titre de
l'initiative : …"); tabular exports give one cahier per row. A cahier is cut into sections at
its headings (form labels such as "Constat" or "Nos propositions", ALL-CAPS lines, numbered
headings "1 - …", "II) …", markdown headings), each with a kind (constat, proposition,
initiative, contexte, autre). Sections hold paragraphs (each list item is its own paragraph and
keeps its marker in ``Unit.number``) and paragraphs hold sentences (spaCy French).

A letter's header, a table of contents, annexes and lists of signatories are sections of kind
"contexte" whose unit carries ``metadata["role"]`` (``lettre``, ``sommaire``, ``annexe``,
``signataires``): their lines are not headings, and extraction takes no item from them.

The heading vocabulary is data: ``labels.yaml`` in this package.
"""

from __future__ import annotations

from spacy.language import Language

from ess_nlp.nlp import sentence_pipeline
from ess_nlp.records import Document, Unit
from ess_nlp.segment._blocks import Block, fold, split_blocks
from ess_nlp.segment._labels import load_labels
from ess_nlp.segment._roles import ROLES
from ess_nlp.segment._sentences import sentence_spans
from ess_nlp.segment._structure import CahierDraft, field_metadata, find_cahiers, find_sections

__all__ = ["ROLES", "doc_key", "fold", "section_role", "split_blocks", "split_document"]


def doc_key(doc: Document) -> str:
    """The prefix of every unit id of a document: the first 10 hex digits of its content hash."""
    return doc.sha256[:10]


def section_role(unit: Unit) -> str | None:
    """The role of a section unit (one of ``ROLES``), None for body sections."""
    role = unit.metadata.get("role") if unit.metadata else None
    return str(role) if role in ROLES else None


def split_document(doc: Document, *, nlp: Language | None = None) -> list[Unit]:
    """Every unit of ``doc`` in pre-order: cahier, its sections, their paragraphs, their sentences.

    ``nlp`` splits paragraphs into sentences and lemmatises them (default: the small French
    pipeline without its entity recogniser).
    """
    labels = load_labels()
    cahiers = find_cahiers(doc, labels)
    for cahier in cahiers:
        cahier.sections = find_sections(cahier, labels)
        cahier.metadata = {**field_metadata(cahier.body[:8]), **cahier.metadata}

    paragraphs = [block for cahier in cahiers for section in cahier.sections for block in section.blocks]
    nlp = nlp if nlp is not None else sentence_pipeline()
    sentences = dict(
        zip(
            (id(b) for b in paragraphs),
            sentence_spans((doc.text[b.body_start : b.end] for b in paragraphs), nlp),
            strict=True,
        )
    )
    key = doc_key(doc)
    units: list[Unit] = []
    for ci, cahier in enumerate(cahiers, start=1):
        units.extend(_cahier_units(doc, key, ci, cahier, sentences))
    return units


def _cahier_units(
    doc: Document,
    key: str,
    ci: int,
    cahier: CahierDraft,
    sentences: dict[int, list[tuple[int, int, str]]],
) -> list[Unit]:
    blocks = cahier.blocks
    cahier_id = f"{key}:c{ci}"
    start, end = blocks[0].start, blocks[-1].end
    units = [
        Unit(
            id=cahier_id,
            level="cahier",
            parent=None,
            source=doc.source,
            start=start,
            end=end,
            text=doc.text[start:end],
            title=cahier.title,
            page=doc.page_at(start),
            cahier=cahier_id,
            metadata=cahier.metadata,
        )
    ]
    for si, section in enumerate(cahier.sections, start=1):
        section_id = f"{cahier_id}.s{si}"
        members: list[Block] = ([section.heading] if section.heading else []) + section.blocks
        s_start, s_end = members[0].start, members[-1].end
        units.append(
            Unit(
                id=section_id,
                level="section",
                parent=cahier_id,
                source=doc.source,
                start=s_start,
                end=s_end,
                text=doc.text[s_start:s_end],
                title=section.title,
                kind=section.kind,
                page=doc.page_at(s_start),
                cahier=cahier_id,
                section=section_id,
                metadata={"role": section.role} if section.role else {},
            )
        )
        for pi, block in enumerate(section.blocks, start=1):
            paragraph_id = f"{section_id}.p{pi}"
            units.append(
                Unit(
                    id=paragraph_id,
                    level="paragraph",
                    parent=section_id,
                    source=doc.source,
                    start=block.start,
                    end=block.end,
                    text=block.text,
                    kind=section.kind,
                    page=doc.page_at(block.start),
                    number=block.marker,
                    cahier=cahier_id,
                    section=section_id,
                )
            )
            offset = block.body_start
            for ti, (a, b, lemmas) in enumerate(sentences[id(block)], start=1):
                units.append(
                    Unit(
                        id=f"{paragraph_id}.t{ti}",
                        level="sentence",
                        parent=paragraph_id,
                        source=doc.source,
                        start=offset + a,
                        end=offset + b,
                        text=doc.text[offset + a : offset + b],
                        kind=section.kind,
                        page=doc.page_at(offset + a),
                        cahier=cahier_id,
                        section=section_id,
                        lemmas=lemmas,
                    )
                )
    return units
