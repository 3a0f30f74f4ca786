"""Databases the app tests run on (shared by tests/app and tests/e2e; loaded by file path).

- ``build_sample_db``: the README's main command (``ess_nlp.pipeline.run``) over the sample
  corpus (``corpus/sample``; rendered from its specs into a temporary folder when the rendered
  files are not in the working tree).
- ``build_edge_db``: hand-made cahiers for the bad-input cases (no sections, HTML and script
  tags in the text, an empty file's worth of nothing).
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DIR = ROOT / "corpus" / "sample"


def sample_corpus(tmp: Path) -> Path:
    """The sample corpus folder (rendered into ``tmp`` when absent from the working tree)."""
    if SAMPLE_DIR.is_dir() and any(SAMPLE_DIR.rglob("*.*")):
        return SAMPLE_DIR
    subprocess.run(
        [sys.executable, str(ROOT / "corpus" / "authoring" / "build.py"), "--out", str(tmp)],
        check=True,
        capture_output=True,
    )
    return tmp / "sample"


def build_sample_db(db: Path, tmp: Path) -> Path:
    from ess_nlp.pipeline import run
    from ess_nlp.store import Store

    with Store(db) as store:
        report = run([sample_corpus(tmp)], store)
    failed = [s.message for s in report.sources if s.outcome == "failed"]
    assert not failed, failed
    return db


_BUILT: dict[str, Path] = {}


def _sample_key() -> str:
    """What the sample database depends on: the corpus, the library's code and the models."""
    digest = hashlib.sha256()
    for folder, pattern in (
        (SAMPLE_DIR, "*"),
        (ROOT / "ess_nlp", "*.py"),
        (ROOT / "ess_nlp", "*.sql"),
        (ROOT / "models", "*"),
    ):
        for path in sorted(folder.rglob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def shared_sample_db(tmp_path_factory: object) -> Path:
    """The sample database, built once per test session (tests/app and tests/e2e share it, and
    so do the pytest-xdist workers: the first builds it under a file lock in the session's
    temporary folder, keyed by the corpus, code and models; the others wait and reuse it).
    Tests that write must work on a copy (:func:`copy_db`)."""
    return _shared_db(tmp_path_factory, "sample", lambda db, work: build_sample_db(db, work))


def shared_hostile_db(tmp_path_factory: object) -> Path:
    """:func:`hostile_db` over the sample database, built once per test session as
    :func:`shared_sample_db` is (tests/app and tests/e2e each built it; issue 14: suite time).
    Tests that write must work on a copy (:func:`copy_db`)."""
    sample = shared_sample_db(tmp_path_factory)
    return _shared_db(tmp_path_factory, "hostile", lambda db, work: hostile_db(sample, db))


def _shared_db(tmp_path_factory: object, name: str, build: Callable[[Path, Path], object]) -> Path:
    """``<name>.sqlite3`` in the session's shared folder, made once by ``build(database, work
    folder)`` under a file lock: the first pytest-xdist worker builds it, the others wait for it."""
    import fcntl
    import os

    if name not in _BUILT:
        base = Path(tmp_path_factory.getbasetemp())  # type: ignore[attr-defined]
        shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
        folder = shared / f"sample-db-{_sample_key()}"
        folder.mkdir(parents=True, exist_ok=True)
        db = folder / f"{name}.sqlite3"
        with open(folder / f"{name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not db.exists():
                work = folder / name
                work.mkdir(exist_ok=True)
                partial = work / "partial.sqlite3"
                for stale in work.glob("partial.sqlite3*"):
                    stale.unlink()
                build(partial, work)
                copy_db(partial, folder / f"{name}-built.sqlite3")
                (folder / f"{name}-built.sqlite3").rename(db)
        _BUILT[name] = db
    return _BUILT[name]


def copy_db(source: Path, target: Path) -> Path:
    from ess_nlp.store import Store

    with Store(source) as src, Store(target) as dst:
        src.conn.backup(dst.conn)
    return target


EDGE_TEXTS = {
    "edge/sans-sections.txt": (
        "Une lettre sans aucun titre de section\n\n"
        "Nous écrivons simplement pour dire que la coopérative fonctionne bien depuis dix ans. "
        "Il faudrait que la commune soutienne davantage les épiceries solidaires."
    ),
    "edge/balises.txt": (
        "<script>alert('xss')</script> Cahier <b>piégé</b>\n\n"
        "Constat :\n\n"
        "Le texte contient des balises <img src=x onerror=alert(1)> et des <i>italiques</i> & des esperluettes.\n\n"
        "Nos propositions\n\n"
        "1. De créer un <script>fonds</script> régional de garantie."
    ),
    "edge/contact.txt": (
        "Le fournil partagé de Saint-Aubin\n\n"
        "Nous proposons de mutualiser les fours à pain des villages du canton.\n\n"
        "Contact : Marie Dupont, 06 12 34 56 78, marie.dupont@exemple.fr"
    ),
}


def build_edge_db(db: Path) -> Path:
    from ess_nlp.records import Document
    from ess_nlp.segment import split_document
    from ess_nlp.store import Store

    with Store(db) as store:
        for source, text in EDGE_TEXTS.items():
            doc = Document(
                source=source,
                text=text,
                format="txt",
                sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            )
            store.add_document(doc, split_document(doc))
    return db


def topics_db(sample: Path, target: Path) -> Path:
    from ess_nlp.store import Store
    from ess_nlp.topics import run_topics, topic_models

    copy_db(sample, target)
    with Store(target) as store:
        if not topic_models(store):
            run_topics(store)
    return target


GOLD = ROOT / "corpus" / "gold" / "sample.jsonl"


def annotate_from_gold(db: Path, annotator: str = "Équipe (gold)") -> int:
    """Save the gold domains and themes of every sample cahier as app annotations (as a person
    labelling the cahiers would); returns the number of cahiers labelled."""
    import json

    from ess_nlp.annotate.annotations import latest_revision, save_annotation
    from ess_nlp.store import Store

    gold = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    done = 0
    with Store(db) as store:
        sources = [row["path"] for row in store.sources()]
        for row in gold:
            path = next((p for p in sources if p.replace("\\", "/").endswith("/" + row["source"])), None)
            if path is None:
                continue
            cahiers = list(store.units("cahier", source=path))
            if row["order"] >= len(cahiers):
                continue
            unit = cahiers[row["order"]].id
            for facet in ("domains", "themes"):
                seen = latest_revision(store, unit, facet)
                save_annotation(store, unit, facet, row[facet], annotator=annotator, seen=seen)
            done += 1
    return done


def labelled_db(sample: Path, target: Path) -> Path:
    copy_db(sample, target)
    annotate_from_gold(target)
    return target


def hostile_db(sample: Path, target: Path) -> Path:
    """A copy of the sample database plus every hostile input of issue 17 (small sizes, from
    ``tests/ingest/hostile_files.py``) ingested beside it, then classified and extracted: the
    good files among them stored, with their odd names, markup and formulas."""
    from ess_nlp.ingest import Limits
    from ess_nlp.pipeline import ingest_paths, run_steps
    from ess_nlp.store import Store

    sys.path.insert(0, str(ROOT / "tests" / "ingest"))
    from hostile_files import cases, write_good_files

    folder = target.parent / "hostile"
    folder.mkdir(parents=True, exist_ok=True)
    write_good_files(folder)
    for case in cases():
        sub = folder / case.name
        sub.mkdir(exist_ok=True)
        case.make(sub, 0.01)
    copy_db(sample, target)
    with Store(target) as store:
        ingest_paths([folder], store, limits=Limits(max_text_chars=300_000, max_rows=2_000))
        run_steps(store, steps=["classify", "extract"])
    return target
