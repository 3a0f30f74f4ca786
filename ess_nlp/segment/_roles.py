"""Blocks that are not body text: tables of contents, letter headers, annexes, signatories.

Real documents carry material that looks like headings or list items and is neither: the lines
of a table of contents ("Coopérer dans les territoires ........ 9"), a letter's header (address
lines, "Paris, le 3 mars 2011", "Objet : …", "Madame, Monsieur,"), annexes (a list of themes,
the characteristics of a scheme) and lists of signatories. The splitter gives the sections
holding them a ``role`` (kept in the section unit's metadata); extraction takes no proposal
and no finding from them. The vocabulary is data: ``labels.yaml`` (``toc_labels``,
``annex_labels``, ``signatory_labels``, ``letter_patterns``).
"""

from __future__ import annotations

import itertools
import re

from ess_nlp.segment._blocks import Block, fold
from ess_nlp.segment._labels import Labels

SOMMAIRE = "sommaire"
LETTRE = "lettre"
ANNEXE = "annexe"
SIGNATAIRES = "signataires"
ROLES = (SOMMAIRE, LETTRE, ANNEXE, SIGNATAIRES)
"""Roles of sections that hold no proposal and no finding."""

# "Titre ........ 9", "Titre … 12", "Titre ____ 3", "Titre<TAB>4": a dotted (or other) leader, a page.
_LEADER_LINE = re.compile(
    r"^(?P<title>\S.{0,160}?)\s*(?:(?:\.\s?){3,}|…+\s*\.*|(?:·\s?){3,}|_{3,}|\t+)\s*(?P<page>\d{1,3}|[ivxlcIVXLC]{1,6})\s*$"
)
# "Coopérer dans les territoires 9": a short title and a page number, no leader (weaker).
_PAGE_LINE = re.compile(r"^(?P<title>\S.{1,110}?[^\d\s.,;:!?%€])\s+(?P<page>\d{1,3})\s*$")
_MAX_TITLE_WORDS = 16


def _page(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def toc_lines(block: Block) -> list[tuple[int | None, bool]] | None:
    """``(page, has_leader)`` for each line of ``block`` when every line reads like an entry
    of a table of contents, else None."""
    out: list[tuple[int | None, bool]] = []
    for line in block.text.split("\n"):
        line = line.strip()
        if not line:
            continue
        match = _LEADER_LINE.match(line)
        leader = match is not None
        match = match or _PAGE_LINE.match(line)
        if match is None or len(match.group("title").split()) > _MAX_TITLE_WORDS:
            return None
        out.append((_page(match.group("page")), leader))
    return out or None


def toc_blocks(blocks: list[Block], labels: Labels) -> set[int]:
    """Indices of the blocks that make a table of contents: lines with a dotted leader and a
    page number, or runs of three or more "title page" lines whose pages never go down, or such
    lines right after a "Sommaire" / "Table des matières" heading (that heading included)."""
    entries = [toc_lines(b) for b in blocks]
    found: set[int] = set()
    i = 0
    while i < len(blocks):
        start = i
        after_label = i > 0 and labels.is_toc_label(blocks[i - 1].text)
        run: list[int] = []
        pages: list[int] = []
        leaders = 0
        while i < len(blocks) and entries[i] is not None:
            lines = entries[i] or []
            run.append(i)
            pages += [p for p, _ in lines if p is not None]
            leaders += sum(1 for _, leader in lines if leader)
            i += 1
        lines_in_run = sum(len(entries[j] or []) for j in run)
        ordered = all(a <= b for a, b in itertools.pairwise(pages))
        if run and (leaders >= max(2, lines_in_run // 2) or (lines_in_run >= 3 and ordered)
                    or (after_label and ordered)):
            found.update(run)
            if after_label:
                found.add(start - 1)
        if i == start:
            i += 1
    for k, block in enumerate(blocks):  # a "Sommaire" heading right before the entries
        if labels.is_toc_label(block.text) and k + 1 in found:
            found.add(k)
    return found


def letter_header(blocks: list[Block], labels: Labels) -> int:
    """How many blocks at the start of a cahier's body form a letter's header (addresses,
    place and date, "Objet : …", "À l'attention de …"), up to and including the salutation
    ("Madame, Monsieur,"); 0 when the body does not open like a letter."""
    seen_letter = False
    for i, block in enumerate(blocks[:14]):
        text = block.text.strip()
        folded = fold(text)
        if labels.is_salutation(folded):
            return i + 1 if seen_letter or i <= 6 else 0
        if labels.is_letter_line(folded):
            seen_letter = True
            continue
        if len(text.split()) > 25 and "\n" not in text:
            break
    return 0


def role_of_heading(text: str, labels: Labels) -> str | None:
    """The role a heading gives its section: annexe, signataires or sommaire (else None)."""
    if labels.is_toc_label(text):
        return SOMMAIRE
    folded = fold(text)
    if any(p.match(folded) for p in labels.annex_patterns):
        return ANNEXE
    if any(p.search(folded) for p in labels.signatory_patterns):
        return SIGNATAIRES
    return None
