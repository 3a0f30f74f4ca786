"""Long texts are split for spaCy, never rejected whole: a paragraph of millions of characters
goes to the parser in pieces, a run of characters without spaces is kept untokenised."""

from __future__ import annotations

import itertools

import spacy

from ess_nlp.records import Document
from ess_nlp.segment import split_document
from ess_nlp.segment._sentences import line_pieces, sentence_spans

SENTENCE = "L'association accompagne les habitants vers l'emploi. "


def small_nlp(max_length: int = 20_000) -> spacy.language.Language:
    nlp = spacy.blank("fr")
    nlp.add_pipe("sentencizer")
    nlp.max_length = max_length
    return nlp


def test_pieces_cover_the_line_and_cut_after_sentence_ends() -> None:
    text = SENTENCE * 1000
    pieces = list(line_pieces(text, 0, len(text), size=5000))
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(b - a <= 5000 for a, b, _ in pieces)
    assert all(a2 == b1 for (_, b1, _), (a2, _, _) in itertools.pairwise(pieces))
    assert all(text[a:b].startswith("L'association") for a, b, _ in pieces)


def test_a_line_longer_than_spacy_accepts_is_split_and_its_sentences_kept() -> None:
    text = SENTENCE * 2000  # 110,000 characters on one line, spaCy's max_length here is 20,000
    [spans] = list(sentence_spans([text], small_nlp()))
    assert len(spans) == 2000
    assert all(text[a:b] == SENTENCE.strip() for a, b, _ in spans)


def test_a_run_without_spaces_is_one_untokenised_sentence() -> None:
    junk = "[" * 50_000 + "*" * 50_000
    text = f"Avant. {junk} après"
    [spans] = list(sentence_spans([text], small_nlp()))
    assert [text[a:b] for a, b, _ in spans] == ["Avant.", f"{junk} après"]


def test_a_document_without_paragraph_breaks_is_split_into_units() -> None:
    text = (SENTENCE * 5000).strip()  # 275,000 characters, no paragraph break
    doc = Document(source="long.txt", text=text, format="txt", sha256="0" * 64)
    units = split_document(doc, nlp=small_nlp())
    sentences = [u for u in units if u.level == "sentence"]
    assert len(sentences) == 5000
    assert all(text[u.start : u.end] == u.text for u in sentences)


def test_blocks_of_a_huge_paragraph_and_of_many_lines() -> None:
    from ess_nlp.segment import split_blocks

    one = SENTENCE * 20_000  # 1.1 million characters, no line break
    [block] = split_blocks(one)
    assert (block.start, block.end) == (0, len(one.rstrip()))
    lines = "\n".join(f"- point {i}" for i in range(20_000))  # one list, one item per line
    blocks = split_blocks(lines)
    assert len(blocks) == 20_000 and blocks[-1].text == "- point 19999"
