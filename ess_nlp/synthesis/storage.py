"""Syntheses in the database: create, read, save with optimistic concurrency, version history
with restore, soft delete with undo, and access checks for working groups.

Every save names the version it was based on; when someone else saved in between, the save
is refused with :class:`StaleSaveError`, which carries both sides, the list of differences
and a :meth:`~StaleSaveError.merge` helper, so nothing anyone wrote is silently overwritten.
Every version is kept (zlib-compressed JSON) and can be restored (which adds a new version).
Every version carries who saved it, when, and a short note saying what changed (the caller's
note, else one written from the differences with the previous version).
Deleting only marks the synthesis; :func:`undelete_synthesis` brings it back. A save made
while someone else deleted the synthesis is not dropped: it is stored as a new version of the
deleted synthesis (so restoring brings it back with that edit) and the save raises
:class:`SynthesisDeletedError` to tell the person. A blank title is refused on every save.

Functions that take ``user`` check what that user may do (:mod:`ess_nlp.access`); without a
user (command line, notebooks on the machine holding the database) everything is allowed.

A working group has one synthesis per scope unless someone chooses otherwise: with
``allow_duplicate=False``, :func:`create_synthesis` refuses a second one for the same scope and
group with :class:`DuplicateSynthesisError`, which names the existing ones (:func:`same_scope`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import zlib
from dataclasses import dataclass

from ess_nlp.access import User, require_create, require_edit, require_view
from ess_nlp.access._policy import AccessDenied
from ess_nlp.errors import ConfigError, EssNlpError
from ess_nlp.store import Store
from ess_nlp.synthesis.flags import sync_citations
from ess_nlp.synthesis.merge import Change, MergeResult, diff_syntheses, merge_syntheses
from ess_nlp.synthesis.records import SCOPE_NAMES, Scope, Synthesis, check_title

logger = logging.getLogger(__name__)

__all__ = [
    "DuplicateSynthesisError",
    "SavedSynthesis",
    "StaleSaveError",
    "SynthesisDeletedError",
    "VersionInfo",
    "create_synthesis",
    "delete_synthesis",
    "get_synthesis",
    "history",
    "list_syntheses",
    "load_version",
    "restore_version",
    "same_scope",
    "save_synthesis",
    "set_group",
    "undelete_synthesis",
]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _dump(doc: Synthesis) -> str:
    return json.dumps(doc.to_json(), ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class SavedSynthesis:
    """A stored synthesis at one version."""

    id: int
    version: int
    doc: Synthesis
    group: str | None
    created_by: str
    created_at: str
    updated_by: str
    updated_at: str
    deleted_at: str | None = None
    deleted_by: str | None = None

    @property
    def title(self) -> str:
        return self.doc.title

    @property
    def scope(self) -> Scope:
        return self.doc.scope

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


@dataclass(frozen=True)
class VersionInfo:
    version: int
    author: str
    saved_at: str
    note: str
    items: int


class StaleSaveError(EssNlpError):
    """A save based on a version that is no longer the current one.

    ``theirs`` is the current stored synthesis, ``mine`` the document that was not saved,
    ``base`` the version it was based on; ``their_changes`` and ``my_changes`` list what each
    side changed since ``base``; :meth:`merge` merges both (see
    :func:`~ess_nlp.synthesis.merge.merge_syntheses`), to save with ``base_version=theirs.version``.
    """

    def __init__(self, theirs: SavedSynthesis, base_version: int, base: Synthesis, mine: Synthesis) -> None:
        self.theirs = theirs
        self.base_version = base_version
        self.base = base
        self.mine = mine
        self.their_changes: list[Change] = diff_syntheses(base, theirs.doc)
        self.my_changes: list[Change] = diff_syntheses(base, mine)
        super().__init__(
            f"La synthèse « {theirs.title} » a été modifiée par {theirs.updated_by} (version {theirs.version}) "
            f"depuis que vous l'avez ouverte (version {base_version}) : vos modifications ne sont pas encore "
            "enregistrées ; comparez les deux versions puis fusionnez-les ou rechargez."
        )

    def merge(self) -> MergeResult:
        return merge_syntheses(self.base, self.mine, self.theirs.doc)


class SynthesisDeletedError(ConfigError):
    """A save made on a synthesis someone else deleted meanwhile. The edit was kept: ``saved``
    is the deleted synthesis with it (a new version), brought back by :func:`undelete_synthesis`."""

    def __init__(self, saved: SavedSynthesis, kept: bool) -> None:
        self.saved = saved
        self.kept = kept
        kept_text = (
            f"votre modification est gardée (version {saved.version}) et reviendra avec elle si elle est restaurée"
            if kept
            else "elle n'a pas changé depuis"
        )
        super().__init__(
            f"La synthèse « {saved.title} » a été supprimée par {saved.deleted_by} pendant que vous la modifiiez : "
            f"{kept_text} (« Annuler la suppression »)."
        )


class DuplicateSynthesisError(ConfigError):
    """A second synthesis for a scope and a working group that already have one, created
    without ``allow_duplicate``; ``existing`` lists them (most recently changed first)."""

    def __init__(self, existing: list[SavedSynthesis]) -> None:
        self.existing = existing
        first = existing[0]
        others = f" (et {len(existing) - 1} autre(s))" if len(existing) > 1 else ""
        group = f"le groupe « {first.group} »" if first.group else "« sans groupe »"
        super().__init__(
            f"Une synthèse existe déjà pour le {SCOPE_NAMES[first.scope.kind]} « {first.scope.label or first.scope.value} » et "
            f"{group} : « {first.title} » (n° {first.id}, version {first.version}, modifiée par {first.updated_by} "
            f"le {first.updated_at[:16].replace('T', ' ')}){others}. Ouvrez-la, ou confirmez que vous voulez en "
            "créer une seconde."
        )


MAX_NOTE = 240


def change_note(old: Synthesis | None, new: Synthesis, note: str = "") -> str:
    """The note of a version: ``note`` (the action: « fusion », « élément retiré »…) followed by
    what changed since ``old`` (the first two differences and how many more), at most
    :data:`MAX_NOTE` characters."""
    if old is None:
        return note or "création"
    changes = [c.what for c in diff_syntheses(old, new)]
    what = " ; ".join(changes[:2]) + (f" ; et {len(changes) - 2} autre(s) modification(s)" if len(changes) > 2 else "")
    text = " — ".join(x for x in (note, what) if x)
    return text if len(text) <= MAX_NOTE else text[: MAX_NOTE - 1] + "…"


def _row_to_saved(row: object) -> SavedSynthesis:
    r = row  # sqlite3.Row
    return SavedSynthesis(
        id=int(r["id"]),  # type: ignore[index]
        version=int(r["version"]),  # type: ignore[index]
        doc=Synthesis.from_json(json.loads(r["content"])),  # type: ignore[index]
        group=r["group_id"],  # type: ignore[index]
        created_by=r["created_by"],  # type: ignore[index]
        created_at=r["created_at"],  # type: ignore[index]
        updated_by=r["updated_by"],  # type: ignore[index]
        updated_at=r["updated_at"],  # type: ignore[index]
        deleted_at=r["deleted_at"],  # type: ignore[index]
        deleted_by=r["deleted_by"],  # type: ignore[index]
    )


def _author(author: str | None, user: User | None) -> str:
    name = (user.login if user is not None else author) or ""
    if not name.strip():
        raise ConfigError("Un enregistrement de synthèse doit dire qui l'a fait (auteur vide).")
    return name.strip()


def _insert_version(store: Store, sid: int, version: int, content: str, author: str, note: str, at: str) -> None:
    store.conn.execute(
        "INSERT INTO synthesis_versions(synthesis_id, version, content, author, saved_at, note) VALUES (?, ?, ?, ?, ?, ?)",
        (sid, version, zlib.compress(content.encode("utf-8"), 6), author, at, note),
    )


def _check_title(title: str) -> None:
    """Creation and every save refuse a blank title (spaces or invisible characters alone)."""
    check_title(title)


def create_synthesis(
    store: Store,
    doc: Synthesis,
    *,
    author: str | None = None,
    group: str | None = None,
    user: User | None = None,
    allow_duplicate: bool = True,
) -> SavedSynthesis:
    """Store a new synthesis (version 1) for working group ``group``. Without
    ``allow_duplicate``, refuse a second synthesis for the same scope and group
    (:class:`DuplicateSynthesisError`, checked in the same transaction as the insert)."""
    if user is not None:
        require_create(user, group)
    who = _author(author, user)
    _check_title(doc.title)
    content, at = _dump(doc), _now()
    with store.transaction(durable=True) as conn:
        if not allow_duplicate:
            existing = same_scope(store, doc.scope, group)
            if existing:
                raise DuplicateSynthesisError(existing)
        cursor = conn.execute(
            "INSERT INTO syntheses(scope_kind, scope, title, group_id, version, content, created_by, created_at,"
            " updated_by, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?)",
            (doc.scope.kind, doc.scope.value, doc.title, group, content, who, at, who, at),
        )
        sid = int(cursor.lastrowid or 0)
        _insert_version(store, sid, 1, content, who, "création", at)
        sync_citations(store, sid, (c.unit for c in doc.citations()))
    logger.info("synthesis %d created by %s", sid, who)
    return get_synthesis(store, sid)


def get_synthesis(store: Store, synthesis_id: int, *, user: User | None = None, include_deleted: bool = True) -> SavedSynthesis:
    row = store.conn.execute("SELECT * FROM syntheses WHERE id = ?", (int(synthesis_id),)).fetchone()
    if row is None or (row["deleted_at"] is not None and not include_deleted):
        raise ConfigError(f"Synthèse n° {synthesis_id} introuvable dans la base « {store.path} ».")
    saved = _row_to_saved(row)
    if user is not None:
        require_view(user, saved.group, saved.title)
    return saved


def list_syntheses(
    store: Store,
    *,
    user: User | None = None,
    scope: Scope | None = None,
    include_deleted: bool = False,
) -> list[SavedSynthesis]:
    """The syntheses ``user`` may see (all without a user), most recently changed first."""
    where, params = [], []
    if not include_deleted:
        where.append("deleted_at IS NULL")
    if scope is not None:
        where.append("scope_kind = ? AND scope = ?")
        params += [scope.kind, scope.value]
    sql = "SELECT * FROM syntheses" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY updated_at DESC, id DESC"
    out = [_row_to_saved(r) for r in store.conn.execute(sql, params)]
    if user is not None and not user.staff:
        out = [s for s in out if s.group is not None and s.group in user.groups]
    return out


def save_synthesis(
    store: Store,
    synthesis_id: int,
    doc: Synthesis,
    *,
    base_version: int,
    author: str | None = None,
    user: User | None = None,
    note: str = "",
) -> SavedSynthesis:
    """Save ``doc`` as a new version if ``base_version`` is still the current one; raise
    :class:`StaleSaveError` otherwise (whatever was changed: text, fields or the order of
    items). Saving an unchanged document adds no version. On a synthesis deleted meanwhile,
    the edit is stored as a version of the deleted synthesis, then :class:`SynthesisDeletedError`
    is raised (see module docstring)."""
    who = _author(author, user)
    _check_title(doc.title)
    content = _dump(doc)
    with store.transaction(durable=True) as conn:
        row = conn.execute("SELECT * FROM syntheses WHERE id = ?", (int(synthesis_id),)).fetchone()
        if row is None:
            raise ConfigError(f"Synthèse n° {synthesis_id} introuvable dans la base « {store.path} ».")
        current = _row_to_saved(row)
        if user is not None:
            require_edit(user, current.group, current.title)
        if current.version != base_version:
            base = load_version(store, synthesis_id, base_version)
            raise StaleSaveError(current, base_version, base, doc)
        unchanged = row["content"] == content
        if unchanged and not current.deleted:
            return current
        if not unchanged:
            version, at = current.version + 1, _now()
            note = change_note(current.doc, doc, note)
            if current.deleted:
                note = "; ".join(n for n in (note, "modifiée pendant sa suppression") if n)
            conn.execute(
                "UPDATE syntheses SET version = ?, content = ?, title = ?, scope_kind = ?, scope = ?, updated_by = ?,"
                " updated_at = ? WHERE id = ?",
                (version, content, doc.title, doc.scope.kind, doc.scope.value, who, at, synthesis_id),
            )
            _insert_version(store, synthesis_id, version, content, who, note, at)
            sync_citations(store, synthesis_id, (c.unit for c in doc.citations()))
    saved = get_synthesis(store, synthesis_id)
    if saved.deleted:
        logger.info("synthesis %d saved by %s while deleted (kept: %s)", synthesis_id, who, not unchanged)
        raise SynthesisDeletedError(saved, kept=not unchanged)
    return saved


def history(store: Store, synthesis_id: int, *, user: User | None = None) -> list[VersionInfo]:
    """Every saved version, newest first, with who saved it, when, and what changed (the stored
    note; for versions saved before notes were written, one made from the differences)."""
    get_synthesis(store, synthesis_id, user=user)
    rows = store.conn.execute(
        "SELECT version, author, saved_at, note, content FROM synthesis_versions WHERE synthesis_id = ?"
        " ORDER BY version DESC",
        (synthesis_id,),
    )
    docs = [
        (r, Synthesis.from_json(json.loads(zlib.decompress(r["content"]).decode("utf-8")))) for r in rows
    ]
    out = []
    for n, (r, doc) in enumerate(docs):
        note = r["note"] or change_note(docs[n + 1][1] if n + 1 < len(docs) else None, doc)  # older rows had none
        out.append(VersionInfo(int(r["version"]), r["author"], r["saved_at"], note, doc.size))
    return out


def load_version(store: Store, synthesis_id: int, version: int, *, user: User | None = None) -> Synthesis:
    if user is not None:
        get_synthesis(store, synthesis_id, user=user)
    row = store.conn.execute(
        "SELECT content FROM synthesis_versions WHERE synthesis_id = ? AND version = ?", (synthesis_id, int(version))
    ).fetchone()
    if row is None:
        raise ConfigError(f"Version {version} de la synthèse n° {synthesis_id} introuvable.")
    return Synthesis.from_json(json.loads(zlib.decompress(row["content"]).decode("utf-8")))


def restore_version(
    store: Store,
    synthesis_id: int,
    version: int,
    *,
    base_version: int,
    author: str | None = None,
    user: User | None = None,
) -> SavedSynthesis:
    """Make ``version`` current again (as a new version; later versions stay in the history)."""
    doc = load_version(store, synthesis_id, version, user=user)
    return save_synthesis(
        store, synthesis_id, doc, base_version=base_version, author=author, user=user,
        note=f"restauration de la version {version}",
    )  # fmt: skip


def delete_synthesis(store: Store, synthesis_id: int, *, author: str | None = None, user: User | None = None) -> SavedSynthesis:
    """Mark a synthesis as deleted (hidden from lists, kept with its history; undo with
    :func:`undelete_synthesis`)."""
    who = _author(author, user)
    saved = get_synthesis(store, synthesis_id, user=user)
    if user is not None:
        require_edit(user, saved.group, saved.title)
    with store.transaction(durable=True) as conn:
        conn.execute(
            "UPDATE syntheses SET deleted_at = ?, deleted_by = ? WHERE id = ? AND deleted_at IS NULL",
            (_now(), who, synthesis_id),
        )
    return get_synthesis(store, synthesis_id)


def undelete_synthesis(store: Store, synthesis_id: int, *, author: str | None = None, user: User | None = None) -> SavedSynthesis:
    who = _author(author, user)
    saved = get_synthesis(store, synthesis_id, user=user)
    if user is not None:
        require_edit(user, saved.group, saved.title)
    with store.transaction(durable=True) as conn:
        conn.execute("UPDATE syntheses SET deleted_at = NULL, deleted_by = NULL WHERE id = ?", (synthesis_id,))
    logger.info("synthesis %d restored by %s", synthesis_id, who)
    return get_synthesis(store, synthesis_id)


def set_group(store: Store, synthesis_id: int, group: str | None, *, user: User | None = None) -> SavedSynthesis:
    """Assign a synthesis to a working group (staff only when a user is given)."""
    if user is not None and not user.staff:
        raise AccessDenied(f"Seule l'équipe peut changer le groupe d'une synthèse ({user.display} est {user.role}).")
    get_synthesis(store, synthesis_id)
    with store.transaction(durable=True) as conn:
        conn.execute("UPDATE syntheses SET group_id = ? WHERE id = ?", (group, synthesis_id))
    return get_synthesis(store, synthesis_id)


def same_scope(store: Store, scope: Scope, group: str | None) -> list[SavedSynthesis]:
    """The live syntheses of ``scope`` for working group ``group`` (None: « sans groupe »),
    most recently changed first."""
    return [s for s in list_syntheses(store, scope=scope) if s.group == group]


def synthesis_for_scope(store: Store, scope: Scope, *, user: User | None = None) -> SavedSynthesis | None:
    """The most recently changed synthesis of ``scope`` that ``user`` may see, if any."""
    found = list_syntheses(store, user=user, scope=scope)
    return found[0] if found else None
