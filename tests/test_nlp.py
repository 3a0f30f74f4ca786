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
