"""Saving and loading topic models: meta.json, no pickle, round trip, clear errors."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ess_nlp.errors import ModelError
from ess_nlp.topics import apply_edit, load_topic_model, predict_topics, rename_edit, save_topic_model


def test_round_trip_keeps_everything(fitted, corpus, tmp_path) -> None:  # type: ignore[no-untyped-def]
    renamed, _ = apply_edit(fitted, rename_edit(fitted.topic_ids[0], "Nom choisi"))
    folder = save_topic_model(renamed, "essai", root=tmp_path, version="v1")
    assert folder == tmp_path / "essai" / "v1"
    loaded = load_topic_model(folder)
    assert loaded.ids == renamed.ids and loaded.origin == renamed.origin
    for key in ("topics", "raw_topics", "probability", "similarity", "embeddings", "coords"):
        assert np.array_equal(getattr(loaded, key), getattr(renamed, key)), key
    assert (loaded.doc_term != renamed.doc_term).nnz == 0
    assert loaded.info == renamed.info and loaded.info[fitted.topic_ids[0]].name == "Nom choisi"
    assert loaded.config == renamed.config and loaded.next_id == renamed.next_id
    _, texts, _ = corpus
    assert np.array_equal(predict_topics(loaded, texts[:6])[0], predict_topics(renamed, texts[:6])[0])


def test_meta_json_describes_the_model(fitted, tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = save_topic_model(fitted, "essai", root=tmp_path)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    assert meta["kind"] == "topics" and meta["seed"] == fitted.config.seed
    assert meta["params"]["backend"] == "tfidf-svd" and meta["backend"]["backend"] == "tfidf-svd"
    assert meta["data"] == {"sha256": fitted.data_hash, "n_units": len(fitted.ids)}
    assert {"bertopic", "umap-learn", "hdbscan", "scikit-learn", "numpy"} <= set(meta["packages"])
    assert meta["metrics"]["n_topics"] == len(fitted.info) == meta["n_topics"]
    assert sorted(meta["files"]) == sorted(
        p.name for p in folder.iterdir() if p.name not in {"meta.json", "README.md"}
    )
    assert all(len(digest) == 64 for digest in meta["files"].values())
    assert meta["created_at"].endswith("+00:00") and "python" in meta["packages"]
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert card.startswith("# Modèle de thèmes « essai »") and fitted.info[fitted.topic_ids[0]].name in card
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]  # no temporary folder left


def test_no_pickle_in_any_array_file(fitted, tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = save_topic_model(fitted, "essai", root=tmp_path)
    for path in folder.glob("*.npz"):
        with np.load(path, allow_pickle=False) as data:  # raises if an object array was stored
            assert all(data[key].dtype != object for key in data.files)
        with zipfile.ZipFile(path) as archive:
            assert all(name.endswith(".npy") for name in archive.namelist())
    assert not list(folder.glob("*.pkl")) and not list(folder.glob("*.pickle"))


def test_bad_folders_raise_model_errors(fitted, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ModelError, match="n'existe pas"):
        load_topic_model(tmp_path / "absent")
    folder = save_topic_model(fitted, "essai", root=tmp_path, version="v1")
    with pytest.raises(ModelError, match="existe déjà"):
        save_topic_model(fitted, "essai", root=tmp_path, version="v1")
    with pytest.raises(ModelError, match="n'est pas valide"):
        save_topic_model(fitted, "../dehors", root=tmp_path)
    (folder / "arrays.npz").unlink()
    with pytest.raises(ModelError, match=r"arrays\.npz » manque"):
        load_topic_model(folder)
    other = save_topic_model(fitted, "essai", root=tmp_path, version="v2")
    meta = json.loads((other / "meta.json").read_text(encoding="utf-8"))
    (other / "meta.json").write_text(json.dumps({**meta, "format_version": 99}), encoding="utf-8")
    with pytest.raises(ModelError, match="format 99"):
        load_topic_model(other)
    tampered = save_topic_model(fitted, "essai", root=tmp_path, version="v3")
    (tampered / "topics.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ModelError, match="a été modifié"):
        load_topic_model(tampered)
    (other / "meta.json").write_text("{pas du json", encoding="utf-8")
    with pytest.raises(ModelError, match="JSON lisible"):
        load_topic_model(other)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(alphabet="abcdéèàç ,;'«»-", min_size=1, max_size=40).filter(lambda s: s.strip()))
def test_any_topic_name_survives_saving(fitted, tmp_path_factory, name: str) -> None:  # type: ignore[no-untyped-def]
    renamed, _ = apply_edit(fitted, rename_edit(fitted.topic_ids[-1], name))
    folder = save_topic_model(renamed, "essai", root=tmp_path_factory.mktemp("models"))
    assert load_topic_model(folder).info[fitted.topic_ids[-1]].name == " ".join(name.split())
