"""spaCy component ``ess_constats``: findings ("constats").

A sentence is a finding when it sits in a constat section (and is not a proposal nor a bare
intro ending with ":"), or, anywhere else, when it says so explicitly ("nous constatons",
"force est de constater", "le constat") or states a problem with evidence (a problem word such
as "manque", "difficulté", "ne … pas", "de plus en plus", together with a figure, a share,
"selon", "enquête"…). Proposals found by ``ess_proposals`` earlier in the pipeline are never
findings. Cues are the data file ``patterns/constats.jsonl`` (``Matcher`` token patterns with
labels ``EXPLICIT``, ``PROBLEM`` and ``EVIDENCE``).

Spans written: ``doc.spans["constats"]`` (label: section, explicit or evidence).
"""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from ess_nlp.extract._context import context_of, ensure_extension, sentences
from ess_nlp.extract._resources import data_path, read_jsonl
from ess_nlp.extract.proposals import SPANS_KEY as PROPOSALS_KEY

SPANS_KEY = "constats"
# Sections with no known kind (free text, a heading the splitter did not recognise): there, a
# sentence stating a problem is a finding even without a figure.
_UNSTRUCTURED = (None, "autre")
MIN_WORDS = 3


class ConstatDetector:
    """Finds findings in a paragraph ``Doc`` (see the module docstring for the rules)."""

    def __init__(self, nlp: Language, name: str = "ess_constats", *, patterns_path: str | None = None) -> None:
        self.name = name
        self.matcher = Matcher(nlp.vocab)
        path = Path(patterns_path) if patterns_path else data_path("patterns/constats.jsonl")
        for row in read_jsonl(path, required=("label", "pattern")):
            self.matcher.add(str(row["label"]), [row["pattern"]])
        ensure_extension()

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc

    def match(self, doc: Doc) -> list[Span]:
        ctx = context_of(doc)
        taken = [(s.start_char, s.end_char) for s in doc.spans.get(PROPOSALS_KEY, [])]
        matches = [(doc.vocab.strings[m], s, e) for m, s, e in self.matcher(doc)]
        found: list[Span] = []
        body_start = ctx.marker_end if ctx.number is not None else 0
        for sent in sentences(doc):
            if sent.end_char <= body_start:
                continue
            if any(a < sent.end_char and sent.start_char < b for a, b in taken):
                continue
            words = [t for t in sent if t.is_alpha]
            if len(words) < MIN_WORDS or sent.text.rstrip().endswith(":"):
                continue
            label = self._label(sent, ctx.section_kind, matches)
            if label:
                if sent.start_char < body_start:
                    trimmed = doc.char_span(body_start, sent.end_char, alignment_mode="contract")
                    sent = trimmed if trimmed is not None and len(trimmed) else sent
                found.append(Span(doc, sent.start, sent.end, label=label))
        return found

    @staticmethod
    def _label(sent: Span, section_kind: str | None, matches: list[tuple[str, int, int]]) -> str | None:
        if section_kind == "constat":
            return "section"
        labels = {label for label, s, e in matches if sent.start <= s and e <= sent.end}
        if "EXPLICIT" in labels:
            return "explicit"
        if "PROBLEM" in labels and "EVIDENCE" in labels:
            return "evidence"
        if "PROBLEM" in labels and section_kind in _UNSTRUCTURED:
            return "problem"
        return None

    def set_annotations(self, doc: Doc, spans: list[Span]) -> None:
        doc.spans[SPANS_KEY] = spans


@Language.factory("ess_constats", default_config={"patterns_path": None})
def make_constat_detector(nlp: Language, name: str, patterns_path: str | None) -> ConstatDetector:
    return ConstatDetector(nlp, name, patterns_path=patterns_path)
