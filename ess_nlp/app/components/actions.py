"""Actions offered next to proposals, constats and initiatives wherever the app lists them:
« ajouter à la synthèse » (:mod:`ess_nlp.app.components.synthesis_actions`), which receives the
items shown (a frame with ``id, kind, cahier, unit, text`` columns) and draws its own widgets."""

from __future__ import annotations

import pandas as pd

from ess_nlp.app.components.synthesis_actions import add_to_synthesis


def item_actions_panel(items: pd.DataFrame, *, key_prefix: str) -> None:
    """The actions on a set of items (e.g. every item of the cahier being read)."""
    if not items.empty:
        add_to_synthesis(items, key_prefix)
