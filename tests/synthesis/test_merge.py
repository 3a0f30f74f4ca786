"""Three-way merge and differences, case by case."""

from __future__ import annotations

from dataclasses import replace

from ess_nlp.synthesis import Item, Scope, Synthesis, diff_syntheses, edit, merge_syntheses


def base() -> Synthesis:
    return Synthesis(
        "Titre",
        Scope("theme", "T4"),
        constats=(Item("c1", "constat", "un constat"),),
        proposals=tuple(Item(f"p{i}", "proposal", f"proposition {i}") for i in range(1, 4)),
    )


def test_additions_on_both_sides_are_kept_in_place() -> None:
    b = base()
    mine = edit.add_item(b, Item("m", "proposal", "la mienne"), position=1)
    theirs = edit.add_item(b, Item("t", "proposal", "la leur"))
    merged = merge_syntheses(b, mine, theirs)
    assert [p.id for p in merged.doc.proposals] == ["p1", "m", "p2", "p3", "t"]
    assert not merged.conflicts


def test_reorder_on_one_side_and_edit_on_the_other() -> None:
    b = base()
    mine = edit.reorder(b, "proposals", ["p3", "p2", "p1"])
    theirs = edit.set_text(b, "p1", "proposition 1 réécrite")
    merged = merge_syntheses(b, mine, theirs).doc
    assert [p.id for p in merged.proposals] == ["p3", "p2", "p1"]
    assert merged.proposals[2].text == "proposition 1 réécrite"


def test_delete_versus_untouched_deletes_but_delete_versus_edit_keeps() -> None:
    b = base()
    mine = edit.remove_item(edit.remove_item(b, "p2"), "p3")
    theirs = edit.set_text(b, "p3", "modifiée")
    merged = merge_syntheses(b, mine, theirs)
    assert [p.id for p in merged.doc.proposals] == ["p1", "p3"]
    assert merged.doc.proposals[1].text == "modifiée"
    assert any("supprimé d'un côté mais modifié" in c for c in merged.conflicts)


def test_merge_of_proposals_on_one_side() -> None:
    b = base()
    mine = edit.merge_items(b, ["p1", "p2"], text="fusion")
    theirs = edit.set_introduction(b, "intro")
    merged = merge_syntheses(b, mine, theirs).doc
    assert [p.text for p in merged.proposals] == ["fusion", "proposition 3"]
    assert merged.introduction == "intro"


def test_document_fields_conflict_keeps_mine() -> None:
    b = base()
    merged = merge_syntheses(b, replace(b, title="A"), replace(b, title="B"))
    assert merged.doc.title == "A" and merged.conflicts == ("Titre modifié des deux côtés ; votre version est gardée.",)


def test_diff_lists_changes_in_french() -> None:
    b = base()
    new = edit.set_text(edit.remove_item(edit.add_item(b, Item("n", "constat", "nouveau")), "p2"), "p1", "changé")
    new = edit.reorder(new, "proposals", ["p3", "p1"])
    kinds = {(c.kind, c.item) for c in diff_syntheses(b, new)}
    assert ("added", "n") in kinds and ("removed", "p2") in kinds and ("changed", "p1") in kinds
    assert ("moved", None) in kinds
    assert diff_syntheses(b, b) == []


def test_same_reorder_on_both_sides_is_no_conflict_but_different_ones_are() -> None:
    b = base()
    same = edit.reorder(b, "proposals", ["p3", "p1", "p2"])
    assert not merge_syntheses(b, same, same).conflicts
    other = edit.reorder(b, "proposals", ["p2", "p1", "p3"])
    merged = merge_syntheses(b, same, other)
    assert [p.id for p in merged.doc.proposals] == ["p3", "p1", "p2"]
    assert merged.conflicts == ("Ordre de « Nous proposons » modifié des deux côtés ; votre ordre est gardé.",)


def test_sub_items_reordered_on_both_sides_is_a_conflict() -> None:
    kids = tuple(Item(f"k{i}", "proposal", f"sous-élément {i}") for i in range(3))
    b = edit.update_item(base(), "p1", lambda p: replace(p, children=kids))
    mine = edit.move_item(b, "k0", -1)
    theirs = edit.move_item(b, "k2", 0)
    merged = merge_syntheses(b, mine, theirs)
    assert [k.id for k in merged.doc.proposals[0].children] == ["k1", "k2", "k0"]
    assert merged.conflicts == ("Ordre des sous-éléments de « proposition 1 » modifié des deux côtés ; votre ordre est gardé.",)
