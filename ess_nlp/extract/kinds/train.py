"""Train the sentence-kind model on the development parts of the real sets, choose how
extraction combines it with the rules (on the development parts too), measure it on the test
parts, and write the model folder.

    .venv/bin/python -m ess_nlp.extract.kinds.train --out models/sentence-kinds/5 [--data ../shared/data]
    .venv/bin/python -m ess_nlp.extract.kinds.train --out models/sentence-kinds/2 --measure-from models/sentence-kinds/1

(``--measure-from``: the same classifier and thresholds, only the "proposes a measure" rule
chosen again on the development contributions, see :func:`choose_measure`.)

    .venv/bin/python -m ess_nlp.extract.kinds.train --out models/sentence-kinds/3 --keep-thresholds-from models/sentence-kinds/2 \
        --gdn-fields constats propositions how_it_went

(``--keep-thresholds-from``: a classifier trained anew, with the Grand Débat thresholds of an
existing model; only the "proposes a measure" rule is chosen again. Versions 3 and 4 were made so
(``--out models/sentence-kinds/4 --keep-thresholds-from models/sentence-kinds/2``): for version 3, the
grid's best thresholds for it, ``add_proposal`` 0.6 and ``constat`` 0.3, gain 0.01 of the
tuning objective on the development halves but make a letter's presentation of its own
association a proposal, see docs/extraction.md.)

Training rows (development parts only, see :mod:`ess_nlp.extract.kinds.data`):

- ``an``: the Assemblée nationale segments, their 7 labels mapped to the 4 kinds;
- ``gdn``: each sentence of a Grand Débat report's diagnosis field (constat) and proposals
  field (proposal), and of its account of how the meeting went (other; from version 3), and
  the report's title (other; from version 4);
- ``descriptions``: sentences of initiative presentations (Près de chez nous sheets, Apriles
  sheets, the Décider ensemble CSV's presentations of the porteur and the project): description.

The decision thresholds (:class:`~ess_nlp.extract.kinds.Decision`) are chosen with models
trained on one half of the development reports and contributions and applied to the other
half, through the extraction pipeline (Grand Débat reports with their fields joined without
headings; Assemblée nationale contributions: "does it propose a new measure", its rule
``measure_top`` and threshold ``measure`` for the best F1).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import logging
import re
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from ess_nlp._provenance import file_sha256
from ess_nlp.errors import ModelError
from ess_nlp.extract.kinds import data as real
from ess_nlp.extract.kinds.combine import document_proposal_score
from ess_nlp.extract.kinds.cues import CuedText, cued_texts
from ess_nlp.extract.kinds.estimator import SentenceKindClassifier
from ess_nlp.extract.kinds.model import Decision, KindModel, load_kind_model, save_kind_model

logger = logging.getLogger(__name__)

DEFAULT_PARAMS: dict[str, Any] = {"C": 4.0, "cue_weight": 0.5, "min_df": 2, "max_word_features": 60_000,
                                  "max_char_features": 60_000}
SOURCES = {
    "an": "an-consultation-egalite-fh-2016/exploitation/crowdsource_resultat_syntheses.csv",
    "gdn": "gdn-reunions-locales/gdn_reunions_locales.csv",
    "pdcn": "presdecheznous-niort/initiatives.csv",
    "apriles": "apriles-initiatives-openscraper/export_openscraper_5aa3de630a828651b2ebfe3e.csv",
    "decider": "decider-ensemble-fiches/decider-ensemble-ressources.csv",
}


def _sentences(text: str) -> list[str]:
    from ess_nlp.extract._context import sentence_bounds

    text = re.sub(r"(\w)  (\w)", r"\1, \2", text.replace("//", "\n").replace("::", " :"))
    return [text[a:b] for a, b in sentence_bounds(text) if sum(ch.isalpha() for ch in text[a:b]) >= 12]


def description_rows(root: Path, part: str = "dev") -> list[real.LabelledText]:
    """Sentences that describe an initiative, from the directory sheets and the fiches' CSV."""
    rows = []
    for sheet in real.pdcn_sheets(root):
        if sheet.part == part:
            rows += [real.LabelledText(s, "description", "pdcn", sheet.key, sheet.part) for s in _sentences(sheet.description)]
    for sheet in real.apriles_sheets(root):
        if sheet.part == part:
            rows += [real.LabelledText(s, "description", "apriles", sheet.key, sheet.part)
                     for s in _sentences(sheet.description)]
    for fiche in real.decider_fiches(root):
        if fiche.part == part:
            rows += [real.LabelledText(s, "description", "decider", fiche.key, fiche.part)
                     for s in _sentences(f"{fiche.porteur_text}\n{fiche.presentation}")]
    return rows


