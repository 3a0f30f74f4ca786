"""The scripts Streamlit runs draw the app only when run as the main script: a process that
multiprocessing's "spawn" starts (Dask's workers) re-runs its parent's main script under the
name ``__mp_main__``, and after Streamlit ran one of these scripts in a process, it is that
process's main script (a Dask run then failed to start its workers in the test suite)."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

import ess_nlp.app.frame

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("script", ["ess_nlp/streamlit_app.py", "app.py"])
def test_the_app_is_drawn_only_when_the_script_is_main(script: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(ess_nlp.app.frame, "main", lambda: calls.append("drawn"))
    runpy.run_path(str(ROOT / script), run_name="__mp_main__")
    assert calls == []
    runpy.run_path(str(ROOT / script), run_name="__main__")
    assert calls == ["drawn"]
