"""Bad input of issue 4: no crash, no silent loss, sensible output."""

from __future__ import annotations

from ess_nlp.records import Page


def test_document_with_no_proposals(extract_text) -> None:
    text = ("Le jardin partagé des Brizeaux\n\nCréé en 2012, le jardin réunit 40 familles du quartier. "
            "Les parcelles sont cultivées sans pesticides et une fête a lieu chaque été.\n")
    _, _, extraction = extract_text(text)
    assert extraction.proposals == ()
    [card] = extraction.initiatives
    assert card.name == "Le jardin partagé des Brizeaux" or "Brizeaux" in (card.name or "")
    assert [(f.value, f.unit) for f in card.figures] == [(40, "personnes")]


def test_empty_and_blank_documents(extract_text) -> None:
    for text in ("", "\n\n  \n"):
        _, _, extraction = extract_text(text)
        assert extraction.records() == []


def test_list_of_300_items_keeps_every_item_with_its_number(extract_text) -> None:
    items = "\n\n".join(f"{i}. De créer le dispositif numéro {i} pour les structures de l'ESS." for i in range(1, 301))
    doc, _, extraction = extract_text(f"Nos propositions\n\nNous proposons :\n\n{items}\n")
    assert len(extraction.proposals) == 300
    assert [p.number for p in extraction.proposals] == [f"{i}." for i in range(1, 301)]
    assert len({p.id for p in extraction.proposals}) == 300
    for p in extraction.proposals[::37]:
        assert doc.text[p.start : p.end] == p.text


def test_proposal_spanning_a_page_break_stays_one_proposal(extract_text) -> None:
    text = ("Nos propositions\n\nNous proposons :\n\n"
            "1. De créer un fonds territorial de garantie pour les SCIC et les SCOP qui\n\n"
            "reprennent une entreprise en difficulté dans les territoires ruraux.\n\n"
            "2. D'ouvrir la commande publique aux structures de l'ESS.\n")
    doc, _, extraction = extract_text(text)
    assert [p.number for p in extraction.proposals] == ["1.", "2."]
    first = extraction.proposals[0]
    assert first.text.startswith("De créer un fonds") and first.text.endswith("territoires ruraux.")
    assert doc.text[first.start : first.end] == first.text
    assert extraction.constats == ()  # the continuation is not reported a second time


def test_pdf_pages_do_not_break_extraction(extract_text, nlp) -> None:
    from ess_nlp.extract import extract_units
    from ess_nlp.records import Document
    from ess_nlp.segment import split_document

    text = ("Nos propositions\n\n1. De créer un fonds de garantie pour les SCIC qui\n\n"
            "reprennent des entreprises.\n\n2. Que l'État garantisse les prêts.\n")
    cut = text.index("reprennent")
    doc = Document("cahier.pdf", text, "pdf", "0" * 64, pages=(Page(1, 0, cut), Page(2, cut, len(text))))
    extraction = extract_units(split_document(doc), nlp=nlp)
    assert [p.number for p in extraction.proposals] == ["1.", "2."]
    assert extraction.proposals[0].end > cut


def test_text_in_another_language_gives_no_false_french_proposals(extract_text) -> None:
    text = ("Our cooperative recycles furniture in Bristol. We employ twelve people and we propose "
            "to open a second shop.\n\nThe council should fund social enterprises.\n")
    _, _, extraction = extract_text(text)
    assert extraction.proposals == ()
    for record in extraction.records():
        assert record.text  # whatever is returned is traceable, nothing crashes


def test_all_caps_text(extract_text) -> None:
    text = ("NOS PROPOSITIONS\n\nNOUS PROPOSONS :\n\n1. DE CRÉER UN FONDS DE GARANTIE POUR LES SCIC.\n\n"
            "2. QUE L'ÉTAT GARANTISSE LES PRÊTS D'HONNEUR.\n\nIL FAUT SIMPLIFIER LES DOSSIERS DU FSE.\n")
    doc, _, extraction = extract_text(text)
    texts = [p.text for p in extraction.proposals]
    assert "DE CRÉER UN FONDS DE GARANTIE POUR LES SCIC." in texts
    assert "QUE L'ÉTAT GARANTISSE LES PRÊTS D'HONNEUR." in texts
    assert "IL FAUT SIMPLIFIER LES DOSSIERS DU FSE." in texts
    for p in extraction.proposals:
        assert doc.text[p.start : p.end] == p.text