GDN_FIELDS = ("constats", "propositions", "how_it_went", "title")
"""The Grand Débat fields the current version learns from (``meta.json``: ``gdn_fields``)."""


def training_rows(root: Path, *, fields: Sequence[str] = GDN_FIELDS) -> list[real.LabelledText]:
    """Every development row the model learns from (see the module docstring); ``fields``: the
    Grand Débat fields read besides the diagnosis and proposals, ``how_it_went`` (the meetings'
    accounts, version 3 on) and ``title`` (version 4 on)."""
    rows = [s for s in real.an_segments(root) if s.part == "dev"]
    reports = [r for r in real.gdn_reports(root) if r.part == "dev"]
    rows += real.gdn_sentences(reports)
    if "how_it_went" in fields:
        rows += real.gdn_account_sentences(reports)
    if "title" in fields:
        rows += real.gdn_title_rows(reports)
    rows += description_rows(root, "dev")
    return rows


def learnt_fields(asked: Sequence[str]) -> tuple[str, ...]:
    """The Grand Débat fields a model learns from when ``asked`` are named: the diagnosis and
    proposals always, in :data:`GDN_FIELDS` order."""
    return tuple(f for f in GDN_FIELDS if f in {"constats", "propositions", *asked})


def gdn_rows_what(fields: Sequence[str]) -> str:
    """The model card's words for the Grand Débat rows learnt from ``fields`` (as versions 1 to 4
    wrote them)."""
    other = [words for field, words in (("how_it_went", "du déroulement de la réunion"),
                                        ("title", "titres des comptes rendus")) if field in fields]
    if not other:
        return "phrases des champs constats/propositions"
    return "phrases des champs constats/propositions, " + ("et " if len(other) == 1 else "") + " et ".join(other) + " (autre)"


def base_fields(meta: dict[str, Any]) -> tuple[str, ...]:
    """The Grand Débat fields a saved model learnt from: its ``gdn_fields``, or for versions
    written before they were recorded, the accounts where its rows hold « other » (version 3)."""
    data = meta.get("training_data", {})
    if "gdn_fields" in data:
        return tuple(data["gdn_fields"])
    other = "other" in data.get("sets", {}).get("gdn", {}).get("kinds", {})
    return ("constats", "propositions", "how_it_went") if other else ("constats", "propositions")


def fit_classifier(rows: Sequence[real.LabelledText], texts: Sequence[CuedText], params: dict[str, Any],
                   seed: int) -> SentenceKindClassifier:
    return SentenceKindClassifier(random_state=seed, **params).fit(list(texts), [r.kind for r in rows])


def _rows_key(rows: Sequence[real.LabelledText], params: dict[str, Any], seed: int) -> str:
    payload = json.dumps([[r.text, r.kind, r.group] for r in rows] + [params, seed], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:12]


def _fitted(rows: Sequence[real.LabelledText], texts: Sequence[CuedText], params: dict[str, Any], seed: int,
            work: Path | None) -> SentenceKindClassifier:
    """The classifier fitted on every row (kept in ``work`` when given, and reused from there)."""
    folder = work / f"full-{_rows_key(rows, params, seed)}" if work else None
    if folder is not None and (folder / "meta.json").is_file():
        return load_kind_model(folder).classifier
    clf = fit_classifier(rows, texts, params, seed)
    if folder is not None:
        save_kind_model(KindModel(clf), folder)
    return clf


def _cued(rows: Sequence[real.LabelledText], work: Path | None) -> list[CuedText]:
    """The rows' texts with their cues, read from (and written to) ``work/cues.json`` when given."""
    cache: dict[str, list[str]] = {}
    path = work / "cues.json" if work else None
    if path is not None and path.is_file():
        cache = json.loads(path.read_text(encoding="utf-8"))
    missing = [r.text for r in rows if r.text not in cache]
    for text in cued_texts(list(dict.fromkeys(missing))):
        cache[str(text)] = list(text.cues)
    if path is not None and missing:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(cache, ensure_ascii=False), encoding="utf-8")
    return [CuedText(r.text, cache[r.text]) for r in rows]


# -- choosing the decision -------------------------------------------------------------------


