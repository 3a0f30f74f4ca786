"""spaCy component ``ess_kinds``: the kind of every sentence of a paragraph, from the model.

It runs after ``ess_proposals`` and ``ess_constats`` and writes ``doc.spans["sentence_kinds"]``:
one span per sentence (per list item body for a list item), labelled with its most likely kind,
with the probability of each kind in ``span._.kind_scores`` (a dict). It decides nothing by
itself: :func:`ess_nlp.extract.extract_units` combines these scores with the rules and the
document's structure (see :class:`~ess_nlp.extract.kinds.Decision`). Sentences are scored in
batches across documents (``nlp.pipe``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from spacy.language import Language
from spacy.tokens import Doc, Span

from ess_nlp.extract._context import context_of, ensure_extension, sentences
from ess_nlp.extract.kinds.cues import CuedText, doc_matches, sentence_cues
from ess_nlp.extract.kinds.model import KindModel, load_kind_model

SPANS_KEY = "sentence_kinds"
SCORES = "kind_scores"


def ensure_scores_extension() -> None:
    if not Span.has_extension(SCORES):
        Span.set_extension(SCORES, default=None)


def scored_spans(doc: Doc) -> list[Span]:
    """The units ``ess_kinds`` scores in a paragraph ``Doc``: the body of a list item, else
    each sentence."""
    ctx = context_of(doc)
    if ctx.number is not None:
        tokens = [t for t in doc if t.idx >= ctx.marker_end and not t.is_space]
        return [doc[tokens[0].i : tokens[-1].i + 1]] if tokens else []
    return sentences(doc)


class KindTagger:
    """Scores the sentences of each paragraph with a :class:`KindModel`."""

    def __init__(self, nlp: Language, name: str = "ess_kinds", *, model: KindModel | None = None,
                 model_path: str | None = None, batch_size: int = 256) -> None:
        self.name = name
        self.model = model if model is not None else load_kind_model(model_path)
        self.batch_size = batch_size
        self.nlp = nlp
        ensure_extension()
        ensure_scores_extension()

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, stream: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        stream = iter(stream)
        while batch := list(islice(stream, max(batch_size, 1))):
            yield from self._score(batch)

    def _score(self, docs: list[Doc]) -> list[Doc]:
        detector = self.nlp.get_pipe("ess_proposals")
        matchers = (detector.matcher, self.nlp.get_pipe("ess_constats").matcher)  # type: ignore[attr-defined]
        spans: list[list[Span]] = []
        texts: list[CuedText] = []
        for doc in docs:
            # a letter's closing formula ("Veuillez agréer…") is no kind of statement
            found = [span for span in scored_spans(doc) if not detector.is_closing(span.text)]  # type: ignore[attr-defined]
            matches = doc_matches(doc, matchers) if found else []
            spans.append(found)
            texts.extend(CuedText(span.text, sentence_cues(span, matches, detector)) for span in found)
        proba = self.model.predict_proba(texts) if texts else None
        classes = self.model.classes
        k = 0
        for doc, found in zip(docs, spans, strict=True):
            out = []
            for span in found:
                assert proba is not None
                row = proba[k]
                k += 1
                labelled = Span(doc, span.start, span.end, label=classes[int(row.argmax())])
                labelled._.set(SCORES, {c: float(row[j]) for j, c in enumerate(classes)})
                out.append(labelled)
            doc.spans[SPANS_KEY] = out
        return docs


@Language.factory("ess_kinds", default_config={"model_path": None, "batch_size": 256})
def make_kind_tagger(nlp: Language, name: str, model_path: str | None, batch_size: int) -> KindTagger:
    return KindTagger(nlp, name, model_path=model_path, batch_size=batch_size)
