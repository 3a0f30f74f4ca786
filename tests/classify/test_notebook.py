"""The researcher's notebook runs top to bottom."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "classification.ipynb"


@pytest.mark.slow
def test_classification_notebook_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ESS_NLP_NOTEBOOK_DIR", str(tmp_path))
    monkeypatch.setenv("PYTHONWARNINGS", "ignore")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert (tmp_path / "modeles" / "demo" / "1" / "meta.json").is_file()
    assert (tmp_path / "modeles" / "demo" / "2" / "meta.json").is_file()
    assert sorted(os.listdir(tmp_path / "modeles" / "demo")) == ["1", "2"]  # no temporary folder left
