"""spaCy component ``ess_proposals``: proposals as the cahiers really write them.

What counts as a proposal (one ``Doc`` holds one paragraph):

- a list item of a list introduced by a proposal cue ("Nous proposons :", "Nos propositions",
  "Nous demandons", "Il est proposé…") or sitting in a proposition section;
- a sub-item of such an item, and an alternative introduced by "Ou :" right after a proposal;
- a list item outside constat and initiative sections that opens like a proposal: an infinitive
  ("Créer…", "De créer…", "D'exiger…", "Ne pas…"), a "Que …" clause or an imperative;
- a sentence carrying a normative cue ("il faut", "il faudrait", "nous souhaitons",
  "nous proposons de…", "devrait/doivent être", "il est nécessaire de"…), one that opens with
  "Que …" or an imperative anywhere, or with an infinitive in a proposition section.

A statement of fact ("Nous avons créé 12 emplois.") matches none of these, nor does a form's
placeholder ("(non renseigné)", "Néant", "Commune : Non renseignée", "Voir le compte rendu joint")
or a letter's closing formula ("Veuillez agréer…", label ``CLOSING`` of ``openings.jsonl``).
A bare intro
("Nous proposons :") is not a proposal either: it goes to ``doc.spans["proposal_intros"]``.
Cue patterns and opening word lists are data files: ``patterns/proposals.jsonl`` (spaCy
``Matcher`` token patterns with a label ``INTRO`` or ``CUE``) and ``patterns/openings.jsonl``.

Spans written: ``doc.spans["proposals"]`` (label = why it was kept: list, sub-item,
alternative, infinitive, que, imperative, cue) and ``doc.spans["proposal_intros"]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span, Token

from ess_nlp.extract._context import (
    ALTERNATIVE,
    UnitContext,
    context_of,
    ensure_extension,
    sentence_bounds,
    sentences,
)
from ess_nlp.extract._resources import data_path, read_jsonl

SPANS_KEY = "proposals"
INTROS_KEY = "proposal_intros"

_INFINITIVE_ENDINGS = ("er", "ir", "re", "oir", "ïr")
# Section kinds where a sentence may be a proposal by its form alone (an infinitive or a verbless
# "Création de…" opening); in constat and initiative sections such sentences describe, not propose.
_OPEN_KINDS = (None, "proposition", "autre", "contexte")
_CELL = re.compile(r"[^|\t\n]*[^|\t\n\s][^|\t\n]*?(?=\s*(?:\||\t|$|\n))", re.M)
_OPENING_SKIP = {"-", "–", "—", "•", "*", "«", "\"", "(", "…", "▪", "●", "➢", "►"}
# "Label : value" lines of forms ("Commune : Non renseignée"); labels of up to three words count.
_FIELD_LABEL = re.compile(r"^[^:\n]{1,40}?\s*:\s*(?=\S)")
_NOT_WORD = re.compile(r"[^\w/]+")


def _placeholder_key(text: str) -> str:
    """The lower-cased words of ``text``, punctuation dropped: "(Non renseigné)" -> "non renseigné"."""
    return " ".join(_NOT_WORD.sub(" ", text.lower()).split())


class ProposalDetector:
    """Finds proposals in a paragraph ``Doc`` (see the module docstring for the rules)."""

    def __init__(self, nlp: Language, name: str = "ess_proposals", *,
                 patterns_path: str | None = None, openings_path: str | None = None) -> None:
        self.name = name
        self.matcher = Matcher(nlp.vocab)
        path = Path(patterns_path) if patterns_path else data_path("patterns/proposals.jsonl")
        for row in read_jsonl(path, required=("label", "pattern")):
            self.matcher.add(str(row["label"]), [row["pattern"]])
        openings = read_jsonl(Path(openings_path) if openings_path else data_path("patterns/openings.jsonl"),
                              required=("label", "words"))
        self.verbs = frozenset(w for row in openings if row["label"] == "VERB" for w in row["words"])
        self.not_verbs = frozenset(w for row in openings if row["label"] == "NOT_VERB" for w in row["words"])
        self.nominals = frozenset(w for row in openings if row["label"] == "NOMINAL" for w in row["words"])
        self.placeholders = frozenset(
            _placeholder_key(w) for row in openings if row["label"] == "PLACEHOLDER" for w in row["words"]
        )
        self.placeholder_starts = tuple(
            _placeholder_key(w) + " " for row in openings if row["label"] == "PLACEHOLDER_START" for w in row["words"]
        )
        self.closings = tuple(
            _placeholder_key(w) for row in openings if row["label"] == "CLOSING" for w in row["words"]
        )
        ensure_extension()

    def __call__(self, doc: Doc) -> Doc:
        proposals, intros = self.match(doc)
        self.set_annotations(doc, proposals, intros)
        return doc

    # -- decisions ---------------------------------------------------------------------------

    def match(self, doc: Doc) -> tuple[list[Span], list[Span]]:
        """Proposal spans (label = cue) and intro spans of ``doc``."""
        proposals, intros = self._match(doc)
        return [span for span in proposals if not self.is_placeholder(span.text) and not self.is_closing(span.text)], intros

    def is_closing(self, text: str) -> bool:
        """Whether ``text`` is a letter's closing formula ("Veuillez agréer, Madame…")."""
        return _placeholder_key(text).startswith(self.closings) if self.closings else False

    def is_placeholder(self, text: str) -> bool:
        """Whether ``text`` is a form's empty-field placeholder, alone or after a short label, or a
        pointer to another document: "(non renseigné)", "Néant", "Commune : Non renseignée",
        "Voir le compte rendu joint"."""
        key = _placeholder_key(text)
        if key in self.placeholders or (len(key.split()) <= 10 and (key + " ").startswith(self.placeholder_starts)):
            return True
        label = _FIELD_LABEL.match(text.strip())
        if label is None or len(label.group(0).split()) > 4:
            return False
        return _placeholder_key(text.strip()[label.end():]) in self.placeholders

    def _match(self, doc: Doc) -> tuple[list[Span], list[Span]]:
        ctx = context_of(doc)
        if not len(doc):
            return [], []
        matches = self._drop_negated(
            [(doc.vocab.strings[m_id], start, end) for m_id, start, end in self.matcher(doc)]
        )
        if ctx.number is not None:
            body = self._body(doc, ctx.marker_end)
            if body is None:
                return [], []
            label = self._item_label(body, ctx, matches)
            return ([self._relabel(body, label)] if label else []), []
        alternative = ALTERNATIVE.match(doc.text)
        if alternative and (ctx.after_proposal or ":" in alternative.group(0)):
            body = self._body(doc, alternative.end())
            return ([self._relabel(body, "alternative")] if body is not None else []), []
        proposals: list[Span] = []
        intros: list[Span] = []
        table_lines = self._table_lines(doc)
        for sent in sentences(doc):
            if any(a <= sent.start_char < b for a, b in table_lines):
                continue
            label = self._sentence_label(sent, ctx.section_kind, matches)
            if label == "intro":
                intros.append(sent)
            elif label:
                proposals.append(self._relabel(self._trim(sent), label))
        for start, end in table_lines:
            for cell in self._cells(doc, start, end):
                inside = any(label == "CUE" and cell.start <= s and e <= cell.end for label, s, e in matches)
                if self.opening(cell) in ("infinitive", "que", "imperative") or inside or (
                    ctx.section_kind in _OPEN_KINDS and self.is_nominal(cell)
                ):
                    proposals.append(self._relabel(cell, "table"))
        proposals.sort(key=lambda span: span.start)
        return proposals, intros

    @staticmethod
    def _drop_negated(matches: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
        """Cue matches overlapping a NOT_CUE match ("il faut en moyenne deux ans", "qui doit être")."""
        negated = [(s, e) for label, s, e in matches if label == "NOT_CUE"]
        return [
            (label, s, e) for label, s, e in matches
            if label != "NOT_CUE" and not (label in ("CUE", "WEAK_CUE") and any(a < e and s < b for a, b in negated))
        ]

    @staticmethod
    def _table_lines(doc: Doc) -> list[tuple[int, int]]:
        """Character ranges of the lines of ``doc`` that are table rows: "cell | cell | cell", or
        cells separated by tabs ("Fiscalité<TAB>Supprimer les niches fiscales")."""
        lines = []
        offset = 0
        for line in doc.text.split("\n"):
            if " | " in line or "\t" in line.strip():
                lines.append((offset, offset + len(line)))
            offset += len(line) + 1
        return lines

    @staticmethod
    def _cells(doc: Doc, start: int, end: int) -> list[Span]:
        cells = []
        for match in _CELL.finditer(doc.text, start, end):
            span = doc.char_span(match.start(), match.end(), alignment_mode="contract")
            if span is not None and len(span):
                cells.append(span)
        return cells

    def is_intro(self, doc: Doc) -> bool:
        """Whether a paragraph introduces a list of proposals: "Nous proposons :", "Nos propositions",
        "Il faudrait :" (works on a tokenised ``Doc``; the cue patterns only read the words)."""
        matches = [(label, s) for label, s, _ in self._drop_negated(
            [(doc.vocab.strings[m], s, e) for m, s, e in self.matcher(doc)])]
        if not matches:
            return False
        bounds = sentence_bounds(doc.text)
        last_start = bounds[-1][0] if bounds else 0
        in_last = [label for label, s in matches if doc[s].idx >= last_start]
        if doc.text.rstrip().endswith(":") and in_last:
            return True
        words = sum(1 for t in doc if t.is_alpha)
        return bool(in_last) and words <= 6 and not doc.text.rstrip().endswith((".", "?", "!"))

    def set_annotations(self, doc: Doc, proposals: Iterable[Span], intros: Iterable[Span]) -> None:
        doc.spans[SPANS_KEY] = list(proposals)
        doc.spans[INTROS_KEY] = list(intros)

    def _item_label(self, body: Span, ctx: UnitContext, matches: list[tuple[str, int, int]]) -> str | None:
        if ctx.parent_is_proposal:
            return "sub-item"
        if self.is_list_heading(body):
            return None  # "- Organisation de l'État et services publics :" heads the items under it
        if ctx.in_proposal_list or ctx.section_kind == "proposition":
            return "list"
        if any(label == "CUE" and start >= body.start for label, start, _ in matches):
            return "cue"
        if ctx.section_kind not in ("constat", "initiative") and any(
            label == "WEAK_CUE" and start >= body.start for label, start, _ in matches
        ):
            return "cue"
        if ctx.section_kind in ("constat", "initiative"):
            return None
        label = self.opening(body) or ("nominal" if self.is_nominal(body) else None)
        after = self._after_label(body) if label is None else None
        if after is not None:
            label = self.opening(after) or ("nominal" if self.is_nominal(after) else None)
        return label

    def _sentence_label(self, sent: Span, section_kind: str | None,
                        matches: list[tuple[str, int, int]]) -> str | None:
        inside = {label for label, s, e in matches if sent.start <= s and e <= sent.end}
        words = [t for t in sent if not (t.is_punct or t.is_space)]
        if not words:
            return None
        text = sent.text.rstrip()
        if text.endswith("?"):
            return None
        ends_with_colon = text.endswith(":")
        heading_like = len(words) <= 6 and not text.endswith((".", "!", ";", "…", ")", "»"))
        if (inside & {"INTRO", "CUE"}) and (ends_with_colon or heading_like):
            return "intro"  # "Nous proposons :", "Ce que nous voudrions"
        if ends_with_colon and len(words) <= 6:
            return None
        opening = self.opening(sent)
        if opening in ("que", "imperative") and len(words) >= 3:
            return opening
        if "CUE" in inside or ("WEAK_CUE" in inside and section_kind not in ("constat", "initiative")):
            return "cue"
        if section_kind in _OPEN_KINDS and not ends_with_colon and len(words) >= 2:
            if opening == "infinitive":
                return opening
            if self.is_nominal(sent):
                return "nominal"
            after = self._after_label(sent)
            if after is not None:
                return self.opening(after) or ("nominal" if self.is_nominal(after) else None)
        return None

    @staticmethod
    def _after_label(span: Span) -> Span | None:
        """What follows a short label and a colon: "Fiscalité : supprimer les niches" -> "supprimer…"."""
        for token in span[:7]:
            if token.text == ":" and token.i > span.start and token.i + 1 < span.end:
                rest = span.doc[token.i + 1 : span.end]
                return rest if sum(1 for t in rest if t.is_alpha) >= 2 else None
        return None

    def is_list_heading(self, body: Span) -> bool:
        """A list item that only names what the items under it are about: a short label ending
        with a colon, that neither opens like a proposal nor is a verbless one ("Démocratie et
        citoyenneté :", "Pour les retraités :"; not "Créer un fonds de garantie :" nor "Création
        d'un fonds de garantie :", whose sub-items detail the proposal). The items under it are
        proposals of their own. A label that reads as a verbless proposal (« Organisation de
        l'État et services publics : ») is still taken for one."""
        words = [t for t in body if not (t.is_punct or t.is_space)]
        return (body.text.rstrip().endswith(":") and 0 < len(words) <= 8
                and self.opening(body) is None and not self.is_nominal(body))

    def is_nominal(self, span: Span) -> bool:
        """A verbless proposal: "Suppression du Sénat.", "Création d'un fonds…", "Plus de démocratie."."""
        tokens = [t for t in span if not t.is_space and t.text not in _OPENING_SKIP]
        if len(tokens) < 2 or tokens[0].lower_ not in self.nominals:
            return False
        return not any("Fin" in t.morph.get("VerbForm", []) for t in tokens)

    # -- openings ----------------------------------------------------------------------------

    def opening(self, span: Span) -> str | None:
        """"infinitive", "que" or "imperative" when ``span`` opens like a proposal, else None."""
        tokens = [t for t in span if not t.is_space and t.text not in _OPENING_SKIP]
        if not tokens:
            return None
        first = tokens[0]
        low = first.lower_
        if low in ("que", "qu'", "qu’"):
            if len(tokens) > 1 and tokens[1].lower_ in ("est", "est-ce", "-ce", "en", "il", "ils", "elle") \
                    and span.text.rstrip().endswith("?"):
                return None
            return "que"
        if low in ("de", "d'", "d’", "pour") and len(tokens) > 1:
            nxt = tokens[1]
            if self.is_infinitive(nxt) or (nxt.lower_ in ("ne", "n'", "n’") and len(tokens) > 2):
                return "infinitive"
            return None
        if low in ("ne", "n'", "n’") and len(tokens) > 2 and tokens[1].lower_ in ("pas", "plus", "jamais"):
            return "infinitive" if self.is_infinitive(tokens[2]) else None
        if low in ("mieux", "davantage", "également", "aussi", "enfin", "surtout") and len(tokens) > 1:
            return "infinitive" if self.is_infinitive(tokens[1]) else None
        if self.is_infinitive(first):
            return "infinitive"
        if self.is_imperative(first):
            return "imperative"
        return None

    def is_infinitive(self, token: Token) -> bool:
        low = token.lower_.replace("’", "'")
        if low.startswith(("s'", "l'", "se", "les")) and "'" in low:
            low = low.split("'", 1)[1]
        if low in self.not_verbs or (not low.isalpha() and "-" not in low):
            return False
        if low in self.verbs:
            return True
        if not low.endswith(_INFINITIVE_ENDINGS) or len(low) < 4:
            return False
        if "Inf" in token.morph.get("VerbForm", []):
            return True
        return token.pos_ in ("VERB", "AUX") and token.lemma_.lower() == low

    def is_imperative(self, token: Token) -> bool:
        low = token.lower_
        if "Imp" in token.morph.get("Mood", []):
            return token.pos_ in ("VERB", "AUX")
        if not low.endswith(("ez", "ons")) or len(low) < 5 or low in self.not_verbs:
            return False
        lemma = token.lemma_.lower()
        return lemma != low and lemma.endswith(_INFINITIVE_ENDINGS) and token.pos_ in ("VERB", "AUX", "ADJ", "NOUN")

    # -- helpers -----------------------------------------------------------------------------

    @staticmethod
    def _body(doc: Doc, char_start: int) -> Span | None:
        tokens = [t for t in doc if t.idx >= char_start and not t.is_space]
        if not tokens:
            return None
        return doc[tokens[0].i : tokens[-1].i + 1]

    @staticmethod
    def _trim(span: Span) -> Span:
        start, end = span.start, span.end
        while start < end and span.doc[start].is_space:
            start += 1
        while end > start and span.doc[end - 1].is_space:
            end -= 1
        return span.doc[start:end]

    @staticmethod
    def _relabel(span: Span, label: str) -> Span:
        return Span(span.doc, span.start, span.end, label=label)



@Language.factory(
    "ess_proposals",
    default_config={"patterns_path": None, "openings_path": None},
)
def make_proposal_detector(nlp: Language, name: str, patterns_path: str | None,
                           openings_path: str | None) -> ProposalDetector:
    return ProposalDetector(nlp, name, patterns_path=patterns_path, openings_path=openings_path)