@dataclass
class _Tuning:
    """Annotated development documents, to replay extraction decisions on them."""

    gdn: list[tuple[Any, str, dict[str, tuple[int, int]], list[tuple[str, int, int]]]]
    # (snapshot, text, span of each field, the fields' sentences)
    an: list[tuple[Any, bool]]  # (snapshot, proposes)


def _snapshot(paras: list[Any]) -> list[tuple[Any, dict[str, list[Any]]]]:
    keys = ("proposals", "proposal_intros", "constats")
    return [(p, {k: list(p.doc.spans.get(k, [])) for k in keys}) for p in paras if p.doc is not None]


def _replay(snapshot: list[tuple[Any, dict[str, list[Any]]]], decision: Decision) -> list[Any]:
    from ess_nlp.extract.kinds.combine import apply_kinds

    paras = []
    for para, spans in snapshot:
        for key, value in spans.items():
            para.doc.spans[key] = list(value)
        para.kind_scores = {}
        paras.append(para)
    apply_kinds(paras, decision)
    return paras


def _annotate(texts: Sequence[tuple[str, str]], nlp: Any) -> list[Any]:
    import hashlib

    from ess_nlp.extract._run import annotate_units
    from ess_nlp.records import Document
    from ess_nlp.segment import split_document

    out = []
    for source, text in texts:
        doc = Document(source=source, text=text, format="txt", sha256=hashlib.sha256(text.encode()).hexdigest())
        paras, _, _ = annotate_units(split_document(doc), nlp=nlp)
        out.append(_snapshot(paras))
    return out


def _score(tuning: _Tuning, decision: Decision) -> dict[str, float]:
    c: Counter[str] = Counter()
    for snapshot, text, fields, sentences in tuning.gdn:
        paras = _replay(snapshot, decision)
        found = {"proposal": [], "constat": []}  # type: dict[str, list[tuple[int, int]]]
        for para in paras:
            for key, kind in (("proposals", "proposal"), ("constats", "constat")):
                found[kind] += [(para.unit.start + s.start_char, para.unit.start + s.end_char)
                                for s in para.doc.spans.get(key, [])]
        real.field_hits(text, fields, found, c, sentences=sentences)
    for snapshot, proposes in tuning.an:
        paras = _replay(snapshot, decision)
        if decision.measure_top >= 1:
            said = round(document_proposal_score(paras, decision.measure_top), 4) >= decision.measure
        else:
            said = any((para.kind_score("proposal", s.start_char, s.end_char) or 0.0) >= decision.measure
                       for para in paras for s in para.doc.spans.get("proposals", []))
        c["an_pred"] += said
        c["an_sent"] += proposes
        c["an_tp"] += said and proposes
    out = {}
    for kind in ("proposal", "constat", "an"):
        p = c[f"{kind}_tp"] / c[f"{kind}_pred"] if c[f"{kind}_pred"] else 0.0
        r = c[f"{kind}_tp"] / c[f"{kind}_sent"] if c[f"{kind}_sent"] else 0.0
        out[f"{kind}_p"], out[f"{kind}_r"] = p, r
        out[f"{kind}_f1"] = 2 * p * r / (p + r) if p + r else 0.0
    return out


def objective(s: dict[str, float]) -> float:
    """The Grand Débat F1 of proposals and constats, less what falls short of the issue's
    targets there (on development data)."""
    short = (max(0.0, 0.85 - s["proposal_p"]) + max(0.0, 0.80 - s["proposal_r"])
             + max(0.0, 0.80 - s["constat_p"]) + max(0.0, 0.60 - s["constat_r"]))
    return s["proposal_f1"] + s["constat_f1"] - 2.0 * short


GRID: dict[str, list[float]] = {
    "context_weight": [0.6, 0.75, 0.9],
    "add_proposal": [0.55, 0.6, 0.65, 0.7, 0.75],
    "keep_proposal": [0.3, 0.5, 0.7],
    "constat": [0.3, 0.35, 0.4, 0.5],
}
MEASURES = [round(0.05 + 0.01 * i, 2) for i in range(91)]  # 0.05 … 0.95
MEASURE_TOPS = (0, 1, 2, 3)
"""``Decision.measure_top`` candidates: 0 is version 1's rule (a proposal scored ``measure``)."""


