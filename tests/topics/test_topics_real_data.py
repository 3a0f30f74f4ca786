"""On real consultation text (../shared/data): topics follow the known themes, labels stay clean,
and the assignments are the same whatever the BLAS kernel (``OPENBLAS_CORETYPE``, which OpenBLAS
reads when it is loaded: the other kernel's fit runs in a fresh process)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score
from topics_corpus import assert_clean_label

from ess_nlp.topics import TopicConfig, fit_topics

N_REPORTS = 500

# Run in a fresh interpreter: OpenBLAS reads OPENBLAS_CORETYPE when it is loaded.
_FIT = """
import csv, json, sys
csv.field_size_limit(sys.maxsize)
from ess_nlp.topics import TopicConfig, fit_topics
texts, ids = [], []
with open(sys.argv[1], encoding="utf-8", newline="") as handle:
    for row in csv.DictReader(handle):
        if row["n_themes"] == "1" and row["has_proposals_text"] == "1":
            texts.append(row["propositions"]); ids.append(row["contribution_id"])
        if len(texts) == int(sys.argv[2]):
            break
result = fit_topics(texts, ids, config=TopicConfig(seed=42, map_2d=False))
print(json.dumps({"ids": list(result.ids), "topics": result.topics.tolist()}))
"""


def grand_debat_reports(shared_data: Path, limit: int) -> tuple[list[str], list[str], list[str]]:
    """``(texts, themes, ids)`` of the first single-theme reports with proposals text."""
    csv.field_size_limit(sys.maxsize)
    path = shared_data / "gdn-reunions-locales" / "gdn_reunions_locales.csv"
    texts, themes, ids = [], [], []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["n_themes"] == "1" and row["has_proposals_text"] == "1":
                texts.append(row["propositions"])
                themes.append(row["themes"])
                ids.append(row["contribution_id"])
            if len(texts) == limit:
                break
    return texts, themes, ids


def start_fit(shared_data: Path, coretype: str | None) -> subprocess.Popen[str]:
    """The fit of :data:`_FIT` in a fresh interpreter with ``OPENBLAS_CORETYPE=coretype`` (None:
    unset), started; its JSON result is the last line of its output."""
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    if coretype is not None:
        env["OPENBLAS_CORETYPE"] = coretype
    path = shared_data / "gdn-reunions-locales" / "gdn_reunions_locales.csv"
    return subprocess.Popen(
        [sys.executable, "-c", _FIT, str(path), str(N_REPORTS)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.shared_data
@pytest.mark.slow
def test_grand_debat_reports_sample(shared_data) -> None:  # type: ignore[no-untyped-def]
    texts, themes, ids = grand_debat_reports(shared_data, N_REPORTS)
    result = fit_topics(texts, ids, config=TopicConfig(seed=42, map_2d=False))
    assert result.outlier_share <= 0.10
    assert normalized_mutual_info_score(themes, result.topics) >= 0.40  # 0.459 on all 1,197
    assert len(result.info) >= 3
    assert result.metrics["dominant_share"] <= 0.5
    for info in result.info.values():
        assert_clean_label(info.label)
    again = fit_topics(texts, ids, config=TopicConfig(seed=42, map_2d=False))
    assert np.array_equal(again.topics, result.topics)


@pytest.mark.shared_data
@pytest.mark.slow
def test_same_topics_whatever_the_blas_kernel(shared_data) -> None:  # type: ignore[no-untyped-def]
    """OPENBLAS_CORETYPE=Haswell used to collapse the topics into one (NMI 0.42 -> 0.02). This
    process fits with its own kernel while a fresh one fits with the other (Haswell when none is
    set here, the default when Haswell is): one interpreter started, not two (issue 14)."""
    child = start_fit(shared_data, None if os.environ.get("OPENBLAS_CORETYPE") else "Haswell")
    try:
        texts, _, ids = grand_debat_reports(shared_data, N_REPORTS)
        result = fit_topics(texts, ids, config=TopicConfig(seed=42, map_2d=False))
        here = {"ids": list(result.ids), "topics": result.topics.tolist()}
    finally:
        out, err = child.communicate(timeout=600)
    assert child.returncode == 0, err[-2000:]
    there = json.loads(out.strip().splitlines()[-1])
    assert here["ids"] == there["ids"]
    assert here["topics"] == there["topics"]
    assert len(set(here["topics"])) >= 3
