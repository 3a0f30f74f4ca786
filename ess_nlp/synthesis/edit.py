"""Editing operations on a synthesis: pure functions returning a new document.

Each takes a :class:`~ess_nlp.synthesis.records.Synthesis` and returns another, so the app
can save after every change (autosave) and a notebook can script a whole synthesis. An
unknown item id or a bad position raises :class:`~ess_nlp.errors.ConfigError` in French.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from ess_nlp.errors import ConfigError
from ess_nlp.synthesis.records import (
    KIND_SECTION,
    SECTION_TITLES,
    SECTIONS,
    Citation,
    Item,
    ItemKind,
    SectionName,
    Synthesis,
    check_title,
    new_id,
)

__all__ = [
    "add_citation",
    "add_item",
    "make_item",
    "merge_items",
    "move_item",
    "remove_citation",
    "remove_item",
    "reorder",
    "set_introduction",
    "set_numbered",
    "set_text",
    "set_title",
    "set_working_group",
    "update_item",
]


def make_item(
    kind: ItemKind,
    text: str,
    citations: Iterable[Citation] = (),
    *,
    title: str = "",
    organisation: str = "",
    place: str = "",
    url: str = "",
    alternative: bool = False,
) -> Item:
    """A new item with a fresh id."""
    return Item(
        id=new_id(),
        kind=kind,
        text=text.strip(),
        citations=_unique(citations),
        title=title.strip(),
        organisation=organisation,
        place=place,
        url=url,
        alternative=alternative,
    )


def _unique(citations: Iterable[Citation]) -> tuple[Citation, ...]:
    seen: dict[tuple[str, int, int], Citation] = {}
    for c in citations:
        seen.setdefault(c.key, c)
    return tuple(seen.values())


def _locate(doc: Synthesis, item_id: str) -> tuple[SectionName, tuple[str, ...]]:
    """``(section, path of ids from the top-level item down to item_id)``."""

    def search(items: tuple[Item, ...], path: tuple[str, ...]) -> tuple[str, ...] | None:
        for item in items:
            here = (*path, item.id)
            if item.id == item_id:
                return here
            found = search(item.children, here)
            if found:
                return found
        return None

    for section in SECTIONS:
        found = search(doc.section(section), ())
        if found:
            return section, found
    raise ConfigError(
        f"Élément « {item_id} » introuvable dans la synthèse « {doc.title} » : il a peut-être été "
        "supprimé ou fusionné entre-temps."
    )


def _map_tree(items: tuple[Item, ...], item_id: str, change: Callable[[Item], Item | None]) -> tuple[Item, ...]:
    out: list[Item] = []
    for item in items:
        if item.id == item_id:
            changed = change(item)
            if changed is not None:
                out.append(changed)
            continue
        if item.children:
            item = replace(item, children=_map_tree(item.children, item_id, change))
        out.append(item)
    return tuple(out)


def update_item(doc: Synthesis, item_id: str, change: Callable[[Item], Item | None]) -> Synthesis:
    """Replace item ``item_id`` by ``change(item)`` (None removes it)."""
    section, _ = _locate(doc, item_id)
    return doc.with_section(section, _map_tree(doc.section(section), item_id, change))


def add_item(
    doc: Synthesis,
    item: Item,
    *,
    section: SectionName | None = None,
    position: int | None = None,
    parent: str | None = None,
) -> Synthesis:
    """Insert ``item`` into ``section`` (by default the section of its kind; free text goes
    to the findings unless told) at ``position`` (end by default), or as a sub-item or
    alternative of proposal ``parent``. An item whose passages are already all cited by
    another item of the section is still added: merging is the group's decision."""
    if doc.find(item.id) is not None:
        item = replace(item, id=new_id())
    if parent is not None:
        def attach(p: Item) -> Item:
            children = list(p.children)
            children.insert(len(children) if position is None else _clamp(position, len(children)), item)
            return replace(p, children=tuple(children))

        return update_item(doc, parent, attach)
    target: SectionName = section or KIND_SECTION.get(item.kind, "constats")
    items = list(doc.section(target))
    items.insert(len(items) if position is None else _clamp(position, len(items)), item)
    return doc.with_section(target, tuple(items))


def _clamp(position: int, size: int) -> int:
    if position < 0:
        position = size + 1 + position
    return max(0, min(size, position))


def remove_item(doc: Synthesis, item_id: str) -> Synthesis:
    """Remove an item (and its sub-items)."""
    return update_item(doc, item_id, lambda _: None)


