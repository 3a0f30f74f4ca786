"""Page « Annoter »: label units (domains, themes, proposal / constat / initiative) with the
model's suggestion pre-filled, most useful units first; several annotators; agreement per label;
retrain, compare and choose the current model."""

from __future__ import annotations

from ess_nlp.ui.common import page_header, require_corpus


def page() -> None:
    page_header("Annoter")
    ready = require_corpus()
    if ready is None:
        return


if __name__ == "__main__":
    page()
