"""The embedded database: one SQLite file (WAL mode) with schema migrations.

It holds the sources (their plain text and provenance), the units they were split into, a
full-text index over sentences (accent-insensitive, on words and on lemmas), and the tables
later steps add through their own migrations (predictions, extractions, topics, syntheses).

Re-adding a source whose bytes did not change does nothing; a changed source replaces its
units (and everything that references them, through ``ON DELETE CASCADE``) in one
transaction, leaving the other sources untouched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ess_nlp.errors import EssNlpError, StorageError, system_error
from ess_nlp.records import Document, Footnote, Page, Unit
from ess_nlp.settings import DEFAULT_DB, resolve_db
from ess_nlp.store._kept import AnnotationOutcome, hold_annotations, restore_annotations
from ess_nlp.store._migrations import migrate
from ess_nlp.store._query import (
    MAX_QUERY_TERMS,
    QueryError,
    check_prefix_expansion,
    fts_query,
    fts_query_with_forms,
)

__all__ = [
    "DEFAULT_DB_PATH",
    "MAX_QUERY_TERMS",
    "AddOutcome",
    "AnnotationOutcome",
    "QueryError",
    "SearchHit",
    "Store",
    "StoreBusyError",
    "fts_query",
]

# The default database when neither a path nor $ESS_NLP_DB is given (see ess_nlp.settings).
DEFAULT_DB_PATH = DEFAULT_DB

AddOutcome = Literal["added", "unchanged", "replaced", "duplicate"]

_UNIT_COLUMNS = (
    "u.id, u.level, u.parent_id, s.path AS source, u.start, u.end, u.text, u.title, u.kind, u.page,"
    " u.number, u.cahier_id, u.section_id, u.lemmas, u.metadata"
)


@dataclass(frozen=True)
class SearchHit:
    unit: Unit
    rank: float


class StoreBusyError(EssNlpError):
    """Another process kept the database locked for longer than the store's busy timeout."""

    def __init__(self, path: Path, timeout: float) -> None:
        super().__init__(
            f"La base {path} est occupée par un autre traitement (ess-nlp ingest, run ou l'application) "
            f"depuis plus de {timeout:g} s ; relancez la commande quand il sera terminé."
        )


#: The page cache of a bulk writer (:meth:`Store.bulk`), in KiB; SQLite's default is 2 MiB.
BULK_CACHE_KIB = 64 * 1024


def _locked(err: sqlite3.OperationalError) -> bool:
    return "locked" in str(err) or "busy" in str(err)


