"""Combining the sentence-kind scores with the rules' spans and the document's structure.

:func:`apply_kinds` runs on the paragraphs of one document once the pipeline has processed them
(``ess_proposals``, ``ess_constats`` and ``ess_kinds`` spans set); it rewrites the proposals and
constats span groups as :class:`~ess_nlp.extract.kinds.Decision` says and records each scored
span's context-weighted scores on its paragraph (``kind_scores``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from spacy.tokens import Doc, Span

from ess_nlp.extract import constats as _constats
from ess_nlp.extract import proposals as _proposals
from ess_nlp.extract._context import UnitContext
from ess_nlp.extract.kinds import component as _kinds
from ess_nlp.extract.kinds.model import Decision
from ess_nlp.records import Unit


class Paragraph(Protocol):
    """What :func:`apply_kinds` reads and writes on a paragraph of the extraction."""

    unit: Unit
    ctx: UnitContext
    doc: Doc | None
    role: str | None
    kind_scores: dict[tuple[int, int], dict[str, float]]

    @property
    def continuation_of(self) -> Paragraph | None:
        """The list item this paragraph carries on (a line cut by a page break), or None."""


# Sections where the model decides: no known kind (free text, a heading the splitter did not
# recognise, the text before the first heading). Elsewhere the structure does.
MODEL_LED = (None, "autre", "contexte")
# Terse diagnoses count there ("Fiscalité injuste", "Trop d'impôts").
_ZONE_MIN_WORDS = 2
# A form field of a sheet ("Commune : Niort (79000)", "Tél : …") is neither a proposal nor a
# constat, whatever its words make the model read.
_FORM_FIELD = re.compile(
    r"^\s*(?:commune|ville|code postal|adresse|lieu|localisation|d[ée]partement|r[ée]gion|t[ée]l[ée]phone|t[ée]l|"
    r"courriel|e-?mail|mail|site(?: web| internet)?|contact|horaires|cat[ée]gories?|statut|forme juridique|"
    r"structure(?: porteuse)?|porteur)\s?:", re.IGNORECASE)


def _in_list(para: Paragraph) -> bool:
    """A list item, or the rest of one carried over a page break."""
    return para.ctx.number is not None or para.continuation_of is not None


def _groups(paras: Sequence[Paragraph]) -> list[list[Paragraph]]:
    """Paragraphs that share a context: a prose paragraph alone, a run of list items of one section
    (the rest of an item cut by a page break stays in its list)."""
    groups: list[list[Paragraph]] = []
    for para in paras:
        previous = groups[-1][-1] if groups else None
        if (previous is not None and _in_list(para) and _in_list(previous)
                and previous.unit.section == para.unit.section):
            groups[-1].append(para)
        else:
            groups.append([para])
    return groups


def apply_kinds(paras: Sequence[Paragraph], decision: Decision) -> None:
    """Combine the ``ess_kinds`` scores with the rules' spans (see :class:`Decision`): each
    sentence's scores are weighted with its paragraph's (or list's) mean; in sections of no
    known kind the model adds and drops proposals and constats; elsewhere it only keeps
    descriptions of activity out of the constats the rules found outside constat sections."""
    weight = decision.context_weight
    structured = {p.unit.cahier for p in paras if p.ctx.section_kind == "proposition" and p.role is None}
    for group in _groups(paras):
        scored = [(para, span) for para in group if para.doc is not None and para.role is None
                  for span in para.doc.spans.get(_kinds.SPANS_KEY, [])]
        if not scored:
            continue
        kinds = list(scored[0][1]._.get(_kinds.SCORES) or {})
        mean = {k: sum(span._.get(_kinds.SCORES)[k] for _, span in scored) / len(scored) for k in kinds}
        for para, span in scored:
            raw = span._.get(_kinds.SCORES)
            para.kind_scores[(span.start_char, span.end_char)] = {
                k: weight * mean[k] + (1 - weight) * raw[k] for k in kinds}
        for para in group:
            if para.doc is not None and para.kind_scores and para.role is None:
                _decide(para, decision, para.unit.cahier in structured)


def _reads_french(span: Span) -> bool:
    """A sentence of four words or more holds a French function word ("de", "la", "pour"…), two
    from ten words on: the model, trained on French, reads anything else by its shape alone."""
    words = sum(t.is_alpha for t in span)
    return words < 4 or sum(t.is_stop for t in span) >= (2 if words >= 10 else 1)


def _overlaps(a: Span, start: int, end: int) -> bool:
    return a.start_char < end and start < a.end_char


def _decide(para: Paragraph, decision: Decision, structured: bool) -> None:
    """Proposals and constats of one paragraph from the rules' spans and the kind scores.

    ``structured``: the cahier has a proposals section; then a prose sentence outside it (and
    outside a list introduced by "Nous proposons :") stays a proposal only when the model
    agrees (score from ``add_proposal``), and the model adds none there: "Il est temps de…",
    "Il faut…" in a document's argument are not its proposals."""
    doc, ctx = para.doc, para.ctx
    assert doc is not None
    in_list = ctx.in_proposal_list or ctx.parent_is_proposal or ctx.section_kind == "proposition"
    zone = ctx.section_kind in MODEL_LED and not in_list
    strict = structured and not in_list and ctx.number is None
    rule_props = list(doc.spans.get(_proposals.SPANS_KEY, []))
    intros = list(doc.spans.get(_proposals.INTROS_KEY, []))
    rule_cons = list(doc.spans.get(_constats.SPANS_KEY, []))
    scored = {(s.start_char, s.end_char): s for s in doc.spans.get(_kinds.SPANS_KEY, [])}
    proposals: list[Span] = []
    if zone or strict:
        keep = decision.add_proposal if strict else decision.keep_proposal
        for (a, b), span in scored.items():
            p = para.kind_scores[(a, b)]["proposal"]
            rule = [q for q in rule_props if _overlaps(q, a, b)]
            text = span.text.rstrip()
            if rule:
                proposals.extend(q for q in rule if p >= keep or q.label_ in ("alternative", "table"))
            elif zone and not strict and p >= decision.add_proposal and not text.endswith(("?", ":")) \
                    and not _FORM_FIELD.match(text) and not any(_overlaps(i, a, b) for i in intros) \
                    and sum(t.is_alpha for t in span) >= 2 and _reads_french(span):
                proposals.append(Span(doc, span.start, span.end, label="model"))
        proposals.extend(q for q in rule_props if not any(_overlaps(q, a, b) for a, b in scored))
        proposals.sort(key=lambda q: q.start)
        doc.spans[_proposals.SPANS_KEY] = proposals
    else:
        proposals = rule_props
    constats: list[Span] = []
    for (a, b), span in scored.items():
        if any(_overlaps(q, a, b) for q in proposals):
            continue
        scores = para.kind_scores[(a, b)]
        rule = [c for c in rule_cons if _overlaps(c, a, b)]
        if not zone:
            described = max(scores, key=lambda k: scores[k]) == "description"
            constats.extend(c for c in rule if c.label_ == "section" or not described)
            continue
        if any(c.label_ == "explicit" for c in rule):
            constats.extend(rule)
        elif scores["constat"] >= decision.constat and sum(t.is_alpha for t in span) >= _ZONE_MIN_WORDS \
                and not span.text.rstrip().endswith(":") and not _FORM_FIELD.match(span.text):
            constats.extend(rule or [Span(doc, span.start, span.end, label="model")])
    constats.extend(c for c in rule_cons if not any(_overlaps(c, a, b) for a, b in scored))
    constats.sort(key=lambda c: c.start)
    doc.spans[_constats.SPANS_KEY] = constats


def document_proposal_score(paras: Sequence[Paragraph], top: int) -> float:
    """How much a document proposes: the mean of the ``top`` highest proposal probabilities the
    model gave its sentences (its own, not weighted with the paragraph's), over the paragraphs
    of no special role (a table of contents, an annex… count for nothing); 0.0 when no sentence
    was scored. A document of fewer sentences averages those it has."""
    if top < 1:
        raise ValueError(f"top must be 1 or more, not {top}")
    scores = sorted((float(span._.get(_kinds.SCORES)["proposal"])
                     for para in paras if para.doc is not None and para.role is None
                     for span in para.doc.spans.get(_kinds.SPANS_KEY, [])
                     if span._.get(_kinds.SCORES) and "proposal" in span._.get(_kinds.SCORES)), reverse=True)
    best = scores[:top]
    return sum(best) / len(best) if best else 0.0
