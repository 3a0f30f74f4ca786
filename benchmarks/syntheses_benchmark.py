"""Syntheses at scale: drafting, saving (the autosave of every change), flag refresh, and the
export of a large synthesis in every format, with and without personal-data masking.

    .venv/bin/python benchmarks/syntheses_benchmark.py [--items 5000] [--db FILE]

Works on a copy of the database (default: ``var/ess_nlp.sqlite3``, the sample corpus; built
from ``corpus/sample`` into a temporary folder when absent). Builds a synthesis of N items
citing its sentences and prints each time and output size.
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
from ess_nlp.synthesis import (
    Citation,
    Item,
    Scope,
    Synthesis,
    create_synthesis,
    draft_synthesis,
    edit,
    history,
    refresh_flags,
    resolve_scope,
    save_synthesis,
)


def big_synthesis(store: Store, n: int) -> Synthesis:
    units = list(store.units("sentence"))
    if not units:
        sys.exit("la base ne contient aucune phrase : lancez d'abord « ess-nlp run corpus/sample »")

    def cite(i: int) -> Citation:
        u = units[i % len(units)]
        return Citation(unit=u.id, source=u.source, start=u.start, end=u.end, text=u.text, cahier=u.cahier,
                        cahier_title=f"Cahier {i % 65}", organisation=f"Organisation {i % 40}")  # fmt: skip

    k = max(n // 50, 1)
    proposals = tuple(
        Item(f"p{i}", "proposal", units[i % len(units)].text, citations=(cite(i),)) for i in range(n - 2 * k)
    )
    constats = tuple(
        Item(f"c{i}", "constat", units[(i * 7) % len(units)].text, citations=(cite(i),)) for i in range(k)
    )
    initiatives = tuple(Item(f"i{i}", "initiative", units[(i * 3) % len(units)].text, title=f"Projet {i}",
                             citations=(cite(i),)) for i in range(k))  # fmt: skip
    return Synthesis(
        "Synthèse de mesure",
        Scope("theme", "T1"),
        constats=constats,
        proposals=proposals,
        initiatives=initiatives,
    )


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
    work = Path(tempfile.mkdtemp()) / "work.sqlite3"
    with Store(db) as src, Store(work) as dst:
        src.conn.backup(dst.conn)
    with Store(work) as store:
        for kind, value in (("domain", "financer"), ("theme", "T4")):
            start = time.perf_counter()
            draft = draft_synthesis(store, resolve_scope(store, kind, value))
            print(f"brouillon {kind} {value} : {time.perf_counter() - start:.2f} s ({draft.size} éléments)")
        doc = big_synthesis(store, args.items)
        print(f"{doc.size} éléments, {sum(1 for _ in doc.citations())} citations")
        start = time.perf_counter()
        saved = create_synthesis(store, doc, author="mesure")
        print(f"création : {time.perf_counter() - start:.2f} s")
        times = []
        for n in range(5):
            changed = edit.set_text(saved.doc, saved.doc.proposals[n].id, f"Texte réécrit {n}")
            start = time.perf_counter()
            saved = save_synthesis(store, saved.id, changed, base_version=saved.version, author="mesure")
            times.append(time.perf_counter() - start)
        print(f"enregistrement d'une modification (médiane de 5) : {sorted(times)[2] * 1000:.0f} ms")
        start = time.perf_counter()
        refresh_flags(store)
        print(f"contrôle des étiquettes des passages cités : {time.perf_counter() - start:.2f} s")
        size = store.conn.execute("SELECT sum(length(content)) FROM synthesis_versions").fetchone()[0]
        print(f"historique : {len(history(store, saved.id))} versions, {size / 1e6:.2f} Mo compressés")
        for mask in (False, True):
            masker = Masker()
            if mask:
                start = time.perf_counter()
                masker.mask_many(["Bonjour Marie Curie."])  # load the recogniser once, outside the timings
                print(f"chargement du modèle de masquage : {time.perf_counter() - start:.1f} s")
            for fmt in FORMATS:
                if fmt == "iramuteq":
                    continue
                start = time.perf_counter()
                data = export_synthesis(doc, fmt, mask=mask, masker=masker, store=store)
                took = time.perf_counter() - start
                print(
                    f"{fmt:5} masquage={'oui' if mask else 'non'} : {took:6.2f} s  {len(data) / 1e6:6.2f} Mo"
                )


if __name__ == "__main__":
    main()
