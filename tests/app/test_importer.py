"""« Importer »: uploads are read, split and stored one by one; a bad file says why in French
and the others go on; long PDFs are read within the app's limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF
from streamlit.testing.v1 import AppTest
from test_pages import shown

import ess_nlp.app
from ess_nlp.store import Store
from ess_nlp.uploads import import_upload, source_name

MAIN = str(Path(ess_nlp.app.__file__).resolve().parents[1] / "streamlit_app.py")
GOOD = "Une épicerie solidaire\n\nConstat :\n\nLes prix montent.\n\nNos propositions\n\n1. De créer un fonds."


WORDS = [
    "coopérative",
    "association",
    "mutuelle",
    "fondation",
    "insertion",
    "emploi",
    "territoire",
    "commune",
    "région",
    "habitants",
    "financement",
    "épargne",
    "solidaire",
    "circuit",
    "court",
    "logement",
    "formation",
    "santé",
    "culture",
    "jeunes",
    "quartier",
    "partenaires",
    "réseau",
    "bénévoles",
    "salariés",
    "projet",
    "accompagnement",
    "collectivité",
    "marché",
    "public",
]


def pdf_bytes(pages: int, seed: int = 0, *, paragraphs: int = 3) -> bytes:
    """A PDF of ``pages`` pages of varied prose, ``paragraphs`` per page (no line repeats from
    page to page, so none is taken for a running header)."""
    import random

    rng = random.Random(seed)
    pdf = FPDF()
    font = _font()
    if font:
        pdf.add_font("dejavu", fname=font)
    pdf.set_font("dejavu" if font else "helvetica", size=11)
    for n in range(1, pages + 1):
        pdf.add_page()
        if n == 1:
            pdf.multi_cell(0, 6, _latin("Cahier d'espérance de la Coopérative du Long Document"))
            pdf.ln(4)
            pdf.multi_cell(0, 6, "Constat :")
            pdf.ln(4)
        for _ in range(paragraphs):
            words = [rng.choice(WORDS) for _ in range(rng.randint(25, 45))]
            pdf.multi_cell(0, 6, _latin(" ".join(words).capitalize() + "."))
            pdf.ln(3)
    return bytes(pdf.output())


def _font() -> str | None:
    path = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    return str(path) if path.exists() else None


def _latin(text: str) -> str:
    return text if _font() else text.encode("latin-1", "replace").decode("latin-1")


def importer(db: Path, monkeypatch: pytest.MonkeyPatch, **env: str) -> AppTest:
    monkeypatch.setenv("ESS_NLP_DB", str(db))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    at = AppTest.from_file(MAIN, default_timeout=600)
    at.run()
    at.switch_page("app/pages/importer.py").run()
    return at


def upload(at: AppTest, files: list[tuple[str, bytes, str]], *, steps: bool = False) -> None:
    at.file_uploader(key="importer_files").set_value(files).run()
    at.toggle(key="importer_steps").set_value(steps).run()
    at.button(key="importer_go").click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_source_names_drop_folders():
    assert source_name("C:\\Users\\x\\cahier.docx") == "import/cahier.docx"
    assert source_name("../../etc/passwd.txt") == "import/passwd.txt"


def test_a_bad_file_does_not_stop_the_others(tmp_path, monkeypatch):
    at = importer(tmp_path / "db.sqlite3", monkeypatch)
    upload(
        at,
        [
            ("bon.txt", GOOD.encode("utf-8"), "text/plain"),
            ("abime.docx", b"PK\x03\x04 pas vraiment un docx", "application/octet-stream"),
            ("deuxieme.md", ("# Titre\n\n" + GOOD).encode("utf-8"), "text/markdown"),
        ],
    )
    errors = [shown(e.value) for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("Échec de l'import — import/abime.docx : ")
    assert any("2 fichier(s) traité(s)" in s.value for s in at.success)
    assert any("corrigez ceux en échec" in i.value for i in at.info)
    with Store(tmp_path / "db.sqlite3") as store:
        assert sorted(s["path"] for s in store.sources()) == ["import/bon.txt", "import/deuxieme.md"]


def test_same_upload_twice_is_unchanged(tmp_path, monkeypatch):
    db = tmp_path / "db.sqlite3"
    at = importer(db, monkeypatch)
    upload(at, [("bon.txt", GOOD.encode("utf-8"), "text/plain")])
    at.button(key="importer_go").click().run()
    assert any("déjà présent, inchangé" in m.value for m in at.markdown)


def test_pdf_over_the_page_limit_is_refused_in_french(tmp_path, monkeypatch):
    at = importer(tmp_path / "db.sqlite3", monkeypatch, ESS_NLP_APP_MAX_PAGES="5")
    assert any("5 pages par fichier" in c.value for c in at.caption)
    upload(
        at,
        [("long.pdf", pdf_bytes(6), "application/pdf"), ("bon.txt", GOOD.encode("utf-8"), "text/plain")],
    )
    (error,) = [shown(e.value) for e in at.error]
    assert error.startswith("Échec de l'import — import/long.pdf : ") and "5" in error and "pages" in error
    with Store(tmp_path / "db.sqlite3") as store:
        assert [s["path"] for s in store.sources()] == ["import/bon.txt"]


@pytest.mark.slow
def test_a_300_page_pdf_is_imported_with_its_pages(tmp_path):
    with Store(tmp_path / "db.sqlite3") as store:
        result = import_upload(store, "long.pdf", pdf_bytes(300, paragraphs=1))
        assert result.outcome == "added", result.message
        pages = store.conn.execute(
            "SELECT min(page), max(page) FROM units WHERE level = 'sentence'"
        ).fetchone()
    assert tuple(pages) == (1, 300)


def test_every_step_of_the_import_has_a_french_label(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ess_nlp.pipeline
    from ess_nlp.uploads import run_steps

    assert {name for name, _ in ess_nlp.pipeline.STEPS} <= set(ess_nlp.pipeline.STEP_LABELS)
    monkeypatch.setattr(ess_nlp.pipeline, "STEPS", (("syntheses", "ess_nlp.synthesis.step:synthesis_step"),))
    labels: list[str] = []
    with Store(tmp_path / "db.sqlite3") as store:
        lines = list(run_steps(store, lambda label, done, total: labels.append(label)))
    assert lines and lines[0].startswith("Synthèses : ") and "syntheses" not in lines[0]
    assert set(labels) <= {"Synthèses"}


@pytest.mark.parametrize(("name", "value"), [("ESS_NLP_APP_MAX_MB", "cinquante"), ("ESS_NLP_LIMITS", "max_seconds=-1")])
def test_a_mistyped_setting_is_one_french_sentence_on_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    at = importer(tmp_path / "db.sqlite3", monkeypatch, **{name: value})
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.error) == 1 and "invalide" in at.error[0].value
    assert not at.get("file_uploader")  # nothing is imported with limits no one chose
