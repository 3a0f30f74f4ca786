"""Running the extraction components over the units of one document.

``extract_units`` takes the units ``ess_nlp.segment.split_document`` gives for a document
(cahiers, sections with a kind, paragraphs with their list marker, sentences) and returns typed
records. Structure decides what the components cannot see from one paragraph alone: which list
an item belongs to and whether a proposal cue introduced it, sub-items and their parent,
"Ou :" alternatives, and list items cut in two by a page break (a paragraph that ends without
punctuation followed by one that starts in lower case is one item).
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from ess_nlp.extract import constats as _constats
from ess_nlp.extract import initiatives as _initiatives  # noqa: F401
from ess_nlp.extract import proposals as _proposals
from ess_nlp.extract._cards import CahierView, build_card
from ess_nlp.extract._context import ALTERNATIVE, EXTENSION, UnitContext, ensure_extension, sentence_bounds
from ess_nlp.extract.kinds import component as _kinds
from ess_nlp.extract.kinds.combine import apply_kinds, document_proposal_score
from ess_nlp.extract.kinds.model import Decision, default_kind_model_path
from ess_nlp.extract.records import Constat, Initiative, Proposal
from ess_nlp.extract.territory import Territory, decide, text_mentions
from ess_nlp.nlp import DEFAULT_PIPELINE, new_pipeline
from ess_nlp.records import Unit
from ess_nlp.segment import section_role
from ess_nlp.segment._blocks import marker_value
from ess_nlp.segment._roles import ANNEXE, SOMMAIRE

logger = logging.getLogger(__name__)

DEFAULT_MODEL = DEFAULT_PIPELINE
_END_PUNCT = re.compile(r"[.;:!?…»)\]]\s*$")


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one document."""

    proposals: tuple[Proposal, ...] = ()
    constats: tuple[Constat, ...] = ()
    initiatives: tuple[Initiative, ...] = ()
    notes: tuple[str, ...] = ()
    """French sentences about the document as a whole (one that is only a table of contents)."""
    measure: float | None = None
    """The score from which the document "proposes a measure" (None: rules alone)."""
    territories: tuple[tuple[str, Territory], ...] = ()
    """Each cahier's territory by cahier id (:mod:`ess_nlp.extract.territory`)."""

    proposal_score: float | None = None
    """The mean of the highest proposal probabilities of the document's sentences, when the
    model's decision reads "proposes" from it (``Decision.measure_top`` >= 1), else None."""
    cores: tuple[tuple[str, tuple[str, ...], bool], ...] = ()
    """The demand cores of the proposals the grouping reads (not the alternatives): ``(proposal
    id, sorted features, asks)``, once computed (:func:`ess_nlp.extract.step.with_cores`)."""

    @property
    def proposes(self) -> bool:
        """Whether the document proposes a measure (see :class:`~ess_nlp.extract.kinds.Decision`):
        its ``proposal_score`` reaches ``measure``, or, without one, a proposal scored ``measure``
        or more by the sentence-kind model (with the rules alone: any proposal)."""
        if self.measure is None:
            return bool(self.proposals)
        if self.proposal_score is not None:
            return self.proposal_score >= self.measure
        return any(p.kind_score is not None and p.kind_score >= self.measure for p in self.proposals)

    def records(self) -> list[Proposal | Constat | Initiative]:
        return [*self.proposals, *self.constats, *self.initiatives]


@functools.lru_cache(maxsize=4)
def extraction_pipeline(model: str = DEFAULT_MODEL, kinds: str | None = "default") -> Language:
    """The French pipeline (without its parser: sentences come from the units) followed by
    ``ess_proposals``, ``ess_constats``, ``ess_initiatives`` and, when a sentence-kind model is
    there, ``ess_kinds``. Loaded once per (model, kinds).

    ``kinds``: ``"default"`` uses the shipped sentence-kind model
    (``models/sentence-kinds/<latest>``, or ``$ESS_NLP_KIND_MODEL``; rules alone when there is
    none), a folder path uses that model, None extracts with the rules alone."""
    nlp = new_pipeline(model, exclude=("parser", "senter"))
    nlp.add_pipe("ess_proposals")
    nlp.add_pipe("ess_constats")
    nlp.add_pipe("ess_initiatives")
    path = default_kind_model_path() if kinds == "default" else (Path(kinds) if kinds else None)
    if path is not None:
        nlp.add_pipe("ess_kinds", config={"model_path": str(path)})
    elif kinds == "default":
        logger.info("no sentence-kind model found: extraction uses the rules alone")
    return nlp


