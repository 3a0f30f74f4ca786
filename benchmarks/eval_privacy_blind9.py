"""The ninth blind measure of the personal-data mask, on three sources never used for privacy before:
citizens' free text from two consultations and a debate platform, where people are named in passing
(mayors, ministers, authors quoted, neighbours, places named after someone).

    .venv/bin/python benchmarks/eval_privacy_blind9.py
    .venv/bin/python benchmarks/eval_privacy_blind9.py --show-errors   # ids and offsets, never text

Documents, three pools (``POOLS``), each drawn with ``SEED``: ``cued`` documents among those that match
``CUE`` (the naming cue of ``eval_privacy_blind2.CUE``, or two capitalised words inside a sentence, where
names, organisations and places are written) and ``plain`` among the others (non-empty):

- ``nanterre``: the contributions of the Ville de Nanterre consultations
  (``nanterre-assises-2016``: ``assises:<row>``, the « Contenu » of ``toutes-les-contributions-anon.csv``;
  ``papeteries:<row>``, that of ``papeteries-utf8.csv``; rows counted from 0);
- ``vraidebat``: the most-voted proposals of Le Vrai Débat (``vrai-debat-top``: ``vraidebat:<contribution
  id>``, title and body on two lines);
- ``mel``: the Grand Débat on the Métropole Européenne de Lille's Decidim (``mel-granddebat-decidim-2019``):
  ``melprop:<id>``, a free proposal (title and body on two lines); ``melcomment:<id>``, a comment on a
  debate; ``melpcomment:<id>``, a comment on a proposal (the body only: the author's display name is a
  column of the export, not part of the text).

The selection rules above were written before any text was read. The gold lives in
``benchmarks/data/privacy_blind9_gold.tsv`` as ids, offsets and SHA-1 prefixes only (its header gives the
labelling definition, that of the second and seventh sets); it was committed before the masker ran on
these texts. Counting and printing are those of ``eval_privacy_blind2.py`` (imported): never-mask
organisations, places and capitalised common nouns touched are reported by class; nothing personal is
printed. A set is blind only for its one run; after it, it is development data (docs/syntheses.md).
"""

from __future__ import annotations

import csv
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import eval_privacy_blind2 as blind2
from eval_privacy_blind import read_gold

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "benchmarks" / "data" / "privacy_blind9_gold.tsv"
NANTERRE = Path("nanterre-assises-2016")
VRAI_DEBAT = Path("vrai-debat-top") / "vrai_debat_top.csv"
MEL = Path("mel-granddebat-decidim-2019") / "data brute"
SEED = 2033
# Two capitalised words after a lowercase letter, a comma, a colon or a bracket and a space: inside a sentence.
_TWO_CAPITALS = re.compile(r"(?<=[a-zà-ÿ,;:(] )[A-ZÀ-Þ][a-zà-ÿ]+(?:-[A-ZÀ-Þ][a-zà-ÿ]+)? [A-ZÀ-Þ][A-Za-zà-ÿ]+")


@dataclass(frozen=True)
class Pool:
    """One source's documents: how many are drawn with the cue and without."""

    name: str
    cued: int
    plain: int


POOLS = (Pool("nanterre", 20, 5), Pool("vraidebat", 40, 5), Pool("mel", 25, 5))


def cued(text: str) -> bool:
    """Whether ``text`` holds a naming cue (a civility or a role, or two capitalised words mid-sentence)."""
    return bool(blind2.CUE.search(text) or _TWO_CAPITALS.search(text))


def _rows(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def load_pools(shared: Path) -> dict[str, dict[str, str]]:
    """Every non-empty document of each pool, by id (the module docstring's ids)."""
    nanterre = {
        f"assises:{i}": r["Contenu"]
        for i, r in enumerate(_rows(shared / NANTERRE / "toutes-les-contributions-anon.csv"))
    }
    nanterre |= {
        f"papeteries:{i}": r["Contenu"]
        for i, r in enumerate(_rows(shared / NANTERRE / "papeteries-utf8.csv"))
    }
    vraidebat = {
        f"vraidebat:{r['contribution_id']}": f"{r['title']}\n{r['body']}" for r in _rows(shared / VRAI_DEBAT)
    }
    mel = {
        f"melprop:{r['id']}": f"{r['title']}\n{r['body']}"
        for r in _rows(shared / MEL / "propositions-libres.csv", ";")
    }
    mel |= {f"melcomment:{r['id']}": r["body"] for r in _rows(shared / MEL / "commentaires_debats.csv", ";")}
    mel |= {
        f"melpcomment:{r['id']}": r["body"]
        for r in _rows(shared / MEL / "commentaires_propositions_libres.csv", ";")
    }
    pools = {"nanterre": nanterre, "vraidebat": vraidebat, "mel": mel}
    return {name: {d: t for d, t in docs.items() if t.strip()} for name, docs in pools.items()}


def draw(docs: dict[str, str], pool: Pool, seed: int = SEED) -> list[str]:
    """``pool.cued`` ids drawn with ``seed`` among the cued documents (all of them when fewer), then
    ``pool.plain`` among the others."""
    ids = sorted(docs)
    with_cue = [d for d in ids if cued(docs[d])]
    without = [d for d in ids if not cued(docs[d])]
    rng = random.Random(f"{seed}:{pool.name}")
    return sorted(rng.sample(with_cue, min(pool.cued, len(with_cue)))) + sorted(
        rng.sample(without, pool.plain)
    )


def load_documents(shared: Path) -> dict[str, str]:
    """The drawn documents of the set, by id."""
    pools = load_pools(shared)
    return {d: pools[p.name][d] for p in POOLS for d in draw(pools[p.name], p)}


def main() -> int:
    args = blind2.parse_args(__doc__)
    if not all((blind2.SHARED / path).exists() for path in (NANTERRE, VRAI_DEBAT, MEL)):
        print(
            f"SKIP: a source of the ninth set is absent from {blind2.SHARED} (../shared/data sits beside the project)"
        )
        return 0
    docs = load_documents(blind2.SHARED)
    title = (
        "blind gold 9: "
        + ", ".join(f"{p.name} {p.cued} cued + {p.plain} plain" for p in POOLS)
        + f" (seed {SEED})"
    )
    return blind2.evaluate(docs, read_gold(GOLD), args, title)


if __name__ == "__main__":
    sys.exit(main())
