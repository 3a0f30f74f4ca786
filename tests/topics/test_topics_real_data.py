"""On real consultation text (../shared/data): topics follow the known themes, labels stay clean."""

from __future__ import annotations

import csv
import sys

import pytest
from sklearn.metrics import normalized_mutual_info_score
from topics_corpus import assert_clean_label

from ess_nlp.topics import TopicConfig, fit_topics


@pytest.mark.shared_data
@pytest.mark.slow
def test_grand_debat_reports_sample(shared_data) -> None:  # type: ignore[no-untyped-def]
    csv.field_size_limit(sys.maxsize)
    path = shared_data / "gdn-reunions-locales" / "gdn_reunions_locales.csv"
    texts, themes, ids = [], [], []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["n_themes"] == "1" and row["has_proposals_text"] == "1":
                texts.append(row["propositions"])
                themes.append(row["themes"])
                ids.append(row["contribution_id"])
            if len(texts) == 500:
                break
    result = fit_topics(texts, ids, config=TopicConfig(seed=42))
    assert result.outlier_share <= 0.10
    assert normalized_mutual_info_score(themes, result.topics) > 0.25  # measured 0.42 on all 1,197
    assert len(result.info) >= 3
    for info in result.info.values():
        assert_clean_label(info.label)
