"""Differences between two versions of a synthesis, and the three-way merge offered when two
people edited the same synthesis at once.

:func:`diff_syntheses` lists changes in French (what a person reads in the conflict message and
the version history); :func:`side_by_side` aligns two versions row by row for a side-by-side view;
:func:`merge_syntheses` merges « mine » and « theirs » from their common base: a change made
on one side only is kept; an item added on either side is kept; an item deleted on one side
is deleted unless the other side changed it; a field changed on both sides keeps « mine » (the
person merging sees both) and is listed as a conflict, and so is an order of items (a section's,
or a proposal's sub-items) changed differently on both sides.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from ess_nlp.synthesis.records import SECTION_TITLES, SECTIONS, Item, SectionName, Synthesis

__all__ = ["Change", "MergeResult", "SideBySide", "diff_syntheses", "merge_syntheses", "side_by_side"]

_ITEM_FIELDS = tuple(f.name for f in fields(Item) if f.name not in ("id", "children", "was_cited"))
_FIELD_NAMES = {
    "text": "texte",
    "citations": "citations",
    "title": "titre",
    "organisation": "organisation",
    "place": "lieu",
    "url": "adresse web",
    "alternative": "alternative",
    "note": "note",
    "kind": "type",
}


def _short(text: str, n: int = 70) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


@dataclass(frozen=True)
class Change:
    """One difference: ``kind`` is added, removed, changed, moved or document; ``what`` the
    French sentence shown to people."""

    kind: str
    what: str
    item: str | None = None
    section: SectionName | None = None


def _flat(doc: Synthesis) -> dict[str, tuple[SectionName, str | None, int, Item]]:
    """``{id: (section, parent id, position among siblings, item)}``."""
    out: dict[str, tuple[SectionName, str | None, int, Item]] = {}

    def walk(items: tuple[Item, ...], section: SectionName, parent: str | None) -> None:
        for pos, item in enumerate(items):
            out.setdefault(item.id, (section, parent, pos, item))
            walk(item.children, section, item.id)

    for section in SECTIONS:
        walk(doc.section(section), section, None)
    return out


def diff_syntheses(old: Synthesis, new: Synthesis) -> list[Change]:
    """What changed from ``old`` to ``new``, in reading order."""
    changes: list[Change] = []
    if old.title != new.title:
        changes.append(Change("document", f"Titre : « {_short(old.title)} » → « {_short(new.title)} »"))
    if old.introduction != new.introduction:
        changes.append(Change("document", f"Introduction modifiée : « {_short(new.introduction, 120)} »"))
    if old.numbered != new.numbered:
        changes.append(
            Change("document", "Propositions numérotées" if new.numbered else "Numérotation des propositions retirée")
        )
    if old.working_group != new.working_group:
        changes.append(Change("document", "Organisations du groupe de travail modifiées"))
    a, b = _flat(old), _flat(new)
    for item_id, (section, parent, _pos, item) in b.items():
        where = SECTION_TITLES[section]
        if item_id not in a:
            changes.append(Change("added", f"Ajouté dans « {where} » : « {_short(item.text)} »", item_id, section))
            continue
        o_section, o_parent, _o_pos, o_item = a[item_id]
        changed = [f for f in _ITEM_FIELDS if getattr(o_item, f) != getattr(item, f)]
        for f in changed:
            if f == "text":
                changes.append(
                    Change("changed", f"Texte modifié : « {_short(o_item.text)} » → « {_short(item.text)} »", item_id, section)
                )
            elif f == "citations":
                changes.append(
                    Change(
                        "changed",
                        f"Citations de « {_short(item.text, 50)} » : {len(o_item.citations)} → {len(item.citations)}",
                        item_id,
                        section,
                    )
                )
            else:
                changes.append(
                    Change("changed", f"{_FIELD_NAMES.get(f, f).capitalize()} modifié pour « {_short(item.text, 50)} »", item_id, section)
                )
        if (o_section, o_parent) != (section, parent):
            changes.append(Change("moved", f"Déplacé vers « {where} » : « {_short(item.text, 50)} »", item_id, section))
    for item_id, (section, _, _, item) in a.items():
        if item_id not in b:
            changes.append(
                Change("removed", f"Supprimé de « {SECTION_TITLES[section]} » : « {_short(item.text)} »", item_id, section)
            )
    for section in SECTIONS:
        old_order = [i.id for i in old.section(section) if i.id in {j.id for j in new.section(section)}]
        new_order = [i.id for i in new.section(section) if i.id in set(old_order)]
        if old_order != new_order:
            changes.append(Change("moved", f"Ordre modifié dans « {SECTION_TITLES[section]} »", None, section))
    return changes


@dataclass(frozen=True)
class SideBySide:
    """One row of two versions shown side by side: ``where`` is « Titre », « Introduction » or a
    section title; ``left``/``right`` the text in each version ("" when absent there); ``status``
    one of ``same``, ``changed``, ``added``, ``removed``, ``moved``."""

    where: str
    left: str
    right: str
    status: str
    item: str | None = None


def _item_text(item: Item, depth: int) -> str:
    head = f"{item.title} — " if item.kind == "initiative" and item.title else ""
    sources = f" [{len(item.citations)} source(s)]" if item.citations else ""
    return ("    " * depth) + head + item.text + sources


def _rows(items: tuple[Item, ...], depth: int = 0) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for item in items:
        out.append((item.id, _item_text(item, depth)))
        out.extend(_rows(item.children, depth + 1))
    return out


def side_by_side(old: Synthesis, new: Synthesis) -> list[SideBySide]:
    """``old`` and ``new`` aligned row by row (title, introduction, then each section in order,
    sub-items indented): items are matched by their id, so a rewritten item is one « changed »
    row, and an item found in both at different places is shown where each version has it
    (« moved »)."""
    import difflib

    rows: list[SideBySide] = []
    for where, a, b in (("Titre", old.title, new.title), ("Introduction", old.introduction, new.introduction)):
        if a or b:
            rows.append(SideBySide(where, a, b, "same" if a == b else "changed"))
    new_ids, old_ids = {i for i, _ in _rows_all(new)}, {i for i, _ in _rows_all(old)}
    for section in SECTIONS:
        left, right = _rows(old.section(section)), _rows(new.section(section))
        where = SECTION_TITLES[section]
        texts_left, texts_right = dict(left), dict(right)
        matcher = difflib.SequenceMatcher(None, [i for i, _ in left], [i for i, _ in right], autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                for item_id, _ in left[i1:i2]:
                    a, b = texts_left[item_id], texts_right[item_id]
                    rows.append(SideBySide(where, a, b, "same" if a == b else "changed", item_id))
                continue
            for item_id, text in left[i1:i2]:
                status = "moved" if item_id in new_ids else "removed"
                rows.append(SideBySide(where, text, "", status, item_id))
            for item_id, text in right[j1:j2]:
                status = "moved" if item_id in old_ids else "added"
                rows.append(SideBySide(where, "", text, status, item_id))
    return rows


def _rows_all(doc: Synthesis) -> list[tuple[str, str]]:
    return [row for section in SECTIONS for row in _rows(doc.section(section))]


@dataclass(frozen=True)
class MergeResult:
    """The merged document and the conflicts (French sentences) where « mine » was kept."""

    doc: Synthesis
    conflicts: tuple[str, ...] = ()


def _pick(base: Any, mine: Any, theirs: Any) -> tuple[Any, bool]:
    """3-way choice of one value: ``(value, conflict)``."""
    if mine == theirs or theirs == base:
        return mine, False
    if mine == base:
        return theirs, False
    return mine, True


def _merge_item(base: Item | None, mine: Item | None, theirs: Item | None, conflicts: list[str]) -> Item:
    if mine is None or theirs is None or base is None:
        chosen = mine or theirs
        assert chosen is not None
        return chosen
    values: dict[str, Any] = {}
    for f in _ITEM_FIELDS:
        value, clash = _pick(getattr(base, f), getattr(mine, f), getattr(theirs, f))
        values[f] = value
        if clash:
            conflicts.append(
                f"« {_short(mine.text, 50)} » : {_FIELD_NAMES.get(f, f)} modifié des deux côtés ; votre version est gardée"
                + (f" (l'autre : « {_short(theirs.text, 80)} »)" if f == "text" else "")
                + "."
            )
    values["children"] = _merge_seq(
        base.children, mine.children, theirs.children, conflicts, f"des sous-éléments de « {_short(mine.text, 50)} »"
    )
    values["was_cited"] = base.was_cited or mine.was_cited or theirs.was_cited
    return replace(mine, **values)


def _changed(base: Item, other: Item) -> bool:
    return base != other


def _merge_seq(
    base: tuple[Item, ...], mine: tuple[Item, ...], theirs: tuple[Item, ...], conflicts: list[str], where: str
) -> tuple[Item, ...]:
    """Merge one list of sibling items; ``where`` names it in a conflict (« de « Nous proposons » »)."""
    b = {i.id: i for i in base}
    m = {i.id: i for i in mine}
    t = {i.id: i for i in theirs}
    base_ids = [i.id for i in base]

    def kept_order(ids: list[str]) -> list[str]:
        return [i for i in ids if i in b]

    mine_moved = kept_order([i.id for i in mine]) != [i for i in base_ids if i in m]
    theirs_moved = kept_order([i.id for i in theirs]) != [i for i in base_ids if i in t]
    if mine_moved and theirs_moved:
        common = [i for i in base_ids if i in m and i in t]
        if [i for i in m if i in common] != [i for i in t if i in common]:
            conflicts.append(f"Ordre {where} modifié des deux côtés ; votre ordre est gardé.")
    skeleton = [i.id for i in mine] if mine_moved else [i.id for i in theirs]
    other = theirs if mine_moved else mine
    order = [i for i in skeleton]
    # items added on the other side go after their predecessor there
    for pos, item in enumerate(other):
        if item.id in order or item.id in b:
            continue
        before = next((other[k].id for k in range(pos - 1, -1, -1) if other[k].id in order), None)
        order.insert(order.index(before) + 1 if before else 0, item.id)
    # base items deleted on one side: deleted unless the other side changed them
    for item_id in base_ids:
        in_m, in_t = item_id in m, item_id in t
        if in_m and in_t:
            continue
        survivor = m.get(item_id) or t.get(item_id)
        if survivor is not None and _changed(b[item_id], survivor):
            conflicts.append(
                f"« {_short(survivor.text, 50)} » : supprimé d'un côté mais modifié de l'autre ; il est gardé."
            )
            if item_id not in order:
                order.insert(min(base_ids.index(item_id), len(order)), item_id)
        elif item_id in order:
            order.remove(item_id)
    out = []
    for item_id in order:
        if item_id in b and item_id not in m and item_id not in t:
            continue
        out.append(_merge_item(b.get(item_id), m.get(item_id), t.get(item_id), conflicts))
    return tuple(out)


def merge_syntheses(base: Synthesis, mine: Synthesis, theirs: Synthesis) -> MergeResult:
    """Merge two versions edited from the same ``base`` (see module docstring)."""
    conflicts: list[str] = []
    values: dict[str, Any] = {}
    labels = {"title": "Titre", "introduction": "Introduction", "numbered": "Numérotation", "working_group": "Groupe de travail"}
    for name, label in labels.items():
        value, clash = _pick(getattr(base, name), getattr(mine, name), getattr(theirs, name))
        values[name] = value
        if clash:
            conflicts.append(f"{label} modifié des deux côtés ; votre version est gardée.")
    for section in SECTIONS:
        values[section] = _merge_seq(
            base.section(section), mine.section(section), theirs.section(section), conflicts,
            f"de « {SECTION_TITLES[section]} »",
        )  # fmt: skip
    merged = replace(mine, **values)
    # an item moved to another section on one side may now sit in two: keep the first
    seen: set[str] = set()
    for section in SECTIONS:
        items = tuple(i for i in merged.section(section) if not (i.id in seen or seen.add(i.id)))  # type: ignore[func-returns-value]
        merged = merged.with_section(section, items)
    return MergeResult(merged, tuple(conflicts))