@dataclass
class _Para:
    unit: Unit
    ctx: UnitContext
    doc: Doc | None = None
    continuation_of: _Para | None = None
    continued_by: _Para | None = None
    proposal: Proposal | None = None
    parent_item: _Para | None = None
    records: list[Proposal] = field(default_factory=list)
    role: str | None = None  # the section's role (table of contents, annex…): no items there
    kind_scores: dict[tuple[int, int], dict[str, float]] = field(default_factory=dict)

    def kind_score(self, kind: str, start: int, end: int) -> float | None:
        """The (context-weighted) score of ``kind`` of the scored span overlapping doc
        characters ``[start, end)`` most, None without a kind model."""
        best, best_overlap = None, 0
        for (a, b), scores in self.kind_scores.items():
            overlap = min(b, end) - max(a, start)
            if overlap > best_overlap:
                best, best_overlap = scores.get(kind), overlap
        return None if best is None else round(best, 4)


def extract_units(
    units: Sequence[Unit],
    *,
    nlp: Language | None = None,
    batch_size: int = 64,
    progress: Callable[[int, int], None] | None = None,
    decision: Decision | None = None,
) -> Extraction:
    """Proposals, findings and initiative cards of one document, given its units in pre-order.

    With the ``ess_kinds`` component in ``nlp``, sentence kinds are combined with the rules as
    ``decision`` says (default: the thresholds saved with the model)."""
    nlp = nlp if nlp is not None else extraction_pipeline()
    paras, sentences, by_id = annotate_units(units, nlp=nlp, batch_size=batch_size, progress=progress)
    return extraction_from(units, paras, sentences, by_id, nlp=nlp, decision=decision)


def annotate_units(
    units: Sequence[Unit],
    *,
    nlp: Language | None = None,
    batch_size: int = 64,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[_Para], dict[str, list[Unit]], dict[str, Unit]]:
    """The paragraphs of a document with their structure and processed ``Doc`` (the first half of
    :func:`extract_units`; :func:`extraction_from` is the second)."""
    nlp = nlp if nlp is not None else extraction_pipeline()
    ensure_extension()
    detector = nlp.get_pipe("ess_proposals")
    assert isinstance(detector, _proposals.ProposalDetector)
    by_id = {u.id: u for u in units}
    sentences: dict[str, list[Unit]] = defaultdict(list)
    for u in units:
        if u.level == "sentence" and u.parent:
            sentences[u.parent].append(u)
    paras = _structure([u for u in units if u.level == "paragraph"], by_id, detector, nlp)

    docs = []
    for para in paras:
        doc = nlp.make_doc(para.unit.text)
        for token in doc:
            token.is_sent_start = False
        starts = {a for a, _ in sentence_bounds(para.unit.text)}
        if para.ctx.number is not None:
            starts.add(para.ctx.marker_end)
        for token in doc:
            if token.idx in starts or token.i == 0:
                token.is_sent_start = True
        doc._.set(EXTENSION, para.ctx)
        docs.append(doc)
    for i, doc in enumerate(nlp.pipe(docs, batch_size=batch_size), start=1):
        paras[i - 1].doc = doc
        if paras[i - 1].role is not None:  # a table of contents, an annex…: no item there
            for key in (_proposals.SPANS_KEY, _proposals.INTROS_KEY, _constats.SPANS_KEY):
                doc.spans[key] = []
        if progress is not None:
            progress(i, len(paras))
    return paras, sentences, by_id


