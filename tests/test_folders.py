"""atomic_folder: a model folder appears whole, readable, or not at all."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from ess_nlp._folders import atomic_folder


def test_the_folder_appears_complete_and_readable(tmp_path: Path) -> None:
    folder = tmp_path / "models" / "m" / "1"
    with atomic_folder(folder) as tmp:
        (tmp / "meta.json").write_text("{}", encoding="utf-8")
        assert not folder.exists()
    assert (folder / "meta.json").read_text(encoding="utf-8") == "{}"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755
    assert [p.name for p in folder.parent.iterdir()] == ["1"]


def test_a_failure_leaves_nothing_and_replace_keeps_the_old_folder_until_done(tmp_path: Path) -> None:
    folder = tmp_path / "m" / "1"
    with atomic_folder(folder) as tmp:
        (tmp / "a.txt").write_text("ancien", encoding="utf-8")
    with pytest.raises(OSError, match="disque plein"), atomic_folder(folder, replace=True) as tmp:
        (tmp / "a.txt").write_text("nouveau", encoding="utf-8")
        raise OSError("disque plein")
    assert (folder / "a.txt").read_text(encoding="utf-8") == "ancien"
    assert [p.name for p in folder.parent.iterdir()] == ["1"]
    with atomic_folder(folder, replace=True) as tmp:
        (tmp / "a.txt").write_text("nouveau", encoding="utf-8")
    assert (folder / "a.txt").read_text(encoding="utf-8") == "nouveau"
    assert [p.name for p in folder.parent.iterdir()] == ["1"]
