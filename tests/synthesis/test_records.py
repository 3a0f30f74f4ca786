"""Synthesis records: JSON round trip, numbering, contributors, unsourced statements."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ess_nlp.errors import ConfigError
from ess_nlp.synthesis import (
    Citation,
    Item,
    Scope,
    Synthesis,
    contributors,
    proposal_numbers,
    unsourced_items,
)

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
citations = st.builds(
    Citation,
    unit=st.text(min_size=1, max_size=12),
    source=st.text(min_size=1, max_size=12),
    start=st.integers(0, 10_000),
    end=st.integers(0, 10_000),
    text=text,
    cahier=st.none() | st.text(min_size=1, max_size=8),
    cahier_title=text,
    organisation=text,
    territory=text,
    page=st.none() | st.integers(1, 300),
    record=st.none() | st.text(max_size=10),
)
leaf = st.builds(
    Item,
    id=st.text(min_size=1, max_size=8),
    kind=st.sampled_from(["constat", "proposal", "initiative", "text"]),
    text=text,
    citations=st.lists(citations, max_size=3).map(tuple),
    title=text,
    alternative=st.booleans(),
    was_cited=st.booleans(),
)
items = st.builds(
    Item,
    id=st.text(min_size=1, max_size=8),
    kind=st.sampled_from(["constat", "proposal", "initiative", "text"]),
    text=text,
    citations=st.lists(citations, max_size=3).map(tuple),
    children=st.lists(leaf, max_size=2).map(tuple),
    url=text,
)
docs = st.builds(
    Synthesis,
    title=text,
    scope=st.builds(Scope, kind=st.sampled_from(["theme", "domain", "topic"]), value=st.text(min_size=1).filter(str.strip), label=text),
    introduction=text,
    constats=st.lists(items, max_size=3).map(tuple),
    proposals=st.lists(items, max_size=3).map(tuple),
    initiatives=st.lists(items, max_size=2).map(tuple),
    numbered=st.booleans(),
    working_group=st.lists(text, max_size=3).map(tuple),
)


@settings(max_examples=60, deadline=None)
@given(docs)
def test_json_round_trip_is_exact(doc: Synthesis) -> None:
    import json

    assert Synthesis.from_json(json.loads(json.dumps(doc.to_json()))) == doc


def cite(org: str, cahier: str, n: int = 0) -> Citation:
    return Citation(unit=f"{cahier}.u{n}", source=f"{cahier}.txt", start=n, end=n + 5, text="passage",
                    cahier=cahier, organisation=org)  # fmt: skip


def test_numbers_top_level_sub_items_and_alternatives() -> None:
    sub = Item("s1", "proposal", "sous-point")
    alt = Item("a1", "proposal", "autre voie", alternative=True)
    doc = Synthesis(
        "T", Scope("theme", "T4"),
        proposals=(Item("p1", "proposal", "un", children=(sub, alt)), Item("p2", "proposal", "deux")),
    )  # fmt: skip
    assert proposal_numbers(doc) == {"p1": "1.", "s1": "a)", "a1": "Ou :", "p2": "2."}
    from dataclasses import replace

    unnumbered = proposal_numbers(replace(doc, numbered=False))
    assert unnumbered["p1"] == "" and unnumbered["a1"] == "Ou :"


def test_contributors_counted_by_cahier_then_added_by_hand() -> None:
    doc = Synthesis(
        "T",
        Scope("domain", "financer"),
        constats=(Item("c1", "constat", "x", citations=(cite("La Nef", "k1"), cite("La Nef", "k1", 9))),),
        proposals=(Item("p1", "proposal", "y", citations=(cite("ADIE", "k2"), cite("la nef", "k3"))),),
        working_group=("France Active", "ADIE"),
    )
    found = contributors(doc)
    assert [(c.name, c.cahiers, c.by_hand) for c in found] == [
        ("La Nef", 2, False),
        ("ADIE", 1, False),
        ("France Active", 0, True),
    ]


def test_item_without_citation_is_unsourced_but_free_text_is_not() -> None:
    doc = Synthesis(
        "T",
        Scope("theme", "T1"),
        constats=(Item("c1", "constat", "sans source"), Item("t1", "text", "notre texte")),
        proposals=(Item("p1", "proposal", "citée", citations=(cite("A", "k"),)), Item("p2", "text", "perdue", was_cited=True)),
    )
    assert {item.id for _, item in unsourced_items(doc)} == {"c1", "p2"}


def test_bad_kind_and_scope_are_french_errors() -> None:
    with pytest.raises(ConfigError, match="Type d'élément « note » inconnu"):
        Item("x", "note", "t")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="Portée de synthèse « cahier » inconnue"):
        Scope("cahier", "x")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="format 99"):
        Synthesis.from_json({"format": 99, "scope": {"kind": "theme", "value": "T1"}})