def extraction_from(
    units: Sequence[Unit],
    paras: list[_Para],
    sentences: dict[str, list[Unit]],
    by_id: dict[str, Unit],
    *,
    nlp: Language | None = None,
    decision: Decision | None = None,
) -> Extraction:
    """Records from annotated paragraphs (see :func:`annotate_units`)."""
    measure = score = None
    if nlp is not None and "ess_kinds" in nlp.pipe_names:
        tagger = nlp.get_pipe("ess_kinds")
        assert isinstance(tagger, _kinds.KindTagger)
        decision = decision or tagger.model.decision
        apply_kinds(paras, decision)
        measure = decision.measure
        if decision.measure_top >= 1:
            score = round(document_proposal_score(paras, decision.measure_top), 4)
    proposals = _proposal_records(paras, sentences, by_id)
    constats = _constat_records(paras, sentences, proposals)
    initiatives = _initiative_records(units, paras, proposals, constats)
    return Extraction(tuple(proposals), tuple(constats), tuple(initiatives), _notes(units, paras), measure,
                      _territories(units, paras), score)


def _cahier_name(cahier: Unit) -> str:
    title = (cahier.title or "").strip()
    return f"{cahier.source}, cahier « {title[:80]} »" if title else cahier.source


def _territories(units: Sequence[Unit], paras: list[_Para]) -> tuple[tuple[str, Territory], ...]:
    by_cahier: dict[str, list[tuple[Unit, Doc]]] = defaultdict(list)
    for para in paras:
        if para.unit.cahier and para.doc is not None and para.role != SOMMAIRE:
            by_cahier[para.unit.cahier].append((para.unit, para.doc))
    return tuple(
        (c.id, decide(c.metadata, text_mentions(c, by_cahier.get(c.id, [])), name=_cahier_name(c)))
        for c in units if c.level == "cahier"
    )


def _notes(units: Sequence[Unit], paras: list[_Para]) -> tuple[str, ...]:
    if paras and all(p.role == SOMMAIRE for p in paras):
        return (f"{units[0].source} : ce document ne contient qu'une table des matières ({len(paras)} ligne(s)) ; "
                "aucune proposition, aucun constat ni aucune initiative n'en est extrait.",)
    return ()


# -- structure -----------------------------------------------------------------------------


def _marker_type(marker: str) -> str:
    if marker[0].isdigit():
        return "digit"
    if re.fullmatch(r"(?:i{1,3}|iv|vi{0,3}|ix|x)[.)]", marker):
        return "roman"
    if marker[0].isalpha():
        return "upper" if marker[0].isupper() else "letter"
    return "bullet"


@dataclass
class _Suspended:
    """A list cut by a prose paragraph: it resumes when the numbering carries on after it."""

    top_type: str
    last_top: _Para | None
    intro: bool
    last_value: int | None
    paragraphs: int = 0


def _resumes(suspended: _Suspended | None, mtype: str, number: str) -> bool:
    """Whether an item numbered ``number`` carries on a suspended list: same marker type and the
    next number (or one skipped, or the same repeated), after at most two paragraphs."""
    if suspended is None or suspended.top_type != mtype or suspended.paragraphs > 2:
        return False
    value = marker_value(number)
    if value is None or suspended.last_value is None:
        return mtype == "bullet" and suspended.intro
    return value - suspended.last_value in (0, 1, 2)


