"""What a processing step is: the contract between the pipeline and the steps it runs.

A leaf module (it imports nothing of the package), so that ``classify``, ``extract``, ``topics``
and ``synthesis`` can say what they return without importing the pipeline that runs them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ess_nlp.store import Store

__all__ = ["Progress", "Step", "StepReport"]

# progress(done, total): how far a step is, for a progress bar.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class StepReport:
    """What a processing step did: a one-line French ``summary`` and counts; ``failed`` when the
    step stopped on an error (the summary then says why); ``seconds`` it took (set by
    :func:`ess_nlp.pipeline.run_steps`)."""

    name: str
    summary: str
    counts: dict[str, int] = field(default_factory=dict)
    failed: bool = False
    seconds: float = 0.0


class Step(Protocol):
    """A processing step: works over the store, redoing only what changed, and reports."""

    def __call__(self, store: Store, *, progress: Progress | None = None) -> StepReport: ...
