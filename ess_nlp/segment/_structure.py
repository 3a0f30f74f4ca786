"""Finding cahiers in a document and sections in a cahier, from the plain text's blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ess_nlp.records import Document
from ess_nlp.segment._blocks import Block, fold, marker_style, marker_value, split_blocks
from ess_nlp.segment._labels import Labels
from ess_nlp.segment._roles import ANNEXE, LETTRE, SOMMAIRE, letter_header, role_of_heading, toc_blocks

_TERMINAL = re.compile(r"[.;!,…]$")
_PRONOUN_START = re.compile(r"^(nous|je|j'|il|elle|on|ils|elles|voici|vous)\b", re.IGNORECASE)
_LABEL_VALUE = re.compile(r"^[^:]{2,60}\s?:\s*\S")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+\S")
# An address line ("12 rue des Halles, 79000 Niort", "Place du Capitole 31 040 Toulouse") is never a heading.
_ADDRESS = re.compile(
    r"(?<![\d\w])(?:0[1-9]|[1-8]\d|9[0-5]|97)\s?\d{3}(?![\d\w])[\s,]*[A-ZÀ-Ö]|[A-ZÀ-Ö][\w'’-]+,?\s+(?:0[1-9]|[1-8]\d|9[0-5]|97)\d{3}\s*$"
    r"|^\d{1,4}(?:[-–]\d{1,4})?,?\s+(?:bis\s+|ter\s+)?(?i:rue|avenue|boulevard|bd|place|allée|impasse|chemin|quai|route|cours)\b"
)

# "Label : value" lines at the top of a cahier that describe it (form exports, compiled files).
_FIELD_LABELS: tuple[tuple[str, str], ...] = (
    ("structure", "organisation"),
    ("organisation", "organisation"),
    ("porteur", "organisation"),
    ("association", "organisation"),
    ("statut", "legal_form"),
    ("forme juridique", "legal_form"),
    ("commune", "territory"),
    ("ville", "territory"),
    ("territoire", "territory"),
    ("lieu", "territory"),
    ("localisation", "territory"),
    ("departement", "territory"),
    ("region", "territory"),
    ("domaine", "domain"),
    ("site", "url"),
    ("contact", "contact"),
)


@dataclass
class SectionDraft:
    title: str | None
    kind: str
    heading: Block | None
    blocks: list[Block] = field(default_factory=list)
    role: str | None = None  # see ess_nlp.segment._roles.ROLES


@dataclass
class CahierDraft:
    title: str | None
    head: list[Block]  # banner and title blocks
    body: list[Block]
    metadata: dict[str, str] = field(default_factory=dict)
    field_labels: dict[str, str] = field(default_factory=dict)  # exact heading text -> kind (tabular)
    sections: list[SectionDraft] = field(default_factory=list)

    @property
    def blocks(self) -> list[Block]:
        return self.head + self.body


def find_cahiers(doc: Document, labels: Labels) -> list[CahierDraft]:
    """Split a document into cahiers: known parts first, else banners, separators and title labels."""
    if doc.parts:
        drafts = []
        for part in doc.parts:
            blocks = split_blocks(doc.text, part.start, part.end)
            if not blocks:
                continue
            head, body = ([blocks[0]], blocks[1:]) if part.title is not None else ([], blocks)
            title = part.title if part.title is not None else None
            drafts.append(
                CahierDraft(
                    title=title,
                    head=head,
                    body=body,
                    metadata=dict(part.metadata),
                    field_labels={label: kind for label, kind, _s, _e in part.fields},
                )
            )
        return drafts
    return _split_compiled(split_blocks(doc.text), labels)


def _split_compiled(blocks: list[Block], labels: Labels) -> list[CahierDraft]:
    if not blocks:
        return []
    title_label_hits = sum(1 for b in blocks if _title_label(b, labels))
    groups: list[list[Block]] = []
    current: list[Block] = []
    after_separator = False
    for block in blocks:
        if _is_separator(block, labels):
            after_separator = True
            continue
        starts = (
            after_separator
            or _is_banner(block, labels)
            or (title_label_hits >= 2 and _title_label(block, labels) is not None)
        )
        # A banner directly followed by its title stays one start.
        if (
            starts
            and current
            and not (len(current) == 1 and _is_banner(current[0], labels) and not after_separator)
        ):
            groups.append(current)
            current = []
        current.append(block)
        after_separator = False
    if current:
        groups.append(current)
    # Front matter (a short cover text before the first real cahier) is not a cahier.
    if len(groups) > 1 and not _opens_cahier(groups[0][0], labels, title_label_hits):
        opener_count = sum(1 for g in groups[1:] if _opens_cahier(g[0], labels, title_label_hits))
        if opener_count == len(groups) - 1 and sum(len(b.text.split()) for b in groups[0]) < 80:
            groups = groups[1:]
    return [_draft_from_blocks(group, labels) for group in groups]


def _opens_cahier(block: Block, labels: Labels, title_label_hits: int) -> bool:
    return _is_banner(block, labels) or (title_label_hits >= 2 and _title_label(block, labels) is not None)


def _draft_from_blocks(group: list[Block], labels: Labels) -> CahierDraft:
    first = group[0]
    if _is_banner(first, labels) and len(group) > 1 and _looks_like_title(group[1]):
        return CahierDraft(title=group[1].text, head=group[:2], body=group[2:])
    label_title = _title_label(first, labels)
    if label_title is not None:
        return CahierDraft(title=label_title, head=[first], body=group[1:])
    if _looks_like_title(first):
        return CahierDraft(title=first.text, head=[first], body=group[1:])
    return CahierDraft(title=None, head=[], body=group)


def _is_banner(block: Block, labels: Labels) -> bool:
    return len(block.text) < 120 and any(p.search(block.text) for p in labels.banner_patterns)


def _title_label(block: Block, labels: Labels) -> str | None:
    if "\n" in block.text or len(block.text) > 250:
        return None
    for pattern in labels.title_labels:
        match = pattern.match(block.text)
        if match:
            return match.group("title").strip()
    return None


def _is_separator(block: Block, labels: Labels) -> bool:
    text = block.text
    return (
        len(text) >= 3
        and all(ch in labels.separator_chars for ch in text)
        and len(text.replace(" ", "")) >= 3
    )


_SENTENCE_INSIDE = re.compile(r"[.!?…]\s+[A-ZÀ-Ö]")


def _looks_like_title(block: Block) -> bool:
    """One line of at most 16 words and one comma that does not open in lower case and is not
    a sentence: no final period, no sentence break inside. Reports that open on their text
    ("la fiscalité trop élevée…", "Doute général sur la prise en compte des revendications.")
    have no title line."""
    text = block.text
    first = text.lstrip("«\"“'(* ")[:1]
    return (
        "\n" not in text
        and len(text.split()) <= 16
        and text.count(",") <= 1
        and block.marker is None
        and not first.islower()
        and not text.rstrip().endswith((".", ";", ",", "…"))
        and not _SENTENCE_INSIDE.search(text)
    )


# --- sections ---------------------------------------------------------------------------------


def find_sections(cahier: CahierDraft, labels: Labels) -> list[SectionDraft]:
    """Cut a cahier's body into sections at its headings; text before the first heading is an
    untitled section ("contexte" when headings follow, "autre" in a cahier without headings).

    A letter's header, a table of contents and everything after an "Annexes" heading become
    sections of kind "contexte" with a ``role`` (lettre, sommaire, annexe; a list of
    signatories: signataires); their lines are never headings."""
    body = cahier.body
    tabular = bool(cahier.field_labels)
    toc = set() if tabular else toc_blocks(body, labels)
    letter = 0 if tabular else letter_header(body, labels)
    heading_flags = [i >= letter and i not in toc and _is_heading(body, i, labels, cahier.field_labels)
                     for i in range(len(body))]
    sections: list[SectionDraft] = []
    annex = False
    for i, (block, is_heading) in enumerate(zip(body, heading_flags, strict=True)):
        if i < letter or i in toc:
            own = LETTRE if i < letter else SOMMAIRE
            if own == SOMMAIRE and labels.is_toc_label(block.text):
                sections.append(SectionDraft(title=block.text, kind="contexte", heading=block, role=own))
                continue
            if not sections or sections[-1].role != own:
                sections.append(SectionDraft(title=None, kind="contexte", heading=None, role=own))
            sections[-1].blocks.append(block)
            continue
        if is_heading:
            kind = cahier.field_labels.get(block.text) or labels.kind_of(block.text)
            role = None if tabular else role_of_heading(block.text, labels)
            annex = annex or role == ANNEXE
            if annex:
                role = ANNEXE
            if role is not None:
                kind = "contexte"
            sections.append(SectionDraft(title=block.text, kind=kind, heading=block, role=role))
            continue
        if not sections or sections[-1].role in (LETTRE, SOMMAIRE):
            later = any(heading_flags[i:])
            sections.append(
                SectionDraft(title=None, kind="contexte" if any(heading_flags) and later else "autre", heading=None)
            )
        sections[-1].blocks.append(block)
    return sections


def _is_heading(blocks: list[Block], i: int, labels: Labels, field_labels: dict[str, str]) -> bool:
    block = blocks[i]
    text = block.text
    if field_labels:
        return text in field_labels
    if "\n" in text or len(text) > 150 or " | " in text:  # table rows are never headings
        return False
    if _ADDRESS.search(text):
        return False
    if _MARKDOWN_HEADING.match(text):
        return True
    marker = block.marker
    if marker is not None:
        return _is_numbered_heading(blocks, i, labels)
    if _LABEL_VALUE.match(text) and not labels.is_form_label(text):
        return labels.is_heading_label(text) and len(text.split()) <= 14 and not _TERMINAL.search(text)
    if labels.is_form_label(text):
        return True
    if _is_all_caps(text):
        return True
    return _is_short_titled_line(blocks, i, labels)


def _is_numbered_heading(blocks: list[Block], i: int, labels: Labels) -> bool:
    block = blocks[i]
    marker = block.marker or ""
    style = marker_style(marker)
    if style == "bullet" or style.startswith("letter"):
        return False
    rest = block.text[block.body_start - block.start :]
    if labels.is_form_label(rest) or _is_all_caps(rest):
        return True
    if _TERMINAL.search(rest) or len(rest.split()) > 10 or _PRONOUN_START.match(rest):
        return False
    if _in_list_run(blocks, i, labels):
        return _heads_proposals(blocks, i)
    return (
        style.startswith("roman")
        or "-" in style
        or "–" in style
        or "—" in style
        or labels.kind_of(rest) != "autre"
    )


def _in_list_run(blocks: list[Block], i: int, labels: Labels) -> bool:
    """Whether block ``i`` belongs to a list of items of the same marker style: a neighbour item
    numbered one before or after it, or two (a skipped number), or the same number (a repeated
    one), sub-items of another style in between; also across up to two interleaved paragraphs,
    unless the items name a section kind ("2 - Nos propositions")."""
    marker = blocks[i].marker
    assert marker is not None
    style, value = marker_style(marker), marker_value(marker)
    names_kind = _names_kind(blocks[i], labels)
    for step in (-1, 1):
        j, paragraphs, subs = i + step, 0, 0
        while 0 <= j < len(blocks) and paragraphs <= 2 and subs <= 12:
            other = blocks[j].marker
            if other is None or marker_style(other) != style:
                paragraphs += other is None
                subs += other is not None
                j += step
                continue
            other_value = marker_value(other)
            if value is None or other_value is None:
                return paragraphs == 0
            delta = (other_value - value) * step
            if paragraphs == 0 and delta in (0, 1, 2):
                return True
            if paragraphs and delta in (1, 2) and not names_kind and not _names_kind(blocks[j], labels):
                return True
            break
    return False


# A first word that opens like a proposal: an infinitive (by its ending), « que », « de »…
_PROPOSAL_START = re.compile(r"^(?:que|qu['’]|de|d['’]|pour|ne|n['’]|\w+(?:er|ir|re|oir))\b", re.IGNORECASE)


# A topic list is short: past this many items a run is a list (and each item's check stays
# bounded on a long numbered list, instead of walking the whole run for every item).
_MAX_TOPICS = 30


def _heads_proposals(blocks: list[Block], i: int) -> bool:
    """Whether numbered block ``i`` is one of a list of topics, each heading proposals of its
    own: « 1) Transition écologique », then « Développer le ferroutage. », « 2) Fiscalité »…
    Every item of its list (same marker style, numbered one after the other, at most
    ``_MAX_TOPICS``) is a short label (at most eight words, a capital first, no sentence
    punctuation, not opening like a proposal) and is followed by a paragraph that opens like
    one, or by items of another style. A list of proposals, or of titled proposals each
    explained by a paragraph, stays a list."""
    marker = blocks[i].marker
    value = marker_value(marker) if marker is not None else None
    if marker is None or value is None or not _topic_label(blocks, i):
        return False
    style, count = marker_style(marker), 1
    for step in (-1, 1):
        k, expected = _next_item(blocks, i, step, style), value + step
        while k is not None and marker_value(blocks[k].marker or "") == expected:
            count += 1
            if count > _MAX_TOPICS or not _topic_label(blocks, k):
                return False
            k, expected = _next_item(blocks, k, step, style), expected + step
    return count >= 2


def _next_item(blocks: list[Block], k: int, step: int, style: str) -> int | None:
    """The index of the next block from ``k`` in direction ``step`` with a marker of ``style``."""
    k += step
    while 0 <= k < len(blocks):
        marker = blocks[k].marker
        if marker is not None and marker_style(marker) == style:
            return k
        k += step
    return None


def _topic_label(blocks: list[Block], j: int) -> bool:
    block = blocks[j]
    rest = block.text[block.body_start - block.start :].rstrip(" :")
    words = rest.split()
    if not 1 <= len(words) <= 8 or not rest[0].isupper() or _TERMINAL.search(rest):
        return False
    if _PRONOUN_START.match(rest) or _PROPOSAL_START.match(rest) or j + 1 >= len(blocks):
        return False
    following = blocks[j + 1]
    if following.marker is not None:
        return marker_style(following.marker) != marker_style(block.marker or "")
    return bool(_PROPOSAL_START.match(following.text))


def _names_kind(block: Block, labels: Labels) -> bool:
    """A short numbered line that names a section ("2 - Nos propositions", "III) Constats")."""
    rest = block.text[block.body_start - block.start :]
    return labels.is_form_label(rest) or (labels.kind_of(rest) != "autre" and len(rest.split()) <= 5)


def _is_all_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < 4 or not all(ch.isupper() for ch in letters):
        return False
    words = text.split()
    if len(words) > 14 or text.rstrip().endswith((".", ";", ",")):
        return False
    return len(words) > 1 or len(letters) >= 6


def _is_short_titled_line(blocks: list[Block], i: int, labels: Labels) -> bool:
    """A short line of its own, like a bold heading once the styling is gone.

    It opens with a capital, has at most eight words and no sentence punctuation (a final
    "?" is allowed), does not open with a subject pronoun ("Nous proposons :" introduces a
    list), and is followed by a real paragraph or a list, or names a section kind.
    """
    text = blocks[i].text
    words = text.split()
    if not (1 <= len(words) <= 8) or len(text) > 80 or not text[0].isupper():
        return False
    if _TERMINAL.search(text) or (text.endswith(":") and not labels.is_form_label(text)):
        return False
    if _PRONOUN_START.match(text) or i + 1 >= len(blocks):
        return False
    if labels.kind_of(text) != "autre":
        return True
    following = blocks[i + 1]
    return following.marker is not None or len(following.text.split()) >= 12


def field_metadata(blocks: list[Block]) -> dict[str, str]:
    """Read "Structure porteuse : …", "Commune : …" lines into cahier metadata."""
    metadata: dict[str, str] = {}
    for block in blocks:
        if "\n" in block.text or not _LABEL_VALUE.match(block.text):
            continue
        label, _, value = block.text.partition(":")
        folded = fold(label)
        for key, name in _FIELD_LABELS:
            if key in folded and value.strip():
                metadata.setdefault(name, value.strip())
                break
    return metadata
