"""Export targets (issue 18): a folder, a device or a symbolic link is refused in French and left
as it was; a plain file is replaced atomically."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ess_nlp.errors import ConfigError
from ess_nlp.export import ExportResult, write_export


def _result() -> ExportResult:
    return ExportResult(data=b"contenu", filename="synthese.md", fmt="markdown", doc=None, draft=True)  # type: ignore[arg-type]


def test_a_folder_is_refused_and_a_file_name_suggested(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"c'est un dossier.*synthese\.md"):
        write_export(_result(), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_symbolic_link_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("ne pas écraser")
    link = tmp_path / "export.md"
    link.symlink_to(target)
    with pytest.raises(ConfigError, match="lien symbolique"):
        write_export(_result(), link)
    assert target.read_text() == "ne pas écraser" and link.is_symlink()


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="no /dev/null on this system")
def test_a_device_is_refused() -> None:
    with pytest.raises(ConfigError, match="fichier spécial"):
        write_export(_result(), "/dev/null")
    assert Path("/dev/null").is_char_device()


def test_a_plain_file_is_replaced_and_no_temporary_file_is_left(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "synthese.md"
    write_export(_result(), out)
    out.write_bytes(b"ancien")
    write_export(_result(), out)
    assert out.read_bytes() == b"contenu"
    assert sorted(p.name for p in out.parent.iterdir()) == ["synthese.md"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_gives_a_sentence(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ConfigError, match="n'a pas pu être écrit"):
            write_export(_result(), folder / "x.md")
    finally:
        folder.chmod(0o700)
