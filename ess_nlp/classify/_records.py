"""What scorers return: scores per facet and label, the labels assigned, and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Evidence:
    """A lemma (or lemma n-gram) of the text that raised a label's score.

    ``via`` is the word of the label's description or keywords it matched when the match went
    through word vectors (``logement`` via ``habitat``); None for an exact match or a
    supervised feature.
    """

    term: str
    weight: float
    via: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"term": self.term, "weight": round(self.weight, 6)}
        if self.via is not None:
            data["via"] = self.via
        return data


@dataclass(frozen=True)
class SentenceEvidence:
    """A sentence of the text, by offsets into it, with the label's score on that sentence alone."""

    start: int
    end: int
    score: float

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "score": round(self.score, 6)}


@dataclass(frozen=True)
class Explanation:
    """The words and sentences that carried one label's score on one text."""

    terms: tuple[Evidence, ...] = ()
    sentences: tuple[SentenceEvidence, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "terms": [t.to_json() for t in self.terms],
            "sentences": [s.to_json() for s in self.sentences],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Explanation:
        return cls(
            terms=tuple(Evidence(t["term"], float(t["weight"]), t.get("via")) for t in data.get("terms", [])),
            sentences=tuple(
                SentenceEvidence(int(s["start"]), int(s["end"]), float(s["score"]))
                for s in data.get("sentences", [])
            ),
        )


@dataclass(frozen=True)
class Prediction:
    """Scores in [0, 1] for every label of every facet, the labels assigned, explanations.

    ``explanations[facet][label]`` is filled for the assigned labels when asked for.
    ``uncertain`` lists the facets where no label was assigned because the best score was too
    low (shown as « incertain »).
    """

    scores: dict[str, dict[str, float]]
    labels: dict[str, list[str]]
    explanations: dict[str, dict[str, Explanation]] = field(default_factory=dict)
    uncertain: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "scores": {
                f: {label: round(s, 6) for label, s in scores.items()} for f, scores in self.scores.items()
            },
            "labels": self.labels,
            "uncertain": list(self.uncertain),
        }
        if self.explanations:
            data["explanations"] = {
                f: {label: e.to_json() for label, e in by_label.items()}
                for f, by_label in self.explanations.items()
            }
        return data
