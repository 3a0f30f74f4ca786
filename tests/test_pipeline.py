"""The main job over a batch: bad files are reported one sentence each, the rest goes on."""

from __future__ import annotations

import csv
import io
import os
import sys
import zipfile

import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from ess_nlp.ingest import Limits
from ess_nlp.pipeline import ingest_paths
from ess_nlp.store import Store

GOOD = "Le Jardin du Coteau\n\nConstats\n\nLes friches se multiplient.\n\nNos propositions\n\n1. Créer un fonds.\n"


def pdf_bytes(text: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf_bytes("Texte secret"))))
    writer.encrypt("motdepasse")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (40 * 2**20))  # 40 MB of zeros, ~40 kB zipped
    return out.getvalue()


@pytest.fixture
def batch(tmp_path):
    folder = tmp_path / "lot"
    folder.mkdir()
    (folder / "a-bon.txt").write_text(GOOD, encoding="utf-8")
    (folder / "b-bon.md").write_text(
        "# Cantine solidaire\n\n## Constat\n\nTrop de gaspillage.\n", encoding="utf-8"
    )
    (folder / "vide.txt").write_bytes(b"")
    (folder / "faux.pdf").write_bytes(os.urandom(4096))
    (folder / "chiffre.pdf").write_bytes(encrypted_pdf())
    (folder / "tronque.pdf").write_bytes(pdf_bytes("Un texte de cahier.")[:300])
    (folder / "pas-un-zip.docx").write_text("ceci n'est pas un document Word", encoding="utf-8")
    (folder / "bombe.docx").write_bytes(zip_bomb())
    (folder / "inconnu.xyz").write_text("bonjour", encoding="utf-8")
    (folder / "encodage.txt").write_bytes(b"\x81\x8d\x8f\x90\x9d" * 50)
    with (folder / "enorme.txt").open("wb") as handle:  # sparse: 200 MB on paper, nothing on disk
        handle.truncate(200 * 2**20)
    return folder


EXPECTED_REASONS = {
    "vide.txt": "vide",
    "faux.pdf": "PDF",
    "chiffre.pdf": "mot de passe",
    "tronque.pdf": "PDF",
    "pas-un-zip.docx": "Word",
    "bombe.docx": "compress",
    "inconnu.xyz": "format non pris en charge",
    "encodage.txt": "encodage",
    "enorme.txt": "volumineux",
}


def test_bad_files_fail_one_sentence_each_and_the_rest_is_stored(tmp_path, batch):
    with Store(tmp_path / "db.sqlite3") as store:
        earlier = tmp_path / "deja.txt"
        earlier.write_text(GOOD.replace("Coteau", "Marais"), encoding="utf-8")
        assert [r.outcome for r in ingest_paths([earlier], store)] == ["added"]

        reports = {os.path.basename(r.path): r for r in ingest_paths([batch], store)}

        assert {name for name, r in reports.items() if r.outcome == "added"} == {"a-bon.txt", "b-bon.md"}
        for name, reason in EXPECTED_REASONS.items():
            report = reports[name]
            assert report.outcome == "failed", name
            assert name in report.message and reason.lower() in report.message.lower(), report.message
            assert "\n" not in report.message and "Traceback" not in report.message
        # nothing already saved is lost and nothing half-written is left
        assert sorted(os.path.basename(s["path"]) for s in store.sources()) == [
            "a-bon.txt",
            "b-bon.md",
            "deja.txt",
        ]
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_limits_are_configurable(tmp_path):
    path = tmp_path / "cahier.txt"
    path.write_text(GOOD, encoding="utf-8")
    with Store(tmp_path / "db.sqlite3") as store:
        [report] = ingest_paths([path], store, limits=Limits(max_file_bytes=10))
    assert report.outcome == "failed" and "volumineux" in report.message


def test_reingesting_is_idempotent_and_a_changed_file_replaces_only_its_units(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(GOOD, encoding="utf-8")
    b.write_text(GOOD.replace("Coteau", "Marais"), encoding="utf-8")
    with Store(tmp_path / "db.sqlite3") as store:
        assert [r.outcome for r in ingest_paths([a, b], store)] == ["added", "added"]
        b_units = [u.id for u in store.units(source=str(b))]
        assert [r.outcome for r in ingest_paths([a, b], store)] == ["unchanged", "unchanged"]
        a.write_text(GOOD + "\n2. Former les bénévoles.\n", encoding="utf-8")
        assert [r.outcome for r in ingest_paths([a, b], store)] == ["replaced", "unchanged"]
        assert [u.id for u in store.units(source=str(b))] == b_units
        assert any("bénévoles" in u.text for u in store.units("paragraph", source=str(a)))


@pytest.mark.shared_data
@pytest.mark.slow
def test_real_messy_consultation_texts_ingest_and_split(tmp_path, shared_data):
    csv.field_size_limit(sys.maxsize)
    folder = tmp_path / "reel"
    folder.mkdir()
    with (shared_data / "gdn-reunions-locales" / "gdn_reunions_locales.csv").open(encoding="utf-8") as handle:
        for i, row in enumerate(csv.DictReader(handle)):
            if i >= 150:
                break
            text = "\n\n".join(x for x in (row["title"], row["constats"], row["propositions"]) if x.strip())
            (folder / f"gd-{row['contribution_id']}.txt").write_text(text or "vide", encoding="utf-8")
    nanterre = shared_data / "nanterre-assises-2016" / "toutes-les-contributions-anon.csv"
    (folder / "nanterre.csv").write_bytes(nanterre.read_bytes())
    with Store(tmp_path / "db.sqlite3") as store:
        reports = ingest_paths([folder], store)
        failures = [r.message for r in reports if r.outcome not in {"added", "duplicate"}]
        assert failures == []
        for source in store.sources():
            doc = store.document(source["path"])
            assert doc is not None
            for unit in store.units(source=source["path"]):
                assert unit.text == doc.text[unit.start : unit.end]
        nanterre_cahiers = list(store.units("cahier", source=str(folder / "nanterre.csv")))
        assert len(nanterre_cahiers) >= 250  # one cahier per contribution row


def boom(store, *, progress=None):
    raise RuntimeError("panne simulée")


def fine(store, *, progress=None):
    from ess_nlp.pipeline import StepReport

    return StepReport("fine", "rien à faire")


def test_a_failing_step_is_reported_and_the_next_steps_still_run(tmp_path, monkeypatch):
    from ess_nlp import pipeline

    monkeypatch.setattr(pipeline, "STEPS", (("boom", f"{__name__}:boom"), ("fine", f"{__name__}:fine")))
    with Store(tmp_path / "db.sqlite3") as store:
        reports = pipeline.run_steps(store)
        assert [(r.name, r.failed) for r in reports] == [("boom", True), ("fine", False)]
        assert "panne simulée" in reports[0].summary
        with pytest.raises(pipeline.EssNlpError, match="inconnue"):
            pipeline.run_steps(store, steps=["nope"])
