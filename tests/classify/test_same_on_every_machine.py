"""Scores do not depend on the BLAS kernel: the same in a process with ``OPENBLAS_CORETYPE=Haswell``
and in one without it (machines here may set it)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

SCRIPT = """
import hashlib, sys
import numpy as np
sys.path.insert(0, {tests!r})
from conftest import EMPLOI, LOGEMENT, MINI_TAXONOMY, SANTE
from ess_nlp.classify.data import FacetLabels, TrainingData
from ess_nlp.classify.train import small_data_estimator, train_model
from ess_nlp.taxonomy import parse_taxonomy

taxonomy = parse_taxonomy(MINI_TAXONOMY)
texts = LOGEMENT + EMPLOI + SANTE
labels = [("logement",)] * 6 + [("emploi",)] * 6 + [("sante",)] * 6
data = TrainingData(texts, {{"sujets": FacetLabels("sujets", "sujets", labels, True)}}, "mini", "0")
model = train_model(data, taxonomy, estimator=small_data_estimator(0), folds=3, blend=True)
proba = model.predict_proba(["Les salariés de la régie rénovent les logements du quartier."] + texts, "sujets")
print(model.blends["sujets"], model.threshold("sujets"), hashlib.sha1(proba.tobytes()).hexdigest())
"""


@pytest.mark.slow
def test_blend_scores_do_not_depend_on_the_blas_kernel() -> None:
    tests = os.path.dirname(os.path.abspath(__file__))
    runs = []
    for coretype in (None, "Haswell"):  # both at once: the test takes the time of one
        env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
        if coretype:
            env["OPENBLAS_CORETYPE"] = coretype
        runs.append(
            subprocess.Popen(
                [sys.executable, "-c", SCRIPT.format(tests=tests)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    outputs = []
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err[-2000:]
        outputs.append(out.strip().splitlines()[-1])
    assert outputs[0] == outputs[1]