def _structure(paragraphs: list[Unit], by_id: dict[str, Unit], detector: _proposals.ProposalDetector,
               nlp: Language) -> list[_Para]:
    paras: list[_Para] = []
    section = None
    intro = False
    top_type: str | None = None
    last_top: _Para | None = None
    last_value: int | None = None
    suspended: _Suspended | None = None
    prev: _Para | None = None
    for unit in paragraphs:
        kind = unit.kind
        if unit.section != section:
            section, intro, top_type, last_top, prev, suspended = unit.section, False, None, None, None, None
        role = section_role(by_id[unit.section]) if unit.section in by_id else None
        number = unit.number
        if number is not None and _heading_item(unit.text, number):
            # "III) Nos propositions": a numbered heading the splitter took for a list item
            number = None
            para = _Para(unit, UnitContext(section_kind=kind), role=role)
            top_type, last_top, suspended = None, None, None
            intro = detector.is_intro(nlp.make_doc(unit.text[_marker_end(unit.text, unit.number or ""):]))
            paras.append(para)
            prev = para
            continue
        if number is not None:
            marker_end = _marker_end(unit.text, number)
            mtype = _marker_type(number)
            if top_type is None:
                if _resumes(suspended, mtype, number):
                    assert suspended is not None
                    top_type, last_top, intro = suspended.top_type, suspended.last_top, suspended.intro
                else:
                    top_type = mtype
                suspended = None
            depth = 1 if mtype == top_type else 2
            ctx = UnitContext(section_kind=kind, number=number, depth=depth,
                              in_proposal_list=intro or kind == "proposition", marker_end=marker_end)
            para = _Para(unit, ctx, role=role)
            if depth == 1:
                last_top, last_value = para, marker_value(number)
            else:
                para.parent_item = last_top
        else:
            text = unit.text
            is_alternative = bool(ALTERNATIVE.match(text)) and ":" in (ALTERNATIVE.match(text) or [""])[0]
            continues = (
                prev is not None and prev.ctx.number is not None and prev.continuation_of is None
                and not _END_PUNCT.search(prev.unit.text) and text[:1].islower()
            )
            para = _Para(unit, UnitContext(section_kind=kind, after_proposal=prev is not None), role=role)
            if continues and prev is not None:
                para.continuation_of = prev
                prev.continued_by = para
            elif not is_alternative:
                new_intro = detector.is_intro(nlp.make_doc(text))
                if top_type is not None and not new_intro:
                    suspended = _Suspended(top_type, last_top, intro, last_value)
                elif suspended is not None and not new_intro:
                    suspended.paragraphs += 1
                else:
                    suspended = None
                top_type, last_top = None, None
                intro = new_intro
        paras.append(para)
        prev = para
    return paras


def _heading_item(text: str, number: str) -> bool:
    """A short unpunctuated "item" numbered "II)", "B." or "2 -" is a heading, not a list item."""
    if not (re.fullmatch(r"[IVX]+[.)]|[A-Z][.)]", number) or re.fullmatch(r"\d+\s*[-–]", number)):
        return False
    body = text[_marker_end(text, number):].strip()
    return len(body.split()) <= 6 and not body.endswith((".", ";", ",", "!", "?", "…"))


def _marker_end(text: str, number: str) -> int:
    index = text.find(number)
    if index < 0:
        return 0
    end = index + len(number)
    while end < len(text) and text[end] in " \t\u00a0":
        end += 1
    return end


# -- records -------------------------------------------------------------------------------


def _sentence_unit(para: _Para, start: int, end: int, sentences: dict[str, list[Unit]]) -> Unit:
    """The sentence unit covering ``[start, end)`` best (the paragraph when none does)."""
    best, best_overlap = para.unit, 0
    for sent in sentences.get(para.unit.id, []):
        overlap = min(end, sent.end) - max(start, sent.start)
        if sent.start == start and sent.end == end:
            return sent
        if overlap > best_overlap and sent.start <= start and end <= sent.end:
            best, best_overlap = sent, overlap
    return best


def _slice(by_id: dict[str, Unit], unit: Unit, start: int, end: int) -> str:
    """Document text ``[start, end)`` read from the smallest unit holding it."""
    for candidate in (unit, by_id.get(unit.section or ""), by_id.get(unit.cahier or "")):
        if candidate is not None and candidate.start <= start and end <= candidate.end:
            return candidate.text[start - candidate.start : end - candidate.start]
    return unit.text[max(0, start - unit.start) : max(0, end - unit.start)]


