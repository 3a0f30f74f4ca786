"""Limits per source file, in one place: what they bound, their defaults, how to change them.

Every limit is a field of :class:`Limits`. A violation raises an
:class:`~ess_nlp.errors.IngestError` whose message names the file, says what was found and
what the limit is, and how to raise it (``--limit NAME=VALUE`` on the command line, or the
``ESS_NLP_LIMITS`` environment variable, e.g. ``ESS_NLP_LIMITS="max_seconds=120,max_file_bytes=200MB"``).
"""

from __future__ import annotations

import dataclasses
import io
import math
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from ess_nlp.errors import ConfigError, IngestError

KB = 1024
MB = 1024 * KB
GB = 1024 * MB
LIMITS_ENV = "ESS_NLP_LIMITS"


@dataclass(frozen=True)
class Limits:
    """Limits applied to every source file (all configurable).

    Input size: ``max_file_bytes`` (the file itself). Archives (.docx, .odt, .xlsx), checked
    from the zip directory before anything is inflated and again while inflating (a directory
    may lie): ``max_unzipped_bytes`` (total uncompressed size), ``max_compression_ratio``
    (uncompressed/compressed size of a member of at least ``ratio_min_bytes``; zip bombs reach
    1,000:1, real office files stay under 100:1), ``max_zip_entries`` (members). PDF:
    ``max_pdf_pages``, and each compressed stream is inflated within ``max_unzipped_bytes`` and
    ``max_compression_ratio``. Structure: ``max_nesting_depth`` (HTML and XML elements),
    ``max_rows`` and ``max_cells`` (CSV/XLSX). Output:
    ``max_text_chars`` (characters of extracted text). Resources, enforced when the file is read
    in a worker process (:mod:`ess_nlp.isolation`): ``max_seconds`` (CPU time to read and split
    one file; a worker that waits without computing is stopped after three times that) and ``max_memory_bytes`` (memory one file may take on top of what the worker holds
    before reading it).
    """

    max_file_bytes: int = 100 * MB
    max_unzipped_bytes: int = 300 * MB
    max_compression_ratio: float = 200.0
    ratio_min_bytes: int = 1 * MB
    max_zip_entries: int = 10_000
    max_pdf_pages: int = 2_000
    max_nesting_depth: int = 200
    max_rows: int = 100_000
    max_cells: int = 5_000_000
    max_text_chars: int = 10_000_000
    max_seconds: float = 30.0
    max_memory_bytes: int = 512 * MB

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
                raise ConfigError(
                    f"Limite {f.name} invalide : un nombre positif est attendu, reçu {value!r}."
                )

    @classmethod
    def from_env(cls) -> Limits:
        """The defaults changed by ``$ESS_NLP_LIMITS`` ("max_seconds=120,max_file_bytes=200MB")."""
        from ess_nlp.settings import settings

        return cls().replace(settings().limits)

    def replace(self, assignments: str | Iterable[str]) -> Limits:
        """A copy with ``NAME=VALUE`` assignments applied (a comma-separated string or a list).

        Sizes accept a unit (``200MB``, ``1.5GB``, ``300Ko``); ``max_seconds`` accepts ``90s``.
        Raises :class:`ConfigError` (in French) for an unknown name or a value that is not a
        positive number.
        """
        items = assignments.split(",") if isinstance(assignments, str) else list(assignments)
        known = {f.name: f for f in fields(self)}
        changes: dict[str, Any] = {}
        for item in (i.strip() for i in items):
            if not item:
                continue
            name, sep, raw = item.partition("=")
            name = name.strip()
            if not sep or name not in known:
                raise ConfigError(
                    f"Limite « {item} » invalide : écrivez NOM=VALEUR avec un nom parmi {', '.join(known)}."
                )
            changes[name] = _parse_value(name, raw.strip(), integer=known[name].type in ("int", int))
        return dataclasses.replace(self, **changes)


DEFAULT_LIMITS = Limits()

_UNITS = {"": 1, "b": 1, "o": 1, "k": KB, "kb": KB, "ko": KB, "m": MB, "mb": MB, "mo": MB, "g": GB, "gb": GB, "go": GB}
_VALUE_RE = re.compile(r"^([0-9]+(?:[.,][0-9]+)?)\s*([a-zA-Z]*)$")


def _parse_value(name: str, raw: str, *, integer: bool) -> float | int:
    match = _VALUE_RE.match(raw)
    unit = match.group(2).lower() if match else ""
    if name == "max_seconds" and unit == "s":
        unit = ""
    if match is None or unit not in _UNITS or (unit and not name.endswith("_bytes")):
        raise ConfigError(f"Limite {name} invalide : un nombre positif est attendu, reçu « {raw} ».")
    value = float(match.group(1).replace(",", ".")) * _UNITS[unit]
    if value <= 0:
        raise ConfigError(f"Limite {name} invalide : un nombre positif est attendu, reçu « {raw} ».")
    return int(value) if integer else value


def format_size(n: float) -> str:
    if n >= MB:
        return f"{n / MB:.1f} Mo".replace(".", ",")
    if n >= 1024:
        return f"{n / 1024:.1f} Ko".replace(".", ",")
    return f"{int(n)} octets"


def format_count(n: float) -> str:
    """A count with French thousands separators (no-break-free: plain spaces)."""
    return f"{int(n):,}".replace(",", " ")


