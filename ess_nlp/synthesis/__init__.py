"""Theme syntheses: findings, numbered proposals and initiatives, every statement traceable to
the cahiers it came from.

::

    from ess_nlp.store import Store
    from ess_nlp.synthesis import resolve_scope, draft_synthesis, create_synthesis, save_synthesis, edit

    with Store("var/ess_nlp.sqlite3") as store:
        scope = resolve_scope(store, "theme", "T4")
        doc = draft_synthesis(store, scope)                 # strongest constats, proposal groups…
        saved = create_synthesis(store, doc, author="amelie", group="t4")
        doc = edit.set_introduction(saved.doc, "Les banques…")
        saved = save_synthesis(store, saved.id, doc, base_version=saved.version, author="amelie")

A save based on an old version raises :class:`StaleSaveError` (with the differences and a
merge helper, which reports as conflicts what both sides changed: a field, a text, the order of
a section); a save on a synthesis deleted meanwhile is kept and raises
:class:`SynthesisDeletedError`; every version is kept (:func:`history`, :func:`restore_version`); deleting can
be undone; a second synthesis for the same scope and group is refused unless chosen
(``allow_duplicate``, :class:`DuplicateSynthesisError`); every version has a note saying what
changed and two versions can be compared row by row (:func:`side_by_side`); :func:`refresh_flags` flags syntheses whose cited passages changed labels.
Exports live in :mod:`ess_nlp.export`.
"""

from __future__ import annotations

from ess_nlp.synthesis import edit
from ess_nlp.synthesis.corpus import (
    Candidate,
    Selection,
    candidates,
    citation_for,
    item_for,
    resolve_scope,
    select_scope,
)
from ess_nlp.synthesis.draft import DraftLimits, current_or_draft, draft_synthesis
from ess_nlp.synthesis.flags import Flag, acknowledge_flags, flagged_syntheses, open_flags, refresh_flags
from ess_nlp.synthesis.merge import (
    Change,
    MergeResult,
    SideBySide,
    diff_syntheses,
    merge_syntheses,
    side_by_side,
)
from ess_nlp.synthesis.records import (
    ITEM_KINDS,
    SCOPE_KINDS,
    SECTION_TITLES,
    SECTIONS,
    Citation,
    Contributor,
    Item,
    Scope,
    Synthesis,
    contributors,
    proposal_numbers,
    unsourced_items,
)
from ess_nlp.synthesis.storage import (
    DuplicateSynthesisError,
    SavedSynthesis,
    StaleSaveError,
    SynthesisDeletedError,
    VersionInfo,
    create_synthesis,
    delete_synthesis,
    get_synthesis,
    history,
    list_syntheses,
    load_version,
    restore_version,
    same_scope,
    save_synthesis,
    set_group,
    synthesis_for_scope,
    undelete_synthesis,
)

__all__ = [
    "ITEM_KINDS",
    "SCOPE_KINDS",
    "SECTIONS",
    "SECTION_TITLES",
    "Candidate",
    "Change",
    "Citation",
    "Contributor",
    "DraftLimits",
    "DuplicateSynthesisError",
    "Flag",
    "Item",
    "MergeResult",
    "SavedSynthesis",
    "Scope",
    "Selection",
    "SideBySide",
    "StaleSaveError",
    "Synthesis",
    "SynthesisDeletedError",
    "VersionInfo",
    "acknowledge_flags",
    "candidates",
    "citation_for",
    "contributors",
    "create_synthesis",
    "current_or_draft",
    "delete_synthesis",
    "diff_syntheses",
    "draft_synthesis",
    "edit",
    "flagged_syntheses",
    "get_synthesis",
    "history",
    "item_for",
    "list_syntheses",
    "load_version",
    "merge_syntheses",
    "open_flags",
    "proposal_numbers",
    "refresh_flags",
    "resolve_scope",
    "restore_version",
    "same_scope",
    "save_synthesis",
    "select_scope",
    "set_group",
    "side_by_side",
    "synthesis_for_scope",
    "undelete_synthesis",
    "unsourced_items",
]

