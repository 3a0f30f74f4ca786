"""Time of hostile searches on a database of 2,500 sentences (issue 19): each answers within
the bounds of a search (``ess_nlp/store/_query.py``), refused with a French sentence or run.

The database is built in a temporary folder from the words of ``corpus/sample/txt``: 2,500
sentences of 12 to 30 words, seeded. Each query is timed through ``Store.search`` (what the
page « Rechercher » calls), best of ``--repeat`` runs. Target: under 1 s each.

    .venv/bin/python benchmarks/search_bounds_benchmark.py
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
import tempfile
import time
from pathlib import Path

from ess_nlp.records import Document, Page, Unit
from ess_nlp.store import QueryError, Store

ROOT = Path(__file__).resolve().parents[1]
SENTENCES = 2_500


def build(path: Path, seed: int = 0) -> None:
    words = sorted({w for p in (ROOT / "corpus" / "sample" / "txt").glob("*.txt") for w in re.findall(r"\w+", p.read_text(errors="replace"))})
    rng = random.Random(seed)
    with Store(path) as store:
        for d in range(SENTENCES // 50):
            sentences = [" ".join(rng.choices(words, k=rng.randint(12, 30))) + "." for _ in range(50)]
            text = "\n".join(sentences)
            doc = Document(
                source=f"bench/{d}.txt",
                text=text,
                format="txt",
                sha256=hashlib.sha256(text.encode()).hexdigest(),
                pages=(Page(1, 0, len(text)),),
            )
            key = doc.sha256[:10]
            cahier = Unit(f"{key}:c1", "cahier", None, doc.source, 0, len(text), text, title="T", cahier=f"{key}:c1")
            units, start = [cahier], 0
            for i, s in enumerate(sentences):
                units.append(
                    Unit(f"{key}:c1.s{i}", "sentence", cahier.id, doc.source, start, start + len(s), s, cahier=cahier.id, lemmas=s.lower())
                )
                start += len(s) + 1
            store.add_document(doc, units)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    queries = {
        "2 000 × « a* »": "a* " * 2000,
        "2 000 débuts de mots différents": " ".join(f"co{i}*" for i in range(2000)),
        "2 000 × « coo* » (un seul début de mot, exécuté)": "coo* " * 2000,
        "6 débuts de mots de 3 lettres": "pro* soc* eco* coo* ent* sol*",
        "60 mots entiers": " ".join(["économie", "sociale", "solidaire"] * 20 + [f"mot{i}" for i in range(60)]),
        "5 débuts de mots (exécuté)": "pro* soc* eco* coo* ent*",
    }
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite3"
        t0 = time.perf_counter()
        build(db)
        print(f"base de {SENTENCES} phrases construite en {time.perf_counter() - t0:.1f} s")
        with Store(db) as store:
            for name, query in queries.items():
                best, outcome = float("inf"), ""
                for _ in range(args.repeat):
                    t = time.perf_counter()
                    try:
                        hits = store.search(query, lemmas=query, limit=500)
                        outcome = f"{len(hits)} phrase(s)"
                    except QueryError as err:
                        outcome = f"refusée : {err}"
                    best = min(best, time.perf_counter() - t)
                print(f"{name:<50} {best * 1000:8.1f} ms  {outcome}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