def raise_hint(name: str, value: float, found: float | None = None) -> str:
    """How to raise limit ``name`` from ``value`` so that ``found`` passes:
    ``--limit name=VALUE``, VALUE twice the limit or a little over what was found."""
    wanted = max(value * 2, found * 1.1 if found is not None else 0)
    if name.endswith("_bytes"):
        shown = f"{_plain(_round_up(wanted / GB))}GB" if wanted >= GB else f"{_plain(_round_up(math.ceil(wanted / MB)))}MB"
    else:
        shown = _plain(_round_up(wanted))
    return f"--limit {name}={shown} (ou {LIMITS_ENV}=\"{name}={shown}\")"


def _plain(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.6g}"


def _round_up(x: float) -> float:
    """``x`` rounded up to two significant digits (1,234,567 -> 1,300,000; 1.25 -> 1.3)."""
    if x <= 0:
        return 0
    step = 10.0 ** (math.floor(math.log10(x)) - 1)
    return round(math.ceil(x / step) * step, 6)


def over_limit(
    source: str, what: str, name: str, limits: Limits, advice: str = "", *, found: float | None = None
) -> IngestError:
    """The error for a file over limit ``name``: "<file> : <what> ; <advice>, ou relevez la
    limite : --limit name=…". ``what`` says what was found and the limit; ``found`` (the value
    found, when known) makes the suggested value large enough for this file."""
    lead = f"{advice}, ou relevez la limite" if advice else "relevez la limite si le fichier est sûr"
    return IngestError(source, f"{what} ; {lead} : {raise_hint(name, getattr(limits, name), found)}")


def check_file_size(size: int, source: str, limits: Limits) -> None:
    if size == 0:
        raise IngestError(source, "le fichier est vide (0 octet), il n'y a rien à lire")
    if size > limits.max_file_bytes:
        raise over_limit(
            source,
            f"le fichier est trop volumineux ({format_size(size)}, limite {format_size(limits.max_file_bytes)})",
            "max_file_bytes",
            limits,
            "découpez-le",
            found=size,
        )


def check_text_length(length: int, source: str, limits: Limits) -> None:
    if length > limits.max_text_chars:
        raise over_limit(
            source,
            f"le texte extrait est trop long ({format_count(length)} caractères, "
            f"limite {format_count(limits.max_text_chars)})",
            "max_text_chars",
            limits,
            "découpez le fichier",
            found=length,
        )


def check_depth(depth: int, source: str, limits: Limits, what: str) -> None:
    """``what`` names the nested things ("éléments HTML", "citations Markdown")."""
    if depth > limits.max_nesting_depth:
        raise over_limit(
            source,
            f"structure suspecte : {what} imbriqués sur plus de {limits.max_nesting_depth} niveaux "
            f"(limite {limits.max_nesting_depth}), le fichier n'a pas été lu",
            "max_nesting_depth",
            limits,
        )


def _bomb(source: str, what: str, name: str, limits: Limits, found: float) -> IngestError:
    return over_limit(
        source, f"archive suspecte (bombe zip ?) : {what}, le fichier n'a pas été décompressé", name, limits, found=found
    )


def open_zip(data: bytes, source: str, limits: Limits, what: str) -> zipfile.ZipFile:
    """Open an office archive after checking its directory against the limits.

    ``what`` names the expected format in messages ("document Word (.docx)"). The directory
    may lie about sizes: :func:`read_member` checks them again while inflating.
    """
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise IngestError(
            source,
            f"ce n'est pas un {what} mais un fichier Office ancien (97-2003) ou protégé par mot de passe ; "
            "enregistrez-le au format récent, sans mot de passe",
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise IngestError(
            source, f"ce n'est pas un {what} valide : le fichier n'est pas une archive zip"
        ) from exc
    infos = archive.infolist()
    if len(infos) > limits.max_zip_entries:
        raise over_limit(
            source,
            f"archive suspecte : {format_count(len(infos))} éléments (limite {format_count(limits.max_zip_entries)}), "
            "le fichier n'a pas été décompressé",
            "max_zip_entries",
            limits,
            found=len(infos),
        )
    total = sum(info.file_size for info in infos)
    if total > limits.max_unzipped_bytes:
        raise _bomb(
            source,
            f"{format_size(total)} une fois décompressée (limite {format_size(limits.max_unzipped_bytes)})",
            "max_unzipped_bytes",
            limits,
            total,
        )
    for info in infos:
        if info.file_size >= limits.ratio_min_bytes:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_compression_ratio:
                raise _bomb(
                    source,
                    f"l'élément {info.filename} se décompresse {ratio:.0f} fois "
                    f"(limite {limits.max_compression_ratio:.0f})",
                    "max_compression_ratio",
                    limits,
                    ratio,
                )
    return archive


def read_member(archive: zipfile.ZipFile, name: str, source: str, what: str) -> bytes:
    """The inflated bytes of member ``name``, at most its declared size.

    :mod:`zipfile` stops at the declared size; a member that inflates to more than it
    declares (a lying directory) is refused here rather than read truncated.
    """
    try:
        info = archive.getinfo(name)
        with archive.open(info) as handle:
            data = handle.read(info.file_size)
            if handle.read(1):
                raise IngestError(source, f"{what} endommagé : l'élément {name} est plus grand que déclaré")
        return data
    except KeyError as exc:
        raise IngestError(source, f"{what} incomplet : l'élément {name} manque dans l'archive") from exc
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, zipfile.LargeZipFile) as exc:
        lied = "CRC" in str(exc) or "Bad magic" in str(exc)
        reason = "déclare une taille fausse ou est corrompu" if lied else "de l'archive est illisible"
        raise IngestError(source, f"{what} endommagé : l'élément {name} {reason}") from exc
