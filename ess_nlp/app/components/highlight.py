"""HTML for a passage with its proposals, constats, initiatives and entities highlighted.

The text always comes from a document, so every piece of it goes through ``html.escape``
before it is placed between tags; only the tags and class names written here are HTML.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

# Item kinds, most specific first: where two overlap, the first one colours the text.
ITEM_KINDS: tuple[str, ...] = ("proposal", "constat", "initiative")
ITEM_LABELS: Mapping[str, str] = {"proposal": "Proposition", "constat": "Constat", "initiative": "Initiative"}
ITEM_COLOURS: Mapping[str, str] = {"proposal": "#b7ebc6", "constat": "#ffd9a8", "initiative": "#c9defc"}
ENTITY_LABELS: Mapping[str, str] = {
    "PER": "Personne",
    "ORG": "Organisation",
    "LOC": "Lieu",
    "MISC": "Divers",
}

CSS = """
<style>
.ess-text { white-space: pre-wrap; line-height: 1.7; font-size: 1rem; }
.ess-text mark { padding: 0.05em 0; border-radius: 2px; color: inherit; }
.ess-text mark.ess-proposal { background: #b7ebc6; border-bottom: 2px solid #2e8b57; }
.ess-text mark.ess-constat { background: #ffd9a8; border-bottom: 2px solid #d2691e; }
.ess-text mark.ess-initiative { background: #c9defc; border-bottom: 2px solid #3b6fb6; }
.ess-text .ess-ent { border-bottom: 2px dotted #6a3d9a; }
.ess-text .ess-ent::after { content: attr(data-label); font-size: 0.65em; vertical-align: super;
  color: #6a3d9a; margin-left: 1px; }
.ess-text .ess-masked { background: #e8e8e8; color: #555; font-style: italic; border-radius: 2px; }
.ess-text .ess-focus { outline: 2px solid #c0392b; outline-offset: 1px; }
.ess-text .ess-evidence { text-decoration: underline wavy #a0522d; text-decoration-thickness: 2px;
  text-underline-offset: 4px; font-weight: 600; }
.ess-legend span { display: inline-block; padding: 0 0.5em; margin-right: 0.5em; border-radius: 3px; }
.ess-kwic { table-layout: fixed; width: 100%; border-collapse: collapse; }
.ess-kwic td { padding: 0.1em 0.4em; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.ess-kwic td.left { width: 44%; text-align: right; color: #555; direction: rtl; }
.ess-kwic td.left span { direction: ltr; unicode-bidi: embed; }
.ess-kwic td.mid { width: 12%; text-align: center; }
.ess-kwic td.right { width: 44%; color: #555; }
.ess-kwic b { background: #fff2a8; }
</style>
"""


@dataclass(frozen=True)
class Mark:
    """A span to highlight: ``kind`` is an item kind, ``"entity"`` (then ``label`` is PER,
    ORG…), ``"evidence"`` (a sentence that carried a label's score) or ``"mask"`` (personal
    data, shown as ``label``, e.g. ``[personne]``)."""

    start: int
    end: int
    kind: str
    label: str = ""
    title: str = ""
    focus: bool = False


def legend_html(kinds: Iterable[str] = ITEM_KINDS, entities: bool = False) -> str:
    parts = [
        f'<span style="background:{ITEM_COLOURS[k]}">{html.escape(ITEM_LABELS[k])}</span>'
        for k in kinds
        if k in ITEM_COLOURS
    ]
    if entities:
        parts.append('<span style="border-bottom:2px dotted #6a3d9a">Entité nommée</span>')
    return '<div class="ess-legend">' + "".join(parts) + "</div>"


def highlight_html(
    text: str,
    marks: Sequence[Mark],
    *,
    offset: int = 0,
    anchors: Mapping[int, str] | None = None,
) -> str:
    """``text`` (whose first character sits at ``offset`` in its document) as escaped HTML with
    ``marks`` (document offsets) highlighted and ``anchors`` (document offset -> element id)
    placed where sections start."""
    n = len(text)
    spans = [
        (max(0, m.start - offset), min(n, m.end - offset), m)
        for m in marks
        if m.end - offset > 0 and m.start - offset < n
    ]
    spans = [s for s in spans if s[0] < s[1]]
    local_anchors: dict[int, list[str]] = {}
    for position, name in (anchors or {}).items():
        local = position - offset
        if 0 <= local <= n:
            local_anchors.setdefault(local, []).append(name)
    cuts = sorted({0, n, *local_anchors, *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    out = ['<div class="ess-text">']
    for a, b in zip(cuts, [*cuts[1:], n], strict=True):
        for name in local_anchors.get(a, ()):
            out.append(f'<a id="{html.escape(name, quote=True)}"></a>')
        if a >= b:
            continue
        covering = [m for s, e, m in spans if s <= a and b <= e]
        piece = html.escape(text[a:b])
        masked = next(((s, m) for s, e, m in spans if m.kind == "mask" and s <= a and b <= e), None)
        if masked is not None:  # the replacement once, where the masked span starts
            if a != masked[0]:
                continue
            piece = f'<span class="ess-masked">{html.escape(masked[1].label)}</span>'
        evidence = next((m for m in covering if m.kind == "evidence"), None)
        if evidence is not None:
            title = html.escape(evidence.title, quote=True)
            piece = f'<span class="ess-evidence" title="{title}">{piece}</span>'
        entity = next((m for m in covering if m.kind == "entity"), None)
        if entity is not None:
            label = html.escape(entity.label, quote=True)
            name = html.escape(ENTITY_LABELS.get(entity.label, entity.label), quote=True)
            piece = (
                f'<span class="ess-ent ess-ent-{label}" data-label="{label}" title="{name}">{piece}</span>'
            )
        item = _item_for(covering)
        if item is not None:
            title = html.escape(item.title or ITEM_LABELS.get(item.kind, item.kind), quote=True)
            focus = " ess-focus" if item.focus else ""
            piece = f'<mark class="ess-{item.kind}{focus}" title="{title}">{piece}</mark>'
        out.append(piece)
    out.append("</div>")
    return "".join(out)


def _item_for(covering: Sequence[Mark]) -> Mark | None:
    for kind in ITEM_KINDS:
        for mark in covering:
            if mark.kind == kind:
                return mark
    return None


def kwic_html(rows: Iterable[tuple[str, str, str]]) -> str:
    """A concordance table: one ``(left, keyword, right)`` triple per row, every part escaped."""
    body = "".join(
        f'<tr><td class="left"><span>{html.escape(left)}</span></td><td class="mid"><b>{html.escape(word)}</b></td>'
        f'<td class="right">{html.escape(right)}</td></tr>'
        for left, word, right in rows
    )
    return f'<table class="ess-kwic">{body}</table>'