def test_text_without_punctuation(extract_text) -> None:
    text = ("nos propositions\n\nil faut créer un fonds de garantie pour les scic\n\n"
            "que l'état garantisse les prêts d'honneur\n\nnous avons créé douze emplois en deux mille six\n")
    _, _, extraction = extract_text(text)
    texts = [p.text for p in extraction.proposals]
    assert "il faut créer un fonds de garantie pour les scic" in texts
    assert "que l'état garantisse les prêts d'honneur" in texts
    assert all("douze emplois" not in t for t in texts)


def test_form_placeholders_are_not_proposals(extract_text) -> None:
    text = ("Réunion du 12 février\n\nCommune : Non renseignée\n\nDépartement : Non renseigné\n\n"
            "Constats\n\nLes transports manquent dans les villages du canton depuis dix ans.\n\n"
            "Propositions\n\n(non renseigné)\n\nNéant.\n\nVoir le compte rendu joint.\n\nRétablir une ligne de bus entre les villages.\n")
    _, _, extraction = extract_text(text)
    assert [p.text for p in extraction.proposals] == ["Rétablir une ligne de bus entre les villages."]


# -- issue 12: a PDF with no text layer, an encrypted PDF, a document that is only a table of contents --

GOOD = "Nos propositions\n\nNous proposons :\n\n1. De créer un fonds de garantie pour les SCIC.\n"


def _image_only_pdf() -> bytes:
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "ingest" / "ingest_factories.py"
    spec = importlib.util.spec_from_file_location("_ingest_factories_for_extract", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.image_only_pdf()


def _extract_cli(*paths: object):
    from typer.testing import CliRunner

    from ess_nlp.cli import app

    return CliRunner().invoke(app, ["extract", "--json", *map(str, paths)])


def _one_french_line(stderr: str, name: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert name in lines[0] and "Traceback" not in stderr


def test_pdf_without_text_layer_one_sentence_and_the_rest_goes_on(tmp_path) -> None:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(_image_only_pdf())
    good = tmp_path / "cahier.txt"
    good.write_text(GOOD, encoding="utf-8")
    result = _extract_cli(scan, good)
    assert result.exit_code == 1
    _one_french_line(result.stderr, "scan.pdf")
    assert "texte" in result.stderr
    assert "De créer un fonds de garantie pour les SCIC." in result.stdout


def test_encrypted_pdf_one_sentence_and_the_rest_goes_on(tmp_path, shared_data) -> None:
    encrypted = sorted((shared_data / "decider-ensemble-fiches" / "pdf-encrypted").glob("*.pdf"))[0]
    good = tmp_path / "cahier.txt"
    good.write_text(GOOD, encoding="utf-8")
    result = _extract_cli(encrypted, good)
    assert result.exit_code == 1
    _one_french_line(result.stderr, encrypted.name)
    assert "mot de passe" in result.stderr or "chiffré" in result.stderr
    assert "De créer un fonds de garantie pour les SCIC." in result.stdout


def test_table_of_contents_only_one_sentence_and_the_rest_goes_on(tmp_path) -> None:
    toc = tmp_path / "sommaire.txt"
    toc.write_text("Sommaire\n\nIntroduction ........ 3\n\nNos constats ........ 5\n\nNos propositions ........ 9\n",
                   encoding="utf-8")
    good = tmp_path / "cahier.txt"
    good.write_text(GOOD, encoding="utf-8")
    result = _extract_cli(toc, good)
    assert result.exit_code == 0
    _one_french_line(result.stderr, "sommaire.txt")
    assert "table des matières" in result.stderr
    assert "De créer un fonds de garantie pour les SCIC." in result.stdout
    assert "Introduction" not in result.stdout
