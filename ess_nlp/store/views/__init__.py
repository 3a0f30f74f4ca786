"""Reads shared by the app, the theme drafts and the exports.

Each rule about what the stored data means is written once here, so that the overview, a
draft and an export of the same database cannot disagree. :mod:`~ess_nlp.store.views.labels`
holds the labels of a unit: the current model's, except where a person said otherwise.
"""

from __future__ import annotations

from ess_nlp.store.views.labels import LabelSource, UnitLabel, current_model_id, unit_labels

__all__ = ["LabelSource", "UnitLabel", "current_model_id", "unit_labels"]
