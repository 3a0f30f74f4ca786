"""Decoding text files: UTF-8 (with or without BOM), UTF-16 with BOM, cp1252/ISO-8859-1.

The rule is deliberately simple and deterministic rather than statistical:

1. a byte-order mark decides (UTF-8, UTF-16, UTF-32; the BOM is removed);
2. an encoding declared by the caller (column mapping, HTML ``<meta charset>``) is tried next;
3. strict UTF-8 (texts valid as UTF-8 are almost never anything else);
4. bytes that look binary (NUL bytes, many control characters) are refused (UTF-16 without
   a BOM too, with a message that names it);
5. otherwise Windows-1252, a superset of the printable ISO-8859-1 range, provided the
   decoded text looks like French: the non-ASCII characters must mostly be letters and
   punctuation that French (and names in neighbouring languages) use. Text in another
   legacy encoding (Mac Roman, DOS cp850, Shift-JIS...) fails that test and is refused
   rather than silently turned into mojibake.
"""

from __future__ import annotations

import codecs

from ess_nlp.errors import IngestError

# Non-ASCII characters that real French text in cp1252/latin-1 contains.
_PLAUSIBLE = set(
    "àâäáãåæçéèêëíìîïñóòôöõøœúùûüýÿßÀÂÄÁÃÅÆÇÉÈÊËÍÌÎÏÑÓÒÔÖÕØŒÚÙÛÜÝŸ«»‘’‚“”„…–—•€°²³¹§©®™±×÷·¼½¾¢£¥µ¶¿¡ªº\u00a0"
)
_BINARY_CONTROLS = (
    set(range(0x00, 0x09)) | {0x0B, 0x0E, 0x0F} | set(range(0x10, 0x1A)) | set(range(0x1C, 0x20))
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_ADVICE = "enregistrez-le en UTF-8"


def decode_text(
    data: bytes, source: str, declared: str | None = None, *, strict_declared: bool = False
) -> tuple[str, str]:
    """Decode ``data``; return ``(text, encoding name)``. Raise IngestError when unreadable.

    ``declared`` is tried first after a BOM; with ``strict_declared`` a failure is an error
    (an explicit column mapping), otherwise detection goes on (an HTML meta tag may lie).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), encoding + "-bom"
            except UnicodeDecodeError as exc:
                raise IngestError(
                    source,
                    f"encodage illisible : le fichier commence par une marque {encoding.upper()} "
                    f"mais contient des octets invalides (position {exc.start}) ; {_ADVICE}",
                ) from exc
    if declared:
        name = _codec_name(declared)
        if name is None:
            if strict_declared:
                raise IngestError(
                    source, f"encodage « {declared} » inconnu ; indiquez par exemple utf-8 ou cp1252"
                )
        else:
            try:
                return data.decode(name), name
            except UnicodeDecodeError as exc:
                if strict_declared:
                    raise IngestError(
                        source,
                        f"le fichier n'est pas lisible dans l'encodage déclaré « {declared} » "
                        f"(octet invalide à la position {exc.start}) ; corrigez l'encodage déclaré ou {_ADVICE}",
                    ) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if looks_binary(data):
        if looks_utf16_without_bom(data):
            raise IngestError(
                source,
                "encodage illisible : le fichier semble en UTF-16 sans marque d'ordre des octets (BOM) ; "
                f"{_ADVICE}",
            )
        raise IngestError(
            source, "le fichier semble binaire (octets de contrôle), ce n'est pas un texte lisible"
        )
    text = data.decode("cp1252", errors="replace")
    if not looks_french(text):
        raise IngestError(
            source,
            "encodage illisible : le texte n'est ni en UTF-8 ni en Windows-1252/ISO-8859-1 "
            f"(caractères accentués incohérents) ; {_ADVICE}",
        )
    return text, "cp1252"


def looks_binary(data: bytes) -> bool:
    """NUL bytes, or more than 1% of the first 64 KiB being control bytes."""
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte in _BINARY_CONTROLS)
    return controls > max(2, len(sample) // 100)


def looks_utf16_without_bom(data: bytes) -> bool:
    """Most bytes at odd positions NUL and almost none at even ones (or the reverse): text in
    UTF-16 saved without its byte-order mark. Still refused (the byte order is a guess), with
    a message that says what the file is."""
    sample = data[:65536]
    if len(sample) < 8:
        return False
    even, odd = sample[0::2], sample[1::2]
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    return (odd_nul > 0.7 and even_nul < 0.05) or (even_nul > 0.7 and odd_nul < 0.05)


def looks_french(text: str) -> bool:
    """True when the non-ASCII characters of ``text`` are mostly ones French text uses."""
    non_ascii = [ch for ch in text if ord(ch) > 127]
    if not non_ascii:
        return True
    odd = sum(1 for ch in non_ascii if ch not in _PLAUSIBLE)
    if odd >= 3 and odd > 0.2 * len(non_ascii):
        return False
    # A text that is mostly non-ASCII is not French in a Latin-1 encoding.
    return not (len(text) >= 40 and len(non_ascii) > 0.4 * len(text))


def _codec_name(label: str) -> str | None:
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    # Browsers and Windows tools mean cp1252 when they say latin-1.
    return "cp1252" if name in {"latin-1", "iso8859-1"} else name