def choose_measure(an: list[tuple[Any, bool]], decision: Decision) -> tuple[Decision, dict[str, float]]:
    """``decision`` with the rule (``measure_top`` in :data:`MEASURE_TOPS`) and threshold
    (``measure`` in :data:`MEASURES`) of the best F1 of "the contribution proposes a new
    measure" on ``an`` (ties: the smaller ``measure_top``, then the smaller threshold)."""
    contributions = _Tuning([], an)
    scores = {(top, m): _score(contributions, replace(decision, measure=m, measure_top=top))
              for top in MEASURE_TOPS for m in MEASURES}
    top, measure = max(scores, key=lambda tm: (round(scores[tm]["an_f1"], 9), -tm[0], -tm[1]))
    chosen = replace(decision, measure=measure, measure_top=top)
    return chosen, {k: v for k, v in scores[(top, measure)].items() if k.startswith("an_")}


def choose_decision(tuning: _Tuning, log: Callable[[str], None]) -> tuple[Decision, dict[str, float]]:
    """Every combination of :data:`GRID` on the Grand Débat reports (:func:`objective`), then the
    "proposes a measure" rule and threshold (:func:`choose_measure`)."""
    import itertools

    reports = _Tuning(tuning.gdn, [])
    best, best_score = Decision(), _score(reports, Decision())
    for values in itertools.product(*GRID.values()):
        thresholds: dict[str, Any] = dict(zip(GRID, values, strict=True))
        candidate = Decision(**thresholds)
        score = _score(reports, candidate)
        if objective(score) > objective(best_score) + 1e-9:
            best, best_score = candidate, score
    best, an_scores = choose_measure(tuning.an, best)
    best_score = {**{k: v for k, v in best_score.items() if not k.startswith("an_")}, **an_scores}
    log(f"decision {best.to_json()} -> " + ", ".join(f"{k} {v:.3f}" for k, v in best_score.items()))
    return best, best_score


def _half(key: str, seed: int) -> int:
    return int(hashlib.sha256(f"half\x1f{seed}\x1f{key}".encode()).hexdigest()[:8], 16) % 2


def tune(root: Path, rows: Sequence[real.LabelledText], texts: Sequence[CuedText], params: dict[str, Any],
         seed: int, per_half: int, log: Callable[[str], None], work: Path | None = None,
         keep: Decision | None = None) -> tuple[Decision, dict[str, float]]:
    """Decision thresholds chosen on the development parts, each half of the reports and
    contributions scored by a model trained without that half (kept in ``work`` when given, and
    reused from there when the training rows and parameters are the same). With ``keep``, only
    the "proposes a measure" rule and threshold are chosen (on the contributions alone), the
    other thresholds are ``keep``'s."""
    from ess_nlp.extract._run import extraction_pipeline

    reports = [r for r in real.gdn_reports(root) if r.part == "dev"]
    contributions = [c for c in real.an_contributions(root) if c.part == "dev"]
    tuning = _Tuning([], [])
    key = _rows_key(rows, params, seed)
    with tempfile.TemporaryDirectory(prefix="ess-kinds-") as tmp:
        for half in (0, 1):
            folder = (work or Path(tmp)) / f"half{half}-{key}"
            if not (folder / "meta.json").is_file():
                train = [i for i, r in enumerate(rows) if _half(r.group, seed) != half]
                t0 = time.perf_counter()
                clf = fit_classifier([rows[i] for i in train], [texts[i] for i in train], params, seed)
                save_kind_model(KindModel(clf), folder)
                log(f"half {half}: fitted on {len(train)} rows in {time.perf_counter() - t0:.0f} s")
            nlp = extraction_pipeline(kinds=str(folder))
            gdn = [] if keep is not None else [r for r in reports if _half(r.id, seed) == half][:per_half]
            joined = [real.report_text(r.constats, r.propositions) for r in gdn]
            docs = [(f"gdn-{r.id}", text) for r, (text, _) in zip(gdn, joined, strict=True)]
            for snap, (text, fields) in zip(_annotate(docs, nlp), joined, strict=True):
                tuning.gdn.append((snap, text, fields, real.field_sentences(text, fields)))
            an = [c for c in contributions if _half(c.id, seed) == half]
            for contribution, snap in zip(an, _annotate([(f"an-{c.id}", c.text.strip() + "\n") for c in an], nlp),
                                          strict=True):
                tuning.an.append((snap, contribution.proposes))
            log(f"half {half}: {len(gdn)} reports and {len(an)} contributions annotated")
        extraction_pipeline.cache_clear()
    if keep is not None:
        decision, scores = choose_measure(tuning.an, keep)
        log(f"decision {decision.to_json()} -> " + ", ".join(f"{k} {v:.3f}" for k, v in scores.items()))
        return decision, scores
    return choose_decision(tuning, log)


