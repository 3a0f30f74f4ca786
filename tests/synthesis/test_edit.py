"""Editing operations: add from anywhere, reorder, merge, rewrite, citations, numbering."""

from __future__ import annotations

import pytest

from ess_nlp.errors import ConfigError
from ess_nlp.synthesis import Citation, Item, Scope, Synthesis, edit, proposal_numbers, unsourced_items


def cite(n: int, cahier: str = "k1") -> Citation:
    return Citation(unit=f"{cahier}.u{n}", source=f"{cahier}.txt", start=n, end=n + 3, text=f"p{n}", cahier=cahier)


@pytest.fixture
def doc() -> Synthesis:
    return Synthesis(
        "Titre",
        Scope("theme", "T4"),
        constats=(Item("c1", "constat", "constat 1", citations=(cite(1),)),),
        proposals=tuple(Item(f"p{i}", "proposal", f"proposition {i}", citations=(cite(10 + i, f"k{i}"),)) for i in range(1, 5)),
    )


def test_add_item_goes_to_its_section_at_position(doc: Synthesis) -> None:
    new = edit.make_item("proposal", " nouvelle ", [cite(99)])
    out = edit.add_item(doc, new, position=0)
    assert out.proposals[0].text == "nouvelle" and out.proposals[0].citations == (cite(99),)
    init = edit.make_item("initiative", "carte", [cite(5)], title="Le projet")
    assert edit.add_item(doc, init).initiatives[0].title == "Le projet"
    free = edit.make_item("text", "Notre remarque")
    assert edit.add_item(doc, free, section="proposals", position=2).proposals[2].kind == "text"


def test_add_as_sub_item_and_alternative(doc: Synthesis) -> None:
    out = edit.add_item(doc, edit.make_item("proposal", "sous"), parent="p2")
    out = edit.add_item(out, edit.make_item("proposal", "autre", alternative=True), parent="p2")
    assert [c.text for c in out.proposals[1].children] == ["sous", "autre"]
    numbers = proposal_numbers(out)
    assert [numbers[c.id] for c in out.proposals[1].children] == ["a)", "Ou :"]


def test_same_id_added_twice_gets_a_new_id(doc: Synthesis) -> None:
    out = edit.add_item(doc, doc.proposals[0])
    assert len({p.id for p in out.proposals}) == 5


def test_move_and_reorder(doc: Synthesis) -> None:
    out = edit.move_item(doc, "p4", 0)
    assert [p.id for p in out.proposals] == ["p4", "p1", "p2", "p3"]
    out = edit.move_item(out, "p4", -1)
    assert [p.id for p in out.proposals] == ["p1", "p2", "p3", "p4"]
    out = edit.reorder(doc, "proposals", ["p3", "p1"])
    assert [p.id for p in out.proposals] == ["p3", "p1", "p2", "p4"]
    assert proposal_numbers(out)["p3"] == "1."
    with pytest.raises(ConfigError, match="absent de la partie « Nous proposons »"):
        edit.reorder(doc, "proposals", ["c1"])


def test_merge_gathers_citations_and_rewrites(doc: Synthesis) -> None:
    out = edit.merge_items(doc, ["p1", "p3", "p4"], text="Une proposition commune")
    assert [p.id for p in out.proposals] == ["p1", "p2"]
    merged = out.proposals[0]
    assert merged.text == "Une proposition commune"
    assert {c.cahier for c in merged.citations} == {"k1", "k3", "k4"}
    assert merged.cahiers == ("k1", "k3", "k4")


def test_merge_refuses_items_of_different_sections(doc: Synthesis) -> None:
    with pytest.raises(ConfigError, match="parties différentes"):
        edit.merge_items(doc, ["c1", "p1"])
    with pytest.raises(ConfigError, match="au moins deux"):
        edit.merge_items(doc, ["p1"])


def test_rewrite_keeps_citations_and_removing_all_flags(doc: Synthesis) -> None:
    out = edit.set_text(doc, "p2", "De créer un fonds régional")
    assert out.proposals[1].text == "De créer un fonds régional" and out.proposals[1].citations
    out = edit.remove_citation(out, "p2", 0)
    assert ("proposals", out.proposals[1]) in unsourced_items(out)
    out = edit.add_citation(out, "p2", cite(50))
    assert not unsourced_items(out)
    with pytest.raises(ConfigError, match="pas de citation n° 3"):
        edit.remove_citation(out, "p2", 2)


def test_free_text_that_lost_its_citations_is_flagged() -> None:
    doc = Synthesis("T", Scope("theme", "T1"), constats=(Item("t", "text", "phrase", citations=(cite(1),)),))
    out = edit.remove_citation(doc, "t", cite(1))
    assert out.constats[0].unsourced


def test_document_fields(doc: Synthesis) -> None:
    out = edit.set_title(edit.set_introduction(doc, "  Intro  "), "Nouveau titre")
    out = edit.set_working_group(edit.set_numbered(out, False), ["La Nef", " La  Nef ", "", "ADIE"])
    assert (out.title, out.introduction, out.numbered, out.working_group) == ("Nouveau titre", "Intro", False, ("La Nef", "ADIE"))
    with pytest.raises(ConfigError, match="titre de la synthèse ne peut pas être vide"):
        edit.set_title(doc, "  ")


def test_unknown_item_is_a_french_error(doc: Synthesis) -> None:
    with pytest.raises(ConfigError, match="Élément « nope » introuvable"):
        edit.set_text(doc, "nope", "x")
