"""The pipeline step: cluster the stored sections into topics after each ingestion.

Sections are the default unit: each holds one subject (a list of proposals, findings, an
initiative), long enough to embed well, and a cahier has a few of them. A run keeps the ids
and names of the topics it matches and replays every logged edit (see ``_db.run_topics``).
"""

from __future__ import annotations

from ess_nlp.errors import ConfigError
from ess_nlp.steps import Progress, StepReport
from ess_nlp.store import Store
from ess_nlp.topics._config import DEFAULT_LEVEL
from ess_nlp.topics._db import run_topics

__all__ = ["topics_step"]


def topics_step(store: Store, *, progress: Progress | None = None) -> StepReport:
    """Cluster every stored section (default parameters); no sections is reported, not raised.

    When the sections and parameters are those of the latest run, that run is reused as is;
    when a few sections were added, they are placed in the existing topics (see
    :func:`ess_nlp.topics.run_topics`).
    """
    try:
        run = run_topics(store, level=DEFAULT_LEVEL, progress=progress, reuse=True)
    except ConfigError as err:
        return StepReport("topics", str(err), {"units": 0, "topics": 0})
    result = run.result
    unassigned = int((result.topics == -1).sum())
    replayed = sum(1 for o in run.replay if o.applied)
    skipped = len(run.replay) - replayed
    if run.reused:
        detail = f"repris du calcul précédent : sections inchangées, {unassigned} non classée(s)"
    elif run.placed:
        detail = (
            f"{run.placed} nouvelle(s) section(s) placée(s) dans le sujet le plus proche, "
            f"sans recalculer les sujets ; {unassigned} non classée(s)"
        )
    elif run.result.metrics.get("fitted_run"):
        detail = f"sections retirées du calcul précédent, sujets gardés ; {unassigned} non classée(s)"
    else:
        detail = f"{unassigned} non classée(s), {replayed} modification(s) rejouée(s)" + (
            f", {skipped} devenue(s) sans objet" if skipped else ""
        )
    summary = f"{len(result.info)} sujets émergents sur {len(result.ids)} sections ({detail})"
    if result.notes:
        summary += " ; " + " ".join(result.notes)
    return StepReport(
        "topics",
        summary,
        {
            "units": len(result.ids),
            "topics": len(result.info),
            "unassigned": unassigned,
            "edits_replayed": replayed,
            "edits_skipped": skipped,
            "largest_topic_pct": round(100 * float(result.metrics.get("dominant_share", 0.0))),
            "reused": int(run.reused),
            "placed": run.placed,
            "run_id": run.run_id,
        },
    )
