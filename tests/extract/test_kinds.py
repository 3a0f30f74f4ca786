"""The sentence-kind classifier: estimator contract, model folder, shipped model, component."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from ess_nlp.errors import ModelError
from ess_nlp.extract.kinds import (
    KINDS,
    CuedText,
    Decision,
    KindModel,
    SentenceKindClassifier,
    default_kind_model_path,
    load_kind_model,
    save_kind_model,
)
from ess_nlp.extract.kinds.data import (
    SPLIT_SEED,
    TEST_FRACTION,
    Report,
    field_hits,
    gdn_account_sentences,
    gdn_title_rows,
    report_text,
    split_part,
)

ROOT = Path(__file__).resolve().parents[2]

PROPOSALS = ["Créer un fonds de garantie pour les SCIC.", "Il faut rouvrir les bureaux de poste.",
             "Supprimer le Sénat.", "Que l'État garantisse les prêts d'honneur.", "Baisser la TVA sur les produits de base.",
             "Il faudrait former les élus à la coopération."]
CONSTATS = ["Le chômage des jeunes atteint 25 % dans le quartier.", "Les services publics disparaissent des villages.",
            "Les associations manquent de fonds propres.", "Trop de taxes pour les petits retraités.",
            "Les transports en commun sont insuffisants.", "La précarité augmente depuis dix ans."]
DESCRIPTIONS = ["L'association accompagne 40 familles depuis 2006.", "La recyclerie collecte des meubles et les revend.",
                "Notre épicerie propose des produits locaux à prix réduits.", "Sa mission est de former des bénévoles.",
                "La coopérative emploie douze salariés.", "Le jardin réunit les habitants chaque samedi."]


def small_data() -> tuple[list[str], list[str]]:
    texts = PROPOSALS + CONSTATS + DESCRIPTIONS
    return texts, ["proposal"] * 6 + ["constat"] * 6 + ["description"] * 6


def fitted(**params: object) -> SentenceKindClassifier:
    texts, labels = small_data()
    return SentenceKindClassifier(cues=False, min_df=1, **params).fit(texts, labels)  # type: ignore[arg-type]


def test_estimator_contract() -> None:
    clf = SentenceKindClassifier(C=2.0, cues=False, min_df=1)
    assert clf.get_params()["C"] == 2.0 and not hasattr(clf, "classes_")
    texts, labels = small_data()
    assert clf.fit(texts, labels) is clf
    assert list(clf.classes_) == ["constat", "description", "proposal"]
    proba = clf.predict_proba(["Il faut créer un fonds.", "Le chômage augmente."])
    assert proba.shape == (2, 3) and np.allclose(proba.sum(axis=1), 1.0)
    assert clf.predict([]).shape == (0,)


def test_same_data_same_probabilities() -> None:
    sentences = ["Rétablir les trains de nuit.", "Les trains de nuit ont disparu."]
    assert np.array_equal(fitted().predict_proba(sentences), fitted().predict_proba(sentences))


def test_predict_before_fit_and_mismatched_labels_are_refused() -> None:
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        SentenceKindClassifier(cues=False).predict_proba(["Créer un fonds."])
    with pytest.raises(ValueError, match="2 sentences but 1 labels"):
        SentenceKindClassifier(cues=False).fit(["a b", "c d"], ["proposal"])


def test_cue_tokens_are_features() -> None:
    texts, labels = small_data()
    cued = [CuedText(t, ("open_infinitive",) if label == "proposal" else ("verbless",)) for t, label in zip(texts, labels, strict=True)]
    clf = SentenceKindClassifier(cue_weight=2.0, min_df=1).fit(cued, labels)
    proba = clf.predict_proba([CuedText("xyz abc", ("open_infinitive",)), CuedText("xyz abc", ("verbless",))])
    proposal = list(clf.classes_).index("proposal")
    assert proba[0, proposal] > proba[1, proposal]


def test_model_folder_round_trip_and_tampering(tmp_path: Path) -> None:
    model = KindModel(fitted(), Decision(add_proposal=0.7, measure=0.6), {"split": {"seed": SPLIT_SEED}})
    folder = save_kind_model(model, tmp_path / "sentence-kinds" / "1")
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    assert meta["decision"]["add_proposal"] == 0.7 and meta["labels"] == ["constat", "description", "proposal"]
    assert "Types de phrases" in (folder / "README.md").read_text(encoding="utf-8")
    loaded = load_kind_model(folder)
    assert loaded.decision == model.decision
    sentences = ["Rétablir les trains de nuit."]
    assert np.array_equal(loaded.predict_proba(sentences), model.predict_proba(sentences))
    with pytest.raises(ModelError, match="existe déjà"):
        save_kind_model(model, folder)
    (folder / "model.skops").write_bytes((folder / "model.skops").read_bytes() + b"x")
    with pytest.raises(ModelError, match="empreinte SHA-256"):
        load_kind_model(folder)
    with pytest.raises(ModelError, match=r"pas de fichier meta\.json"):
        load_kind_model(tmp_path)


def test_split_is_a_fixed_function_of_the_key() -> None:
    keys = [str(i) for i in range(2000)]
    parts = [split_part("gdn", k) for k in keys]
    assert parts == [split_part("gdn", k) for k in reversed(keys)][::-1]
    assert abs(parts.count("test") / len(keys) - TEST_FRACTION["gdn"]) < 0.05
    assert [split_part("an", k) for k in keys] != parts  # each set has its own split


def test_a_report_with_its_meeting_account_first_and_each_fields_span() -> None:
    account = "Réunion cordiale. Une trentaine de personnes."
    text, fields = report_text("Les bus sont rares.", "Rétablir les bus.", lead=account)
    assert text.startswith(account)
    assert {kind: text[a:b] for kind, (a, b) in fields.items()} == {
        "other": account, "constat": "Les bus sont rares.", "proposal": "Rétablir les bus."}
    text, fields = report_text("Constats", "Propositions", headings=True, lead="Propositions et Constats.")
    assert {kind: text[a:b] for kind, (a, b) in fields.items()} == {
        "other": "Propositions et Constats.", "constat": "Constats", "proposal": "Propositions"}
    assert "other" not in report_text("Les bus sont rares.", "Rétablir les bus.")[1]
    counts: Counter[str] = Counter()
    text, fields = report_text("Les bus sont rares.", "Rétablir les bus.", lead=account)
    start = text.index("Une trentaine")
    field_hits(text, fields, {"constat": [(start, start + 5)], "proposal": []}, counts)
    assert counts["other_sent"] == 2 and counts["other_as_constat"] == 1 and counts["constat_tp"] == 0


def test_a_meeting_account_gives_other_rows() -> None:
    report = Report("7", "Les bus sont rares.", "Rétablir les bus.", "dev", "Débat très riche. Bien. 30 personnes.")
    rows = gdn_account_sentences([report])
    assert [(r.text, r.kind, r.group, r.label) for r in rows] == [
        ("Débat très riche.", "other", "7", "how_it_went"), ("Bien.", "other", "7", "how_it_went"),
        ("30 personnes.", "other", "7", "how_it_went")]
    assert gdn_account_sentences([Report("8", "a", "b", "dev")]) == []


def test_a_reports_title_gives_an_other_row_and_saved_models_say_what_they_read() -> None:
    from ess_nlp.extract.kinds.train import GDN_FIELDS, base_fields, gdn_rows_what, learnt_fields

    reports = [Report("7", "a", "b", "dev", title="démocratie et citoyenneté"), Report("8", "a", "b", "test", title="18")]
    assert [(r.text, r.kind, r.group, r.label) for r in gdn_title_rows(reports)] == [
        ("démocratie et citoyenneté", "other", "7", "title")]
    # the rows of a base model (--measure-from): recorded from version 4 on, read from its kinds before
    assert base_fields({"training_data": {"gdn_fields": list(GDN_FIELDS)}}) == GDN_FIELDS
    v3 = {"training_data": {"sets": {"gdn": {"kinds": {"constat": 5, "other": 2, "proposal": 5}}}}}
    assert base_fields(v3) == ("constats", "propositions", "how_it_went")
    v2 = {"training_data": {"sets": {"gdn": {"kinds": {"constat": 5, "proposal": 5}}}}}
    assert base_fields(v2) == ("constats", "propositions")
    # --gdn-fields: the diagnosis and proposals are always read, and the card says what was
    assert learnt_fields(["title", "how_it_went"]) == GDN_FIELDS
    assert learnt_fields(["how_it_went"]) == ("constats", "propositions", "how_it_went")
    for version in (2, 3, 4):
        meta = json.loads((ROOT / "models" / "sentence-kinds" / str(version) / "meta.json").read_text("utf-8"))
        assert gdn_rows_what(base_fields(meta)) == meta["training_data"]["sets"]["gdn"]["what"]


def shipped() -> KindModel:
    path = default_kind_model_path()
    if path is None:
        pytest.skip("no sentence-kind model shipped in models/sentence-kinds")
    return load_kind_model(path)


def test_shipped_model_is_documented_and_trained_on_the_dev_parts_only() -> None:
    model = shipped()
    assert set(model.classes) == set(KINDS)
    assert model.meta["split"]["seed"] == SPLIT_SEED and model.meta["split"]["trained_on"] == "dev"
    assert model.meta["test_scores"] and model.meta["training_data"]["files"]
    card = (model.path / "README.md").read_text(encoding="utf-8")  # type: ignore[operator]
    assert "parts de test" in card


def test_shipped_model_reads_clear_cases() -> None:
    model = shipped()
    kinds = model.predict(["Il faut créer un fonds de garantie pour les SCIC.",
                           "Le chômage des jeunes atteint 25 % dans le quartier et les services publics ferment.",
                           "L'association accompagne 40 familles du quartier depuis 2006 grâce à ses bénévoles.",
                           "La réunion s'est déroulée dans une ambiance cordiale, une trentaine de personnes "
                           "étaient présentes.",
                           "Réunion d'initiative locale sur la transition écologique à Saint-Pierre"])
    assert list(kinds) == ["proposal", "constat", "description", "other", "other"]  # the last: a report's title


def test_component_scores_every_sentence(nlp) -> None:
    if "ess_kinds" not in nlp.pipe_names:
        pytest.skip("no sentence-kind model shipped in models/sentence-kinds")
    doc = nlp("Le chômage augmente. Il faut créer des emplois.")
    spans = list(doc.spans["sentence_kinds"])
    assert [s.text for s in spans] == ["Le chômage augmente.", "Il faut créer des emplois."]
    scores = spans[1]._.kind_scores
    assert set(scores) == set(KINDS) and abs(sum(scores.values()) - 1) < 1e-6
    assert spans[1].label_ == "proposal"


def trained_probabilities() -> str:
    """The probabilities a classifier trained on the small data gives two sentences, as text."""
    texts, labels = small_data()
    clf = SentenceKindClassifier(cues=False, min_df=1).fit(texts, labels)
    return repr(clf.predict_proba(["Rétablir les trains de nuit.", "Les gares ferment."]).round(12).tolist())


_CHILD = """
import importlib.util
spec = importlib.util.spec_from_file_location("kinds_tests", {path!r})
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
print(module.trained_probabilities())
"""


@pytest.mark.slow
def test_training_gives_the_same_numbers_whatever_the_blas_kernel() -> None:
    """The kernel is chosen when OpenBLAS loads: this process trains under its own
    ``OPENBLAS_CORETYPE`` while a child process trains under the other one, both at once."""
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    if not os.environ.get("OPENBLAS_CORETYPE"):
        env["OPENBLAS_CORETYPE"] = "Haswell"
    child = subprocess.Popen([sys.executable, "-c", _CHILD.format(path=str(Path(__file__).resolve()))], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        here = trained_probabilities()
    finally:
        out, err = child.communicate(timeout=300)
    assert child.returncode == 0, err[-2000:]
    assert here.startswith("[[") and out.strip().splitlines()[-1] == here, (
        f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE')!r} here, {env.get('OPENBLAS_CORETYPE')!r} in the child"
    )


def test_a_sheets_form_fields_are_neither_proposals_nor_constats(extract_text, nlp) -> None:
    if "ess_kinds" not in nlp.pipe_names:
        pytest.skip("no sentence-kind model shipped in models/sentence-kinds")
    text = ("Ferme du Bois Joly\n\nLa ferme produit des fromages de chèvre et les vend au marché de Niort "
            "chaque samedi.\n\nCommune : Sauzé-Vaussais (79190)\n")
    _, _, extraction = extract_text(text)
    assert all("Commune" not in r.text for r in (*extraction.proposals, *extraction.constats))
    [card] = extraction.initiatives
    assert [p.code for p in card.places if p.level == "commune"][:1] == ["79307"]


# -- "proposes a measure" (Extraction.proposes) -----------------------------------------------


def test_decision_reads_the_measure_rule_and_version_1_keeps_its_own() -> None:
    assert Decision.from_json({"measure": 0.3}).measure_top == 0  # version 1's meta has no measure_top
    decision = Decision(measure=0.18, measure_top=2)
    assert Decision.from_json(decision.to_json()) == decision
    assert isinstance(Decision.from_json({"measure_top": 3.0}).measure_top, int)
    for bad in (1.5, -1):
        with pytest.raises(ModelError, match="measure_top"):
            Decision.from_json({"measure_top": bad})


def _paragraph(nlp, sentences: list[tuple[str, float]], role: str | None = None):
    """A paragraph as :func:`apply_kinds` sees it, its sentences scored ``proposal`` as given."""
    from types import SimpleNamespace

    from spacy.tokens import Span

    from ess_nlp.extract.kinds.component import SCORES, SPANS_KEY, ensure_scores_extension

    ensure_scores_extension()
    doc = nlp.make_doc(" ".join(text for text, _ in sentences))
    spans, start = [], 0
    for text, score in sentences:
        span = doc.char_span(start, start + len(text))
        labelled = Span(doc, span.start, span.end, label="proposal")
        labelled._.set(SCORES, {"proposal": score, "constat": 1 - score})
        spans.append(labelled)
        start += len(text) + 1
    doc.spans[SPANS_KEY] = spans
    return SimpleNamespace(doc=doc, role=role)


def test_document_proposal_score_is_the_mean_of_the_highest_sentences(nlp) -> None:
    from ess_nlp.extract.kinds.combine import document_proposal_score

    paras = [_paragraph(nlp, [("Le chômage augmente.", 0.1), ("Créer un fonds.", 0.9)]),
             _paragraph(nlp, [("Les gares ferment.", 0.3)]),
             _paragraph(nlp, [("Sommaire 3.", 1.0), ("Annexe 9.", 1.0)], role="toc")]
    assert document_proposal_score(paras, 1) == pytest.approx(0.9)
    assert document_proposal_score(paras, 2) == pytest.approx(0.6)  # the table of contents counts for nothing
    assert document_proposal_score(paras, 3) == pytest.approx(1.3 / 3)
    assert document_proposal_score(paras[1:2], 2) == pytest.approx(0.3)  # fewer sentences than top: their mean
    assert document_proposal_score([], 2) == 0.0
    with pytest.raises(ValueError, match="top"):
        document_proposal_score(paras, 0)


def test_proposes_follows_the_decision_rule() -> None:
    from ess_nlp.extract import Extraction

    assert not Extraction().proposes  # rules alone, no proposal
    assert Extraction(measure=0.2, proposal_score=0.2).proposes
    assert not Extraction(measure=0.2, proposal_score=0.1999).proposes
    assert not Extraction(measure=0.2).proposes  # version 1's rule: no proposal scored 0.2


def test_shipped_rule_scores_proposals_above_findings(extract_text, nlp) -> None:
    if "ess_kinds" not in nlp.pipe_names:
        pytest.skip("no sentence-kind model shipped in models/sentence-kinds")
    decision = nlp.get_pipe("ess_kinds").model.decision
    if decision.measure_top < 1:
        pytest.skip("the shipped model decides « proposes » from its proposals (version 1's rule)")
    _, _, proposing = extract_text("Il faut créer un congé parental partagé entre les deux parents. "
                                   "Il faudrait aussi sanctionner les entreprises qui ne respectent pas l'égalité "
                                   "salariale.\n")
    _, _, finding = extract_text("Le chômage des jeunes atteint 25 % dans le quartier. "
                                 "Les services publics ferment les uns après les autres.\n")
    assert proposing.proposal_score is not None and finding.proposal_score is not None
    assert proposing.proposal_score > decision.measure and proposing.proposes
    assert proposing.proposal_score > 2 * finding.proposal_score
    assert finding.proposes == (finding.proposal_score >= decision.measure)


def test_training_from_a_missing_base_model_says_so_in_one_sentence_before_any_work(tmp_path, capsys) -> None:
    from ess_nlp.extract.kinds import train

    for option in ("--keep-thresholds-from", "--measure-from"):
        out = tmp_path / option / "3"
        code = train.main(["--data", str(tmp_path), "--out", str(out), option, str(tmp_path / "absent"), "-q"])
        err = capsys.readouterr().err.strip()
        assert code == 1 and not out.exists()
        assert err == f"{tmp_path / 'absent'} : dossier de modèle introuvable."


def test_the_rest_of_a_list_item_cut_by_a_page_break_keeps_the_list_together() -> None:
    from types import SimpleNamespace

    from ess_nlp.extract._context import UnitContext
    from ess_nlp.extract.kinds.combine import _groups

    def para(number: str | None, *, continues: object = None, section: str = "s1") -> SimpleNamespace:
        return SimpleNamespace(ctx=UnitContext(number=number), unit=SimpleNamespace(section=section),
                               continuation_of=continues)

    first = para("1.")
    rest, second, prose = para(None, continues=first), para("2."), para(None)
    groups = _groups([first, rest, second, prose, para("3.", section="s2")])
    assert [len(g) for g in groups] == [3, 1, 1]  # the item, its rest and the next item; prose alone; another section
    assert [len(g) for g in _groups([first, prose, second])] == [1, 1, 1]  # a paragraph between items cuts the list
