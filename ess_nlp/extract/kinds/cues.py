"""What the extraction rules see in a sentence, as tokens the sentence-kind model reads.

The rules of ``ess_proposals`` and ``ess_constats`` know things a bag of words does not: how a
sentence opens (an infinitive, "Que …", an imperative, a verbless "Création de …"), whether it
carries a normative cue ("il faut", "nous demandons") or a negated one ("il faut en moyenne deux
ans"), a problem word, a piece of evidence, a question mark. :func:`sentence_cues` turns them
into tokens such as ``"open_infinitive"`` or ``"m_CUE"``; the model learns how much each weighs
against the words. The cues of a sentence depend on the sentence alone (not on its section), so
a sentence gets the same cues in training and in a document.

:class:`CuedText` is a ``str`` carrying its cues; :func:`cued_texts` computes them for plain
strings with the extraction pipeline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

_ENDS = {"?": "end_question", ":": "end_colon", "!": "end_exclamation"}
_PAST = re.compile(r"\b(?:nous avons|ont été|a été|avons été|était|étaient|avait|avaient)\b", re.I)
_FIRST_PLURAL = re.compile(r"\b(?:nous|notre|nos)\b", re.I)
_MODAL = re.compile(r"\b(?:doit|doivent|devrait|devraient|faut|faudrait|pourrait|pourraient)\b", re.I)


class CuedText(str):
    """A text (the ``str`` value itself) with the cue tokens the rules see in it."""

    cues: tuple[str, ...]

    def __new__(cls, text: str, cues: Iterable[str] = ()) -> CuedText:
        obj = super().__new__(cls, text)
        obj.cues = tuple(cues)
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        return (CuedText, (str(self), self.cues))


def sentence_cues(sent: Span, matches: Sequence[tuple[str, int, int]], detector: Any) -> tuple[str, ...]:
    """Cue tokens of one sentence: ``matches`` are ``(label, start, end)`` token matches of the
    proposal and constat patterns over the sentence's ``Doc``; ``detector`` is the
    ``ess_proposals`` component (it knows the openings)."""
    cues: list[str] = []
    words = [t for t in sent if not (t.is_punct or t.is_space)]
    text = sent.text.strip()
    if not words:
        return ("empty",)
    cues.append(_ENDS.get(text[-1:], "end_period" if text.endswith((".", "…", ";")) else "end_none"))
    n = len(words)
    cues.append("len_1_3" if n <= 3 else "len_4_8" if n <= 8 else "len_9_20" if n <= 20 else "len_21")
    opening = detector.opening(sent)
    if opening:
        cues.append(f"open_{opening}")
    elif detector.is_nominal(sent):
        cues.append("open_nominal")
    first = words[0]
    cues.append(f"first_{first.pos_ or 'X'}")
    for label, start, end in matches:
        if sent.start <= start and end <= sent.end:
            cues.append(f"m_{label}")
    if any(t.like_num for t in words):
        cues.append("has_number")
    if any(t.text == "%" for t in sent):
        cues.append("has_percent")
    if _PAST.search(text):
        cues.append("past")
    if _FIRST_PLURAL.search(text):
        cues.append("first_plural")
    if _MODAL.search(text):
        cues.append("modal")
    moods = {m for t in words if t.pos_ in ("VERB", "AUX") for m in t.morph.get("Mood", [])}
    forms = {f for t in words if t.pos_ in ("VERB", "AUX") for f in t.morph.get("VerbForm", [])}
    tenses = {x for t in words if t.pos_ in ("VERB", "AUX") for x in t.morph.get("Tense", [])}
    cues.extend(f"mood_{m}" for m in sorted(moods))
    cues.extend(f"form_{f}" for f in sorted(forms))
    cues.extend(f"tense_{x}" for x in sorted(tenses))
    if not forms:
        cues.append("verbless")
    return tuple(dict.fromkeys(cues))


def doc_matches(doc: Doc, matchers: Iterable[Any]) -> list[tuple[str, int, int]]:
    """``(label, start, end)`` of every match of ``matchers`` over ``doc``."""
    out: list[tuple[str, int, int]] = []
    for matcher in matchers:
        out.extend((doc.vocab.strings[m], s, e) for m, s, e in matcher(doc))
    return out


def cued_texts(texts: Sequence[str], nlp: Language | None = None, *, batch_size: int = 128) -> list[CuedText]:
    """Each text with its cues (texts that are already :class:`CuedText` keep theirs).

    A text is read as one sentence, by the extraction pipeline ``nlp`` (default: the one
    ``ess_nlp.extract.extraction_pipeline()`` loads, without the kind model)."""
    out: list[CuedText | None] = [t if isinstance(t, CuedText) else None for t in texts]
    todo = [i for i, t in enumerate(out) if t is None]
    if todo:
        if nlp is None:
            from ess_nlp.extract._run import extraction_pipeline

            nlp = extraction_pipeline(kinds=None)
        detector = nlp.get_pipe("ess_proposals")
        matchers = (detector.matcher, nlp.get_pipe("ess_constats").matcher)  # type: ignore[attr-defined]
        disabled = [name for name in nlp.pipe_names if name.startswith("ess_") or name == "ner"]
        with nlp.select_pipes(disable=disabled):
            docs = nlp.pipe((str(texts[i]) for i in todo), batch_size=batch_size)
            for i, doc in zip(todo, docs, strict=True):
                out[i] = CuedText(str(texts[i]), sentence_cues(doc[:], doc_matches(doc, matchers), detector))
    return [t for t in out if t is not None]
