"""The draft a synthesis starts from: the strongest constats, the proposal groups ranked by
relevance to the scope then by how many cahiers carry them, and the initiatives with the
richest cards.

Proposals (issue 16): a group's relevance is the best, over its in-scope members, of the mean
of the scope's score of the passage (its unit or section) and of its cahier; groups are ranked
by relevance (to one decimal), then by the number of cahiers carrying them; at most
``per_cahier`` items come from one cahier and ``per_territory`` from one territory, so the
draft spans the field. Each proposal item's ``note`` says in French why it was chosen.

« Nous constatons » takes findings: a constat the sentence-kind model reads as a description of
activity ("Sa mission est de…", "L'association accompagne 40 familles") rather than a finding is
left out (``DraftLimits.min_constat_score``), and the model's confidence adds to a constat's
strength. Proposals keep their sub-items and « Ou : » alternatives as children. Examples are
short cards (organisation, place, what the initiative does, its results in figures, web
address); the full passage they come from is their citation, the footnote of the export.

The group then edits it (:mod:`ess_nlp.synthesis.edit`); nothing here is final wording, but
every item already carries its citations.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

from ess_nlp.access import User
from ess_nlp.store import Store
from ess_nlp.synthesis.corpus import Candidate, candidate_item, candidates, select_scope
from ess_nlp.synthesis.records import Item, Scope, Synthesis
from ess_nlp.synthesis.storage import synthesis_for_scope

__all__ = ["DraftLimits", "current_or_draft", "draft_synthesis", "proposal_groups"]


@dataclass(frozen=True)
class DraftLimits:
    """How many items of each section a draft proposes, and how many per cahier (so one
    long cahier does not fill a section)."""

    constats: int = 8
    proposals: int = 12
    initiatives: int = 5
    per_cahier: int = 2
    per_territory: int = 4
    min_constat_score: float = 0.3
    """A constat whose sentence-kind score of "constat" is below this is a description, not a
    finding (constats extracted without the model have no score and are kept)."""


@dataclass(frozen=True)
class ProposalGroup:
    """Proposals saying the same thing: ``centre`` words it, ``members`` carry it."""

    centre: Candidate
    members: tuple[Candidate, ...]
    cahiers: int


def proposal_groups(store: Store, found: list[Candidate]) -> list[ProposalGroup]:
    """Group in-scope proposals by their near-duplicate group (extraction), ranked by the
    number of cahiers carrying them; the other proposals follow as groups of one. A group
    cites every member, in scope or not: each is a cahier carrying the proposal."""
    by_group: dict[int, list[Candidate]] = {}
    singles: list[Candidate] = []
    for c in found:
        if c.parent is not None:
            continue
        if c.group is not None:
            by_group.setdefault(c.group, []).append(c)
        else:
            singles.append(c)
    all_members: dict[int, list[Candidate]] = {}
    if by_group:
        every = {c.id: c for c in candidates(store, "proposal") if c.group in by_group}
        for c in every.values():
            all_members.setdefault(c.group or 0, []).append(c)
    groups: list[ProposalGroup] = []
    for gid, members in by_group.items():
        everyone = all_members.get(gid) or members
        label = _central(store, gid, everyone)
        cahiers = len({m.citation.cahier or m.citation.source for m in everyone})
        groups.append(ProposalGroup(label, tuple(everyone), max(cahiers, members[0].group_cahiers)))
    groups.extend(ProposalGroup(c, (c,), 1) for c in singles)
    cue_rank = {"list": 0, "infinitive": 1, "que": 1, "imperative": 2, "section": 2, "cue": 3}
    groups.sort(key=lambda g: (-g.cahiers, cue_rank.get(g.centre.cue, 3), len(g.centre.text), g.centre.id))
    return groups


def _central(store: Store, group: int, members: list[Candidate]) -> Candidate:
    row = store.conn.execute("SELECT label FROM duplicate_groups WHERE id = ?", (group,)).fetchone()
    if row is not None:
        for m in members:
            if m.text == row["label"]:
                return m
    return max(members, key=lambda m: (m.group_cahiers, -len(m.text)))


def _capped(ranked: list[Candidate], limit: int, per_cahier: int) -> list[Candidate]:
    used: Counter[str] = Counter()
    kept = []
    for c in ranked:
        key = c.citation.cahier or c.citation.source
        if used[key] >= per_cahier:
            continue
        used[key] += 1
        kept.append(c)
        if len(kept) >= limit:
            break
    return kept


def _ranked_proposals(
    store: Store,
    proposals: list[Candidate],
    children_of: dict[str, list[Candidate]],
    relevance: Callable[[Candidate], tuple[float, float, float]],
    scope: Scope,
    limits: DraftLimits,
) -> list[Item]:
    """Proposal items ranked by relevance then convergence, capped per cahier and territory."""
    in_scope = {c.id for c in proposals}
    scored = []
    for group in proposal_groups(store, proposals):
        best = max((relevance(m) for m in group.members if m.id in in_scope), default=(0.0, 0.0, 0.0))
        scored.append((best, group))
    scored.sort(key=lambda x: (-round(x[0][0], 1), -x[1].cahiers))  # stable: ties keep proposal_groups' order
    items: list[Item] = []
    by_cahier: Counter[str] = Counter()
    by_territory: Counter[str] = Counter()
    for (rel, passage, cahier_score), group in scored:
        centre = group.centre
        key = centre.citation.cahier or centre.citation.source
        territory = centre.citation.territory
        if by_cahier[key] >= limits.per_cahier or (territory and by_territory[territory] >= limits.per_territory):
            continue
        by_cahier[key] += 1
        if territory:
            by_territory[territory] += 1
        citations = [centre.citation] + [m.citation for m in group.members if m.id != centre.id]
        organisations = {m.citation.organisation or m.citation.cahier or m.citation.source for m in group.members}
        where = sorted({m.citation.territory for m in group.members if m.citation.territory})
        note = (
            f"Retenue pour sa pertinence {rel:.2f} pour « {scope.label or scope.value} » (passage {passage:.2f}, "
            f"cahier {cahier_score:.2f}) ; portée par {group.cahiers} cahier(s) et {len(organisations)} "
            f"organisation(s)" + (f" ; territoire(s) : {', '.join(where[:4])}" if where else "") + "."
        )
        item = replace(candidate_item(centre, citations=citations), note=note)
        kids = tuple(candidate_item(k) for k in children_of.get(centre.id, []))
        items.append(replace(item, children=kids) if kids else item)
        if len(items) >= limits.proposals:
            break
    return items


def draft_synthesis(store: Store, scope: Scope, *, limits: DraftLimits | None = None) -> Synthesis:
    """A draft synthesis for ``scope`` from what the store holds (see module docstring)."""
    limits = limits or DraftLimits()
    selection = select_scope(store, scope)
    notes = [f"Brouillon établi {selection.how}." if selection.how else "Brouillon établi automatiquement."]
    if selection.empty:
        notes.append("Aucun passage ne relève de cette portée : ajoutez des éléments depuis les autres pages.")
        return Synthesis(title=scope.label or scope.value, scope=scope, notes=tuple(notes))

    def relevance(c: Candidate) -> float:
        s = selection.scores
        return max(s.get(c.citation.unit, 0.0), s.get(c.section or "", 0.0), s.get(c.citation.cahier or "", 0.0))

    def proposal_relevance(c: Candidate) -> tuple[float, float, float]:
        """``(relevance, passage score, cahier score)`` of a proposal for the scope."""
        s = selection.scores
        passage = max(s.get(c.citation.unit, 0.0), s.get(c.section or "", 0.0))
        cahier = s.get(c.citation.cahier or "", 0.0)
        if c.citation.cahier in selection.cahiers and not s:
            cahier = 1.0
        return (passage + cahier) / 2, passage, cahier

    constats = [c for c in candidates(store, "constat", selection)
                if c.kind_score is None or c.kind_score >= limits.min_constat_score]
    ranked = sorted(
        constats, key=lambda c: (-(c.strength + 3 * min(relevance(c), 2.0)), c.citation.source, c.citation.start)
    )
    constat_items = tuple(candidate_item(c) for c in _capped(ranked, limits.constats, limits.per_cahier))

    proposals = candidates(store, "proposal", selection)
    children_of: dict[str, list[Candidate]] = {}
    for c in proposals:
        if c.parent is not None:
            children_of.setdefault(c.parent, []).append(c)
    proposal_items = _ranked_proposals(store, proposals, children_of, proposal_relevance, scope, limits)

    initiatives = candidates(store, "initiative", selection)
    ranked_init = sorted(initiatives, key=lambda c: (-c.richness, c.citation.source, c.citation.start))
    initiative_items = tuple(candidate_item(c) for c in _capped(ranked_init, limits.initiatives, 1))

    notes.append(
        f"{len(constats)} constat(s), {len(proposals)} proposition(s) et {len(initiatives)} initiative(s) "
        "trouvés dans cette portée ; le brouillon retient les plus solides."
    )
    return Synthesis(
        title=scope.label or scope.value,
        scope=scope,
        constats=constat_items,
        proposals=tuple(proposal_items),
        initiatives=initiative_items,
        notes=tuple(notes),
    )


def current_or_draft(store: Store, scope: Scope, *, user: User | None = None) -> Synthesis:
    """The latest synthesis of ``scope`` that ``user`` may see, or the draft when there is none
    (what exporting a theme gives)."""
    saved = synthesis_for_scope(store, scope, user=user)
    return saved.doc if saved is not None else draft_synthesis(store, scope)
