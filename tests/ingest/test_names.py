"""Any path name the operating system gives is stored and shown safely, under one identity."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ess_nlp.ingest import read_document, source_name
from ess_nlp.pipeline import ingest_paths
from ess_nlp.store import Store

GOOD = "Le Jardin du Coteau\n\nConstats\n\nLes friches se multiplient.\n\nNos propositions\n\n1. Créer un fonds.\n"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("cahier.txt", "cahier.txt"),
        ("élan solidaire.txt", "élan solidaire.txt"),
        (os.fsdecode(b"caf\xe9.txt"), "caf\\xe9.txt"),
        ("ligne\nnouvelle.txt", "ligne\\nnouvelle.txt"),
        ("tab\tret\r.txt", "tab\\tret\\r.txt"),
        ("bidi-\u202etxt.exe", "bidi-\\u202etxt.exe"),
        ("cloche\x07.txt", "cloche\\x07.txt"),
        ('guillemets "doubles" et \'simples\'.txt', 'guillemets "doubles" et \'simples\'.txt'),
    ],
)
def test_source_names_escape_what_cannot_be_stored_or_shown(name: str, shown: str) -> None:
    assert source_name(Path("/dossier") / name) == f"/dossier/{shown}"
    assert source_name(Path("/dossier") / name).encode("utf-8")  # always valid UTF-8
    assert "\n" not in source_name(Path(name))


def test_odd_names_are_stored_once_and_unchanged_on_the_next_run(tmp_path: Path) -> None:
    names = [os.fsdecode(b"caf\xe9-latin1.txt"), "ligne\nnouvelle.txt", "é" * 120 + ".txt", "<b onclick=x>gras.md"]
    folder = tmp_path / "lot"
    folder.mkdir()
    for n, name in enumerate(names):
        (folder / name).write_text(GOOD.replace("Coteau", f"Coteau n° {n}"), encoding="utf-8")
    with Store(tmp_path / "base.sqlite3") as store:
        first = ingest_paths([folder], store)
        again = ingest_paths([folder], store)
        stored = [row["path"] for row in store.sources()]
    assert [r.outcome for r in first] == ["added"] * 4, [r.message for r in first]
    assert [r.outcome for r in again] == ["unchanged"] * 4
    assert any(r.path.endswith("caf\\xe9-latin1.txt") for r in first)
    assert all("\n" not in r.path for r in first)
    assert sorted(stored) == sorted(r.path for r in first) and json.dumps(stored)  # SQLite and JSON accept every stored name


def test_read_document_names_a_non_utf8_file_safely(tmp_path: Path) -> None:
    path = tmp_path / os.fsdecode(b"vide-\xff.txt")
    path.write_bytes(b"")
    with pytest.raises(Exception) as info:
        read_document(path)
    assert str(info.value).startswith(f"{tmp_path}/vide-\\xff.txt : le fichier est vide")
    assert str(info.value).encode("utf-8")


def test_a_symlink_loop_and_a_special_file_get_their_sentence(tmp_path: Path) -> None:
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    (tmp_path / "boucle").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(tmp_path / "tube.txt")
    (tmp_path / "bon.txt").write_text(GOOD, encoding="utf-8")
    with Store(tmp_path.parent / f"{tmp_path.name}.sqlite3") as store:
        reports = {Path(r.path).name: r for r in ingest_paths([tmp_path], store)}
    assert reports["bon.txt"].outcome == "added"
    assert reports["a.txt"].message.endswith("fichier inaccessible (lien symbolique qui tourne en boucle)")
    assert "pas un fichier ordinaire" in reports["tube.txt"].message
    assert "boucle" not in reports  # a folder link is not followed


def test_upload_names_are_escaped_like_file_names() -> None:
    from ess_nlp.uploads import source_name as upload_name

    assert upload_name("C:\\Users\\moi\\été.pdf") == "import/été.pdf"
    assert upload_name("ligne\nnouvelle.txt") == "import/ligne\\nnouvelle.txt"


def test_a_symbolic_link_leaving_the_folder_is_not_followed(tmp_path: Path) -> None:
    from ess_nlp.ingest import iter_source_files

    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("mot de passe")
    folder = tmp_path / "cahiers"
    folder.mkdir()
    (folder / "bon.txt").write_text("Un cahier\n\nNous proposons de coopérer.")
    (folder / "alias.txt").symlink_to(folder / "bon.txt")  # inside: followed
    (folder / "fuite.txt").symlink_to(secret)
    outside: list[Path] = []
    found = list(iter_source_files([folder], outside=outside))
    assert sorted(p.name for p in found) == ["alias.txt", "bon.txt"]
    assert outside == [folder / "fuite.txt"]


def test_ingest_reports_the_link_it_did_not_follow(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0")
    folder = tmp_path / "cahiers"
    folder.mkdir()
    (folder / "bon.txt").write_text("Un cahier\n\nNous proposons de coopérer.")
    (folder / "passwd.txt").symlink_to(secret)
    with Store(tmp_path / "db.sqlite3") as store:
        reports = {Path(r.path).name: r for r in ingest_paths([folder], store)}
        assert reports["bon.txt"].outcome == "added"
        assert reports["passwd.txt"].outcome == "failed"
        assert "hors du dossier ingéré" in reports["passwd.txt"].message
        assert store.conn.execute("SELECT count(*) FROM sources WHERE text LIKE '%root:x%'").fetchone()[0] == 0
