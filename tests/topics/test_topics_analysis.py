"""Topics per label, sizes over metadata, crossed counts and hierarchy."""

from __future__ import annotations

from topics_corpus import make_corpus

from ess_nlp.topics import (
    MISSING_VALUE,
    TopicConfig,
    fit_topics_per_label,
    label_topic_counts,
    topic_hierarchy,
    topic_sizes_by,
    topics_per_label,
)


def test_topics_per_label_counts_each_label_of_a_unit(fitted, corpus) -> None:  # type: ignore[no-untyped-def]
    ids, _, subjects = corpus
    labels = {u: [s, "tous"] for u, s in zip(ids, subjects, strict=True)}
    table = topics_per_label(fitted, labels)
    assert table.groupby("label")["count"].sum()["tous"] == len(ids)
    assert table.groupby("label")["share_of_label"].sum().round(6).eq(1.0).all()
    mobility = table[table["label"] == "mobilite"].sort_values("count").iloc[-1]
    assert mobility["share_of_label"] > 0.9
    assert mobility["keywords"] and all(isinstance(k, str) for k in mobility["keywords"])


def test_sizes_over_metadata_fill_missing_values(fitted) -> None:  # type: ignore[no-untyped-def]
    values = {u: ("rural" if n % 2 else None) for n, u in enumerate(fitted.ids)}
    table = topic_sizes_by(fitted, values)
    assert set(table["value"]) == {"rural", MISSING_VALUE}
    assert table["count"].sum() == len(fitted.ids)
    assert table.groupby("topic")["share_of_topic"].sum().round(6).eq(1.0).all()


def test_label_topic_counts_crosses_two_labelings(fitted) -> None:  # type: ignore[no-untyped-def]
    rows = {u: ["consommer", "cooperer"] for u in fitted.ids[:10]}
    cols = {u: "T11" for u in fitted.ids}
    table = label_topic_counts(fitted, rows, cols)
    assert table["count"].sum() == 20
    assert set(table["row"]) == {"consommer", "cooperer"} and set(table["column"]) == {"T11"}


def test_hierarchy_merges_every_topic_once(fitted) -> None:  # type: ignore[no-untyped-def]
    table = topic_hierarchy(fitted)
    assert len(table) == len(fitted.info) - 1
    assert sorted(table.iloc[-1]["topics"]) == fitted.topic_ids
    assert (table["distance"].diff().dropna() >= -1e-9).all()
    assert all(name for name in table["parent_name"])
    assert table["parent"].min() > max(fitted.topic_ids)


def test_separate_models_per_label() -> None:
    ids, texts, subjects = make_corpus(per_subject=10, seed=9, subjects=("mobilite", "logement"))
    models = fit_topics_per_label(
        texts, ids, dict(zip(ids, subjects, strict=True)), config=TopicConfig(seed=9)
    )
    assert sorted(models) == ["logement", "mobilite"]
    assert all(len(m.ids) == 10 for m in models.values())
