"""Reliability of what people wrote and who may do what (issue 18): four measured rows.

1. Re-ingest with annotations: ``--files`` cahiers (generated, seeded) are stored, three
   annotations per file are saved (cahier domain, two paragraph themes), then every path that
   replaces or removes a source runs: the files changed on disk and ingested again (one annotated
   paragraph rewritten in half of them, a paragraph added before it in all), a re-upload through
   « Importer » of changed bytes, and the removal of files. Counted: annotations before, after
   (on units + detached for review), lost = before - after.
2. Role x action matrix: every action of the issue (import, retrain, make current, topic edits,
   masking off, corpus exports, annotate) called through the library for each role; the expected
   matrix is written here, not read from the code. Counted: calls allowed where the role lacks
   the right, calls refused where it has it (for the cheap calls).
3. Login brute force: wrong passwords on one account from fresh "sessions" (nothing kept between
   tries but the server's throttle), real argon2id verifications; then one address trying many
   accounts. Counted: verifications before the lockout, right password refused while locked,
   accepted once the lockout expired (clock moved past it).
4. Disk full and other OS errors at every step: ingest and a synthesis save with SQLite's real
   "database or disk is full" (the file may not grow: ``PRAGMA max_page_count``); each pipeline
   step, ``topics-edit``, ``export`` and ``backup`` with the error raised where it would come from
   (SQLite's error, ``OSError`` ENOSPC / EACCES / EROFS). Counted: tracebacks and English error
   texts printed, French sentences, databases failing ``PRAGMA integrity_check``, stored sources
   lost.

    .venv/bin/python benchmarks/reliability_benchmark.py            # 20 files, ~1-2 min
    .venv/bin/python benchmarks/reliability_benchmark.py --files 40

The PII-variants row of the README's reliability table comes from ``benchmarks/eval_privacy.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import io
import os
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ess_nlp.store import Store  # noqa: E402

SEED = 18
WORDS = ["coopérative", "épicerie", "jardin", "partagé", "bénévoles", "quartier", "monnaie", "locale", "habitat", "emploi", "insertion", "mobilité", "solidaire", "financement", "circuit", "court", "recyclerie", "formation", "jeunes", "territoire", "association"]


# --- 1. re-ingest with annotations -------------------------------------------------------------


def cahier(rng: random.Random, n: int, variant: int = 0) -> str:
    def sentence() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(10)).capitalize() + "."

    first = f"Constat {n} : les {rng.choice(WORDS)} manquent de locaux dans le quartier {n}."
    second = f"Constat {n} bis : " + sentence()
    if variant == 2:  # the second annotated paragraph rewritten
        second = f"Constat {n} bis réécrit : " + sentence()
    added = f"Paragraphe ajouté {n}.\n\n" if variant else ""
    return (
        f"Cahier de l'association {n}\n\nConstats\n\n{added}{first}\n\n{second}\n\n"
        f"Nos propositions\n\n1. Créer un fonds {n} pour les {rng.choice(WORDS)}."
    )


def count_annotations(store: Store) -> tuple[int, int]:
    """(annotations on units, detached annotations kept for review)."""
    conn = store.conn
    tables = ("app_annotations", "annotations")  # every save (history), and the current labels
    on_units = sum(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables)
    detached = conn.execute("SELECT count(*) FROM detached_annotations").fetchone()[0]
    return on_units, detached


def annotate(store: Store, source: str) -> int:
    from ess_nlp.annotate.annotations import save_annotation

    units = list(store.units(source=source))
    cahiers = [u for u in units if u.level == "cahier"]
    paragraphs = [u for u in units if u.level == "paragraph" and u.text.startswith("Constat")]
    save_annotation(store, cahiers[0].id, "domains", ["consommer"], annotator="alice", seen=None)
    for unit, theme in zip(paragraphs[:2], ("T11", "T7"), strict=False):
        save_annotation(store, unit.id, "themes", [theme], annotator="bob", seen=None)
    return 1 + min(2, len(paragraphs))


def reingest_row(work: Path, files: int) -> dict[str, Any]:
    from ess_nlp.access import User
    from ess_nlp.pipeline import ingest_paths
    from ess_nlp.uploads import import_upload

    staff = User("sam", "Sam", "equipe")
    rng = random.Random(SEED)
    folder = work / "cahiers"
    folder.mkdir()
    texts = {n: cahier(random.Random(SEED + n), n) for n in range(files)}
    for n, text in texts.items():
        (folder / f"cahier-{n:03d}.txt").write_text(text, encoding="utf-8")
    uploads = list(range(files, files + max(2, files // 4)))
    started = time.perf_counter()
    with Store(work / "annotations.sqlite3") as store:
        ingest_paths([folder], store)
        for n in uploads:
            import_upload(store, f"upload-{n}.txt", cahier(random.Random(SEED + n), n).encode(), user=staff)
        saved = sum(annotate(store, row["path"]) for row in store.sources())
        before = sum(count_annotations(store))
        # 1. files changed on disk, ingested again
        for n in texts:
            variant = 2 if rng.random() < 0.5 else 1
            (folder / f"cahier-{n:03d}.txt").write_text(cahier(random.Random(SEED + n), n, variant), encoding="utf-8")
        ingest_paths([folder], store)
        after_changed = sum(count_annotations(store))
        # 2. re-upload of changed bytes through « Importer »
        for n in uploads:
            import_upload(store, f"upload-{n}.txt", cahier(random.Random(SEED + n), n, 2).encode(), user=staff)
        after_upload = sum(count_annotations(store))
        # 3. files removed from the base
        removed = [row["path"] for row in store.sources()][: max(1, files // 4)]
        for path in removed:
            store.remove_source(path)
        on_units, detached = count_annotations(store)
        integrity = store.integrity_problems()
    return {
        "files": files + len(uploads),
        "annotations saved": saved,
        "annotation records before (saves + current labels)": before,
        "after changed files": after_changed,
        "after re-upload": after_upload,
        "after removals": on_units + detached,
        "on units": on_units,
        "detached for review": detached,
        "lost": before - (on_units + detached),
        "integrity problems": len(integrity),
        "seconds": round(time.perf_counter() - started, 1),
    }


# --- 2. role x action matrix ---------------------------------------------------------------------

# action: roles allowed (issue 18), written out here, not read from the code
MATRIX = {
    "import": {"equipe"},
    "retrain": {"chercheur", "equipe"},
    "make_current": {"equipe"},
    "edit_topics": {"chercheur", "equipe"},
    "unmask": {"equipe"},
    "export_corpus": {"chercheur", "equipe"},
    "annotate": {"facilitateur", "chercheur", "equipe"},
}


def matrix_row(work: Path) -> dict[str, Any]:
    import hashlib

    from ess_nlp import uploads as importing
    from ess_nlp.access import AccessDenied, User, can
    from ess_nlp.annotate import retraining
    from ess_nlp.export import export
    from ess_nlp.records import Document
    from ess_nlp.segment import split_document
    from ess_nlp.topics import edit_topics, rename_edit

    users = {
        "facilitateur": User("amelie", "Amélie", "facilitateur", ("t4",)),
        "chercheur": User("bea", "Béa", "chercheur", ("t5",)),
        "equipe": User("sam", "Sam", "equipe"),
    }
    store = Store(work / "matrix.sqlite3")
    text = "Un cahier\n\nNous proposons de mutualiser les locaux. Contact : marie.dupont@exemple.fr"
    doc = Document(source="a.txt", text=text, format="txt", sha256=hashlib.sha256(text.encode()).hexdigest())
    store.add_document(doc, split_document(doc))
    calls: dict[str, Callable[[Any], object]] = {
        "import": lambda user: importing.import_upload(store, "b.txt", b"Autre cahier\n\nTexte.", user=user),
        "retrain": lambda user: retraining.retrain(store, facets=["domains"], user=user),
        "make_current": lambda user: retraining.make_current(store, object(), user=user),
        "edit_topics": lambda user: edit_topics(store, "sentence", rename_edit(0, "x", who="w"), user=user),
        "unmask": lambda user: export(store, fmt="md", theme="T4", mask=False, user=user),
        "export_corpus": lambda user: export(store, fmt="iramuteq", theme="T4", user=user),
    }
    cells = allowed_without_right = refused_with_right = policy_mismatch = 0
    for action, roles in MATRIX.items():
        for role, user in users.items():
            cells += 1
            if can(user, action) != (role in roles):  # type: ignore[arg-type]
                policy_mismatch += 1
            call = calls.get(action)
            if call is None:
                continue
            try:
                call(user)
                denied = False
            except AccessDenied:
                denied = True
            except Exception:  # allowed, then failed on this tiny base (no model, no topics): not a refusal
                denied = False
            if role not in roles and not denied:
                allowed_without_right += 1
            if role in roles and denied:
                refused_with_right += 1
    sources = store.conn.execute("SELECT count(*) FROM sources").fetchone()[0]
    store.close()
    return {
        "cells": cells,
        "library calls allowed where the role lacks the right": allowed_without_right,
        "refused where the role has it": refused_with_right,
        "policy cells differing from the issue's matrix": policy_mismatch,
        "sources after (import refused to non-staff, then done by staff)": sources,
    }


# --- 3. login brute force ------------------------------------------------------------------------


def login_row(work: Path, tries: int) -> dict[str, Any]:
    from ess_nlp.access import LoginLockedError, LoginThrottle, UsersFile, _users

    now = [1000.0]
    _users.THROTTLE = LoginThrottle(clock=lambda: now[0])
    throttle = _users.THROTTLE
    users = UsersFile.load(work / "users.toml", missing_ok=True)
    users.add_user("amelie", role="facilitateur", name="Amélie", password="un mot de passe long")
    verified = locked = 0
    started = time.perf_counter()
    with contextlib.redirect_stderr(io.StringIO()):  # the failures are logged (without the password)
        for n in range(tries):
            try:
                users.authenticate("amelie", f"essai-{n}", address=f"10.0.{n // 250}.{n % 250}")
                verified += 1
            except LoginLockedError:
                locked += 1
        try:
            users.authenticate("amelie", "un mot de passe long", address="10.9.9.9")
            right_while_locked = "accepted"
        except LoginLockedError:
            right_while_locked = "refused"
        now[0] += throttle.lockout + 1
        after = users.authenticate("amelie", "un mot de passe long", address="10.9.9.9") is not None
        spread = 0
        for n in range(throttle.address_failures + 10):  # one address, many accounts
            try:
                users.authenticate(f"inconnu{n}", "faux", address="192.0.2.7")
                spread += 1
            except LoginLockedError:
                pass
    return {
        "wrong passwords tried": tries,
        "verified before the lockout": verified,
        "turned away while locked": locked,
        "right password while locked": right_while_locked,
        "right password after the lockout": "accepted" if after else "refused",
        "lockout minutes": round(throttle.lockout / 60),
        "one address, many accounts: verified before its lockout": spread,
        "seconds": round(time.perf_counter() - started, 1),
    }


# --- 4. disk full and other OS errors ------------------------------------------------------------


@contextlib.contextmanager
def patched(obj: Any, name: str, value: Any) -> Iterator[None]:
    old = getattr(obj, name)
    setattr(obj, name, value)
    try:
        yield
    finally:
        setattr(obj, name, old)


def capped_store() -> contextlib.AbstractContextManager[None]:
    """Every Store opened meanwhile may not grow its file: SQLite's real SQLITE_FULL."""
    original = Store.__init__

    def capped(self: Store, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
        self.conn.execute(f"PRAGMA max_page_count = {pages}")

    return patched(Store, "__init__", capped)


def cli(args: list[str]) -> tuple[int, str]:
    from ess_nlp.cli import main

    err, out = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            main(args)
        except SystemExit as exit_:
            code = int(exit_.code or 0)
    return code, err.getvalue() + out.getvalue()


def refusing_replace(target: Path, number: int) -> contextlib.AbstractContextManager[None]:
    real = os.replace

    def replace(src: Any, dst: Any) -> None:
        if str(dst) == str(target):
            raise OSError(number, os.strerror(number), str(dst))
        real(src, dst)

    return patched(os, "replace", replace)


def failing_step(name: str, error: BaseException) -> contextlib.AbstractContextManager[None]:
    from ess_nlp.pipeline import STEPS

    module, func = dict(STEPS)[name].split(":")

    def step(store: Store, progress: Any = None) -> Any:
        with store.transaction() as conn:
            conn.execute("UPDATE sources SET ingested_at = 'demi-étape'")  # half a step written, then the error
            raise error

    return patched(importlib.import_module(module), func, step)


def disk_row(work: Path) -> dict[str, Any]:
    from ess_nlp.pipeline import STEPS
    from ess_nlp.synthesis import Scope, Synthesis, create_synthesis, edit, save_synthesis

    folder = work / "disque"
    folder.mkdir()
    (folder / "a.txt").write_text(cahier(random.Random(SEED), 1), encoding="utf-8")
    db = work / "disque.sqlite3"
    code, _ = cli(["ingest", str(folder), "--db", str(db), "--quiet"])
    assert code == 0
    with Store(db) as store:
        saved = create_synthesis(store, Synthesis("Financer", Scope("theme", "T4")), author="amelie")
    big = work / "gros"
    big.mkdir()
    (big / "b.txt").write_text(cahier(random.Random(SEED), 2) + "\n\n" + "Nous proposons de mutualiser. " * 4000, encoding="utf-8")
    full = sqlite3.OperationalError("database or disk is full")
    cases: dict[str, Callable[[], tuple[int, str]]] = {}
    cases["ingest (SQLite full)"] = lambda: _with(capped_store(), lambda: cli(["ingest", str(big), "--db", str(db), "--quiet"]))
    for name, _ in STEPS:
        cases[f"step {name} (SQLite full)"] = lambda name=name: _with(failing_step(name, full), lambda: _run_step(db, name))
        cases[f"step {name} (ENOSPC)"] = lambda name=name: _with(
            failing_step(name, OSError(errno.ENOSPC, "No space left on device", f"models/{name}")), lambda: _run_step(db, name)
        )

    def topics_edit() -> tuple[int, str]:
        import ess_nlp.topics

        def refused(*args: Any, **kwargs: Any) -> Any:
            raise full

        with patched(ess_nlp.topics, "edit_topics", refused):
            return cli(["topics-edit", "--db", str(db), "--name", "section", "--who", "a", "--rename", "1", "--label", "x"])

    cases["topics-edit (SQLite full)"] = topics_edit
    out = work / "export.md"
    cases["export (ENOSPC)"] = lambda: _with(
        refusing_replace(out, errno.ENOSPC), lambda: cli(["export", "--theme", "T4", "-f", "md", "-o", str(out), "--db", str(db)])
    )
    for number in (errno.ENOSPC, errno.EACCES, errno.EROFS):
        copy = work / f"copie-{number}.sqlite3"
        cases[f"backup ({errno.errorcode[number]})"] = lambda copy=copy, number=number: _with(
            refusing_replace(copy, number), lambda: cli(["backup", str(copy), "--db", str(db)])
        )

    def synthesis_save() -> tuple[int, str]:
        from ess_nlp.errors import EssNlpError

        with capped_store(), Store(db) as store:
            try:
                save_synthesis(store, saved.id, edit.set_introduction(saved.doc, "Intro. " * 20000), base_version=1, author="amelie")
            except EssNlpError as err:  # what the app shows (st.error)
                return 1, str(err)
        return 0, ""

    cases["synthesis save (SQLite full)"] = synthesis_save
    sources = _sources(db)
    results = []
    for name, case in cases.items():
        code, text = case()
        results.append(
            {
                "case": name,
                "exit": code,
                "traceback": "Traceback" in text or "erreur inattendue" in text,
                "english": any(w in text for w in ("OperationalError", "No space left", "Permission denied", "Read-only")),
                "french": any(w in text for w in ("disque plein", "droits insuffisants", "lecture seule")),
                "integrity ok": _integrity(db),
                "sources kept": _sources(db) == sources,
            }
        )
    with Store(db) as store:
        version = store.conn.execute("SELECT version FROM syntheses WHERE id = ?", (saved.id,)).fetchone()[0]
    return {
        "cases": len(results),
        "tracebacks": sum(r["traceback"] for r in results),
        "English error texts": sum(r["english"] for r in results),
        "French sentences": sum(r["french"] for r in results),
        "non-zero exits": sum(r["exit"] != 0 for r in results),
        "integrity failures": sum(not r["integrity ok"] for r in results),
        "sources lost": sum(not r["sources kept"] for r in results),
        "synthesis still at version 1": version == 1,
        "details": results,
    }


def _with(context: contextlib.AbstractContextManager[None], call: Callable[[], tuple[int, str]]) -> tuple[int, str]:
    with context:
        return call()


def _run_step(db: Path, name: str) -> tuple[int, str]:
    """One pipeline step as ``ess-nlp run`` runs it: its report line is what is printed."""
    from ess_nlp.pipeline import STEP_LABELS, run_steps

    with Store(db) as store:
        [report] = run_steps(store, steps=[name])
    return (1 if report.failed else 0), f"{STEP_LABELS[name]} : {report.summary}"


def _integrity(db: Path) -> bool:
    with sqlite3.connect(db) as conn:
        return bool(conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok") and not conn.execute(
            "PRAGMA foreign_key_check"
        ).fetchall()


def _sources(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT path FROM sources ORDER BY path")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--files", type=int, default=20, help="cahiers for the re-ingest row")
    parser.add_argument("--tries", type=int, default=50, help="wrong passwords for the brute-force row")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ess-reliability-") as tmp:
        work = Path(tmp)
        rows = {
            "re-ingest with annotations": reingest_row(work, args.files),
            "role x action matrix": matrix_row(work),
            "login brute force": login_row(work, args.tries),
            "disk full and OS errors": disk_row(work),
        }
    for title, row in rows.items():
        print(f"\n## {title}")
        for key, value in row.items():
            if key == "details":
                for case in value:
                    print("   ", case)
            else:
                print(f"  {key}: {value}")


if __name__ == "__main__":
    main()
