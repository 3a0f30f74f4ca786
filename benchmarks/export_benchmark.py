"""Export times of a large synthesis in every format, with and without personal-data masking.

    .venv/bin/python benchmarks/export_benchmark.py [--items 5000] [--db FILE]

Builds a synthesis of N items citing the sentences of the database (default: the sample
corpus database ``var/ess_nlp.sqlite3``; built from ``corpus/sample`` into a temporary folder
when absent) and prints, for each format, the export time and the output size.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from ess_nlp.export import FORMATS, export_synthesis
from ess_nlp.privacy import Masker
from ess_nlp.store import Store
from ess_nlp.synthesis import Citation, Item, Scope, Synthesis


def big_synthesis(store: Store, n: int) -> Synthesis:
    units = list(store.units("sentence"))
    if not units:
        sys.exit("la base ne contient aucune phrase : lancez d'abord « ess-nlp run corpus/sample »")

    def cite(i: int) -> Citation:
        u = units[i % len(units)]
        return Citation(unit=u.id, source=u.source, start=u.start, end=u.end, text=u.text, cahier=u.cahier,
                        cahier_title=f"Cahier {i % 65}", organisation=f"Organisation {i % 40}")  # fmt: skip

    k = max(n // 50, 1)
    proposals = tuple(Item(f"p{i}", "proposal", units[i % len(units)].text, citations=(cite(i),)) for i in range(n - 2 * k))
    constats = tuple(Item(f"c{i}", "constat", units[(i * 7) % len(units)].text, citations=(cite(i),)) for i in range(k))
    initiatives = tuple(Item(f"i{i}", "initiative", units[(i * 3) % len(units)].text, title=f"Projet {i}",
                             citations=(cite(i),)) for i in range(k))  # fmt: skip
    return Synthesis("Synthèse de mesure", Scope("theme", "T1"), constats=constats, proposals=proposals, initiatives=initiatives)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--db", type=Path, default=Path("var/ess_nlp.sqlite3"))
    args = parser.parse_args()
    db = args.db
    if not db.exists():
        from ess_nlp.pipeline import run

        db = Path(tempfile.mkdtemp()) / "sample.sqlite3"
        with Store(db) as store:
            run(["corpus/sample"], store)
    with Store(db) as store:
        doc = big_synthesis(store, args.items)
        print(f"{doc.size} éléments, {sum(1 for _ in doc.citations())} citations")
        for mask in (False, True):
            masker = Masker()
            if mask:
                start = time.perf_counter()
                masker.mask_many([" "])  # load the recogniser once, outside the timings
                print(f"chargement du modèle de masquage : {time.perf_counter() - start:.1f} s")
            for fmt in FORMATS:
                if fmt == "iramuteq":
                    continue
                start = time.perf_counter()
                data = export_synthesis(doc, fmt, mask=mask, masker=masker, store=store)
                took = time.perf_counter() - start
                print(f"{fmt:5} masquage={'oui' if mask else 'non'} : {took:6.2f} s  {len(data) / 1e6:6.2f} Mo")


if __name__ == "__main__":
    main()
