"""Bounded inflation of PDF streams (pdfminer inflates every compressed stream whole).

pdfminer has no size limit: a 1 MB PDF whose content stream inflates to 1 GB makes it allocate
1 GB. :func:`bounded_streams` replaces the ``zlib`` module pdfminer's stream decoder uses by a
proxy that, while a PDF is being read, inflates at most ``Limits.max_unzipped_bytes`` per
stream and refuses a stream of at least ``Limits.ratio_min_bytes`` that inflates more than
``Limits.max_compression_ratio`` times, raising :class:`StreamTooLarge`. Outside
:func:`bounded_streams` the proxy behaves exactly as ``zlib``.
"""

from __future__ import annotations

import contextlib
import contextvars
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ess_nlp.ingest._limits import Limits


class StreamTooLarge(Exception):
    """A compressed PDF stream inflates past the limits (``size``: bytes inflated so far)."""

    def __init__(self, size: int, compressed: int, limit_name: str) -> None:
        super().__init__(f"stream inflates to more than {size} bytes from {compressed}")
        self.size = size
        self.compressed = compressed
        self.limit_name = limit_name


@dataclass(frozen=True)
class _Bound:
    max_bytes: int
    ratio: float
    ratio_min_bytes: int

    def allowed(self, compressed: int) -> tuple[int, str]:
        """How many bytes a stream of ``compressed`` bytes may inflate to, and which limit says so."""
        by_ratio = max(self.ratio_min_bytes, int(compressed * self.ratio))
        if by_ratio < self.max_bytes:
            return by_ratio, "max_compression_ratio"
        return self.max_bytes, "max_unzipped_bytes"


_SLICE = 64 * 1024
_BOUND: contextvars.ContextVar[_Bound | None] = contextvars.ContextVar("pdf_stream_bound", default=None)


class _BoundedDecompressor:
    """``zlib.decompressobj()`` whose total output is bounded (pdfminer's recovery path)."""

    def __init__(self, bound: _Bound) -> None:
        self._inner = zlib.decompressobj()
        self._bound = bound
        self._fed = 0
        self._out = 0

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        out = self._inner.decompress(data, max_length)
        self._fed += len(data) - len(self._inner.unconsumed_tail)  # input bytes consumed
        self._out += len(out)
        allowed, name = self._bound.allowed(self._fed)
        if self._out > allowed:
            raise StreamTooLarge(self._out, self._fed, name)
        return out

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class _BoundedZlib:
    """Stands for the ``zlib`` module inside pdfminer's stream decoder."""

    error = zlib.error

    def decompress(self, data: bytes, *args: Any, **kwargs: Any) -> bytes:
        bound = _BOUND.get()
        if bound is None:
            return zlib.decompress(data, *args, **kwargs)
        # Fed in slices and checked as it goes: a bomb is caught after a few megabytes.
        inflater = _BoundedDecompressor(bound)
        parts = []
        for start in range(0, len(data), _SLICE):
            piece = data[start : start + _SLICE]
            while piece and not inflater.eof:
                parts.append(inflater.decompress(piece, _SLICE * 16))
                piece = inflater.unconsumed_tail
            if inflater.eof:
                break
        if not inflater.eof:
            raise zlib.error("incomplete or truncated stream")  # pdfminer then tries its recovery
        return b"".join(parts)

    def decompressobj(self, *args: Any, **kwargs: Any) -> Any:
        bound = _BOUND.get()
        if bound is None or args or kwargs:
            return zlib.decompressobj(*args, **kwargs)
        return _BoundedDecompressor(bound)

    def __getattr__(self, name: str) -> Any:
        return getattr(zlib, name)


def _install() -> None:
    import pdfminer.pdftypes

    # pdfminer reads ``zlib`` as a module attribute of pdftypes: replacing it bounds every inflate.
    if not isinstance(getattr(pdfminer.pdftypes, "zlib", None), _BoundedZlib):
        setattr(pdfminer.pdftypes, "zlib", _BoundedZlib())  # noqa: B010


@contextlib.contextmanager
def bounded_streams(limits: Limits) -> Iterator[None]:
    """Within this block, pdfminer inflates streams within ``limits`` (see the module docstring)."""
    _install()
    token = _BOUND.set(_Bound(limits.max_unzipped_bytes, limits.max_compression_ratio, limits.ratio_min_bytes))
    try:
        yield
    finally:
        _BOUND.reset(token)
