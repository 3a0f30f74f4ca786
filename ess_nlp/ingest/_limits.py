"""Size and decompression limits, checked before anything is read or inflated."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, fields

from ess_nlp.errors import ConfigError, IngestError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Limits applied to every source file (all configurable).

    ``max_file_bytes``: size of the file itself. ``max_unzipped_bytes``: total uncompressed
    size of a zip-based format (.docx, .odt, .xlsx), read from the archive directory before
    anything is inflated. ``max_compression_ratio``: uncompressed/compressed size allowed for
    an archive member of at least ``ratio_min_bytes`` uncompressed (zip bombs compress
    1,000:1 and more; real office files stay under 100:1). ``max_zip_entries``: members of an
    archive. ``max_pdf_pages``: pages of a PDF.
    """

    max_file_bytes: int = 100 * MB
    max_unzipped_bytes: int = 300 * MB
    max_compression_ratio: float = 200.0
    ratio_min_bytes: int = 1 * MB
    max_zip_entries: int = 10_000
    max_pdf_pages: int = 2_000

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
                raise ConfigError(
                    f"Limite {f.name} invalide : un nombre positif est attendu, reçu {value!r}."
                )


DEFAULT_LIMITS = Limits()


def format_size(n: float) -> str:
    if n >= MB:
        return f"{n / MB:.1f} Mo".replace(".", ",")
    if n >= 1024:
        return f"{n / 1024:.1f} Ko".replace(".", ",")
    return f"{int(n)} octets"


def check_file_size(size: int, source: str, limits: Limits) -> None:
    if size == 0:
        raise IngestError(source, "le fichier est vide (0 octet), il n'y a rien à lire")
    if size > limits.max_file_bytes:
        raise IngestError(
            source,
            f"le fichier est trop volumineux ({format_size(size)}, "
            f"limite {format_size(limits.max_file_bytes)}) ; découpez-le ou relevez la limite",
        )


def open_zip(data: bytes, source: str, limits: Limits, what: str) -> zipfile.ZipFile:
    """Open an office archive after checking its directory against the limits.

    ``what`` names the expected format in messages ("document Word (.docx)").
    Member reads through :mod:`zipfile` never return more than the declared size, so the
    declared sizes checked here bound the memory used.
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
        raise IngestError(
            source,
            f"archive suspecte : {len(infos)} éléments (limite {limits.max_zip_entries}), "
            "le fichier n'a pas été décompressé",
        )
    total = sum(info.file_size for info in infos)
    if total > limits.max_unzipped_bytes:
        raise IngestError(
            source,
            f"archive suspecte (bombe zip ?) : {format_size(total)} une fois décompressée "
            f"(limite {format_size(limits.max_unzipped_bytes)}), le fichier n'a pas été décompressé",
        )
    for info in infos:
        if info.file_size >= limits.ratio_min_bytes:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_compression_ratio:
                raise IngestError(
                    source,
                    f"archive suspecte (bombe zip ?) : l'élément {info.filename} se décompresse "
                    f"{ratio:.0f} fois (limite {limits.max_compression_ratio:.0f}), "
                    "le fichier n'a pas été décompressé",
                )
    return archive


def read_member(archive: zipfile.ZipFile, name: str, source: str, what: str) -> bytes:
    try:
        return archive.read(name)
    except KeyError as exc:
        raise IngestError(source, f"{what} incomplet : l'élément {name} manque dans l'archive") from exc
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise IngestError(source, f"{what} endommagé : l'élément {name} de l'archive est illisible") from exc
