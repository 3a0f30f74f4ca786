"""The taxonomy schema: a validated description of facets and their labels.

A taxonomy has a name and one or more facets (``domains``, ``themes``…). Each facet lists its
labels; each label has an id, a French name, a description, keywords (lemmas) and example
sentences. These texts are what the zero-shot scorer reads, so a researcher can describe
another consultation's labels in a new YAML file and classify with it unchanged.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

Identifier = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Axis(_Frozen):
    """A group of labels inside a facet (the four axes of the work themes)."""

    id: Identifier
    name: Text
    description: str = ""


class Label(_Frozen):
    """One label of a facet."""

    id: Identifier
    name: Text
    short_name: str | None = None
    description: str = ""
    axis: str | None = None
    keywords: tuple[Text, ...] = ()
    examples: tuple[Text, ...] = ()

    @field_validator("description", mode="before")
    @classmethod
    def _described(cls, value: object) -> object:
        # A missing description is allowed (the name alone then describes the label); a
        # description written but left empty is a slip the zero-shot scorer would hide.
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ValueError(
                "description vide ; décrivez le label en une phrase (le classement sans apprentissage "
                "la lit) ou retirez le champ « description »"
            )
        return value

    @property
    def display_name(self) -> str:
        """The short name when there is one (for tables and charts), else the name."""
        return self.short_name or self.name


class Facet(_Frozen):
    """A dimension of classification with its labels and decision rule.

    ``threshold`` is the score from which a label is assigned; ``min_labels`` labels (the
    best ones) are assigned even below it, and never more than ``max_labels``.
    ``multi_label: false`` means exactly one label per text (the best one).
    """

    id: Identifier
    name: Text
    description: str = ""
    multi_label: bool = True
    threshold: float = Field(0.5, ge=0.0, le=1.0)
    min_labels: int = Field(1, ge=0)
    max_labels: int | None = Field(None, ge=1)
    axes: tuple[Axis, ...] = ()
    labels: tuple[Label, ...]

    @field_validator("labels")
    @classmethod
    def _unique_labels(cls, labels: tuple[Label, ...]) -> tuple[Label, ...]:
        if len(labels) < 2:
            found = f"un seul label (« {labels[0].id} »)" if labels else "aucun label"
            raise ValueError(f"{found} ; il en faut au moins 2 pour classer des textes")
        seen: set[str] = set()
        for label in labels:
            if label.id in seen:
                raise ValueError(f"l'identifiant de label « {label.id} » apparaît deux fois")
            seen.add(label.id)
        return labels

    @model_validator(mode="after")
    def _check_axes(self) -> Facet:
        axis_ids = [axis.id for axis in self.axes]
        if len(set(axis_ids)) != len(axis_ids):
            raise ValueError("deux axes portent le même identifiant")
        for label in self.labels:
            if label.axis is not None and label.axis not in axis_ids:
                allowed = ", ".join(axis_ids) if axis_ids else "aucun axe déclaré"
                raise ValueError(
                    f"le label « {label.id} » cite l'axe « {label.axis} », absent des axes de la facette "
                    f"(attendu : {allowed})"
                )
            if self.axes and label.axis is None:
                raise ValueError(f"le label « {label.id} » n'a pas d'axe alors que la facette en déclare")
        if self.max_labels is not None and self.max_labels < self.min_labels:
            raise ValueError(
                f"max_labels ({self.max_labels}) est plus petit que min_labels ({self.min_labels})"
            )
        return self

    @property
    def label_ids(self) -> tuple[str, ...]:
        return tuple(label.id for label in self.labels)

    def label(self, label_id: str) -> Label:
        for label in self.labels:
            if label.id == label_id:
                return label
        raise KeyError(label_id)

    def decide(self, scores: dict[str, float], threshold: float | None = None) -> list[str]:
        """The labels assigned from ``scores`` (label -> score) under this facet's rule."""
        cut = self.threshold if threshold is None else threshold
        ids = self.label_ids  # built once: this runs for every text and facet
        ranked = sorted(ids, key=lambda label: (-scores.get(label, 0.0), ids.index(label)))
        if not self.multi_label:
            return ranked[:1]
        chosen = [label for label in ranked if scores.get(label, 0.0) >= cut]
        if len(chosen) < self.min_labels:
            chosen = ranked[: self.min_labels]
        if self.max_labels is not None:
            chosen = chosen[: self.max_labels]
        return chosen


class Taxonomy(_Frozen):
    """A named set of facets (the default one: ``domains`` and ``themes``)."""

    name: Identifier
    version: str = "1"
    language: str = "fr"
    description: str = ""
    facets: tuple[Facet, ...] = Field(min_length=1)

    @field_validator("facets")
    @classmethod
    def _unique_facets(cls, facets: tuple[Facet, ...]) -> tuple[Facet, ...]:
        ids = [facet.id for facet in facets]
        for facet_id in ids:
            if ids.count(facet_id) > 1:
                raise ValueError(f"la facette « {facet_id} » apparaît deux fois")
        return facets

    @property
    def facet_ids(self) -> tuple[str, ...]:
        return tuple(facet.id for facet in self.facets)

    def facet(self, facet_id: str) -> Facet:
        for facet in self.facets:
            if facet.id == facet_id:
                return facet
        raise KeyError(facet_id)

    def signature(self) -> dict[str, list[str]]:
        """What a trained model depends on: the label ids of each facet, in order."""
        return {facet.id: list(facet.label_ids) for facet in self.facets}

    def fingerprint(self) -> str:
        """A short hash of the name and the label ids (descriptions may change freely)."""
        payload = json.dumps({"name": self.name, "facets": self.signature()}, sort_keys=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
