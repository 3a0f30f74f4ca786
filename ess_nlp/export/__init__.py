"""Exports of a synthesis (and of the units behind it), shared by the app and the CLI.

Formats: ``docx`` and ``odt`` (headings, numbered proposals, footnotes holding the sources),
``md`` (Markdown with ``[^n]`` footnotes), ``pdf`` (sources as numbered notes at the end),
``csv`` (UTF-8 with BOM, ``;``) and ``xlsx`` tables of the cited items (formula-like cells
neutralised), ``json`` (everything), and ``iramuteq`` (the cited cahiers, or every cahier of a
theme or domain, in IRaMuTeQ's corpus format with their metadata as star variables).

Personal data (e-mails, phone numbers, person names) are masked unless ``mask=False``.
Exporting a theme or a domain without a synthesis exports its draft.

The documents (``docx``, ``odt``, ``pdf``) are made for print: A4, French, a cover (title,
scope, working group, version and date), initiative cards, clickable links; an organisation's
logo, fonts and heading colour come from its export template
(:mod:`ess_nlp.export.template`, ``var/export_template.toml``), whose mistakes are French
sentences in :attr:`ExportResult.warnings`, never a failed export.

::

    from ess_nlp.export import export
    result = export(store, theme="T4", fmt="docx")    # ExportResult(data=b"...", filename=...)
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ess_nlp.access import User, require, require_export
from ess_nlp.errors import ConfigError, reason_text
from ess_nlp.export._model import Prepared, prepare
from ess_nlp.export.template import ExportTemplate, load_template
from ess_nlp.privacy import Masker
from ess_nlp.store import Store
from ess_nlp.synthesis.corpus import resolve_scope, select_scope
from ess_nlp.synthesis.draft import draft_synthesis
from ess_nlp.synthesis.records import (
    SCOPE_NAMES,
    Scope,
    Synthesis,
    contributors,
    proposal_numbers,
    unsourced_items,
)
from ess_nlp.synthesis.storage import SavedSynthesis, get_synthesis, list_syntheses
from ess_nlp.text import slug

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "MIME_TYPES",
    "AmbiguousExportError",
    "ExportResult",
    "ExportTemplate",
    "export",
    "export_synthesis",
    "load_template",
    "prepare",
    "write_export",
]

logger = logging.getLogger(__name__)

FORMATS: tuple[str, ...] = ("docx", "odt", "md", "pdf", "csv", "xlsx", "json", "iramuteq")
EXTENSIONS: dict[str, str] = {
    "docx": ".docx", "odt": ".odt", "md": ".md", "pdf": ".pdf", "csv": ".csv", "xlsx": ".xlsx",
    "json": ".json", "iramuteq": ".txt",
}  # fmt: skip
MIME_TYPES: dict[str, str] = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "md": "text/markdown",
    "pdf": "application/pdf",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "iramuteq": "text/plain",
}
FORMAT_NAMES: dict[str, str] = {
    "docx": "Word (.docx)", "odt": "OpenDocument (.odt)", "md": "Markdown (.md)", "pdf": "PDF",
    "csv": "Tableau CSV", "xlsx": "Tableau Excel (.xlsx)", "json": "JSON (tout)", "iramuteq": "Corpus IRaMuTeQ (.txt)",
}  # fmt: skip


def _check_format(fmt: str) -> str:
    fmt = fmt.lower().lstrip(".")
    fmt = {"markdown": "md", "txt": "iramuteq"}.get(fmt, fmt)
    if fmt not in FORMATS:
        raise ConfigError(f"Format d'export « {fmt} » inconnu : attendu {', '.join(FORMATS)}.")
    return fmt


def _json(prepared: Prepared, meta: dict[str, Any]) -> bytes:
    doc = prepared.doc
    data = {
        "export": {
            "created_at": prepared.created,
            "masked": prepared.masked,
            "generator": "ess-nlp",
            **meta,
        },
        "synthesis": doc.to_json(),
        "numbers": proposal_numbers(doc),
        "contributors": [
            {"name": c.name, "cahiers": c.cahiers, "by_hand": c.by_hand} for c in contributors(doc)
        ],
        "unsourced": [item.id for _, item in unsourced_items(doc)],
        "footnotes": [
            {"number": n.number, "text": n.text, "citations": [c.to_json() for c in n.citations]}
            for n in prepared.notes
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


#: The formats laid out with the organisation's export template.
DOCUMENT_FORMATS: tuple[str, ...] = ("docx", "odt", "pdf")


def _writer(fmt: str) -> Callable[[Prepared, ExportTemplate], bytes]:
    if fmt == "docx":
        from ess_nlp.export.docx import write_docx

        return write_docx
    if fmt == "odt":
        from ess_nlp.export.odt import write_odt

        return write_odt
    if fmt == "md":
        from ess_nlp.export.markdown import write_markdown

        return lambda prepared, _template: write_markdown(prepared)
    if fmt == "pdf":
        from ess_nlp.export.pdf import write_pdf

        return lambda prepared, template: write_pdf(prepared, template=template)
    from ess_nlp.export.tables import write_csv, write_xlsx

    table = write_csv if fmt == "csv" else write_xlsx
    return lambda prepared, _template: table(prepared)


def _saved_meta(meta: dict[str, Any] | None, store: Store | None) -> dict[str, Any] | None:
    """``meta`` completed from the database when it names a saved synthesis (``synthesis_id``)
    without its group or date (the app's export button): the cover prints them."""
    if not meta or store is None or meta.get("synthesis_id") is None or "group" in meta:
        return meta
    try:
        saved = get_synthesis(store, int(meta["synthesis_id"]), include_deleted=True)
    except (ConfigError, ValueError):
        return meta
    extra: dict[str, Any] = {"group": saved.group}
    if meta.get("version") in (None, saved.version):
        extra |= {"version": saved.version, "updated_at": saved.updated_at}
    name = _group_name(saved.group)
    if name:
        extra["group_name"] = name
    return {**meta, **extra}


def export_synthesis(
    doc: Synthesis,
    fmt: str,
    *,
    mask: bool = True,
    masker: Masker | None = None,
    meta: dict[str, Any] | None = None,
    store: Store | None = None,
    template: ExportTemplate | None = None,
) -> bytes:
    """``doc`` in format ``fmt`` (``iramuteq`` needs ``store``: it exports the cited cahiers).
    ``meta`` (``version``, ``group``, ``updated_at``, ``draft``) makes the cover; ``template``
    lays out DOCX, ODT and PDF (default: :func:`load_template`)."""
    fmt = _check_format(fmt)
    if fmt == "iramuteq":
        if store is None:
            raise ConfigError("L'export IRaMuTeQ a besoin de la base (les textes des cahiers cités).")
        from ess_nlp.export.iramuteq import iramuteq_corpus

        cahiers = list(dict.fromkeys(c.cahier or c.unit for c in doc.citations()))
        return iramuteq_corpus(store, cahiers, mask=mask, masker=masker)
    meta = _saved_meta(meta, store)
    prepared = prepare(doc, mask=mask, masker=masker, meta=meta)
    if fmt == "json":
        return _json(prepared, meta or {})
    if template is None and fmt in DOCUMENT_FORMATS:
        template = load_template()
        for warning in template.warnings:  # nobody else will show them
            logger.warning("%s", warning)
    return _writer(fmt)(prepared, template or ExportTemplate())


@dataclass(frozen=True)
class ExportResult:
    data: bytes
    filename: str
    fmt: str
    doc: Synthesis
    draft: bool
    saved: SavedSynthesis | None = None
    warnings: tuple[str, ...] = ()
    """French sentences about the export template (a missing logo, an unreadable file…): the
    export was made with the defaults for what was wrong."""

    @property
    def mime(self) -> str:
        return MIME_TYPES[self.fmt]


class AmbiguousExportError(ConfigError):
    """A theme, domain or topic has several syntheses: ``str(err)`` lists them (id, title,
    group, last change) and says how to choose one (``--synthesis ID``)."""

    def __init__(self, scope: Scope, found: list[SavedSynthesis]) -> None:
        self.scope = scope
        self.syntheses = found
        listed = " ; ".join(
            f"n° {s.id} « {s.title} » (groupe {s.group or 'aucun'}, version {s.version}, "
            f"modifiée le {s.updated_at[:16].replace('T', ' ')} par {s.updated_by})"
            for s in found
        )
        super().__init__(
            f"Le {SCOPE_NAMES[scope.kind]} « {scope.label or scope.value} » a {len(found)} synthèses : {listed}. "
            f"Indiquez laquelle exporter par son numéro, avec « --synthesis {found[0].id} » par exemple, "
            f"au lieu de « --{scope.kind} {scope.value} »."
        )


def _group_name(group: str | None) -> str:
    """The display name of a working group in the users file (the cover prints it), "" when
    the group has none or the file cannot be read (the cover then prints the group's id)."""
    if not group:
        return ""
    from ess_nlp.access import UsersFile

    try:
        found = UsersFile.load(missing_ok=True).groups.get(group)
    except ConfigError:
        return ""
    return found.name if found is not None and found.name != group else ""


def export(
    store: Store,
    *,
    fmt: str,
    synthesis_id: int | None = None,
    theme: str | None = None,
    domain: str | None = None,
    topic: str | None = None,
    mask: bool = True,
    user: User | None = None,
    masker: Masker | None = None,
) -> ExportResult:
    """Export one synthesis (by id), or the synthesis of a theme, domain or topic (its draft
    when the scope has none yet). ``user`` limits what may be exported (their groups).

    When several syntheses of the scope are visible to ``user`` (several working groups wrote
    one), :class:`AmbiguousExportError` lists them: pass ``synthesis_id`` to choose."""
    fmt = _check_format(fmt)
    if user is not None and not mask:
        require(user, "unmask")
    if user is not None and fmt == "iramuteq" and synthesis_id is None:
        require(user, "export_corpus")
    given = [x for x in (synthesis_id, theme, domain, topic) if x is not None]
    if len(given) != 1:
        raise ConfigError(
            "Indiquez exactement une synthèse (--synthesis), un thème (--theme), un domaine (--domain) ou un thème émergent (--topic)."
        )
    saved: SavedSynthesis | None = None
    scope: Scope | None = None
    if synthesis_id is not None:
        saved = get_synthesis(store, int(synthesis_id), user=user, include_deleted=False)
        doc, draft = saved.doc, False
    else:
        kind = "theme" if theme is not None else "domain" if domain is not None else "topic"
        scope = resolve_scope(store, kind, str(given[0]))
        found = list_syntheses(store, user=user, scope=scope)
        if len(found) > 1 and fmt != "iramuteq":  # IRaMuTeQ exports the scope's cahiers, not a synthesis
            raise AmbiguousExportError(scope, found)
        saved = found[0] if found else None
        if saved is not None:
            doc, draft = saved.doc, False
        else:
            doc, draft = draft_synthesis(store, scope), True
    if saved is not None and user is not None:
        require_export(user, saved.group, saved.title)
    meta: dict[str, Any] = {"draft": draft}
    template: ExportTemplate | None = None
    if saved is not None:
        meta |= {
            "synthesis_id": saved.id,
            "version": saved.version,
            "group": saved.group,
            "updated_at": saved.updated_at,
        }
        name = _group_name(saved.group)
        if name:
            meta["group_name"] = name
    if fmt == "iramuteq" and scope is not None:
        from ess_nlp.export.iramuteq import iramuteq_corpus

        selection = select_scope(store, scope)
        cahiers = set(selection.cahiers)
        if selection.units:
            ids = sorted(selection.units)
            for start in range(0, len(ids), 400):
                chunk = ids[start : start + 400]
                cahiers |= {
                    r[0]
                    for r in store.conn.execute(
                        f"SELECT cahier_id FROM units WHERE id IN ({','.join('?' * len(chunk))})", chunk
                    )
                    if r[0]
                }
        data = iramuteq_corpus(store, sorted(cahiers), mask=mask, masker=masker)
    else:
        template = load_template() if fmt in DOCUMENT_FORMATS else None
        data = export_synthesis(doc, fmt, mask=mask, masker=masker, meta=meta, store=store, template=template)
    stem = slug(doc.title) + ("-brouillon" if draft else "")
    warnings = template.warnings if template is not None else ()
    return ExportResult(data, stem + EXTENSIONS[fmt], fmt, doc, draft, saved, warnings)


def write_export(result: ExportResult, out: str | Path) -> Path:
    """Write atomically (temporary file in the same folder, then rename). A folder, a device, a
    symbolic link or any other non-regular file at ``out`` is refused (ConfigError, in French):
    an export never replaces what is not a plain file."""
    out = Path(out)
    if out.is_symlink():
        raise ConfigError(
            f"{out} : c'est un lien symbolique ; indiquez le chemin d'un fichier ordinaire pour l'export."
        )
    if out.exists() and not out.is_file():
        what = "un dossier" if out.is_dir() else "un fichier spécial (périphérique, tube…)"
        raise ConfigError(
            f"{out} : c'est {what}, l'export ne l'écrase pas ; indiquez le chemin d'un fichier"
            + (f", par exemple {out / result.filename}." if out.is_dir() else ".")
        )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ConfigError(
            f"{out} : le dossier de l'export ne peut pas être créé ({reason_text(err)})."
        ) from err
    try:
        fd, tmp = tempfile.mkstemp(prefix=".export-", dir=out.parent)
    except OSError as err:
        raise ConfigError(f"{out} : l'export n'a pas pu être écrit ({reason_text(err)}).") from err
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(result.data)
        os.replace(tmp, out)
    except OSError as err:  # disk full, read-only folder…: nothing was replaced
        Path(tmp).unlink(missing_ok=True)
        raise ConfigError(
            f"{out} : l'export n'a pas pu être écrit ({reason_text(err)}) ; rien n'a été remplacé."
        ) from err
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


def timestamp() -> str:
    return dt.datetime.now().strftime("%Y%m%d-%H%M")
