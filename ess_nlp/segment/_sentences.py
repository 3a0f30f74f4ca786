"""Sentence splitting and lemmatisation of paragraphs with spaCy French."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from ess_nlp.nlp import SENTENCES_OFF

_LINE = re.compile(r"[^\n]+")
# A sentence ends with . ! ? or … possibly followed by closing quotes or brackets.
_ENDS_SENTENCE = re.compile(r"[.!?…][»”\"')\]]*$")
_SENTENCE_GAP = re.compile(r"[.!?…][»”\"')\]]*\s+")
# Longer lines are given to spaCy in pieces of at most this many characters (cut after a
# sentence end, else at a space): spaCy refuses texts over nlp.max_length and its parser's
# memory grows with the length of a text.
MAX_PIECE_CHARS = 10_000
MAX_BATCH_CHARS = 20_000
# A run of this many characters without a space is no word (spaCy's tokenizer takes quadratic
# time on it): it is kept as a piece of its own, not tokenised, with no lemmas.
MAX_WORD_CHARS = 200
_LONG_RUN = re.compile(rf"\S{{{MAX_WORD_CHARS + 1},}}")


def line_pieces(text: str, start: int, end: int, size: int = MAX_PIECE_CHARS) -> Iterator[tuple[int, int, bool]]:
    """``(start, end, tokenise)`` pieces of ``text[start:end]``: runs of more than
    ``MAX_WORD_CHARS`` non-space characters on their own (``tokenise`` false), the rest cut in
    pieces of at most ``size`` characters, after the last sentence end in each window, else
    after its last space, else hard."""
    pos = start
    for run in _LONG_RUN.finditer(text, start, end):
        yield from _sized(text, pos, run.start(), size)
        yield run.start(), run.end(), False
        pos = run.end()
    yield from _sized(text, pos, end, size)


def _sized(text: str, start: int, end: int, size: int) -> Iterator[tuple[int, int, bool]]:
    while end - start > size:
        window = text[start : start + size]
        cut = 0
        for match in _SENTENCE_GAP.finditer(window, size // 2):
            cut = match.end()
        if not cut:
            cut = window.rfind(" ", size // 2) + 1
        if cut <= 0:
            cut = size
        yield start, start + cut, True
        start += cut
    if text[start:end].strip():
        yield start, end, True


def _ends_sentence(text: str, end: int) -> bool:
    """Whether ``text[:end]`` ends a sentence (looking at its last characters only: slicing
    the whole prefix would make a long paragraph quadratic)."""
    return _ENDS_SENTENCE.search(text, max(0, end - 32), end) is not None


def sentence_spans(
    texts: Iterable[str], nlp: Language, *, batch_size: int = 64
) -> Iterator[list[tuple[int, int, str]]]:
    """For each text, its sentences as ``(start, end, lemmas)`` with offsets into that text.

    Line breaks inside a text are hard sentence boundaries (table rows, address lines).
    ``lemmas`` is the space-joined lowercase lemmas of the sentence's words. ``nlp`` runs
    without its entity recogniser (``SENTENCES_OFF``), whatever it has loaded.
    """
    texts = list(texts)
    # (text index, piece start, piece end, whether the piece starts a line, tokenise)
    pieces: list[tuple[int, int, int, bool, bool]] = []
    for index, text in enumerate(texts):
        for line in _LINE.finditer(text):
            if line.group().strip():
                for n, (a, b, tokenise) in enumerate(line_pieces(text, line.start(), line.end())):
                    pieces.append((index, a, b, n == 0, tokenise))
    results: list[list[tuple[int, int, str]]] = [[] for _ in texts]
    docs = _parse(nlp, (texts[i][a:b] for i, a, b, _, tokenise in pieces if tokenise), batch_size)
    line_start = 0
    for index, offset, piece_end, starts_line, tokenise in pieces:
        sentences = results[index]
        if starts_line:
            line_start = len(sentences)
        found = _doc_sentences(next(docs), offset) if tokenise else [(offset, piece_end, "")]
        for start, end, lemmas in found:
            if len(sentences) > line_start and not _ends_sentence(texts[index], sentences[-1][1]):
                # The parser cut where no sentence ends ("association loi | 1901 | fondée…",
                # "Atelier- | École"): the piece belongs to the previous sentence.
                previous = sentences[-1]
                sentences[-1] = (previous[0], end, f"{previous[2]} {lemmas}".strip())
                continue
            sentences.append((start, end, lemmas))
    yield from results


def _parse(nlp: Language, texts: Iterable[str], batch_size: int) -> Iterator[Doc]:
    """``nlp.pipe`` over ``texts`` in batches of at most ``batch_size`` texts and
    ``MAX_BATCH_CHARS`` characters (the parser's memory grows with the characters of a batch:
    64 pieces of 10,000 characters take 1.7 GB)."""
    group: list[str] = []
    size = 0
    for text in texts:
        if group and (len(group) >= batch_size or size + len(text) > MAX_BATCH_CHARS):
            yield from nlp.pipe(group, batch_size=len(group), disable=SENTENCES_OFF)
            group, size = [], 0
        group.append(text)
        size += len(text)
    if group:
        yield from nlp.pipe(group, batch_size=len(group), disable=SENTENCES_OFF)


def _doc_sentences(doc: Doc, offset: int) -> list[tuple[int, int, str]]:
    found = []
    for sent in doc.sents:
        tokens = [t for t in sent if not t.is_space]
        if not tokens:
            continue
        start = offset + tokens[0].idx
        end = offset + tokens[-1].idx + len(tokens[-1].text)
        lemmas = " ".join((t.lemma_ or t.text).lower() for t in tokens if not (t.is_punct or t.is_space))
        found.append((start, end, lemmas))
    return found