# -- test scores -----------------------------------------------------------------------------


def test_scores(root: Path, model: KindModel) -> dict[str, Any]:
    """Sentence-kind scores of ``model`` on the test parts (the extraction figures are
    ``benchmarks/eval_real.py``'s)."""
    from sklearn.metrics import f1_score

    an = [s for s in real.an_segments(root) if s.part == "test"]
    reports = [r for r in real.gdn_reports(root) if r.part == "test"]
    gdn = real.gdn_sentences(reports)
    accounts = real.gdn_account_sentences(reports)
    titles = real.gdn_title_rows(reports)
    desc = description_rows(root, "test")
    out: dict[str, Any] = {}
    for name, rows, labels in (("an segments, macro-F1 (4 kinds)", an, list(real.KINDS)),
                               ("gdn sentences, macro-F1 (proposal/constat)", gdn, ["proposal", "constat"])):
        pred = model.predict([r.text for r in rows])
        out[name] = round(float(f1_score([r.kind for r in rows], pred, labels=labels, average="macro")), 4)
    pred = model.predict([r.text for r in desc])
    out["description sentences of test sheets, recall"] = round(float(np.mean(pred == "description")), 4)
    pred = model.predict([r.text for r in accounts])
    out["gdn meeting-account sentences, share read as proposal or constat"] = round(
        float(np.mean(np.isin(pred, ["proposal", "constat"]))), 4)
    pred = model.predict([r.text for r in titles])
    out["gdn report titles, share read as proposal or constat"] = round(
        float(np.mean(np.isin(pred, ["proposal", "constat"]))), 4)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ess_nlp.extract.kinds.train",
                                     description="Entraîne le modèle de types de phrases sur les parts de "
                                                 "développement des jeux réels et écrit son dossier.")
    parser.add_argument("--data", type=Path, default=Path(__file__).resolve().parents[3].parent / "shared" / "data",
                        help="dossier des données réelles (par défaut ../shared/data)")
    parser.add_argument("--out", type=Path, required=True, help="dossier du modèle à écrire (models/sentence-kinds/N)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tune-reports", type=int, default=300,
                        help="rapports du Grand Débat par moitié pour choisir les seuils")
    parser.add_argument("--work", type=Path, help="dossier de travail où garder les indices calculés et les "
                                                    "modèles des deux moitiés, pour relancer plus vite")
    base_choice = parser.add_mutually_exclusive_group()
    base_choice.add_argument("--no-tune", action="store_true", help="garder les seuils par défaut")
    base_choice.add_argument("--measure-from", type=Path, metavar="DOSSIER",
                        help="reprendre le classifieur et les seuils d'un modèle existant (entraîné avec les mêmes "
                             "paramètres et la même graine) et ne choisir que la règle « propose une mesure »")
    base_choice.add_argument("--keep-thresholds-from", type=Path, metavar="DOSSIER",
                        help="entraîner un nouveau classifieur mais garder les seuils de décision d'un modèle "
                             "existant ; ne choisir que la règle « propose une mesure »")
    parser.add_argument("--gdn-fields", nargs="+", choices=GDN_FIELDS, default=list(GDN_FIELDS), metavar="CHAMP",
                        help="champs des comptes rendus du Grand Débat appris, constats et propositions toujours (défaut : les quatre, version 4 ; "
                             "version 3 : constats propositions how_it_went ; versions 1 et 2 : constats propositions)")
    parser.add_argument("-q", "--quiet", action="store_true")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    if not args.data.is_dir():
        print(f"{args.data} : dossier des données réelles introuvable (--data).", file=sys.stderr)
        return 1
    if args.out.exists():
        print(f"{args.out} : ce dossier de modèle existe déjà ; choisissez une nouvelle version.", file=sys.stderr)
        return 1
    base: KindModel | None = None
    if args.measure_from is not None or args.keep_thresholds_from is not None:
        try:  # read before any training: a wrong folder costs one sentence, not minutes of work
            base = load_kind_model(args.measure_from or args.keep_thresholds_from)
        except ModelError as err:
            print(err, file=sys.stderr)
            return 1
    t0 = time.perf_counter()
    if args.measure_from is not None and base is not None:
        return _measure_from(args, base, log)
    fields = learnt_fields(args.gdn_fields)
    rows = training_rows(args.data, fields=fields)
    log(f"{len(rows)} training rows: {dict(Counter((r.source, r.kind) for r in rows))}")
    texts = _cued(rows, args.work)
    log(f"cues computed in {time.perf_counter() - t0:.0f} s")
    params = dict(DEFAULT_PARAMS)
    clf = _fitted(rows, texts, params, args.seed, args.work)
    log(f"fitted in {time.perf_counter() - t0:.0f} s")
    decision, dev_scores = (Decision(), {}) if args.no_tune else tune(
        args.data, rows, texts, params, args.seed, args.tune_reports, log, args.work,
        keep=base.decision if base is not None else None)
    model = KindModel(clf, decision)
    sets: dict[str, dict[str, Any]] = {}
    for row in rows:
        info = sets.setdefault(row.source, {"rows": 0, "kinds": Counter()})
        info["rows"] += 1
        info["kinds"][row.kind] += 1
    what = {"an": "segments étiquetés (7 types ramenés à 4)", "gdn": gdn_rows_what(fields),
            "pdcn": "phrases de présentation des fiches", "apriles": "phrases de présentation des fiches",
            "decider": "présentations du porteur et du projet (CSV)"}
    model.meta = {
        "name": "sentence-kinds",
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "seed": args.seed,
        "split": {"seed": real.SPLIT_SEED, "test_fraction": dict(real.TEST_FRACTION), "trained_on": "dev"},
        "training_data": {
            "rows": len(rows),
            "gdn_fields": list(fields),
            "sets": {k: {"rows": v["rows"], "kinds": dict(sorted(v["kinds"].items())), "what": what.get(k, "")}
                     for k, v in sorted(sets.items())},
            "files": {k: {"path": p, "sha256": file_sha256(args.data / p)} for k, p in SOURCES.items()
                      if (args.data / p).is_file()},
        },
        "estimator": {"class": "ess_nlp.extract.kinds.estimator.SentenceKindClassifier",
                      **{k: v for k, v in clf.get_params().items()}},
        "dev_scores": {k: round(v, 4) for k, v in dev_scores.items()},
    }
    if base is not None:
        model.meta["thresholds_from"] = {
            "version": base.version,
            "what": "seuils de décision du Grand Débat repris de cette version ; seule la règle « propose une "
                    "mesure » est choisie à nouveau (parts de développement)"}
    model.meta["test_scores"] = test_scores(args.data, model)
    log(f"test scores: {model.meta['test_scores']}")
    save_kind_model(model, args.out)
    log(f"written to {args.out} in {time.perf_counter() - t0:.0f} s")
    return 0


