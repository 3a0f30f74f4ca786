"""Iterative tree walks for the readers.

A reader's walk over a document tree is written as generator methods: where a recursive
version would call ``self._blocks(child)``, the generator yields ``self._blocks(child)`` and
receives the sub-walk's return value. :func:`run_walk` drives them with an explicit stack, so
the depth of a document never reaches Python's recursion limit (a hostile file may nest
elements thousands of levels deep).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any, TypeAlias

Walk: TypeAlias = Generator["Walk", Any, Any]


def run_walk(walk: Walk) -> Any:
    """Run ``walk`` and every sub-walk it yields, depth first; return ``walk``'s return value."""
    stack = [walk]
    value: Any = None
    while stack:
        try:
            sub = stack[-1].send(value)
        except StopIteration as stop:
            stack.pop()
            value = stop.value
            continue
        stack.append(sub)
        value = None
    return value


def wrapped_children(el: Any, wanted: str, holder: Callable[[Any], Any]) -> list[Any]:
    """The children of XML element ``el`` whose local name is ``wanted``, in document order,
    including those inside wrappers at any depth: ``holder(child)`` gives the element whose
    children to look into for a wrapper, None for anything else (walked without recursion)."""
    found = []
    stack = [iter(el)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            continue
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag.rsplit("}", 1)[-1] == wanted:
            found.append(child)
        else:
            inner = holder(child)
            if inner is not None:
                stack.append(iter(inner))
    return found
