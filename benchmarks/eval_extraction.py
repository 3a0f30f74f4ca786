"""Evaluation of extraction (issue 4): prints every figure of the issue's Evaluation section.

1. Sample corpus gold (corpus/gold/sample.jsonl): proposal precision/recall (targets: P >= 0.90,
   R >= 0.95), number and parent accuracy of matched proposals, constat precision/recall,
   initiative recall, name, place and figure accuracy.
2. Cross-format (corpus/crossformat/): the same cahier as .txt, .docx, .odt, .pdf gives the same
   proposals (text and number).
3. Grand Débat local meeting reports (../shared/data/gdn-reunions-locales): diagnosis
   ("constats") and proposals ("propositions") fields joined into one document without
   headings; sentence-level precision/recall of extracted proposals against the proposals
   field and of extracted constats against the diagnosis field, over a seeded sample.
4. Près de chez nous sheets (../shared/data/presdecheznous-niort): initiative cards (name, place,
   what).
5. Near-duplicate proposals: pairwise precision/recall on a hand-written paraphrase set, and the
   groups found across the sample corpus.

Usage: .venv/bin/python benchmarks/eval_extraction.py [--corpus DIR] [--gdn-sample 500] [--skip-gdn]
Shared-data parts are skipped, with a one-line reason, when ../shared/data is absent.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from rapidfuzz import fuzz

from ess_nlp.extract import Extraction, extract_units, extraction_pipeline
from ess_nlp.extract._resources import norm_name
from ess_nlp.extract.kinds.data import field_hits, report_text
from ess_nlp.extract.places import place_index
from ess_nlp.ingest import read_document
from ess_nlp.records import Document, Unit
from ess_nlp.segment import split_document

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ESS_NLP_SHARED_DATA", ROOT.parent / "shared" / "data"))


def norm_text(text: str) -> str:
    text = text.replace("’", "'").replace("\u00a0", " ").replace("\u202f", " ")
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)
    return " ".join(text.split()).strip().lower()


def same_text(a: str, b: str) -> bool:
    a, b = norm_text(a), norm_text(b)
    return a == b or fuzz.ratio(a, b) >= 92


def prf(tp_pred: int, n_pred: int, tp_gold: int, n_gold: int) -> tuple[float, float, float]:
    p = tp_pred / n_pred if n_pred else 1.0
    r = tp_gold / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def match_items(gold: list[str], pred: list[str]) -> list[tuple[int, int]]:
    """One-to-one matches (gold index, predicted index) of equal-enough texts, in order."""
    used: set[int] = set()
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if pi not in used and same_text(g, p):
                used.add(pi)
                pairs.append((gi, pi))
                break
    return pairs


def name_matches(gold: str | None, pred: str | None) -> bool:
    if not gold or not pred:
        return False
    g = re.sub(r"^(?:l |la |le |les |association |l association )", "", norm_name(gold))
    p = re.sub(r"^(?:l |la |le |les |association |l association )", "", norm_name(pred))
    return (
        g == p
        or fuzz.ratio(g, p) >= 85
        or (len(p) >= 4 and (p in g or g in p) and fuzz.partial_ratio(g, p) >= 95)
    )


def legal_form_matches(gold: str, predicted: Any) -> bool:
    """ "SCIC" matches gold "SCIC SARL", "association" matches "association loi 1901"."""
    g = norm_name(gold)
    for form in predicted:
        f = norm_name(form)
        if f == g or (f.split()[0] == g.split()[0] and len(f.split()) == 1):
            return True
    return False


# -- 1. sample gold ------------------------------------------------------------------------


def cahier_records(units: list[Unit], extraction: Extraction) -> dict[str, dict[str, list[Any]]]:
    by: dict[str, dict[str, list[Any]]] = defaultdict(
        lambda: {"proposals": [], "constats": [], "initiatives": []}
    )
    for p in extraction.proposals:
        by[p.cahier or ""]["proposals"].append(p)
    for c in extraction.constats:
        by[c.cahier or ""]["constats"].append(c)
    for i in extraction.initiatives:
        by[i.cahier or ""]["initiatives"].append(i)
    return by


def align_cahiers(gold_rows: list[dict[str, Any]], units: list[Unit]) -> dict[str, str | None]:
    """Gold id -> cahier unit id: by first line, else by order."""
    cahiers = [u for u in units if u.level == "cahier"]
    out: dict[str, str | None] = {}
    taken: set[str] = set()
    for row in sorted(gold_rows, key=lambda r: r.get("order", 0)):
        first = norm_text(row.get("first_line") or row.get("title") or "")
        found = None
        for c in cahiers:
            if c.id not in taken and first and norm_text(c.text[: len(first) + 40]).startswith(first[:60]):
                found = c.id
                break
        if found is None:
            order = row.get("order", 0)
            rest = [c for c in cahiers if c.id not in taken]
            if len(cahiers) == len(gold_rows) and order < len(cahiers) and cahiers[order].id not in taken:
                found = cahiers[order].id
            elif rest:
                found = None
        if found:
            taken.add(found)
        out[row["id"]] = found
    return out


def evaluate_sample(corpus: Path, nlp: Any, verbose: bool) -> None:
    gold_path = corpus / "gold" / "sample.jsonl"
    if not gold_path.is_file():
        print(f"[sample] skipped: {gold_path} is absent (build it with corpus/authoring/build.py)")
        return
    gold = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_source: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in gold:
        by_source[row["source"]].append(row)
    counts = Counter()
    per_format: dict[str, Counter[str]] = defaultdict(Counter)
    misses: list[str] = []
    t0 = time.perf_counter()
    for source, rows in sorted(by_source.items()):
        path = corpus / "sample" / source
        doc = read_document(path)
        units = split_document(doc)
        extraction = extract_units(units, nlp=nlp)
        records = cahier_records(units, extraction)
        alignment = align_cahiers(rows, units)
        for row in rows:
            cid = alignment.get(row["id"])
            rec = records.get(cid or "", {"proposals": [], "constats": [], "initiatives": []})
            fmt = row.get("format", path.suffix.lstrip("."))
            counts["cahiers"] += 1
            counts["cahiers_aligned"] += cid is not None
            # proposals
            gp = row.get("proposals", [])
            pp = rec["proposals"]
            pairs = match_items([g["text"] for g in gp], [p.text for p in pp])
            counts["prop_gold"] += len(gp)
            counts["prop_pred"] += len(pp)
            counts["prop_tp"] += len(pairs)
            per_format[fmt]["gold"] += len(gp)
            per_format[fmt]["pred"] += len(pp)
            per_format[fmt]["tp"] += len(pairs)
            matched_pred = {pi: gi for gi, pi in pairs}
            for gi, pi in pairs:
                g, p = gp[gi], pp[pi]
                pn = re.sub(r"[.)°\s-]+$", "", p.number) if p.number else None
                if p.number and not re.search(r"[0-9A-Za-z]", p.number):
                    pn = None
                counts["number_ok"] += pn == g.get("number")
                gparent = g.get("parent")
                if gparent is None:
                    counts["parent_ok"] += p.parent is None
                else:
                    parent_gold_text = gp[gparent]["text"]
                    parent_pred = next((q for q in pp if q.id == p.parent), None)
                    counts["parent_ok"] += bool(parent_pred and same_text(parent_gold_text, parent_pred.text))
                counts["alternative_ok"] += bool(g.get("alternative")) == p.alternative
            if verbose:
                got = {gi for gi, _ in pairs}
                for gi, g in enumerate(gp):
                    if gi not in got:
                        misses.append(f"  FN proposal {row['id']} ({fmt}): {g['text'][:110]}")
                for pi, p in enumerate(pp):
                    if pi not in matched_pred:
                        misses.append(f"  FP proposal {row['id']} ({fmt}) [{p.cue}]: {p.text[:110]}")
            # constats
            gc = row.get("constats", [])
            pc = rec["constats"]
            cpairs = match_items([g["text"] for g in gc], [c.text for c in pc])
            counts["cons_gold"] += len(gc)
            counts["cons_pred"] += len(pc)
            counts["cons_tp"] += len(cpairs)
            # initiatives: each card stands for one gold initiative at most
            used_cards: set[str] = set()
            for gi_ in row.get("initiatives", []):
                counts["init_gold"] += 1
                cards = [card for card in rec["initiatives"] if card.id not in used_cards]
                if not cards:
                    if verbose:
                        misses.append(f"  FN initiative {row['id']}: {gi_['name']}")
                    continue
                counts["init_found"] += 1
                card = max(
                    cards,
                    key=lambda c: (
                        name_matches(gi_["name"], c.name) or name_matches(gi_.get("organisation"), c.name)
                    ),
                )
                used_cards.add(card.id)
                name_ok = name_matches(gi_["name"], card.name) or name_matches(
                    gi_.get("organisation"), card.name
                )
                counts["init_name_ok"] += name_ok
                if verbose and not name_ok:
                    misses.append(
                        f"  name {row['id']}: gold {gi_['name']!r} / {gi_.get('organisation')!r},"
                        f" got {card.name!r}"
                    )
                place = gi_.get("place")
                if place:
                    counts["place_gold"] += 1
                    codes = [p.code for p in card.places]
                    names = [norm_name(p.name) for p in card.places]
                    ok_any = (
                        (place.get("code") in codes)
                        if place.get("code")
                        else norm_name(place["name"]) in names
                    )
                    counts["place_any_ok"] += ok_any
                    first = card.places[0] if card.places else None
                    counts["place_first_ok"] += bool(
                        first
                        and (
                            first.code == place.get("code")
                            if place.get("code")
                            else norm_name(first.name) == norm_name(place["name"])
                        )
                        and first.level == place.get("level")
                    )
                    if verbose and not ok_any:
                        misses.append(
                            f"  place {row['id']}: gold {place}, got {[p.to_json() for p in card.places]}"
                        )
                gfig = gi_.get("figures", [])
                pfig = [(f.unit, round(f.value, 2)) for f in card.figures]
                counts["fig_gold"] += len(gfig)
                counts["fig_pred"] += len(pfig)
                remaining = list(pfig)
                for f in gfig:
                    key = (f["unit"], round(float(f["value"]), 2))
                    if key in remaining:
                        remaining.remove(key)
                        counts["fig_tp"] += 1
                    elif verbose:
                        misses.append(f"  figure {row['id']}: missed {f}")
                if gi_.get("legal_form"):
                    counts["lf_gold"] += 1
                    lf_ok = legal_form_matches(gi_["legal_form"], card.legal_forms[:1])
                    counts["lf_ok"] += lf_ok
                    counts["lf_any_ok"] += legal_form_matches(gi_["legal_form"], card.legal_forms)
                    if verbose and not lf_ok:
                        misses.append(
                            f"  legal form {row['id']}: gold {gi_['legal_form']!r}, got {card.legal_forms}"
                        )
                if gi_.get("since"):
                    counts["since_gold"] += 1
                    counts["since_ok"] += bool(card.since and gi_["since"] in card.since)
                for url in gi_.get("urls", []):
                    counts["url_gold"] += 1
                    counts["url_ok"] += any(url.rstrip("/") in u for u in card.urls)
            counts["init_pred"] += len(rec["initiatives"])
    elapsed = time.perf_counter() - t0
    c = counts
    p, r, f = prf(c["prop_tp"], c["prop_pred"], c["prop_tp"], c["prop_gold"])
    print(
        f"[sample] {c['cahiers']} cahiers in {len(by_source)} files ({c['cahiers_aligned']} aligned), "
        f"{elapsed:.1f} s"
    )
    print(
        f"[sample] proposals: precision {p:.3f}, recall {r:.3f}, F1 {f:.3f} "
        f"(gold {c['prop_gold']}, predicted {c['prop_pred']}, matched {c['prop_tp']}; targets P>=0.90 R>=0.95)"
    )
    if c["prop_tp"]:
        print(
            f"[sample] matched proposals: number {c['number_ok'] / c['prop_tp']:.3f}, "
            f"parent {c['parent_ok'] / c['prop_tp']:.3f}, alternative flag {c['alternative_ok'] / c['prop_tp']:.3f}"
        )
    for fmt, fc in sorted(per_format.items()):
        fp, fr, _ = prf(fc["tp"], fc["pred"], fc["tp"], fc["gold"])
        print(f"[sample]   {fmt:5s} proposals P {fp:.3f} R {fr:.3f} (gold {fc['gold']})")
    p, r, f = prf(c["cons_tp"], c["cons_pred"], c["cons_tp"], c["cons_gold"])
    print(
        f"[sample] constats: precision {p:.3f}, recall {r:.3f}, F1 {f:.3f} "
        f"(gold {c['cons_gold']}, predicted {c['cons_pred']})"
    )
    ig = c["init_gold"] or 1
    print(
        f"[sample] initiatives: recall {c['init_found'] / ig:.3f} ({c['init_found']}/{c['init_gold']} gold "
        f"initiatives have a card of their own), cards {c['init_pred']}, "
        f"name accuracy {c['init_name_ok'] / ig:.3f} (over gold initiatives)"
    )
    pg = c["place_gold"] or 1
    print(
        f"[sample] place accuracy: gold place among card places {c['place_any_ok'] / pg:.3f}, "
        f"first card place = gold (name/code and level) {c['place_first_ok'] / pg:.3f} (n={c['place_gold']})"
    )
    fp_, fr_, ff_ = prf(c["fig_tp"], c["fig_pred"], c["fig_tp"], c["fig_gold"])
    print(
        f"[sample] figures (value+unit): recall {fr_:.3f}, precision {fp_:.3f}, F1 {ff_:.3f} "
        f"(gold {c['fig_gold']}, predicted {c['fig_pred']})"
    )
    print(
        f"[sample] legal form: first card form right {c['lf_ok'] / (c['lf_gold'] or 1):.3f}, "
        f"among card forms {c['lf_any_ok'] / (c['lf_gold'] or 1):.3f} (n={c['lf_gold']}); "
        f"since {c['since_ok'] / (c['since_gold'] or 1):.3f} (n={c['since_gold']}), "
        f"urls {c['url_ok'] / (c['url_gold'] or 1):.3f} (n={c['url_gold']})"
    )
    if verbose:
        print("\n".join(misses))


# -- 2. cross-format -----------------------------------------------------------------------


def evaluate_crossformat(corpus: Path, nlp: Any) -> None:
    folder = corpus / "crossformat"
    if not folder.is_dir() or not any(folder.iterdir()):
        print(f"[crossformat] skipped: {folder} is absent or empty")
        return
    by_id: dict[str, dict[str, list[tuple[str | None, str]]]] = defaultdict(dict)
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in (".txt", ".docx", ".odt", ".pdf"):
            continue
        extraction = extract_units(split_document(read_document(path)), nlp=nlp)
        by_id[path.stem][path.suffix.lstrip(".")] = [
            (re.sub(r"[.)\s]+$", "", p.number) if p.number else None, norm_text(p.text))
            for p in extraction.proposals
        ]
    gold_path = corpus / "gold" / "crossformat.jsonl"
    gold = {}
    if gold_path.is_file():
        for line in gold_path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                gold[row["id"]] = [(g.get("number"), norm_text(g["text"])) for g in row.get("proposals", [])]
    same = total = 0
    for cid, formats in sorted(by_id.items()):
        reference = formats.get("txt") or next(iter(formats.values()))
        for fmt, props in sorted(formats.items()):
            total += 1
            identical = [t for _, t in props] == [t for _, t in reference] and [n for n, _ in props] == [
                n for n, _ in reference
            ]
            same += identical
            line = f"[crossformat] {cid}.{fmt}: {len(props)} proposals, same as .txt: {'yes' if identical else 'NO'}"
            if cid in gold:
                tp = len(match_items([t for _, t in gold[cid]], [t for _, t in props]))
                p, r, _ = prf(tp, len(props), tp, len(gold[cid]))
                line += f", vs gold P {p:.3f} R {r:.3f}"
            print(line)
    print(f"[crossformat] {same}/{total} files give the same proposals (text and number) as the .txt version")


# -- 3. Grand Débat ------------------------------------------------------------------------


def _document(source: str, text: str) -> Document:
    return Document(source=source, text=text, format="txt", sha256=hashlib.sha256(text.encode()).hexdigest())


def evaluate_gdn(nlp: Any, sample: int, seed: int, headings: bool) -> None:
    path = SHARED / "gdn-reunions-locales" / "gdn_reunions_locales.csv"
    if not path.is_file():
        print(f"[gdn] skipped: {path} is absent (shared data sits beside the project)")
        return
    import pandas as pd

    frame = pd.read_csv(path, dtype=str).fillna("")
    frame = frame[
        (frame.constats.str.strip().str.len() >= 50) & (frame.propositions.str.strip().str.len() >= 50)
    ]
    rows = frame.sample(n=min(sample, len(frame)), random_state=seed)
    stats = Counter()
    t0 = time.perf_counter()
    for _, row in rows.iterrows():
        diag = _clean_field(row.constats)
        props = _clean_field(row.propositions)
        text, spans = report_text(diag, props, headings=headings)
        units = split_document(_document(f"gdn-{row.contribution_id}", text))
        extraction = extract_units(units, nlp=nlp)
        predicted = {
            "proposal": [(p.start, p.end) for p in extraction.proposals],
            "constat": [(c.start, c.end) for c in extraction.constats],
        }
        field_hits(text, spans, predicted, stats)
        stats["reports"] += 1
    elapsed = time.perf_counter() - t0
    label = (
        "with headings 'Constats'/'Propositions'" if headings else "no headings (fields joined as paragraphs)"
    )
    print(
        f"[gdn] {stats['reports']} reports (seed {seed}), {label}, {elapsed:.1f} s; "
        f"sentences: {stats['proposal_sent']} in proposals field, {stats['constat_sent']} in diagnosis field"
    )
    for kind, field in (("proposal", "proposals field"), ("constat", "diagnosis field")):
        p, r, f = prf(stats[f"{kind}_tp"], stats[f"{kind}_pred"], stats[f"{kind}_tp"], stats[f"{kind}_sent"])
        print(f"[gdn]   {kind}s vs {field}: precision {p:.3f}, recall {r:.3f}, F1 {f:.3f}")


def _clean_field(value: str) -> str:
    lines = [line.strip() for line in str(value).replace("\r", "").split("\n")]
    text = "\n".join(line for line in lines if line)
    return re.sub(r"\n{2,}", "\n", text).strip()


# -- 4. Près de chez nous ------------------------------------------------------------------


def evaluate_pdcn(nlp: Any) -> None:
    path = SHARED / "presdecheznous-niort" / "initiatives.csv"
    if not path.is_file():
        print(f"[pdcn] skipped: {path} is absent (shared data sits beside the project)")
        return
    import pandas as pd

    frame = pd.read_csv(path, dtype=str).fillna("")
    index = place_index()
    c = Counter()
    for _, row in frame.iterrows():
        paragraphs = [row.title.strip()]
        paragraphs += [p.strip() for p in (row.summary, row.description, row.commitment) if p.strip()]
        if row.city.strip():
            postal = row.postal_code.split(".")[0]
            paragraphs.append(f"Commune : {row.city.strip()}" + (f" ({postal})" if postal else ""))
        text = "\n\n".join(paragraphs) + "\n"
        extraction = extract_units(split_document(_document(f"pdcn-{row.id}", text)), nlp=nlp)
        c["sheets"] += 1
        card = extraction.initiatives[0] if extraction.initiatives else None
        c["cards"] += card is not None
        if card is None:
            continue
        c["name_ok"] += name_matches(row.title, card.name)
        if row.city.strip():
            c["with_city"] += 1
            dep = row.postal_code[:2]
            codes = index.commune_codes(row.city)
            gold_code = next((x for x in codes if x.startswith(dep)), codes[0] if len(codes) == 1 else None)
            c["gold_code_known"] += gold_code is not None
            names_ok = any(norm_name(p.name) == norm_name(row.city) for p in card.places)
            c["place_name_ok"] += names_ok
            c["place_code_ok"] += bool(gold_code and any(p.code == gold_code for p in card.places))
        what_fields = " ".join((row.summary, row.description))
        if card.what:
            c["what_present"] += 1
            c["what_ok"] += norm_text(card.what)[:40] in norm_text(what_fields)
    n = c["sheets"] or 1
    w = c["with_city"] or 1
    print(
        f"[pdcn] {c['sheets']} sheets: card found {c['cards'] / n:.3f}, name = sheet title {c['name_ok'] / n:.3f}"
    )
    print(
        f"[pdcn] place (n={c['with_city']} sheets with a city): commune named {c['place_name_ok'] / w:.3f}, "
        f"INSEE code right {c['place_code_ok'] / w:.3f} (gold code resolvable for {c['gold_code_known']})"
    )
    print(
        f"[pdcn] what it does: present {c['what_present'] / n:.3f}, "
        f"taken from the summary/description {c['what_ok'] / n:.3f}"
    )


# -- 5. near-duplicate proposals -----------------------------------------------------------


def evaluate_duplicates(corpus: Path, nlp: Any, method: str | None = None) -> None:
    """Pairwise P/R on the hand-written paraphrase set (tests/extract/data/duplicates.jsonl) for a
    few thresholds, then the groups found across the sample corpus cahiers."""
    from ess_nlp.extract.duplicates import DEFAULT_THRESHOLD, group_duplicates, pairwise_scores

    path = ROOT / "tests" / "extract" / "data" / "duplicates.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    items = [(str(i), r["text"], r["cahier"]) for i, r in enumerate(rows)]
    gold: dict[str, list[str]] = defaultdict(list)
    for i, r in enumerate(rows):
        gold[r["group"]].append(str(i))
    for threshold in (0.3, 0.35, DEFAULT_THRESHOLD, 0.45, 0.5):
        groups = group_duplicates(items, threshold=threshold)
        sc = pairwise_scores([g.members for g in groups], list(gold.values()))
        mark = " (default)" if threshold == DEFAULT_THRESHOLD else ""
        print(
            f"[duplicates] paraphrase set ({len(rows)} proposals, {sc['pairs_gold']} gold pairs), threshold "
            f"{threshold:.2f}{mark}: pairwise precision {sc['precision']:.3f}, recall {sc['recall']:.3f}, "
            f"F1 {sc['f1']:.3f}"
        )
    evaluate_duplicates_at_scale(method)
    gold_path = corpus / "gold" / "sample.jsonl"
    if not gold_path.is_file():
        return
    sources = sorted(
        {
            json.loads(line)["source"]
            for line in gold_path.read_text(encoding="utf-8").splitlines()
            if line.strip()
        }
    )
    proposals = []
    for source in sources:
        extraction = extract_units(split_document(read_document(corpus / "sample" / source)), nlp=nlp)
        proposals.extend((p.id, p.text, p.cahier) for p in extraction.proposals if not p.alternative)
    groups = group_duplicates(proposals)
    texts = {pid: text for pid, text, _ in proposals}
    print(
        f"[duplicates] sample corpus: {len(proposals)} proposals, {len(groups)} groups across cahiers "
        f"(largest: {groups[0].cahiers if groups else 0} cahiers)"
    )
    for group in groups[:3]:
        print(
            f"[duplicates]   {group.cahiers} cahiers: " + " / ".join(texts[m][:60] for m in group.members[:3])
        )


def evaluate_duplicates_at_scale(method: str | None = None) -> None:
    """Time (wall and CPU) and peak memory of the grouping (by ``method``, the default when None)
    over every line of every Grand Débat proposals field (about 33,000 proposals: the size the
    app's large database holds)."""
    import resource

    import pandas as pd

    from ess_nlp.extract.duplicates import group_duplicates

    path = SHARED / "gdn-reunions-locales" / "gdn_reunions_locales.csv"
    if not path.is_file():
        print(f"[duplicates] scale: skipped ({path} is absent)")
        return
    frame = pd.read_csv(path, dtype=str).fillna("")
    items = [
        (f"{row.contribution_id}/{i}", line.strip(" -•*\t"), str(row.contribution_id))
        for row in frame.itertuples()
        for i, line in enumerate(str(row.propositions).splitlines())
        if len(line.split()) >= 3
    ]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started, cpu = time.perf_counter(), time.process_time()
    groups = group_duplicates(items) if method is None else group_duplicates(items, method=method)  # type: ignore[arg-type]
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    texts = dict((pid, text) for pid, text, _ in items)
    print(
        f"[duplicates] scale: {len(items):,} Grand Débat proposal lines from {len(frame):,} reports grouped "
        f"({method or 'default method'}) in {elapsed:.1f} s ({cpu:.1f} s of CPU), process peak RSS {before:,.0f} MiB before, {peak:,.0f} MiB after; {len(groups):,} "
        "groups"
    )
    for group in groups[:3]:
        print(f"[duplicates]   {group.cahiers} reports: " + " / ".join(texts[m][:50] for m in group.members[:3]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--gdn-sample", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-gdn", action="store_true")
    parser.add_argument(
        "--only", choices=["sample", "crossformat", "gdn", "pdcn", "duplicates"], default=None
    )
    parser.add_argument("--model", default="fr_core_news_sm")
    parser.add_argument("--duplicates-method", choices=["lexical", "semantic", "core"], default=None,
                        help="the grouping method timed on the Grand Débat lines (default: the shipped one)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss of the sample corpus")
    args = parser.parse_args(argv)
    nlp = extraction_pipeline(args.model)
    print(f"model: {args.model}")
    if args.only in (None, "sample"):
        evaluate_sample(args.corpus, nlp, args.verbose)
    if args.only in (None, "crossformat"):
        evaluate_crossformat(args.corpus, nlp)
    if args.only in (None, "gdn") and not args.skip_gdn:
        evaluate_gdn(nlp, args.gdn_sample, args.seed, headings=False)
        evaluate_gdn(nlp, args.gdn_sample, args.seed, headings=True)
    if args.only in (None, "pdcn"):
        evaluate_pdcn(nlp)
    if args.only in (None, "duplicates"):
        evaluate_duplicates(args.corpus, nlp, args.duplicates_method)
    return 0


if __name__ == "__main__":
    sys.exit(main())
