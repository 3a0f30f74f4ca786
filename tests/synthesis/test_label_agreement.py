"""The overview, the theme drafts and the exports read a unit's labels by one rule: a person's
annotation replaces the model's labels (issue 14). The test fails if any two of them disagree."""

from __future__ import annotations

import re
import sys

import pytest

from ess_nlp.annotate import annotations
from ess_nlp.export import export
from ess_nlp.export.iramuteq import sanitise_modality
from ess_nlp.store import Store, views
from ess_nlp.store.views import corpus as corpus_view
from ess_nlp.synthesis import draft_synthesis, resolve_scope, select_scope
from ess_nlp.taxonomy import load_taxonomy

corpus = sys.modules["ess_synthesis_corpus"]


def _overview(store: Store, facet: str) -> dict[str, set[str]]:
    frame = corpus_view.unit_labels(store, "cahier")
    out: dict[str, set[str]] = {}
    for row in frame[frame["facet"] == facet].itertuples():
        out.setdefault(row.unit, set()).add(row.label)
    return out


def _drafts(store: Store, facet: str, kind: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for label in load_taxonomy().facet(facet).labels:
        for cahier in select_scope(store, resolve_scope(store, kind, label.id)).cahiers:
            out.setdefault(cahier, set()).add(label.id)
    return out


def _iramuteq(store: Store, facet: str, kind: str) -> dict[str, set[str]]:
    """For each cahier, the labels whose IRaMuTeQ export holds it; the first label written on
    its star line must be one of them (cahiers are found by their title, the text's first line)."""
    by_title = {u.title: u.id for u in store.units("cahier")}
    variable = "theme" if facet == "themes" else "domaine"
    out: dict[str, set[str]] = {}
    for label in load_taxonomy().facet(facet).labels:
        data = export(store, fmt="iramuteq", **{kind: label.id}, mask=False).data.decode("utf-8")  # type: ignore[arg-type]
        for block in data.split("**** ")[1:]:
            star, _, text = block.partition("\n")
            cahier = by_title[text.splitlines()[0].strip()]
            out.setdefault(cahier, set()).add(label.id)
            first = re.search(rf"\*{variable}_(\S+)", star)
            assert first is not None, star
            assert first.group(1) in {sanitise_modality(x) for x in _overview(store, facet)[cahier]}
    return out


@pytest.fixture
def annotated(store: Store) -> tuple[Store, str, str]:
    cahiers = sorted(u.id for u in store.units("cahier"))
    moved, kept = cahiers[0], cahiers[1]
    corpus.add_predictions(
        store,
        [(moved, "themes", "T4", 0.9), (kept, "themes", "T4", 0.8), (moved, "domains", "financer", 0.7)],
    )
    annotations.save_annotation(store, moved, "themes", ["T5"], annotator="alice", seen=None)
    return store, moved, kept


def test_an_annotation_moves_the_cahier_in_overview_and_draft(annotated: tuple[Store, str, str]) -> None:
    store, moved, kept = annotated
    assert _overview(store, "themes")[moved] == {"T5"}
    assert _overview(store, "themes")[kept] == {"T4"}
    t4 = select_scope(store, resolve_scope(store, "theme", "T4"))
    t5 = select_scope(store, resolve_scope(store, "theme", "T5"))
    assert moved not in t4.cahiers and kept in t4.cahiers
    assert moved in t5.cahiers and "annotations" in t5.how
    draft = draft_synthesis(store, resolve_scope(store, "theme", "T4"))
    assert moved not in {c.cahier for c in draft.citations()}


@pytest.mark.parametrize(("facet", "kind"), [("themes", "theme"), ("domains", "domain")])
def test_overview_draft_and_export_agree_on_every_label(
    annotated: tuple[Store, str, str], facet: str, kind: str
) -> None:
    store, _, _ = annotated
    overview = _overview(store, facet)
    assert overview, "the fixture gives labels"
    assert _drafts(store, facet, kind) == overview
    assert _iramuteq(store, facet, kind) == overview


def test_an_empty_annotation_removes_the_models_labels(annotated: tuple[Store, str, str]) -> None:
    store, _, kept = annotated
    annotations.save_annotation(store, kept, "themes", [], annotator="bob", seen=None)
    assert kept not in _overview(store, "themes")
    assert kept not in select_scope(store, resolve_scope(store, "theme", "T4")).cahiers


def test_without_classification_cahiers_take_their_form_domain(store: Store) -> None:
    rows = views.unit_labels(store.conn, level="cahier")
    assert rows and {x.source for x in rows} == {"form"}
    assert _drafts(store, "domains", "domain") == _overview(store, "domains")