class Store:
    """A connection to the project database (created and migrated on first use).

    Several processes may use one database: a write waits up to ``timeout`` seconds for
    another process's write to end (``on_busy()``, when given, is called once a wait begins),
    then raises :class:`StoreBusyError` (a French sentence) rather than a raw SQLite error.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        timeout: float = 30.0,
        on_busy: Callable[[], None] | None = None,
    ) -> None:
        path = resolve_db(path)  # None: $ESS_NLP_DB, else var/ess_nlp.sqlite3
        self.path = Path(path)
        self.timeout = timeout
        self.on_busy = on_busy
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=timeout)
        except (OSError, sqlite3.Error) as err:
            raise self._storage_error(err) from err
        self.conn.row_factory = sqlite3.Row
        self._depth = 0
        self.last_annotations = AnnotationOutcome()  # of the latest replace or removal
        try:
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            if str(path) != ":memory:":
                self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            migrate(self.conn)
        except sqlite3.DatabaseError as err:
            self.conn.close()
            if isinstance(err, sqlite3.OperationalError) and _locked(err):
                raise StoreBusyError(self.path, timeout) from err
            raise self._storage_error(err) from err

    def _storage_error(self, err: BaseException) -> BaseException:
        """A French :class:`StorageError` naming the database for an OS or SQLite error (disk
        full, read-only…); ``err`` itself for anything else."""
        found = system_error(err, f"base {self.path}", kept="ce qui était déjà enregistré est intact")
        return found if found is not None else err

    # --- life cycle -------------------------------------------------------------------------

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def bulk(self) -> Iterator[None]:
        """For a writer storing many files in a row, a savepoint each (the pipeline's driver):
        SQLite's savepoint journals are kept in memory instead of temporary files (bounded by the
        pages one transaction changes), and restored to the default after. Outside a transaction.

        Each savepoint journals the pages it changes; past 64 KiB SQLite writes that journal to a
        temporary file, page by page: about 8 times the writes of the database itself (issue 20,
        ``strace -c`` of a run on 1,000 reports: 947,000 ``pwrite`` calls in 40 s, 121,000 with
        this). Its page cache is raised to ``BULK_CACHE_KIB`` for the time: the scores' index
        takes its rows in score order, all over the index."""
        cache = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        self.conn.execute("PRAGMA temp_store = MEMORY")
        self.conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        try:
            yield
        finally:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("PRAGMA temp_store = DEFAULT")
                self.conn.execute(f"PRAGMA cache_size = {int(cache)}")

    @contextlib.contextmanager
    def transaction(self, *, durable: bool = False) -> Iterator[sqlite3.Connection]:
        """One transaction (nested calls become savepoints); rolled back on any exception.

        ``durable=True`` is for people's edits (syntheses, annotations, topic edits): the commit
        runs with ``PRAGMA synchronous = FULL``, so once it returns the edit survives a power
        cut too; bulk pipeline writes keep ``NORMAL`` (in WAL mode, safe from crashes of the
        process, durable at the next checkpoint). Measured in ``benchmarks/durability_benchmark.py``
        and explained in docs/reliability.md. A nested call follows the outermost transaction.

        An operating-system or SQLite error (disk full, read-only disk, I/O error) becomes a
        :class:`~ess_nlp.errors.StorageError` in French naming the database: the transaction is
        rolled back and what earlier ones saved stays."""
        if durable and self._depth == 0:
            self.conn.execute("PRAGMA synchronous = FULL")
            try:
                with self.transaction() as conn:
                    yield conn
            finally:
                self.conn.execute("PRAGMA synchronous = NORMAL")
            return
        try:
            if self._depth == 0:
                self._begin()
            else:
                self.conn.execute(f"SAVEPOINT sp{self._depth}")
        except sqlite3.DatabaseError as err:
            raise self._storage_error(err) from err
        self._depth += 1
        try:
            yield self.conn
        except BaseException as err:
            self._depth -= 1
            self._rollback()
            if isinstance(err, sqlite3.DatabaseError) and not isinstance(err, StorageError):
                translated = self._storage_error(err)
                if translated is not err:
                    raise translated from err
            raise
        self._depth -= 1
        try:
            if self._depth == 0:
                self.conn.execute("COMMIT")
            else:
                self.conn.execute(f"RELEASE sp{self._depth}")
        except sqlite3.DatabaseError as err:  # e.g. the disk filled up while committing
            self._rollback()
            raise self._storage_error(err) from err

    def _rollback(self) -> None:
        """Undo the current level; SQLite may already have rolled everything back by itself
        (after a full disk), in which case there is nothing left to undo."""
        if not self.conn.in_transaction:
            return
        try:
            if self._depth == 0:
                self.conn.execute("ROLLBACK")
            else:
                self.conn.execute(f"ROLLBACK TO sp{self._depth}")
                self.conn.execute(f"RELEASE sp{self._depth}")
        except sqlite3.OperationalError:
            if self._depth == 0 and self.conn.in_transaction:
                raise

    def _begin(self) -> None:
        """BEGIN IMMEDIATE; when another process is writing, say so (``on_busy``) and wait."""
        full = int(self.timeout * 1000)
        try:
            self.conn.execute("PRAGMA busy_timeout = 0")
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as err:
                if not _locked(err):
                    raise
            if self.on_busy is not None:
                self.on_busy()
            self.conn.execute(f"PRAGMA busy_timeout = {full}")
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as err:
                if _locked(err):
                    raise StoreBusyError(self.path, self.timeout) from err
                raise
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {full}")

    # --- sources ----------------------------------------------------------------------------

    def add_document(self, doc: Document, units: Sequence[Unit], *, size: int | None = None) -> AddOutcome:
        """Store a document and its units: "added", "unchanged", "replaced" or "duplicate".

        "duplicate" means the same bytes are already stored under another path; nothing is
        written for this one.
        """
        with self.transaction() as conn:
            row = conn.execute("SELECT id, sha256 FROM sources WHERE path = ?", (doc.source,)).fetchone()
            if row is not None and row["sha256"] == doc.sha256:
                return "unchanged"
            twin = conn.execute(
                "SELECT path FROM sources WHERE sha256 = ? AND path != ?", (doc.sha256, doc.source)
            ).fetchone()
            if twin is not None:
                return "duplicate"
            held = None
            if row is not None:
                held = hold_annotations(conn, row["id"], doc.source)
                conn.execute("DELETE FROM sources WHERE id = ?", (row["id"],))
            source_id = self._insert_source(doc, size)
            self._insert_units(source_id, units)
            if held is None:
                self.last_annotations = AnnotationOutcome()
                return "added"
            self.last_annotations = restore_annotations(
                conn, held, source_id, reason="le passage annoté n'est plus dans la nouvelle version du fichier"
            )
            return "replaced"

    def _insert_source(self, doc: Document, size: int | None) -> int:
        cursor = self.conn.execute(
            "INSERT INTO sources(path, sha256, format, size, text, pages, metadata, ingested_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                doc.source,
                doc.sha256,
                doc.format,
                size if size is not None else len(doc.text.encode("utf-8")),
                doc.text,
                json.dumps([[p.number, p.start, p.end] for p in doc.pages]),
                json.dumps(dict(doc.metadata), ensure_ascii=False),
                dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            ),
        )
        source_id = int(cursor.lastrowid or 0)
        self.conn.executemany(
            "INSERT INTO footnotes(source_id, marker, anchor, text) VALUES (?, ?, ?, ?)",
            [(source_id, f.marker, f.anchor, f.text) for f in doc.footnotes],
        )
        return source_id

    def _insert_units(self, source_id: int, units: Iterable[Unit]) -> None:
        for ord_, unit in enumerate(units):
            cursor = self.conn.execute(
                "INSERT INTO units(id, source_id, level, parent_id, cahier_id, section_id, ord, title, kind,"
                " start, end, page, number, text, lemmas, metadata)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    unit.id,
                    source_id,
                    unit.level,
                    unit.parent,
                    unit.cahier,
                    unit.section,
                    ord_,
                    unit.title,
                    unit.kind,
                    unit.start,
                    unit.end,
                    unit.page,
                    unit.number,
                    unit.text,
                    unit.lemmas,
                    json.dumps(dict(unit.metadata), ensure_ascii=False),
                ),
            )
            if unit.level == "sentence":
                self.conn.execute(
                    "INSERT INTO units_fts(rowid, text, lemmas) VALUES (?, ?, ?)",
                    (cursor.lastrowid, unit.text, unit.lemmas),
                )

    def remove_source(self, path: str) -> bool:
        """Delete a source and everything derived from it, except people's annotations, kept
        detached for review (:meth:`detached_annotations`); False if it was not stored."""
        with self.transaction() as conn:
            row = conn.execute("SELECT id FROM sources WHERE path = ?", (path,)).fetchone()
            if row is None:
                return False
            held = hold_annotations(conn, row["id"], path)
            conn.execute("DELETE FROM sources WHERE id = ?", (row["id"],))
            self.last_annotations = restore_annotations(conn, held, None, reason="le fichier a été retiré de la base")
            return True

    # --- maintenance ------------------------------------------------------------------------

    def integrity_problems(self) -> list[str]:
        """SQLite's ``PRAGMA integrity_check`` and ``foreign_key_check``: an empty list when the
        database is sound, else one line per problem found."""
        found = [str(r[0]) for r in self.conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
        found += [
            f"{r[0]} (ligne {r[1]}) : référence absente dans {r[2]}" for r in self.conn.execute("PRAGMA foreign_key_check")
        ]
        return found

    def backup(self, target: str | Path) -> Path:
        """A consistent copy of the database at ``target`` through SQLite's online backup API
        (others may go on reading and writing meanwhile), written next to it then renamed; an
        existing folder, link or special file at ``target`` is refused."""
        from ess_nlp.errors import ConfigError

        target = Path(target)
        if target.is_symlink() or (target.exists() and not target.is_file()):
            raise ConfigError(f"{target} : ce n'est pas un fichier ordinaire ; indiquez le chemin du fichier de sauvegarde.")
        if target.resolve() == self.path.resolve():
            raise ConfigError(f"{target} : c'est la base elle-même ; choisissez un autre fichier de sauvegarde.")
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partiel")
        partial.unlink(missing_ok=True)
        try:
            copy = sqlite3.connect(str(partial))
            try:
                self.conn.backup(copy)
                copy.execute("PRAGMA journal_mode = DELETE")
            finally:
                copy.close()
            os.replace(partial, target)
        except (OSError, sqlite3.Error) as err:
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
            found = system_error(err, f"sauvegarde {target}", kept="la base n'a pas changé")
            if found is not None:
                raise found from err
            raise ConfigError(f"{target} : la sauvegarde n'a pas pu être écrite ({err}) ; la base n'a pas changé.") from err
        return target

    def detached_annotations(self, *, include_reviewed: bool = False) -> list[sqlite3.Row]:
        """Annotations whose passage is gone (file changed or removed), with the text they were
        about, oldest first; reviewed ones only with ``include_reviewed``."""
        where = "" if include_reviewed else " WHERE reviewed_at IS NULL"
        return list(self.conn.execute(f"SELECT * FROM detached_annotations{where} ORDER BY id"))

    def review_detached(self, detached_id: int, who: str) -> None:
        """Mark a detached annotation as seen by ``who`` (it stays stored)."""
        with self.transaction(durable=True) as conn:
            conn.execute(
                "UPDATE detached_annotations SET reviewed_at = ?, reviewed_by = ? WHERE id = ?",
                (dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), who, detached_id),
            )

    def sources(self) -> list[sqlite3.Row]:
        return list(
            self.conn.execute(
                "SELECT s.id, s.path, s.sha256, s.format, s.size, s.ingested_at,"
                " (SELECT count(*) FROM units u WHERE u.source_id = s.id AND u.level = 'cahier') AS cahiers"
                " FROM sources s ORDER BY s.path"
            )
        )

    def document(self, path: str) -> Document | None:
        """The stored plain text of a source, with its pages and footnotes."""
        row = self.conn.execute("SELECT * FROM sources WHERE path = ?", (path,)).fetchone()
        if row is None:
            return None
        footnotes = self.conn.execute(
            "SELECT marker, text, anchor FROM footnotes WHERE source_id = ? ORDER BY anchor", (row["id"],)
        )
        return Document(
            source=row["path"],
            text=row["text"],
            format=row["format"],
            sha256=row["sha256"],
            pages=tuple(Page(n, a, b) for n, a, b in json.loads(row["pages"])),
            footnotes=tuple(Footnote(f["marker"], f["text"], f["anchor"]) for f in footnotes),
            metadata=json.loads(row["metadata"]),
        )

    # --- units ------------------------------------------------------------------------------

    def units(
        self,
        level: str | None = None,
        *,
        source: str | None = None,
        cahier: str | None = None,
        ids: Sequence[str] | None = None,
    ) -> Iterator[Unit]:
        """Stored units in source order, filtered by level, source path, cahier id or ids."""
        where, params = [], []
        if level is not None:
            where.append("u.level = ?")
            params.append(level)
        if source is not None:
            where.append("s.path = ?")
            params.append(source)
        if cahier is not None:
            where.append("u.cahier_id = ?")
            params.append(cahier)
        if ids is not None:
            where.append(f"u.id IN ({','.join('?' * len(ids))})")
            params.extend(ids)
        sql = f"SELECT {_UNIT_COLUMNS} FROM units u JOIN sources s ON s.id = u.source_id"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY s.path, u.ord"
        for row in self.conn.execute(sql, params):
            yield unit_from_row(row)

    def unit(self, unit_id: str) -> Unit | None:
        return next(self.units(ids=[unit_id]), None)

    def count_units(self) -> dict[str, int]:
        return {
            row["level"]: row["n"]
            for row in self.conn.execute("SELECT level, count(*) AS n FROM units GROUP BY level")
        }

    # --- search -----------------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        lemmas: str | None = None,
        forms: Mapping[str, Sequence[str]] | None = None,
        limit: int = 200,
    ) -> list[SearchHit]:
        """Sentences matching every word of ``query`` (accents ignored), or every lemma of
        ``lemmas`` (the query's lemmas, when the caller has them), best matches first (BM25).

        ``forms`` maps a folded word of the query to other folded forms that stand for it in
        the text, its inflections (:func:`ess_nlp.inflections.Lexicon.inflections`): with
        them « créer » also finds « crée », « créé » and « créent » whatever lemma the tagger
        stored for those sentences.

        Raises :class:`QueryError` (a French sentence) when the query goes beyond the bounds of
        a search: too many words, a beginning of word (``mot*``) too short or too common."""
        words = fts_query_with_forms(query, forms) if forms else fts_query(query)
        check_prefix_expansion(self.conn, query)
        clauses = [f"text : ({words})"] if words else []
        lemma_words = _lemma_query(lemmas) if lemmas else ""
        if lemma_words:
            clauses.append(f"lemmas : ({lemma_words})")
        if not clauses:
            return []
        match = " OR ".join(f"({c})" for c in clauses)
        rows = self.conn.execute(
            f"SELECT {_UNIT_COLUMNS}, bm25(units_fts) AS rank FROM units_fts"
            " JOIN units u ON u.pk = units_fts.rowid JOIN sources s ON s.id = u.source_id"
            " WHERE units_fts MATCH ? ORDER BY rank LIMIT ?",
            (match, limit),
        )
        return [SearchHit(unit_from_row(row), float(row["rank"])) for row in rows]


def _lemma_query(lemmas: str) -> str:
    """The lemma clause: whole lemmas only (no prefix), at most as many as a query's words."""
    words = list(dict.fromkeys(re.findall(r"\w+", lemmas)))[:MAX_QUERY_TERMS]
    return " AND ".join(f'"{w}"' for w in words)


def unit_from_row(row: sqlite3.Row) -> Unit:
    return Unit(
        id=row["id"],
        level=row["level"],
        parent=row["parent_id"],
        source=row["source"],
        start=row["start"],
        end=row["end"],
        text=row["text"],
        title=row["title"],
        kind=row["kind"],
        page=row["page"],
        number=row["number"],
        cahier=row["cahier_id"],
        section=row["section_id"],
        lemmas=row["lemmas"],
        metadata=json.loads(row["metadata"]),
    )
