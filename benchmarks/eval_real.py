"""Extraction measured on real documents no one here wrote (issue 12): P/R/F1 per set and item kind.

Every set comes from ``../shared/data`` (see its README) and is split into a development part
and a test part, fixed and seeded: ``ess_nlp.extract.kinds.data.split_part`` with
``SPLIT_SEED = 12`` and the test shares of ``TEST_FRACTION`` (an 0.4 of the contributions, the
others 0.5 of their reports, fiches or sheets). The sentence-kind model is trained on the
development parts only; rules and thresholds are tuned on them; the figures to report are those
of the test parts (``--part test``, the default).

1. ``an``: Assemblée nationale consultation: sentence kinds of the 1,808 labelled segments
   (proposal, constat, description, other; macro-F1) for the rules, a TF-IDF + logistic
   regression baseline trained in this run on the same development rows as the shipped model,
   and the shipped model; then "does this contribution propose a new measure", decided by
   extraction on the whole contribution (``Extraction.proposes``: the shipped model's rule and
   threshold, chosen on the development contributions, printed on the line).
2. ``gdn``: Grand Débat reports, diagnosis and proposals fields joined without headings (then
   with the headings « Constats » / « Propositions », then, for the reports that have one, with
   the account of how the meeting went written first, then with the report's title written
   first): sentence-level P/R/F1 of proposals against the proposals field and of constats
   against the diagnosis field, and the share of the account's sentences, or of the titles,
   taken for proposals or constats (they are neither).
3. ``decider``: Décider ensemble PDF fiches: a card per fiche, its porteur, its commune with the
   INSEE code, its web address, against the CSV of the fiches' fields.
4. ``pdcn`` and ``apriles``: initiative directory sheets: a card, its name or porteur, its
   commune with the INSEE code.

Usage: .venv/bin/python benchmarks/eval_real.py [--only an|gdn|decider|pdcn|apriles] [--part test|dev|both]
       [--gdn-reports N] [--gdn-layout joined|headings|account|titled] [--json FILE] [--no-kinds] [--proposes-signals] [-v]

``--proposes-signals`` adds, on the development part of ``an`` only, how far "proposes a new
measure" can be read from a contribution's text at all (see :func:`proposes_signals`), and how
contribution-level classifiers do by repeated cross-validation (:func:`contribution_classifiers`).
Everything is skipped, with a one-line reason, when ../shared/data is absent.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

from rapidfuzz import fuzz

from ess_nlp.extract import Extraction, Initiative, extract_units, extraction_pipeline
from ess_nlp.extract._resources import norm_name
from ess_nlp.extract.kinds import data as real
from ess_nlp.extract.places import place_index
from ess_nlp.records import Document
from ess_nlp.segment import split_document

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ESS_NLP_SHARED_DATA", ROOT.parent / "shared" / "data"))

RESULTS: dict[str, Any] = {}


def record(key: str, value: Any) -> None:
    RESULTS[key] = value


def prf(tp_pred: int, n_pred: int, tp_gold: int, n_gold: int) -> tuple[float, float, float]:
    p = tp_pred / n_pred if n_pred else 1.0
    r = tp_gold / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def document(source: str, text: str, fmt: str = "txt") -> Document:
    return Document(source=source, text=text, format=fmt, sha256=hashlib.sha256(text.encode()).hexdigest())


def extract_text(source: str, text: str, nlp: Any) -> Extraction:
    return extract_units(split_document(document(source, text)), nlp=nlp)


def parts_of(choice: str) -> tuple[str, ...]:
    return ("dev", "test") if choice == "both" else (choice,)


# -- 1. Assemblée nationale ------------------------------------------------------------------


def _macro(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> tuple[float, dict[str, tuple[float, float, float, int]]]:
    per: dict[str, tuple[float, float, float, int]] = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == p == label)
        n_pred = sum(1 for p in pred if p == label)
        n_gold = sum(1 for g in gold if g == label)
        p, r, f = prf(tp, n_pred, tp, n_gold)
        per[label] = (p, r, f if n_gold or n_pred else 0.0, n_gold)
    present = [label for label in labels if per[label][3]]
    return sum(per[label][2] for label in present) / max(len(present), 1), per


def rule_kind(doc: Any) -> str:
    """What the extraction components say a segment is, run on it as one paragraph."""
    if doc.spans.get("proposals"):
        return "proposal"
    if doc.spans.get("constats"):
        return "constat"
    return "other"


def evaluate_an(nlp: Any, parts: tuple[str, ...], use_kinds: bool, verbose: bool) -> None:
    try:
        segments = real.an_segments(SHARED)
        contributions = real.an_contributions(SHARED)
    except Exception as err:
        print(f"[an] skipped: {err}")
        return
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    labels = real.KINDS
    dev = [s for s in segments if s.part == "dev"]
    model = _kind_model() if use_kinds else None
    baseline_rows: dict[str, list[real.LabelledText]] = {"AN dev segments": dev}
    if model is not None:
        from ess_nlp.extract.kinds.train import base_fields, training_rows

        baseline_rows["same rows as the model"] = training_rows(SHARED, fields=base_fields(model.meta))
    baselines = {}
    for name, rows in baseline_rows.items():
        # sag: no BLAS call, so the same baseline whatever the kernel (lbfgs stops on a kernel-dependent path)
        base = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                             LogisticRegression(solver="sag", tol=1e-6, max_iter=5000, random_state=0))
        base.fit([r.text for r in rows], [r.kind for r in rows])
        baselines[name] = base
    for part in parts:
        rows = [s for s in segments if s.part == part]
        gold = [s.kind for s in rows]
        systems: dict[str, list[str]] = {
            "rules (extraction components on the segment)": [rule_kind(d) for d in nlp.pipe(s.text for s in rows)],
        }
        for name, base in baselines.items() if part == "test" else ():
            systems[f"TF-IDF+LR baseline ({name})"] = [str(k) for k in base.predict([s.text for s in rows])]
        if model is not None and part == "test":
            systems[f"sentence-kind model {model.version}"] = list(model.predict([s.text for s in rows]))
        print(f"[an] {part}: {len(rows)} segments of {len({s.group for s in rows})} contributions "
              f"(gold {dict(Counter(gold))})")
        for name, pred in systems.items():
            macro, per = _macro(gold, pred, labels)
            detail = ", ".join(f"{k} {per[k][0]:.2f}/{per[k][1]:.2f}/{per[k][2]:.2f}" for k in labels)
            print(f"[an]   {name}: macro-F1 {macro:.3f}  (P/R/F1 {detail})")
            record(f"an.{part}.kinds.{name}", {"macro_f1": round(macro, 4),
                                               **{k: [round(x, 4) for x in per[k][:3]] for k in labels}})
        # contribution level
        chosen = [c for c in contributions if c.part == part]
        truth = [c.proposes for c in chosen]
        predicted = []
        for c in chosen:
            extraction = extract_text(f"an-contribution-{c.id}", c.text.strip() + "\n", nlp)
            # ``Extraction.proposes`` came with issue 12; before it, any proposal counted
            predicted.append(getattr(extraction, "proposes", bool(extraction.proposals)))
        tp = sum(1 for t, p in zip(truth, predicted, strict=True) if t and p)
        p, r, f = prf(tp, sum(predicted), tp, sum(truth))
        always = prf(sum(truth), len(truth), sum(truth), sum(truth))
        print(f"[an] {part}: contribution proposes a new measure ({len(chosen)} contributions, {sum(truth)} do; "
              f"{_measure_rule(nlp)}): extraction P {p:.3f} R {r:.3f} F1 {f:.3f}; "
              f"answering always yes F1 {always[2]:.3f}")
        record(f"an.{part}.proposes", {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
                                       "always_yes_f1": round(always[2], 4), "n": len(chosen),
                                       "rule": _measure_rule(nlp)})


def _measure_rule(nlp: Any) -> str:
    """The shipped rule of ``Extraction.proposes``, in words."""
    if "ess_kinds" not in nlp.pipe_names:
        return "rules alone: any proposal"
    decision = nlp.get_pipe("ess_kinds").model.decision
    if getattr(decision, "measure_top", 0) >= 1:
        return (f"mean of the {decision.measure_top} highest sentence proposal probabilities "
                f">= {decision.measure}")
    return f"a proposal scored >= {decision.measure}"


def proposes_signals(nlp: Any, verbose: bool) -> None:
    """How far the "proposes a new measure" label can be read from a contribution's text, on the
    DEVELOPMENT part only (``--proposes-signals``): how often the volunteers' own label agrees
    with the majority of the crowd's analyses of the same contribution, and a TF-IDF + logistic
    regression trained on whole contributions (the crowd's share of "new measures" as a soft
    label, the development contributions of ``crowdsource_resultat_analyses.csv``), scored by
    5-fold cross-validation with its threshold chosen in the training folds. Then
    :func:`contribution_classifiers` (contribution-level classifiers, repeated cross-validation)."""
    import csv

    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score, roc_auc_score
    from sklearn.pipeline import make_pipeline, make_union

    try:
        contributions = [c for c in real.an_contributions(SHARED) if c.part == "dev"]
        path = SHARED / "an-consultation-egalite-fh-2016" / "exploitation" / "crowdsource_resultat_analyses.csv"
        csv.field_size_limit(1 << 30)
        with path.open(encoding="utf-8", newline="") as fh:
            crowd = [r for r in csv.DictReader(fh) if real.split_part("an", r["document_id"].strip()) == "dev"]
    except Exception as err:
        print(f"[an] proposes signals skipped: {err}")
        return
    share = {r["document_id"].strip(): float(r["nouvelles mesures"] or 0) for r in crowd}
    y = np.array([c.proposes for c in contributions])
    both = [(c.proposes, share[c.id]) for c in contributions if c.id in share]
    agree = sum(t == (s >= 0.5) for t, s in both) / max(len(both), 1)
    order = np.random.RandomState(0).permutation(len(contributions))
    fold = {contributions[i].id: k % 5 for k, i in enumerate(order)}
    score = np.zeros(len(contributions))
    predicted = np.zeros(len(contributions), dtype=bool)
    for k in range(5):
        train = [r for r in crowd if fold.get(r["document_id"].strip(), -1) != k]
        texts = [r["text"] for r in train]
        p = np.array([float(r["nouvelles mesures"] or 0) for r in train])
        model = make_pipeline(
            make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
                       TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2,
                                       max_features=60_000)),
            LogisticRegression(C=3.0, solver="liblinear"))  # liblinear: no BLAS call
        model.fit(texts + texts, [1] * len(texts) + [0] * len(texts),
                  logisticregression__sample_weight=np.concatenate([p, 1 - p]) + 1e-6)
        inside = np.array([fold[c.id] != k for c in contributions])
        seen = model.predict_proba([c.text for c, i in zip(contributions, inside, strict=True) if i])[:, 1]
        cut = max(np.unique(np.round(seen, 3)), key=lambda t: (f1_score(y[inside], seen >= t), -t))
        score[~inside] = model.predict_proba([c.text for c, i in zip(contributions, inside, strict=True) if not i])[:, 1]
        predicted[~inside] = score[~inside] >= cut
    always = 2 * y.mean() / (1 + y.mean())
    f1 = f1_score(y, predicted)
    print(f"[an] dev: proposes-a-measure signals ({len(contributions)} contributions, {int(y.sum())} do): the "
          f"volunteers' label agrees with the crowd's majority on {agree:.3f} of {len(both)}; TF-IDF+LR on whole "
          f"contributions (crowd shares of {len(crowd)} dev contributions) AUC {roc_auc_score(y, score):.3f}, "
          f"F1 {f1:.3f} (threshold chosen in the training folds); answering always yes F1 {always:.3f}")
    record("an.dev.proposes_signals", {"agreement": round(agree, 4), "auc": round(float(roc_auc_score(y, score)), 4),
                                       "f1": round(float(f1), 4), "always_yes_f1": round(float(always), 4)})
    contribution_classifiers(nlp, contributions, crowd, verbose)


#: Cues of a proposal, counted over a whole contribution (log(1 + count) is the feature).
PROPOSAL_CUES: dict[str, str] = {
    "il faut": r"\bil (?:faut|faudrait)\b", "devrait": r"\bdevr(?:ait|aient|ions)\b", "doit": r"\bdoi(?:t|vent)\b",
    "propos-": r"\bpropos", "créer": r"\bcr[ée]er\b", "oblig-": r"\boblig", "interdi-": r"\binterdi",
    "sanction": r"\bsanction", "mettre en place": r"\bmettre en place\b", "renforc-": r"\brenforc",
    "favoris-": r"\bfavoris", "instaur-": r"\binstaur", "pourquoi ne pas": r"pourquoi ne pas",
    "je pense/suis/trouve": r"\bje (?:suis|pense|trouve)\b", "?": r"\?", "first person": r"\b(?:j'|je |mon |ma |mes )",
    "nous": r"\bnous\b", "loi": r"\bloi\b", "mesure": r"\bmesure", "serait": r"\bserait\b", "pourr-": r"\bpourr",
    "impos-": r"\bimpos", "aid-": r"\baid", "faire": r"\bfaire\b", "list item": r"(?m)^\s*(?:\d+[.)]|[-•*])\s",
}


def contribution_features(kind_scores: Sequence[dict[str, float]], text: str) -> list[float]:
    """A contribution as numbers: aggregates of its sentences' kind probabilities (highest,
    mean of the 2 and 3 highest, mean and shares above 0.3/0.5 of the proposal probability, the
    mean and highest of the other kinds, log of the sentence count) and the log counts of
    :data:`PROPOSAL_CUES` in its text."""
    import numpy as np

    p = sorted((s["proposal"] for s in kind_scores), reverse=True) or [0.0]
    out = [p[0], float(np.mean(p[:2])), float(np.mean(p[:3])), float(np.mean(p)), float(np.log1p(len(kind_scores))),
           float(np.mean([x >= 0.5 for x in p])), float(np.mean([x >= 0.3 for x in p]))]
    for kind in ("constat", "description", "other"):
        values = [s[kind] for s in kind_scores] or [0.0]
        out += [float(np.mean(values)), max(values)]
    lowered = text.lower()
    return out + [float(np.log1p(len(re.findall(cue, lowered)))) for cue in PROPOSAL_CUES.values()]


def contribution_classifiers(nlp: Any, contributions: Sequence[real.Contribution], crowd: Sequence[dict[str, str]],
                             verbose: bool) -> None:
    """Contribution-level "proposes a measure" classifiers on the DEVELOPMENT contributions, by
    5-fold cross-validation repeated 5 times (folds seeded 0-4), each fold's threshold chosen for
    F1 on out-of-fold scores of its training part (inner 4-fold), so every F1 is of contributions
    the classifier and threshold did not see: the shipped rule's score (mean of the 2 highest
    sentence proposal probabilities), a logistic regression over :func:`contribution_features`,
    the crowd-share TF-IDF+LR of :func:`proposes_signals`, and the mean of the three. The
    sentence probabilities come from the shipped model, which was trained on these contributions'
    segments (optimistic for the first, second and last). Sparse inputs and liblinear: no BLAS call."""
    import numpy as np
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score, roc_auc_score
    from sklearn.model_selection import StratifiedKFold
    from sklearn.pipeline import make_pipeline, make_union

    from ess_nlp.extract._run import annotate_units
    from ess_nlp.extract.kinds import component as _kinds
    from ess_nlp.extract.kinds.combine import document_proposal_score

    if "ess_kinds" not in nlp.pipe_names:
        print("[an] dev: contribution classifiers skipped: no sentence-kind model")
        return
    y = np.array([c.proposes for c in contributions])
    texts = [c.text for c in contributions]
    rule, rows = [], []
    for c in contributions:
        paras = annotate_units(split_document(document(f"an-contribution-{c.id}", c.text.strip() + "\n")), nlp=nlp)[0]
        scores = [span._.get(_kinds.SCORES) for para in paras if para.doc is not None and para.role is None
                  for span in para.doc.spans.get(_kinds.SPANS_KEY, []) if span._.get(_kinds.SCORES)]
        rule.append(document_proposal_score(paras, 2))
        rows.append(contribution_features(scores, c.text))
    features, top2 = np.array(rows), np.array(rule)

    def crowd_model(outside: set[str]) -> Any:
        train = [r for r in crowd if r["document_id"].strip() not in outside]
        share = np.array([float(r["nouvelles mesures"] or 0) for r in train])
        model = make_pipeline(
            make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2),
                       TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2,
                                       max_features=60_000)),
            LogisticRegression(C=3.0, solver="liblinear"))
        train_texts = [r["text"] for r in train]
        return model.fit(train_texts + train_texts, [1] * len(train) + [0] * len(train),
                         logisticregression__sample_weight=np.concatenate([share, 1 - share]) + 1e-6)

    def fitted(train: np.ndarray, held: np.ndarray) -> Callable[[np.ndarray], dict[str, np.ndarray]]:
        mean, std = features[train].mean(axis=0), features[train].std(axis=0) + 1e-9
        lr = LogisticRegression(C=0.1, solver="liblinear").fit(sparse.csr_matrix((features[train] - mean) / std),
                                                                y[train])
        text_model = crowd_model({contributions[i].id for i in held})

        def score(idx: np.ndarray) -> dict[str, np.ndarray]:
            out = {"shipped rule's score": top2[idx],
                   "LR over sentence-kind aggregates and cues": lr.predict_proba(
                       sparse.csr_matrix((features[idx] - mean) / std))[:, 1],
                   "crowd-share TF-IDF+LR": text_model.predict_proba([texts[i] for i in idx])[:, 1]}
            out["mean of the three"] = sum(out.values()) / 3
            return out
        return score

    def cut(truth: np.ndarray, scores: np.ndarray) -> float:
        return float(max(np.unique(np.round(scores, 3)), key=lambda t: (f1_score(truth, scores >= t), -t)))

    names = ["shipped rule's score", "LR over sentence-kind aggregates and cues", "crowd-share TF-IDF+LR",
             "mean of the three"]
    figures: dict[str, list[tuple[float, float, float]]] = {name: [] for name in names}
    for rep in range(5):
        scored = {name: np.zeros(len(y)) for name in names}
        predicted = {name: np.zeros(len(y), dtype=bool) for name in names}
        for train, test in StratifiedKFold(5, shuffle=True, random_state=rep).split(features, y):
            inner = {name: np.zeros(len(train)) for name in names}
            for a, b in StratifiedKFold(4, shuffle=True, random_state=50 + rep).split(features[train], y[train]):
                for name, values in fitted(train[a], np.concatenate([train[b], test]))(train[b]).items():
                    inner[name][b] = values
            for name, values in fitted(train, test)(test).items():
                scored[name][test] = values
                predicted[name][test] = values >= cut(y[train], inner[name])
        for name in names:
            figures[name].append((float(f1_score(y, predicted[name])), float(roc_auc_score(y, scored[name])),
                                  float(predicted[name].mean())))
    always = 2 * y.mean() / (1 + y.mean())
    print(f"[an] dev: contribution classifiers, 5 x 5-fold cross-validation, thresholds chosen inside the training "
          f"folds ({len(y)} contributions; answering always yes F1 {always:.3f}):")
    for name in names:
        f1, auc, yes = np.mean(figures[name], axis=0)
        print(f"[an]   {name}: F1 {f1:.3f} (spread over the 5 repetitions {np.std([f[0] for f in figures[name]]):.3f}), "
              f"AUC {auc:.3f}, says yes to {yes:.0%}")
        record(f"an.dev.proposes_classifiers.{name}", {"f1": round(float(f1), 4), "auc": round(float(auc), 4),
                                                        "yes_share": round(float(yes), 4)})


def _kind_model() -> Any:
    try:
        from ess_nlp.extract.kinds import load_kind_model
    except ImportError:
        return None
    try:
        model = load_kind_model()
    except Exception as err:
        print(f"[an] no sentence-kind model: {err}")
        return None
    seed = model.meta.get("split", {}).get("seed")
    if seed != real.SPLIT_SEED:
        print(f"[an] the sentence-kind model was trained on another split (seed {seed}): not evaluated")
        return None
    return model


# -- 2. Grand Débat --------------------------------------------------------------------------


GDN_LAYOUTS: dict[str, tuple[bool, str | None]] = {
    "joined": (False, None), "headings": (True, None), "account": (False, "account"), "titled": (False, "title")}
"""The Grand Débat layouts: ``(headings, the report's field written first)``: none, the meeting's
account (``account``) or the report's title (``title``); neither a finding nor a proposal."""
_LEADS = {"account": ("the meeting's account", "account sentences"), "title": ("the report's title", "titles")}


def evaluate_gdn(nlp: Any, parts: tuple[str, ...], limit: int, verbose: bool,
                 layouts: Sequence[str] = tuple(GDN_LAYOUTS)) -> None:
    """``layouts``: names in :data:`GDN_LAYOUTS`, one pass each (the account and title passes read
    only the reports that have one)."""
    try:
        reports = real.gdn_reports(SHARED)
    except Exception as err:
        print(f"[gdn] skipped: {err}")
        return
    for part in parts:
        chosen = [r for r in reports if r.part == part]
        if limit:
            chosen = chosen[:limit]
        for key in layouts:
            headings, lead = GDN_LAYOUTS[key]
            stats: Counter[str] = Counter()
            misses: list[str] = []
            t0 = time.perf_counter()
            subset = [r for r in chosen if getattr(r, lead)] if lead else chosen
            for report in subset:
                text, spans = real.report_text(report.constats, report.propositions, headings=headings,
                                               lead=getattr(report, lead) if lead else "")
                extraction = extract_text(f"gdn-{report.id}", text, nlp)
                predicted = {"proposal": [(p.start, p.end) for p in extraction.proposals],
                             "constat": [(c.start, c.end) for c in extraction.constats]}
                real.field_hits(text, spans, predicted, stats, misses if verbose and len(misses) < 60 else None)
            elapsed = time.perf_counter() - t0
            layout = "with headings « Constats » / « Propositions »" if headings else "fields joined, no headings"
            if lead:
                layout = f"{_LEADS[lead][0]} first, then the fields joined, no headings"
            print(f"[gdn] {part}: {len(subset)} reports, {layout}, {elapsed:.0f} s; sentences: "
                  f"{stats['proposal_sent']} in the proposals field, {stats['constat_sent']} in the diagnosis field"
                  + (f", {stats['other_sent']} in {_LEADS[lead][0]}" if lead else ""))
            for kind in ("proposal", "constat"):
                p, r, f = prf(stats[f"{kind}_tp"], stats[f"{kind}_pred"], stats[f"{kind}_tp"], stats[f"{kind}_sent"])
                print(f"[gdn]   {kind}s: P {p:.3f} R {r:.3f} F1 {f:.3f}")
                record(f"gdn.{part}.{key}.{kind}", {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)})
            if lead:
                n = stats["other_sent"]
                taken = {kind: stats[f"other_as_{kind}"] / n if n else 0.0 for kind in ("proposal", "constat")}
                print(f"[gdn]   {_LEADS[lead][1]} taken for items: proposals {taken['proposal']:.3f}, "
                      f"constats {taken['constat']:.3f} (of {n})")
                record(f"gdn.{part}.{key}.taken", {k: round(v, 4) for k, v in taken.items()})
            if verbose:
                print("\n".join(f"    {m}" for m in misses[:60]))


