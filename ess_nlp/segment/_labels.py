"""The section-label data file (``labels.yaml``) and what is derived from it."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

import yaml

from ess_nlp.records import SECTION_KINDS
from ess_nlp.segment._blocks import fold


@dataclass(frozen=True)
class Labels:
    form_labels: dict[str, str]  # folded label -> kind
    kind_keywords: tuple[tuple[str, str], ...]  # (folded keyword, kind)
    banner_patterns: tuple[re.Pattern[str], ...]
    title_labels: tuple[re.Pattern[str], ...]
    separator_chars: str
    toc_labels: frozenset[str] = frozenset()
    heading_labels: frozenset[str] = frozenset()
    annex_patterns: tuple[re.Pattern[str], ...] = ()
    signatory_patterns: tuple[re.Pattern[str], ...] = ()
    letter_patterns: tuple[re.Pattern[str], ...] = ()
    salutations: tuple[re.Pattern[str], ...] = ()

    def kind_of(self, heading: str) -> str:
        """The section kind a heading announces: exact form label first, else the earliest keyword."""
        folded = _strip_heading(fold(heading))
        if folded in self.form_labels:
            return self.form_labels[folded]
        best: tuple[int, str] | None = None
        for keyword, kind in self.kind_keywords:
            pos = folded.find(keyword)
            if pos >= 0 and (best is None or pos < best[0]):
                best = (pos, kind)
        return best[1] if best else "autre"

    def is_form_label(self, text: str) -> bool:
        return _strip_heading(fold(text)) in self.form_labels

    def is_heading_label(self, text: str) -> bool:
        """"Exemple : la conserverie du Sud-Loire", "Annexe 2 : liste des thèmes": a label that
        introduces a heading, not a form field."""
        label = fold(text.split(":", 1)[0])
        label = re.sub(r"\s*(?:n[°o]\s*)?(?:\d{1,2}|[ivx]{1,4})$", "", label).strip()
        return ":" in text and label in self.heading_labels

    def is_toc_label(self, text: str) -> bool:
        """"Sommaire", "TABLE DES MATIÈRES", "Sommaire :"."""
        return len(text) < 40 and _strip_heading(fold(text)) in self.toc_labels

    def is_letter_line(self, folded: str) -> bool:
        return any(p.search(folded) for p in self.letter_patterns)

    def is_salutation(self, folded: str) -> bool:
        return len(folded) < 80 and any(p.match(folded) for p in self.salutations)


def _strip_heading(folded: str) -> str:
    """Drop numbering, markdown hashes and trailing punctuation from a folded heading."""
    folded = re.sub(r"^#+\s*", "", folded)
    folded = re.sub(r"^(?:\d{1,2}|[ivx]{1,4}|[a-h])\s*[-–—.)°]\s*", "", folded)
    return folded.strip(" :.-–—*").strip()


@functools.cache
def load_labels() -> Labels:
    raw = yaml.safe_load(resources.files("ess_nlp.segment").joinpath("labels.yaml").read_text("utf-8"))
    form_labels = {
        _strip_heading(fold(label)): kind for kind, labels in raw["form_labels"].items() for label in labels
    }
    keywords = tuple((fold(word), kind) for kind, words in raw["kind_keywords"].items() for word in words)
    assert set(raw["form_labels"]) <= set(SECTION_KINDS), "labels.yaml names an unknown section kind"
    return Labels(
        form_labels=form_labels,
        kind_keywords=keywords,
        banner_patterns=tuple(re.compile(p, re.IGNORECASE) for p in raw["banner_patterns"]),
        title_labels=tuple(re.compile(p, re.IGNORECASE) for p in raw["title_labels"]),
        separator_chars=raw["separator_chars"],
        toc_labels=frozenset(fold(label) for label in raw.get("toc_labels", ())),
        heading_labels=frozenset(fold(label) for label in raw.get("heading_labels", ())),
        annex_patterns=tuple(re.compile(p) for p in raw.get("annex_patterns", ())),
        signatory_patterns=tuple(re.compile(p) for p in raw.get("signatory_patterns", ())),
        letter_patterns=tuple(re.compile(p) for p in raw.get("letter_patterns", ())),
        salutations=tuple(re.compile(p) for p in raw.get("salutations", ())),
    )
