"""Reading and splitting one source file in a worker process, within time and memory budgets.

:func:`read_and_split` is the unit of work: one :class:`FileRequest` (a path or bytes, the name
to record, the :class:`~ess_nlp.ingest.Limits`) in, one :class:`FileResult` out (the document
and its units, or one French sentence saying why not). It depends on nothing but its
arguments, so it runs the same in this process, in the worker below, or on a Dask worker
(``client.submit(read_and_split, request)``); storing the result is the caller's business.

:class:`Worker` runs it in a child process (``python -m ess_nlp.isolation``) that loads the
spaCy pipeline once, then answers requests one at a time over its stdin and stdout. Before
each file the child caps its own address space (``RLIMIT_AS``) at what it holds plus
``limits.max_memory_bytes`` and its CPU time at ``limits.max_seconds`` more than it used so
far (``RLIMIT_CPU``: the kernel stops it there, whatever else the machine is doing); the
parent kills a child that has not answered after ``WALL_FACTOR`` times that in wall-clock
time (a blocked read). A file that needs more memory fails inside the child with a
``MemoryError`` (or kills it). Either way the file gets its sentence, a fresh child starts for
the next file, and the batch goes on.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import math
import os
import pickle
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from ess_nlp.errors import EssNlpError
from ess_nlp.ingest import Limits, read_bytes, read_document
from ess_nlp.ingest._limits import DEFAULT_LIMITS, format_size, over_limit
from ess_nlp.records import Document, Unit

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["FileRequest", "FileResult", "Worker", "read_and_split", "shared_worker"]

logger = logging.getLogger(__name__)

# Time the child may take to start (import spaCy, load the pipeline) before the first file.
STARTUP_SECONDS = 180.0
# max_seconds counts the child's CPU time; a child that waits without computing is stopped
# after this many times max_seconds of wall-clock time.
WALL_FACTOR = 3
_HEADER = struct.Struct("<Q")


@dataclass(frozen=True)
class FileRequest:
    """One file to read and split: from ``path``, or from ``data`` (an upload) whose format is
    given by the extension of ``source``. ``source`` is the name recorded and shown."""

    source: str
    path: str | None = None
    data: bytes | None = None
    limits: Limits = DEFAULT_LIMITS


@dataclass(frozen=True)
class FileResult:
    """The document and its units, or ``error``: one French sentence naming the file.

    ``stopped`` is true when a time or memory budget stopped the file (the worker that read it
    is replaced); ``size`` is the file's size in bytes when known."""

    source: str
    document: Document | None = None
    units: tuple[Unit, ...] = ()
    error: str = ""
    size: int | None = None
    stopped: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.document is not None and not self.error


def read_and_split(request: FileRequest, *, nlp: Language | None = None) -> FileResult:
    """Read ``request``'s file and split it into units; any failure becomes ``error``.

    ``nlp`` splits sentences (default: :func:`ess_nlp.nlp.sentence_pipeline`). Runs in the
    calling process, without time or memory budget: :class:`Worker` adds them.
    """
    from ess_nlp.segment import split_document

    started = time.perf_counter()
    source, limits = request.source, request.limits
    size: int | None = len(request.data) if request.data is not None else None
    try:
        if request.data is not None:
            doc = read_bytes(request.data, source, limits=limits)
        else:
            assert request.path is not None
            with contextlib.suppress(OSError):
                size = os.stat(request.path).st_size
            doc = read_document(request.path, limits=limits, source=source)
        units = tuple(split_document(doc, nlp=nlp))
    except EssNlpError as err:
        return FileResult(source, error=str(err), size=size, seconds=time.perf_counter() - started)
    except MemoryError:
        return FileResult(source, error=_memory_error(source, limits), size=size, stopped=True)
    except RecursionError:
        return FileResult(
            source,
            error=f"{source} : structure trop profondément imbriquée pour être lue ; vérifiez le fichier",
            size=size,
        )
    except Exception as err:  # a reader bug must not stop the batch
        logger.exception("unexpected error while reading %s", source)
        return FileResult(source, error=f"{source} : erreur inattendue ({type(err).__name__} : {err})", size=size)
    if not units:
        return FileResult(source, error=f"{source} : aucun texte exploitable, aucun cahier trouvé", size=size)
    return FileResult(source, doc, units, size=size, seconds=time.perf_counter() - started)


