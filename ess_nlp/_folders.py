"""Model folders written all at once: into a temporary sibling, renamed when complete.

Classifier and topic-model folders share this, so a failure (full disk, a bad value) never
leaves a partial folder behind, and a finished folder has the usual permissions.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_folder(folder: Path, *, replace: bool = False) -> Iterator[Path]:
    """A temporary sibling of ``folder`` to write into: renamed to ``folder`` when the block
    ends without error, removed otherwise. With ``replace``, an existing ``folder`` is swapped
    out; without it, the caller checks that ``folder`` does not exist."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.tmp-", dir=folder.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private; a model folder is read like any other
    try:
        yield tmp
        if replace and folder.exists():
            trash = folder.with_name(f".{folder.name}.old-{os.getpid()}")
            folder.rename(trash)
            tmp.rename(folder)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            tmp.rename(folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
