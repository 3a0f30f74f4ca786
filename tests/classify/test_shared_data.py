"""Real-data checks on ../shared/data (skipped with a reason when it is absent)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import f1_score

from ess_nlp.classify import ZeroShotScorer
from ess_nlp.taxonomy import load_taxonomy

GD_TAXONOMY = Path(__file__).resolve().parents[2] / "benchmarks" / "taxonomies" / "grand_debat.yaml"


@pytest.mark.shared_data
@pytest.mark.slow
def test_zero_shot_grand_debat_themes(shared_data: Path) -> None:
    """Zero-shot with names and descriptions only beats 0.70 macro-F1 on single-theme reports."""
    import pandas as pd

    frame = pd.read_csv(shared_data / "gdn-reunions-locales" / "gdn_reunions_locales.csv")
    frame = frame[(frame.n_themes == 1) & (frame.has_proposals_text == 1)].iloc[::8]  # every 8th report, 150
    texts = (frame.constats.fillna("") + "\n" + frame.propositions.fillna("")).tolist()
    taxonomy = load_taxonomy(GD_TAXONOMY)
    facet = taxonomy.facet("themes")
    by_name = {label.name.replace("État", "Etat"): label.id for label in facet.labels}
    gold = [by_name[t] for t in frame.themes]
    proba = ZeroShotScorer(taxonomy).fit().predict_proba(texts, "themes")
    predicted = np.array(facet.label_ids)[proba.argmax(axis=1)]
    assert f1_score(gold, predicted, average="macro") >= 0.70