def move_item(doc: Synthesis, item_id: str, position: int) -> Synthesis:
    """Move an item to ``position`` among its siblings (0 = first, -1 = last)."""
    section, path = _locate(doc, item_id)
    parent = path[-2] if len(path) > 1 else None
    siblings = doc.section(section) if parent is None else _get(doc, parent).children
    moving = next(i for i in siblings if i.id == item_id)
    rest = [i for i in siblings if i.id != item_id]
    rest.insert(_clamp(position, len(rest)), moving)
    if parent is None:
        return doc.with_section(section, tuple(rest))
    return update_item(doc, parent, lambda p: replace(p, children=tuple(rest)))


def reorder(doc: Synthesis, section: SectionName, ids: Sequence[str]) -> Synthesis:
    """Put the top-level items of ``section`` in the order of ``ids`` (ids not listed keep
    their relative order after the listed ones)."""
    items = doc.section(section)
    by_id = {i.id: i for i in items}
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        raise ConfigError(
            f"Élément « {unknown[0]} » absent de la partie « {SECTION_TITLES[section]} » : impossible de "
            "le placer dans le nouvel ordre."
        )
    listed = [by_id[i] for i in dict.fromkeys(ids)]
    rest = [i for i in items if i.id not in set(ids)]
    return doc.with_section(section, tuple(listed + rest))


def _get(doc: Synthesis, item_id: str) -> Item:
    found = doc.find(item_id)
    if found is None:
        _locate(doc, item_id)  # raises the French error
        raise AssertionError  # pragma: no cover
    return found


def merge_items(doc: Synthesis, ids: Sequence[str], *, into: str | None = None, text: str | None = None) -> Synthesis:
    """Merge items of one section into ``into`` (by default the first of ``ids``): its
    citations and sub-items gather those of the others, which disappear; ``text`` rewrites
    the merged wording (kept as it was otherwise)."""
    ids = list(dict.fromkeys(ids))
    if into is None:
        if not ids:
            raise ConfigError("Aucun élément à fusionner : sélectionnez au moins deux éléments.")
        into = ids[0]
    if into not in ids:
        ids.insert(0, into)
    if len(ids) < 2:
        raise ConfigError("Fusionner demande au moins deux éléments.")
    sections = {_locate(doc, i)[0] for i in ids}
    if len(sections) > 1:
        names = " et ".join(f"« {SECTION_TITLES[s]} »" for s in sorted(sections))
        raise ConfigError(f"Impossible de fusionner des éléments de parties différentes ({names}).")
    target = _get(doc, into)
    others = [_get(doc, i) for i in ids if i != into]
    citations = _unique([*target.citations, *(c for o in others for c in o.citations)])
    children = tuple(target.children) + tuple(c for o in others for c in o.children)
    merged = replace(
        target,
        citations=citations,
        children=children,
        text=target.text if text is None else text.strip(),
        was_cited=target.was_cited or any(o.was_cited for o in others),
    )
    for other in others:
        doc = remove_item(doc, other.id)
    return update_item(doc, into, lambda _: merged)


def set_text(doc: Synthesis, item_id: str, text: str) -> Synthesis:
    """Rewrite an item's wording (its citations stay)."""
    return update_item(doc, item_id, lambda i: replace(i, text=text.strip()))


def set_title(doc: Synthesis, title: str) -> Synthesis:
    """Rename the synthesis (the chapter title); a blank title raises :class:`ConfigError`."""
    return replace(doc, title=check_title(title))


def set_introduction(doc: Synthesis, text: str) -> Synthesis:
    return replace(doc, introduction=text.strip())


def set_numbered(doc: Synthesis, numbered: bool) -> Synthesis:
    """Number the proposals (1., 2., sub-items a), b)) or not."""
    return replace(doc, numbered=bool(numbered))


def set_working_group(doc: Synthesis, organisations: Iterable[str]) -> Synthesis:
    """Organisations of the working group added by hand (the cited ones are listed anyway)."""
    clean = [" ".join(o.split()) for o in organisations]
    return replace(doc, working_group=tuple(dict.fromkeys(o for o in clean if o)))


def add_citation(doc: Synthesis, item_id: str, citation: Citation) -> Synthesis:
    return update_item(doc, item_id, lambda i: replace(i, citations=_unique([*i.citations, citation])))


def remove_citation(doc: Synthesis, item_id: str, citation: Citation | int) -> Synthesis:
    """Remove one citation (by value or index); an item left without any is flagged."""

    def drop(item: Item) -> Item:
        if isinstance(citation, int):
            if not 0 <= citation < len(item.citations):
                raise ConfigError(
                    f"L'élément « {item.text[:60]} » n'a pas de citation n° {citation + 1} "
                    f"(il en a {len(item.citations)})."
                )
            kept = item.citations[:citation] + item.citations[citation + 1 :]
        else:
            kept = tuple(c for c in item.citations if c.key != citation.key)
        return replace(item, citations=kept, was_cited=True)

    return update_item(doc, item_id, drop)
