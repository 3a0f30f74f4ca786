"""ess_nlp.nlp: spaCy's French stop words without loading spaCy."""

from __future__ import annotations

import subprocess
import sys

from ess_nlp.nlp import french_stop_words


def test_french_stop_words_are_spacys_list() -> None:
    from spacy.lang.fr.stop_words import STOP_WORDS

    words = french_stop_words()
    assert words == frozenset(STOP_WORDS)
    assert {"nous", "dans", "être"} <= words


def test_the_modules_that_use_the_list_do_not_load_spacy() -> None:
    """The topic figures (the app's Explorer), the topics and the zero-shot scorer read the list
    without importing spaCy's French package, whose import compiles its tokenizer's exceptions
    (about 5 s of CPU with spaCy itself, for each app server and each command)."""
    code = (
        "import sys\n"
        "import ess_nlp.topics.figures, ess_nlp.classify.zeroshot\n"
        "from ess_nlp.topics import FRENCH_STOP_WORDS\n"
        "from ess_nlp.classify.zeroshot import content_lemmas\n"
        "assert 'nous' in FRENCH_STOP_WORDS\n"
        "assert content_lemmas('nous proposer une coopérative') == ['proposer', 'coopérative']\n"
        "print(','.join(m for m in ('spacy', 'spacy.lang.fr', 'torch') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_one_copy_of_the_french_pipeline_serves_every_use(monkeypatch) -> None:
    """Sentences, lemmas, the search's inflections, the demand cores and the mask's names run on
    one load of ``fr_core_news_sm`` (each leaves out what it does not need when it runs it): a
    load per use cost about 150 MiB and a second each in the app and a run's main process. Two
    threads asking at once still load it once."""
    import threading

    from ess_nlp import nlp
    from ess_nlp.classify._text import lemmatize
    from ess_nlp.extract.demand_core import demand_cores
    from ess_nlp.inflections import lexicon
    from ess_nlp.privacy import Masker
    from ess_nlp.segment._sentences import sentence_spans

    loads: list[tuple[str, tuple[str, ...]]] = []
    real = nlp.new_pipeline

    def counted(name: str = nlp.DEFAULT_PIPELINE, **kwargs: tuple[str, ...]):  # type: ignore[no-untyped-def]
        loads.append((name, kwargs.get("disable", ())))
        return real(name, **kwargs)

    monkeypatch.setattr(nlp, "new_pipeline", counted)
    nlp._cached_pipeline.cache_clear()
    lexicon.cache_clear()
    threads = [threading.Thread(target=nlp.sentence_pipeline) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    (spans,) = sentence_spans(["Nous proposons de créer une coopérative. Elle emploiera dix salariés."],
                              nlp.sentence_pipeline())
    assert len(spans) == 2 and "proposer" in spans[0][2].split() and "employer" in spans[1][2].split()
    assert {"coopérative", "avoir", "emploi"} <= set(lemmatize(["Les coopératives ont des emplois"], cache=None)[0].split())
    assert "creent" in lexicon().inflections("créer")
    assert demand_cores(["Créer une monnaie locale."]) == ([{"creer>monnaie_local"}], [True])
    masked = Masker().mask_many(["Le bureau : Jean Dupont et Marie Martin ont signé."])
    assert masked == ["Le bureau : [personne] et [personne] ont signé."]
    assert loads == [(nlp.DEFAULT_PIPELINE, ())]
