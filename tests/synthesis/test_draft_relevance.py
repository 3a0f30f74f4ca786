"""Drafts rank proposals by relevance to the scope, then by convergence, spread across cahiers
and territories, and say why each proposal was chosen (issue 16), on the sample database."""

from __future__ import annotations

from pathlib import Path

import pytest

from ess_nlp.store import Store
from ess_nlp.synthesis import draft_synthesis, resolve_scope


@pytest.fixture(scope="module")
def sample_db(shared_sample_db: Path) -> Path:
    """The sample database the app tests use (built once per session, shared)."""
    return shared_sample_db


def _gold_themes(sample_gold: list[dict], source: str, cahier: str) -> list[str]:
    """Gold themes of the cahier a citation comes from (``<source key>:c<n>`` is the n-th cahier
    of its source, gold ``order`` n-1)."""
    order = int(cahier.rsplit(":c", 1)[1]) - 1
    found = [g for g in sample_gold if source.endswith(g["source"]) and g["order"] == order]
    assert len(found) == 1, (source, cahier)
    return list(found[0]["themes"])


def test_t4_draft_proposals_are_about_t4(sample_db: Path, sample_gold: list[dict]) -> None:
    with Store(sample_db) as store:
        doc = draft_synthesis(store, resolve_scope(store, "theme", "T4"))
    assert len(doc.proposals) >= 8
    about = [p for p in doc.proposals
             if "T4" in _gold_themes(sample_gold, p.citations[0].source, p.citations[0].cahier or "")]
    assert len(about) / len(doc.proposals) >= 0.8, [p.text[:60] for p in doc.proposals if p not in about]
    for p in doc.proposals:  # each says why it was chosen
        assert p.note.startswith("Retenue pour sa pertinence") and "cahier(s)" in p.note
    cahiers = [p.citations[0].cahier for p in doc.proposals]
    assert max(cahiers.count(c) for c in cahiers) <= 2


def test_proposals_are_ranked_by_relevance_first(sample_db: Path) -> None:
    with Store(sample_db) as store:
        doc = draft_synthesis(store, resolve_scope(store, "theme", "T4"))
    relevance = [float(p.note.split("pertinence ", 1)[1].split(" ", 1)[0]) for p in doc.proposals]
    rounded = [round(r, 1) for r in relevance]
    assert rounded == sorted(rounded, reverse=True)


def test_the_draft_caps_proposals_per_territory(sample_db: Path) -> None:
    from ess_nlp.synthesis.draft import DraftLimits

    with Store(sample_db) as store:
        scope = resolve_scope(store, "domain", "financer")
        doc = draft_synthesis(store, scope, limits=DraftLimits(per_territory=1))
    territories = [p.citations[0].territory for p in doc.proposals if p.citations[0].territory]
    assert territories and len(territories) == len(set(territories))



def test_the_publish_loan_figures_demand_is_one_group(sample_db: Path, tmp_path: Path) -> None:
    """Four cahiers ask banks to publish their loan acceptance or refusal figures, each in its own
    words (issue 16): the default groups (the demand's core) put at least three of them together,
    with nothing else, where the lexical method does not; a person's « séparer » is still
    replayed on top."""
    from ess_nlp.extract.group_edits import split_proposal
    from ess_nlp.extract.step import rebuild_duplicate_groups

    openings = ("Que les banques publient le taux d'acceptation",
                "Demander aux banques bénéficiant de garanties publiques de publier",
                "Nous proposons que chaque banque publie chaque année",
                "Obliger les banques à motiver par écrit tout refus de prêt")

    def groups(store: Store) -> list[set[str]]:
        found: dict[int, set[str]] = {}
        for r in store.conn.execute("SELECT group_id, proposal_id FROM duplicate_members"):
            found.setdefault(r["group_id"], set()).add(r["proposal_id"])
        return list(found.values())

    db = tmp_path / "core.sqlite3"
    with Store(sample_db) as src, Store(db) as dst:
        src.conn.backup(dst.conn)
    with Store(db) as store:
        publish = {r["id"]: r["cahier_id"] for r in store.conn.execute("SELECT id, text, cahier_id FROM proposals")
                   if r["text"].startswith(openings)}
        assert len(set(publish.values())) == 4
        [members] = [g for g in groups(store) if g & set(publish)]  # as the sample's run grouped them
        assert len({publish[p] for p in members & set(publish)}) >= 3
        assert members <= set(publish)
        rebuild_duplicate_groups(store, method="lexical")
        assert all(len(g & set(publish)) < 3 for g in groups(store))
        rebuild_duplicate_groups(store)
        assert [g for g in groups(store) if g & set(publish)] == [members]
        one = sorted(members)[0]
        split_proposal(store, one)
        rebuild_duplicate_groups(store)  # what the next extraction run does
        assert not any(one in g for g in groups(store))
