"""Markdown export (for the web): headings, numbered proposals, footnotes ``[^n]``.

Text from the cahiers is made inert: HTML is escaped (``<script>`` prints as text in any
Markdown renderer) and Markdown characters are backslash-escaped.
"""

from __future__ import annotations

import re

from ess_nlp.export._model import UNSOURCED, Prepared, clean_text

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}#|!~])")


def md_escape(text: str) -> str:
    """``text`` on one line, HTML escaped and Markdown characters backslash-escaped."""
    text = " ".join(clean_text(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # a line starting like a list item or a numbered list is not one
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", re.sub(r"^([-+])(\s)", r"\\\1\2", text))


def write_markdown(prepared: Prepared) -> bytes:
    """The synthesis as Markdown (UTF-8 bytes)."""
    lines: list[str] = []
    in_list = False

    def tail(unsourced: bool, n: int | None) -> str:
        return (f" *{UNSOURCED}*" if unsourced else "") + (f"[^{n}]" if n is not None else "")

    for block in prepared.blocks:
        text = md_escape(block.text)
        listed = block.kind in ("bullet", "proposal")
        if in_list and not listed:
            lines.append("")
        if block.kind != "field" and lines and lines[-1].endswith("  ") and lines[-1].startswith("**"):
            lines.append("")  # the end of a card
        in_list = listed
        if block.kind == "title":
            lines += [f"# {text}", ""]
            cover = prepared.front.lines()
            if cover:  # scope, working group, version and date
                lines += ["  \n".join(md_escape(line) for line in cover), ""]
        elif block.kind == "heading":
            lines += [f"## {text}", ""]
        elif block.kind == "subheading":
            lines += [f"### {text}", ""]
        elif block.kind == "field":  # a line of an initiative card
            value = f"<{block.link}>" if block.link else text
            lines += [f"**{md_escape(block.label)} :** {value}{tail(block.unsourced, block.note)}  "]
        elif block.kind == "bullet":
            lines.append(f"- {text}{tail(block.unsourced, block.note)}")
        elif block.kind == "proposal":
            number = "*Ou :*" if block.number == "Ou :" else block.number
            # "1." at the top is an ordered list item; sub-items and alternatives are bullets
            lead = number if block.depth == 0 and number.endswith(".") else f"- {number}".rstrip()
            lines.append(f"{'   ' * block.depth}{lead} {text}{tail(block.unsourced, block.note)}")
        else:
            lines += [f"{text}{tail(block.unsourced, block.note)}", ""]
    if prepared.notes:
        lines += ["", *[f"[^{n.number}]: {md_escape(n.text)}" for n in prepared.notes]]
    return ("\n".join(lines).rstrip() + "\n").encode("utf-8")