def _memory_error(source: str, limits: Limits) -> str:
    return str(
        over_limit(
            source,
            f"lecture arrêtée : le fichier demandait plus de {format_size(limits.max_memory_bytes)} de mémoire "
            f"(limite {format_size(limits.max_memory_bytes)})",
            "max_memory_bytes",
            limits,
            "découpez-le",
        )
    )


def _crash_error(source: str, limits: Limits) -> str:
    return str(
        over_limit(
            source,
            "lecture arrêtée : le processus de lecture s'est arrêté brutalement sur ce fichier "
            f"(mémoire dépassée, limite {format_size(limits.max_memory_bytes)}, ou fichier corrompu)",
            "max_memory_bytes",
            limits,
            "vérifiez le fichier",
        )
    )


def _timeout_error(source: str, limits: Limits, *, wall: bool = False) -> str:
    what = (
        f"lecture arrêtée : aucune réponse après {WALL_FACTOR * limits.max_seconds + 5:g} s "
        f"(limite {limits.max_seconds:g} s de calcul)"
        if wall
        else f"lecture arrêtée après {limits.max_seconds:g} s de calcul (limite {limits.max_seconds:g} s)"
    )
    return str(
        over_limit(
            source,
            what,
            "max_seconds",
            limits,
            "découpez le fichier",
        )
    )


# --- the worker process (parent side) ---------------------------------------------------------


class WorkerError(EssNlpError):
    """The worker process could not start (its reason in French)."""


@dataclass
class Worker:
    """A child process that runs :func:`read_and_split` with time and memory budgets.

    Started on first use (or by :meth:`start`, which returns at once so that the pipeline
    loads while the caller lists files); one request at a time (a lock serialises callers).
    """

    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    _ready: bool = field(default=False, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _startup_error: str | None = field(default=None, init=False, repr=False)

    def start(self) -> None:
        if self._process is not None and self._process.poll() is None:
            return
        self._kill()  # a child that exited: close its pipes
        env = {**os.environ, "MALLOC_ARENA_MAX": "2", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
        stderr = None if logger.isEnabledFor(logging.DEBUG) else subprocess.DEVNULL
        self._process = subprocess.Popen(
            [sys.executable, "-m", "ess_nlp.isolation"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=env,
            close_fds=True,
        )
        logger.debug("started ingestion worker %d", self._process.pid)

    def close(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(OSError):
            assert process.stdin is not None
            process.stdin.close()
        try:
            process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, request: FileRequest) -> FileResult:
        """Read and split one file in the child; a file over its budgets gets ``stopped``."""
        with self._lock:
            if self._startup_error is not None:
                raise WorkerError(self._startup_error)
            self._wait_ready()
            process = self._process
            assert process is not None and process.stdin is not None and process.stdout is not None
            # The child stops itself after max_seconds of CPU time (RLIMIT_CPU); the wall-clock
            # deadline catches a child that waits without computing (a blocked read).
            deadline = time.monotonic() + WALL_FACTOR * request.limits.max_seconds + 5
            try:
                _send(process.stdin, request)
                reply = _receive(process.stdout, deadline)
            except TimeoutError:  # (before OSError, of which it is a subclass)
                self._kill()
                error = _timeout_error(request.source, request.limits, wall=True)
                return FileResult(request.source, error=error, stopped=True)
            except (EOFError, OSError):
                reply = None
            if not isinstance(reply, tuple):
                code = self._kill(wait=2.0)  # it closed its output: let it end to read its status
                logger.info("ingestion worker died on %s (exit status %s)", request.source, code)
                error = (
                    _timeout_error(request.source, request.limits)
                    if code == -signal.SIGXCPU
                    else _crash_error(request.source, request.limits)
                )
                return FileResult(request.source, error=error, stopped=True)
            result, keep = reply
            if not keep:
                self._kill()  # the child ran out of memory or grew: a fresh one reads the next file
            assert isinstance(result, FileResult)
            return result

    def _wait_ready(self) -> None:
        if self._ready and self._process is not None and self._process.poll() is None:
            return
        self.start()
        assert self._process is not None and self._process.stdout is not None
        try:
            message = _receive(self._process.stdout, time.monotonic() + STARTUP_SECONDS)
        except (TimeoutError, EOFError, OSError):
            message = None
        if message == "ready":
            self._ready = True
            return
        reason = message if isinstance(message, str) else "le processus de lecture n'a pas démarré"
        self._kill()
        self._startup_error = f"Lecture des fichiers impossible : {reason}."
        raise WorkerError(self._startup_error)

    def _kill(self, wait: float = 0.0) -> int | None:
        """Stop the child (if any, after ``wait`` seconds for it to end by itself) and close its
        pipes; return its exit status when it ended by itself (negative: the signal)."""
        process, self._process = self._process, None
        self._ready = False
        if process is None:
            return None
        try:
            code: int | None = process.wait(timeout=wait) if wait else process.poll()
        except subprocess.TimeoutExpired:
            code = None
        if code is None:
            with contextlib.suppress(OSError):
                process.kill()
            process.wait()
        logger.debug("ingestion worker %d ended (exit status %s)", process.pid, code)
        for pipe in (process.stdin, process.stdout):
            with contextlib.suppress(OSError):
                if pipe is not None:
                    pipe.close()
        return code


def _send(stream: IO[bytes], payload: object) -> None:
    data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)))
    stream.write(data)
    stream.flush()


