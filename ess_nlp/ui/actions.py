"""Actions offered next to proposals, constats and initiatives wherever the app lists them.

Part 2 of the app (theme syntheses) adds « ajouter à la synthèse » here: it provides
``ess_nlp.ui.syntheses.add_to_synthesis(items, key_prefix)``, which receives the items shown
(a frame with ``id, kind, cahier, unit, text`` columns) and draws its own widgets. Until that
module exists these functions draw nothing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import pandas as pd


def _synthesis_hook() -> Callable[..., Any] | None:
    try:
        module = importlib.import_module("ess_nlp.ui.syntheses")
    except ModuleNotFoundError:
        return None
    return getattr(module, "add_to_synthesis", None)


def item_actions_panel(items: pd.DataFrame, *, key_prefix: str) -> None:
    """The actions on a set of items (e.g. every item of the cahier being read)."""
    hook = _synthesis_hook()
    if hook is not None and not items.empty:
        hook(items, key_prefix)
