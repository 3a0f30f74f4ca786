"""Figures build from computed objects, escape document text, and embed plotly.js."""

from __future__ import annotations

import re

import numpy as np
import plotly.graph_objects as go

from ess_nlp.topics import label_topic_counts, topic_sizes_by, topics_per_label
from ess_nlp.topics.figures import (
    document_map,
    hierarchy_figure,
    label_heatmap,
    topic_keywords_figure,
    topic_sizes_by_figure,
    topic_sizes_figure,
    topics_per_label_figure,
    write_html,
)


def test_document_map_uses_stored_coordinates_and_escapes_text(fitted) -> None:  # type: ignore[no-untyped-def]
    texts = {unit: "<script>alert(1)</script> texte" for unit in fitted.ids}
    fig = document_map(fitted, texts=texts)
    assert isinstance(fig, go.Figure)
    xs = np.concatenate([np.asarray(trace.x) for trace in fig.data])
    assert sorted(xs.tolist()) == sorted(fitted.coords[:, 0].tolist())
    assert sum(len(trace.x) for trace in fig.data) == len(fitted.ids)
    hover = " ".join(" ".join(trace.text) for trace in fig.data)
    assert "<script>" not in hover and "&lt;script&gt;" in hover


def test_every_figure_builds(fitted, corpus) -> None:  # type: ignore[no-untyped-def]
    ids, _, subjects = corpus
    domains = dict(zip(ids, subjects, strict=True))
    themes = {u: ["T1", "T11"] if n % 3 else ["T5"] for n, u in enumerate(ids)}
    figures = [
        topic_sizes_figure(fitted),
        topic_keywords_figure(fitted),
        hierarchy_figure(fitted),
        label_heatmap(label_topic_counts(fitted, domains, themes)),
        topic_sizes_by_figure(topic_sizes_by(fitted, domains), share=True),
        topics_per_label_figure(topics_per_label(fitted, themes)),
    ]
    for fig in figures:
        assert isinstance(fig, go.Figure) and len(fig.data) >= 1
    heatmap = figures[3]
    assert len(heatmap.layout.updatemenus[0].buttons) == 1 + len(fitted.info)
    assert len(figures[0].data[0].y) == len(fitted.info) + (1 if (fitted.topics == -1).any() else 0)


def test_html_embeds_plotly_js_without_cdn(fitted, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write_html(topic_sizes_figure(fitted), tmp_path / "tailles.html")
    html = path.read_text(encoding="utf-8")
    assert re.findall(r"<script[^>]*\bsrc=", html) == []  # no script loaded from elsewhere
    assert len(html) > 1_000_000 and "plotly.js v" in html  # plotly.js itself is inside


def test_empty_tables_give_an_explaining_figure(fitted) -> None:  # type: ignore[no-untyped-def]
    empty = label_topic_counts(fitted, {}, {})
    assert label_heatmap(empty).layout.annotations[0].text.startswith("Aucune")
    assert topics_per_label_figure(topics_per_label(fitted, {})).layout.annotations
