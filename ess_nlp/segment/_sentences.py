"""Sentence splitting and lemmatisation of paragraphs with spaCy French."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from spacy.language import Language

_LINE = re.compile(r"[^\n]+")
# A sentence ends with . ! ? or … possibly followed by closing quotes or brackets.
_ENDS_SENTENCE = re.compile(r"[.!?…][»”\"')\]]*$")


def sentence_spans(
    texts: Iterable[str], nlp: Language, *, batch_size: int = 64
) -> Iterator[list[tuple[int, int, str]]]:
    """For each text, its sentences as ``(start, end, lemmas)`` with offsets into that text.

    Line breaks inside a text are hard sentence boundaries (table rows, address lines).
    ``lemmas`` is the space-joined lowercase lemmas of the sentence's words.
    """
    texts = list(texts)
    pieces: list[tuple[int, int, int]] = []  # (text index, line start, line end)
    for index, text in enumerate(texts):
        for line in _LINE.finditer(text):
            if line.group().strip():
                pieces.append((index, line.start(), line.end()))
    results: list[list[tuple[int, int, str]]] = [[] for _ in texts]
    docs = nlp.pipe((texts[i][a:b] for i, a, b in pieces), batch_size=batch_size)
    for (index, offset, _end), doc in zip(pieces, docs, strict=True):
        sentences = results[index]
        line_start = len(sentences)
        for sent in doc.sents:
            tokens = [t for t in sent if not t.is_space]
            if not tokens:
                continue
            start = offset + tokens[0].idx
            end = offset + tokens[-1].idx + len(tokens[-1].text)
            lemmas = " ".join((t.lemma_ or t.text).lower() for t in tokens if not (t.is_punct or t.is_space))
            if len(sentences) > line_start and not _ENDS_SENTENCE.search(texts[index][: sentences[-1][1]]):
                # The parser cut where no sentence ends ("association loi | 1901 | fondée…",
                # "Atelier- | École"): the piece belongs to the previous sentence.
                previous = sentences[-1]
                sentences[-1] = (previous[0], end, f"{previous[2]} {lemmas}".strip())
                continue
            sentences.append((start, end, lemmas))
    yield from results
