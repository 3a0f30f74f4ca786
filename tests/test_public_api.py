"""The public API the package docstring promises, and no work done at import (issue 14)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import ess_nlp

SAMPLE = Path(__file__).resolve().parents[1] / "corpus" / "sample"


def test_the_documented_names_import_and_work(tmp_path: Path) -> None:
    from ess_nlp import Store, read_document, run, split_document

    assert set(ess_nlp.__all__) >= {"read_document", "split_document", "Store", "run"}
    source = sorted((SAMPLE / "txt").glob("*.txt"))[0]
    doc = read_document(source)
    units = split_document(doc)
    assert units[0].level == "cahier" and units[0].text == doc.text[units[0].start : units[0].end]
    with Store(tmp_path / "db.sqlite3") as store:
        report = run([source], store, steps=[])
        assert [s.outcome for s in report.sources] == ["added"]
        assert store.conn.execute("SELECT count(*) FROM units").fetchone()[0] == len(units)


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        ess_nlp.no_such_thing  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def test_importing_the_package_and_access_loads_no_heavy_module() -> None:
    code = (
        "import sys, ess_nlp, ess_nlp.access\n"
        "heavy = [m for m in ('spacy', 'sklearn', 'torch', 'bertopic', 'streamlit', 'ess_nlp.pipeline') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_the_extract_package_loads_spacy_only_when_its_pipeline_is_asked_for() -> None:
    """The app's proposal groups (``extract.group_edits``) need no model library; the names of
    ``ess_nlp.extract`` that do load it on first use, with the spaCy components."""
    code = (
        "import sys, ess_nlp.extract, ess_nlp.extract.group_edits\n"
        "light = [m for m in ('spacy', 'sklearn', 'torch') if m in sys.modules]\n"
        "from ess_nlp.extract import Extraction, extract_units, extraction_pipeline, DEFAULT_MODEL\n"
        "extraction_pipeline.__wrapped__  # the function itself, not a stand-in\n"
        "from spacy.language import Language\n"
        "print(','.join(light), '|', DEFAULT_MODEL, callable(extract_units),\n"
        "      all(Language.has_factory(f'ess_{n}') for n in ('proposals', 'constats', 'initiatives', 'kinds')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["|", "fr_core_news_sm", "True", "True"]
    import ess_nlp.extract

    with pytest.raises(AttributeError, match="no_such_thing"):
        ess_nlp.extract.no_such_thing  # noqa: B018
