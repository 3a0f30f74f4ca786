"""The shipped model folders score as they did when they were built: a new estimator parameter
(``nb_weights``, issue 13) or a change of its defaults must not change an old model silently."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from ess_nlp.classify.model import load_model

ROOT = Path(__file__).resolve().parents[2]

# Digests of every facet's scores rounded to 6 decimals on the lines of the sample's plain-text
# cahiers, measured with the code of main 1b03336 (before ``nb_weights``).
SHIPPED = {"1": "e91d7e4fb0d809c5", "2": "e91d7e4fb0d809c5", "3": "349fce5b90aeb383"}


def _texts() -> list[str]:
    paths = sorted((ROOT / "corpus" / "sample" / "txt").glob("*.txt"))
    lines = [line for path in paths for line in path.read_text("utf-8", "replace").splitlines()]
    return [line for line in lines if len(line) > 40][:60]


@pytest.mark.parametrize("version", sorted(SHIPPED))
def test_shipped_default_model_scores_as_before(version: str) -> None:
    model = load_model(ROOT / "models" / "ess-default" / version)
    for classifier in model.classifiers.values():
        assert classifier.get_params()["nb_weights"] is False
    digest = hashlib.sha1()
    for facet in model.taxonomy.facet_ids:
        digest.update(np.round(model.predict_proba(_texts(), facet), 6).tobytes())
    assert digest.hexdigest()[:16] == SHIPPED[version]
