"""Pipeline step ``syntheses``: after classification and topics ran, flag the syntheses whose
cited passages changed labels (a retrained model, a new run, a topic edit)."""

from __future__ import annotations

from collections.abc import Callable

from ess_nlp.steps import StepReport
from ess_nlp.store import Store
from ess_nlp.synthesis.flags import refresh_flags


def synthesis_step(store: Store, *, progress: Callable[[int, int], None] | None = None) -> StepReport:
    opened = refresh_flags(store)
    if progress is not None:
        progress(1, 1)
    return StepReport("syntheses", f"{opened} passage(s) cité(s) dont les étiquettes ont changé", {"flags": opened})