def _receive(stream: IO[bytes], deadline: float | None) -> object:
    """One message from ``stream``, or TimeoutError at ``deadline`` (None: wait), EOFError if it
    closed."""
    fd = stream.fileno()
    header = _read_exactly(fd, _HEADER.size, deadline)
    (length,) = _HEADER.unpack(header)
    return pickle.loads(_read_exactly(fd, length, deadline))  # our own child's answer


def _read_exactly(fd: int, n: int, deadline: float | None) -> bytes:
    chunks: list[bytes] = []
    missing = n
    while missing:
        if deadline is not None:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([fd], [], [], max(left, 0))
            if not ready:
                raise TimeoutError
        chunk = os.read(fd, min(missing, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


_shared: Worker | None = None
_shared_lock = threading.Lock()


def shared_worker() -> Worker:
    """The worker of this process (started on first use, stopped at exit)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Worker()
            atexit.register(_shared.close)
        return _shared


# --- the worker process (child side) ----------------------------------------------------------


def _serve() -> None:
    """Answer requests from stdin until it closes (the parent exited or closed us)."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print must not corrupt the answers
    stdin = os.fdopen(os.dup(0), "rb")
    _die_with_parent()
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a child stopped by SIGXCPU leaves no core file
    sys.modules["torch"] = None  # type: ignore[assignment]  # thinc imports it if it can; splitting never needs it
    try:
        from ess_nlp.nlp import sentence_pipeline

        nlp = sentence_pipeline()
    except EssNlpError as err:
        _send(out, str(err).rstrip("."))
        return
    _send(out, "ready")
    baseline = _resident_bytes()
    while True:
        try:
            request = _receive(stdin, None)
        except (EOFError, OSError):
            return
        assert isinstance(request, FileRequest)
        with _budget(request.limits):
            result = read_and_split(request, nlp=nlp)
        # Memory freed by Python is not always given back: a child that grew by more than half
        # a budget is replaced rather than carried into the next file.
        keep = not result.stopped and _resident_bytes() - baseline < request.limits.max_memory_bytes // 2
        _send(out, (result, keep))
        if not keep:
            return


def _resident_bytes() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@contextlib.contextmanager
def _budget(limits: Limits) -> Iterator[None]:
    """Cap this process's address space at its current size plus ``max_memory_bytes``, and its
    CPU time at ``max_seconds`` more than it used so far, for the duration of one file."""
    page = os.sysconf("SC_PAGE_SIZE")
    with open("/proc/self/statm") as handle:
        current = int(handle.read().split()[0]) * page
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    used = int(cpu.ru_utime + cpu.ru_stime)
    saved_as = resource.getrlimit(resource.RLIMIT_AS)
    saved_cpu = resource.getrlimit(resource.RLIMIT_CPU)
    resource.setrlimit(resource.RLIMIT_AS, (current + limits.max_memory_bytes, saved_as[1]))
    # Past the soft limit the kernel sends SIGXCPU, which ends the process.
    resource.setrlimit(resource.RLIMIT_CPU, (used + math.ceil(limits.max_seconds), saved_cpu[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, saved_as)
        resource.setrlimit(resource.RLIMIT_CPU, saved_cpu)


def _die_with_parent() -> None:
    """Linux: be killed when the parent dies (a ``kill -9`` of the command leaves no orphan)."""
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:
            os._exit(0)


if __name__ == "__main__":
    # Run under the module's own name, so that what is pickled names ess_nlp.isolation.
    from ess_nlp import isolation

    isolation._serve()
