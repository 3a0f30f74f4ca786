"""Scores do not depend on the BLAS kernel: the same in a process with ``OPENBLAS_CORETYPE=Haswell``
and in one without it (machines here may set it).

The kernel is chosen when OpenBLAS loads, so the other kernel needs its own process: the test
process computes the scores under its own setting while one child process computes them under
the other (set if the test process has it unset, unset otherwise), both at once.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve()


def _mini_data() -> Any:
    """The classify tests' conftest (its mini texts and taxonomy), loaded in a plain process."""
    spec = importlib.util.spec_from_file_location("_classify_mini_data", HERE.with_name("conftest.py"))
    assert spec and spec.loader
    mini = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mini)
    return mini


def blend_fingerprint() -> str:
    """The blend, the threshold and a digest of the probabilities of a small trained model."""
    from ess_nlp.classify.data import FacetLabels, TrainingData
    from ess_nlp.classify.train import small_data_estimator, train_model
    from ess_nlp.taxonomy import parse_taxonomy

    mini = _mini_data()
    taxonomy = parse_taxonomy(mini.MINI_TAXONOMY)
    texts = mini.LOGEMENT + mini.EMPLOI + mini.SANTE
    labels = [("logement",)] * 6 + [("emploi",)] * 6 + [("sante",)] * 6
    data = TrainingData(texts, {"sujets": FacetLabels("sujets", "sujets", labels, True)}, "mini", "0")
    model = train_model(data, taxonomy, estimator=small_data_estimator(0), folds=3, blend=True)
    proba = model.predict_proba(["Les salariés de la régie rénovent les logements du quartier.", *texts], "sujets")
    return f"{model.blends['sujets']} {model.threshold('sujets')} {hashlib.sha1(proba.tobytes()).hexdigest()}"


def nb_estimator_fingerprint() -> str:
    """A digest of the probabilities of ``TextClassifier(nb_weights=True)`` (NB-LR, one-vs-rest)
    trained on the mini data, single-label and multi-label."""
    from ess_nlp.classify import TextClassifier

    mini = _mini_data()
    texts = mini.LOGEMENT + mini.EMPLOI + mini.SANTE
    single = ["logement"] * 6 + ["emploi"] * 6 + ["sante"] * 6
    multi = [(label,) if k % 3 else (label, "emploi") for k, label in enumerate(single)]
    digest = hashlib.sha1()
    for target in (single, multi):
        digest.update(TextClassifier(nb_weights=True).fit(texts, target).predict_proba(texts).tobytes())
    return digest.hexdigest()


def default_model_fingerprint() -> str:
    """A digest of the shipped default model's scores (supervised, zero-shot and blend) on the
    lines of the sample's plain-text and Markdown cahiers. The zero-shot calibration is fitted when the
    model loads; its solver goes through BLAS, and so did the zero-shot vote."""
    from ess_nlp.classify.model import default_model_path, load_model

    root = HERE.parents[2] / "corpus" / "sample"
    paths = sorted([*root.glob("txt/*.txt"), *root.glob("md/*.md")])
    lines = [line for path in paths for line in path.read_bytes().decode("utf-8", "replace").splitlines()]
    texts = [line for line in lines if len(line) > 40][:300]
    path = default_model_path()
    assert path is not None and len(texts) >= 100
    model = load_model(path)
    digest = hashlib.sha1()
    for facet in model.taxonomy.facet_ids:
        digest.update(model.predict_proba(texts, facet).tobytes())
    return digest.hexdigest()


def fingerprints() -> str:
    return f"{blend_fingerprint()} | {nb_estimator_fingerprint()} | {default_model_fingerprint()}"


CHILD = """
import importlib.util, sys
spec = importlib.util.spec_from_file_location("same_on_every_machine", {path!r})
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
print(module.fingerprints())
"""


@pytest.mark.slow
def test_blend_and_default_model_scores_do_not_depend_on_the_blas_kernel() -> None:
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    if not os.environ.get("OPENBLAS_CORETYPE"):
        env["OPENBLAS_CORETYPE"] = "Haswell"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD.format(path=str(HERE))],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        here = fingerprints()
    finally:
        out, err = child.communicate(timeout=300)
    assert child.returncode == 0, err[-2000:]
    there = out.strip().splitlines()[-1]
    assert here == there, (
        f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE')!r} here, {env.get('OPENBLAS_CORETYPE')!r} in the child"
    )