def _proposal_records(paras: list[_Para], sentences: dict[str, list[Unit]],
                      by_id: dict[str, Unit]) -> list[Proposal]:
    records: list[Proposal] = []
    last_top: Proposal | None = None
    for para in paras:
        unit, doc = para.unit, para.doc
        if doc is None or para.continuation_of is not None:
            continue
        spans: list[Span] = list(doc.spans.get(_proposals.SPANS_KEY, []))
        if para.ctx.number is not None and para.ctx.depth == 2 and para.parent_item is not None \
                and para.parent_item.proposal is not None and not spans:
            body = _proposals.ProposalDetector._body(doc, para.ctx.marker_end)
            spans = [Span(doc, body.start, body.end, label="sub-item")] if body is not None else []
        for k, span in enumerate(spans):
            start = unit.start + span.start_char
            end = unit.start + span.end_char
            link = unit
            if para.continued_by is not None and para.ctx.number is not None:
                end = para.continued_by.unit.start + len(para.continued_by.unit.text.rstrip())
            elif para.ctx.number is None:
                link = _sentence_unit(para, start, end, sentences)
            parent: str | None = None
            alternative = span.label_ == "alternative"
            if para.ctx.number is not None and para.ctx.depth == 2 and para.parent_item is not None \
                    and para.parent_item.proposal is not None:
                parent = para.parent_item.proposal.id
            elif alternative and last_top is not None and last_top.section == unit.section:
                parent = last_top.id
            record = Proposal(
                id=f"{unit.id}/prop{k + 1}",
                text=_slice(by_id, unit, start, end),
                source=unit.source,
                start=start,
                end=end,
                unit=link.id,
                cahier=unit.cahier,
                section=unit.section,
                number=para.ctx.number if para.ctx.number is not None else None,
                parent=parent,
                alternative=alternative,
                cue="sub-item" if parent and not alternative else span.label_,
                kind_score=para.kind_score("proposal", span.start_char, span.end_char),
            )
            records.append(record)
            if para.proposal is None:
                para.proposal = record
            if parent is None and not alternative:
                last_top = record
    return records


def _constat_records(paras: list[_Para], sentences: dict[str, list[Unit]],
                     proposals: list[Proposal]) -> list[Constat]:
    taken = defaultdict(list)
    for p in proposals:
        taken[p.source].append((p.start, p.end))
    records: list[Constat] = []
    for para in paras:
        unit, doc = para.unit, para.doc
        if doc is None:
            continue
        k = 0
        for span in doc.spans.get("constats", []):
            start, end = unit.start + span.start_char, unit.start + span.end_char
            if any(a < end and start < b for a, b in taken[unit.source]):
                continue
            k += 1
            link = _sentence_unit(para, start, end, sentences)
            records.append(Constat(
                id=f"{unit.id}/cons{k}", text=span.text, source=unit.source, start=start, end=end,
                unit=link.id, cahier=unit.cahier, section=unit.section, cue=span.label_,
                kind_score=para.kind_score("constat", span.start_char, span.end_char),
            ))
    return records


def _initiative_records(units: Sequence[Unit], paras: list[_Para], proposals: list[Proposal],
                        constats: list[Constat]) -> list[Initiative]:
    # A sheet's short descriptions ("La promotion de l'agriculture biologique.") may read as
    # proposals to the model: in a text that states no finding, they do not count against a card.
    argued = {c.cahier for c in constats}
    per_cahier = Counter(p.cahier for p in proposals if p.cue != "model" or p.cahier in argued)
    by_cahier: dict[str, list[_Para]] = defaultdict(list)
    for para in paras:
        if para.unit.cahier:
            by_cahier[para.unit.cahier].append(para)
    sections = {u.id: u for u in units if u.level == "section"}
    records = []
    for cahier in (u for u in units if u.level == "cahier"):
        cahier_paras = by_cahier.get(cahier.id, [])
        view = CahierView(
            cahier=cahier,
            sections=[s for s in sections.values() if s.cahier == cahier.id],
            paragraphs=[(p.unit, p.doc) for p in cahier_paras
                        if p.doc is not None and p.role not in (SOMMAIRE, ANNEXE)],
            proposals=per_cahier.get(cahier.id, 0),
        )
        card = build_card(view)
        if card is not None:
            records.append(card)
    return records