# -- 3. Décider ensemble ---------------------------------------------------------------------


_COLLECTIVITY = re.compile(r"^(?:mairie|ville|commune|hotel de ville)\s+(?:de\s+|d\s+|du\s+)?")


def porteur_key(name: str) -> str:
    """"Mairie de Nanterre", "Ville de Nanterre" and "Commune de Nanterre" name the same porteur."""
    key = norm_name(name)
    key = _COLLECTIVITY.sub("ville ", key)
    return re.sub(r"^(?:la |le |les |l )", "", key).strip()


def porteur_matches(gold: str, pred: str | None) -> bool:
    if not gold or not pred:
        return False
    g, p = porteur_key(gold), porteur_key(pred)
    return g == p or fuzz.ratio(g, p) >= 88 or (len(p) >= 6 and (p in g or g in p) and
                                               abs(len(p) - len(g)) <= max(8, len(g) // 3))


def url_host(url: str) -> str:
    url = url.strip().lower()
    if not re.match(r"^[a-z]+://", url):
        url = "http://" + url
    host = urlsplit(url).netloc
    return host[4:] if host.startswith("www.") else host


def gold_commune_code(commune: str, postal: str) -> str | None:
    codes = place_index().commune_codes(commune)
    if postal:
        dep = postal[:3] if postal.startswith("97") else postal[:2]
        codes = tuple(c for c in codes if c.startswith(dep)) or codes
    return codes[0] if len(codes) == 1 else None


def card_porteur(card: Initiative) -> str | None:
    porteur = getattr(card, "porteur", None)
    if porteur:
        return str(porteur)
    return card.organisations[0] if card.organisations else card.name


def first_commune(card: Initiative) -> str | None:
    return next((p.code for p in card.places if p.level == "commune"), None)


def evaluate_decider(nlp: Any, parts: tuple[str, ...], verbose: bool) -> None:
    try:
        fiches = [f for f in real.decider_fiches(SHARED) if f.pdf is not None]
    except Exception as err:
        print(f"[decider] skipped: {err}")
        return
    from ess_nlp.ingest import read_document

    for part in parts:
        chosen = [f for f in fiches if f.part == part]
        c: Counter[str] = Counter()
        lines = []
        t0 = time.perf_counter()
        for fiche in chosen:
            assert fiche.pdf is not None
            extraction = extract_units(split_document(read_document(fiche.pdf)), nlp=nlp)
            cards = extraction.initiatives
            c["fiches"] += 1
            c["cards"] += bool(cards)
            card = cards[0] if cards else None
            porteur = card_porteur(card) if card else None
            ok = porteur_matches(fiche.porteur, porteur)
            c["porteur_ok"] += ok
            code = gold_commune_code(fiche.commune, fiche.postal_code)
            c["commune_known"] += code is not None
            commune_ok = bool(card and code and first_commune(card) == code)
            c["commune_ok"] += commune_ok
            c["commune_any"] += bool(card and code and any(p.code == code for p in card.places))
            url_ok = None
            if fiche.url:
                c["with_url"] += 1
                url_ok = bool(card and card.urls and url_host(card.urls[0]) == url_host(fiche.url))
                c["url_ok"] += url_ok
                c["url_any"] += bool(card and any(url_host(u) == url_host(fiche.url) for u in card.urls))
            if verbose:
                lines.append(
                    f"    {fiche.key[:34]:34s} card {'yes' if card else 'NO '} porteur {'ok' if ok else 'NO'} "
                    f"({porteur!r} / gold {fiche.porteur!r}); commune {'ok' if commune_ok else 'NO'} "
                    f"({first_commune(card) if card else None} / {code}); url "
                    f"{'-' if url_ok is None else 'ok' if url_ok else 'NO'} ({card.urls[:1] if card else None})"
                )
        elapsed = time.perf_counter() - t0
        n = c["fiches"] or 1
        print(f"[decider] {part}: {c['fiches']} PDF fiches, {elapsed:.0f} s: card {c['cards'] / n:.3f}; porteur right "
              f"{c['porteur_ok'] / n:.3f}; commune with its INSEE code {c['commune_ok'] / (c['commune_known'] or 1):.3f}"
              f" (first commune of the card; among its places {c['commune_any'] / (c['commune_known'] or 1):.3f}; "
              f"n={c['commune_known']}); web address {c['url_ok'] / (c['with_url'] or 1):.3f} (first address of the card, "
              f"same site; among its addresses {c['url_any'] / (c['with_url'] or 1):.3f}; n={c['with_url']})")
        record(f"decider.{part}", {
            "fiches": c["fiches"], "card": round(c["cards"] / n, 4), "porteur": round(c["porteur_ok"] / n, 4),
            "commune": round(c["commune_ok"] / (c["commune_known"] or 1), 4),
            "url": round(c["url_ok"] / (c["with_url"] or 1), 4),
        })
        if verbose:
            print("\n".join(lines))


# -- 4. directories --------------------------------------------------------------------------


def resolve_city(words: str, postal: str) -> str | None:
    """The commune a "79000 Niort Tel" address names: the longest run of words that is a commune
    of the postal code's département."""
    tokens = words.split()
    for n in range(len(tokens), 0, -1):
        code = gold_commune_code(" ".join(tokens[:n]), postal)
        if code:
            return code
    return None


def evaluate_sheets(name: str, loader: Callable[[Path], list[real.Sheet]], nlp: Any, parts: tuple[str, ...],
                    verbose: bool) -> None:
    try:
        sheets = loader(SHARED)
    except Exception as err:
        print(f"[{name}] skipped: {err}")
        return
    for part in parts:
        chosen = [s for s in sheets if s.part == part]
        c: Counter[str] = Counter()
        lines = []
        for sheet in chosen:
            text = "\n\n".join(sheet.paragraphs) + "\n"
            extraction = extract_text(f"{name}-{sheet.key}", text, nlp)
            card = extraction.initiatives[0] if extraction.initiatives else None
            c["sheets"] += 1
            c["cards"] += card is not None
            if sheet.organisation:
                c["with_org"] += 1
                c["org_ok"] += bool(card and porteur_matches(sheet.organisation, card_porteur(card)))
            else:
                c["with_title"] += 1
                c["title_ok"] += bool(card and card.name and fuzz.ratio(norm_name(card.name), norm_name(sheet.title)) >= 90)
            code = resolve_city(sheet.city, sheet.postal_code) if sheet.city else None
            if code:
                c["with_city"] += 1
                c["city_ok"] += bool(card and any(p.code == code for p in card.places if p.level == "commune"))
            if verbose and card is not None and sheet.organisation and not porteur_matches(
                    sheet.organisation, card_porteur(card)):
                lines.append(f"    porteur {card_porteur(card)!r} / gold {sheet.organisation!r}")
        n = c["sheets"] or 1
        who = (f"porteur right {c['org_ok'] / (c['with_org'] or 1):.3f} (n={c['with_org']})" if c["with_org"]
               else f"name = sheet title {c['title_ok'] / (c['with_title'] or 1):.3f}")
        print(f"[{name}] {part}: {c['sheets']} sheets: card {c['cards'] / n:.3f}; {who}; commune with its INSEE code "
              f"{c['city_ok'] / (c['with_city'] or 1):.3f} (n={c['with_city']})")
        record(f"{name}.{part}", {"sheets": c["sheets"], "card": round(c["cards"] / n, 4),
                                  "who": round((c["org_ok"] / (c["with_org"] or 1)) if c["with_org"]
                                               else c["title_ok"] / (c["with_title"] or 1), 4),
                                  "commune": round(c["city_ok"] / (c["with_city"] or 1), 4)})
        if verbose:
            print("\n".join(lines[:40]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--only", choices=["an", "gdn", "decider", "pdcn", "apriles"], action="append")
    parser.add_argument("--part", choices=["test", "dev", "both"], default="test")
    parser.add_argument("--gdn-reports", type=int, default=0, help="at most N reports per part (0: all)")
    parser.add_argument("--gdn-layout", choices=sorted(GDN_LAYOUTS), action="append",
                        help="gdn: only these layouts (default: all four)")
    parser.add_argument("--no-kinds", action="store_true", help="leave the sentence-kind model out (rules only)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    parser.add_argument("--model", default="fr_core_news_sm")
    parser.add_argument("--proposes-signals", action="store_true",
                        help="with the an set: how far its dev contributions' « proposes a measure » label can be "
                             "read from their text (agreement, a whole-contribution TF-IDF+LR, contribution-level "
                             "classifiers, by cross-validation; ~5 min)")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    if not SHARED.is_dir():
        print(f"skipped: {SHARED} is absent (the real data sits beside the project, at ../shared/data)")
        return 0
    if args.no_kinds:
        os.environ["ESS_NLP_KIND_MODEL"] = "none"
    nlp = extraction_pipeline(args.model)
    parts = parts_of(args.part)
    only = set(args.only or ["an", "gdn", "decider", "pdcn", "apriles"])
    print(f"model: {args.model}; split seed {real.SPLIT_SEED}; parts: {', '.join(parts)}")
    t0 = time.perf_counter()
    if "an" in only:
        evaluate_an(nlp, parts, not args.no_kinds, args.verbose)
        if args.proposes_signals:
            proposes_signals(nlp, args.verbose)
    if "gdn" in only:
        evaluate_gdn(nlp, parts, args.gdn_reports, args.verbose, args.gdn_layout or tuple(GDN_LAYOUTS))
    if "decider" in only:
        evaluate_decider(nlp, parts, args.verbose)
    if "pdcn" in only:
        evaluate_sheets("pdcn", real.pdcn_sheets, nlp, parts, args.verbose)
    if "apriles" in only:
        evaluate_sheets("apriles", real.apriles_sheets, nlp, parts, args.verbose)
    print(f"total {time.perf_counter() - t0:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(RESULTS, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