def _measure_from(args: argparse.Namespace, base: KindModel, log: Callable[[str], None]) -> int:
    """``--measure-from``: a new version that keeps ``base``'s classifier and thresholds and only
    chooses again, on the development contributions, how "proposes a measure" is decided."""
    t0 = time.perf_counter()
    params = dict(DEFAULT_PARAMS)
    estimator = base.meta.get("estimator", {})
    differ = {k: v for k, v in params.items() if estimator.get(k) != v}
    if differ or base.meta.get("seed", args.seed) != args.seed:
        print(f"{args.measure_from} : modèle entraîné avec d'autres paramètres ou une autre graine ({differ}) ; "
              "les moitiés de réglage ne lui correspondraient pas.", file=sys.stderr)
        return 1
    # The half models that choose the rule learn from the rows the base model learnt from.
    rows = training_rows(args.data, fields=base_fields(base.meta))
    texts = _cued(rows, args.work)
    decision, an_scores = tune(args.data, rows, texts, params, args.seed, 0, log, args.work, keep=base.decision)
    meta = {k: v for k, v in base.meta.items() if k not in ("version", "created_at", "files", "decision")}
    meta["derived_from"] = {"version": base.version, "files": base.meta.get("files", {}),
                            "what": "même classifieur et mêmes seuils ; seule la règle « propose une mesure » "
                                    "est choisie à nouveau (parts de développement)"}
    meta["dev_scores"] = {**{k: v for k, v in base.meta.get("dev_scores", {}).items() if not k.startswith("an_")},
                          **{k: round(v, 4) for k, v in an_scores.items()}}
    save_kind_model(KindModel(base.classifier, decision, meta), args.out)
    log(f"written to {args.out} in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
