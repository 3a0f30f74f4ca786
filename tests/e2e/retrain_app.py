"""The app's main script for the retraining journey (``test_retrain_e2e.py``): the same frame as
``ess_nlp/streamlit_app.py``, with the light estimator the AppTest retraining tests use, so that
retraining in the browser takes seconds, not the minutes of the shipped estimator (404 s for the
domains of 47 cahiers on the shared 2-core machine). What is tested is the page and the
retraining's steps, not the estimator (measured by the classifier's benchmarks)."""

from ess_nlp.annotate import retraining
from ess_nlp.app.frame import main
from ess_nlp.classify import TextClassifier, TextFeatures


def light_estimator(seed: int) -> TextClassifier:
    return TextClassifier(
        features=TextFeatures(word_ngrams=(1, 1), char_ngrams=None), max_iter=300, random_state=seed
    )


retraining.ESTIMATOR = light_estimator

if __name__ == "__main__":
    main()
