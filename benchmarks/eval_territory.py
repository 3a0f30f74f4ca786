"""Territory of a cahier (issue 16): how often it is found and how often it agrees with a reference.

    PYTHONPATH=. .venv/bin/python benchmarks/eval_territory.py --sample   # the sample corpus (its gold)
    PYTHONPATH=. .venv/bin/python benchmarks/eval_territory.py --real     # test parts of real sets

``--sample`` runs ``ess-nlp run``'s pipeline over ``corpus/sample`` into a temporary database (or
reads ``--db``) and compares the stored territories with ``corpus/gold/sample.jsonl``. The sample
served to write the rule: it is no evidence of quality.

``--real`` reads the test parts (fixed and seeded by ``ess_nlp.extract.kinds.data.split_part``)
of two real sets in ``../shared/data`` that the rule was not written on: the Décider ensemble
fiches (PDF documents; reference: the commune and postal code of the set's CSV, which the PDF
text may or may not carry) and the Apriles sheets (reference: the région field, left out of the
text given to the extraction; former régions mapped to current ones). Only counts are printed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def sample(db: Path | None) -> None:
    from ess_nlp.extract._resources import data_path
    from ess_nlp.pipeline import run
    from ess_nlp.store import Store
    from ess_nlp.store.views.corpus import cahiers_frame

    current = {r["name"] for r in map(json.loads, data_path("data/places.jsonl").read_text("utf-8").splitlines())
               if r["level"] == "region" and not r.get("former")}
    gold = [json.loads(line) for line in (ROOT / "corpus/gold/sample.jsonl").read_text("utf-8").splitlines() if line]
    with tempfile.TemporaryDirectory() as tmp:
        path = db or Path(tmp) / "sample.sqlite3"
        with Store(path) as store:
            if db is None:
                started = time.perf_counter()
                run([ROOT / "corpus" / "sample"], store)
                print(f"pipeline over corpus/sample: {time.perf_counter() - started:.1f} s")
            frame = cahiers_frame(store).set_index("id")
            sources = [r["path"] for r in store.sources()]
            stats: Counter[str] = Counter()
            for row in gold:
                source = next(p for p in sources if p.replace("\\", "/").endswith("/" + row["source"]))
                cahier = list(store.units("cahier", source=source))[row["order"]].id
                got = frame.loc[cahier]
                stats["cahiers"] += 1
                stats[f"origin_{got['territory_origin'] or 'none'}"] += 1
                if got["commune"] or got["departement"] or got["region"]:
                    stats["filled"] += 1
                    agrees = all(not got[k] or got[k] == row["territory"][k] for k in ("commune", "departement", "region"))
                    stats["agree"] += agrees
                for level in ("commune", "departement", "region"):
                    if got[level]:
                        stats[f"{level}_given"] += 1
                        stats[f"{level}_right"] += got[level] == row["territory"][level]
                if got["region"] and got["region"] not in current:
                    stats["former_region"] += 1
    n = stats["cahiers"]
    print(f"sample: territory filled {stats['filled']}/{n} ({stats['filled'] / n:.1%}); "
          f"agreeing with the gold {stats['agree']}/{stats['filled']}; former régions shown: {stats['former_region']}")
    for level in ("commune", "departement", "region"):
        print(f"  {level}: given {stats[f'{level}_given']}/{n}, right {stats[f'{level}_right']}/{stats[f'{level}_given']}")
    print(f"  from metadata {stats['origin_metadata']}, from the text {stats['origin_text']}, unknown {stats['origin_none']}")


def real(shared: Path) -> None:
    from ess_nlp.extract import extract_units, extraction_pipeline
    from ess_nlp.extract.kinds import data as sets
    from ess_nlp.extract.places import place_index
    from ess_nlp.extract.territory import current_region_name
    from ess_nlp.ingest import read_document
    from ess_nlp.records import Document
    from ess_nlp.segment import split_document

    nlp = extraction_pipeline()
    index = place_index()

    fiches = sorted((f for f in sets.decider_fiches(shared) if f.part == "test" and f.pdf is not None),
                    key=lambda f: f.key)
    stats: Counter[str] = Counter()
    for fiche in fiches:
        assert fiche.pdf is not None
        codes = [c for c in index.commune_codes(fiche.commune) if c.startswith(fiche.postal_code[:2])]
        if len(codes) != 1:
            stats["no_reference"] += 1
            continue
        try:
            units = split_document(read_document(fiche.pdf))
        except Exception:  # an unreadable fiche is not the territory's business
            stats["unreadable"] += 1
            continue
        territories = extract_units(units, nlp=nlp).territories
        if not territories:
            stats["no_cahier"] += 1
            continue
        found = territories[0][1]
        region = index.current_region(index.departement_by_code(codes[0][:2]).region or "")  # type: ignore[union-attr]
        stats["n"] += 1
        stats["filled"] += found.filled
        stats["commune_given"] += bool(found.commune_code)
        stats["commune_right"] += found.commune_code == codes[0]
        stats["region_given"] += bool(found.region)
        stats["region_right"] += bool(region) and found.region == region.name  # type: ignore[union-attr]
    _print("Décider ensemble, test fiches (PDF)", stats)

    stats = Counter()
    for sheet in (s for s in sets.apriles_sheets(shared) if s.part == "test"):
        if sheet.region in ("National", ""):
            stats["no_reference"] += 1
            continue
        text = "\n\n".join(sheet.paragraphs)
        doc = Document(source=f"apriles-{stats['n']}", text=text, format="txt",
                       sha256=hashlib.sha256(text.encode()).hexdigest())
        territories = extract_units(split_document(doc), nlp=nlp).territories
        if not territories:
            stats["no_cahier"] += 1
            continue
        found = territories[0][1]
        stats["n"] += 1
        stats["filled"] += found.filled
        stats["region_given"] += bool(found.region)
        stats["region_right"] += found.region == current_region_name(sheet.region)
    _print("Apriles, test sheets (région field left out of the text)", stats)


def _print(name: str, stats: Counter[str]) -> None:
    n = stats["n"]
    print(f"{name}: {n} documents ({stats['no_reference']} without a usable reference, "
          f"{stats['unreadable'] + stats['no_cahier']} unreadable)")
    if not n:
        return
    print(f"  territory filled {stats['filled']}/{n} ({stats['filled'] / n:.1%})")
    for level in ("commune", "region"):
        given = stats[f"{level}_given"]
        if given or level == "region":
            right = stats[f"{level}_right"]
            print(f"  {level}: given {given}/{n}, right {right}/{given} "
                  f"(precision {right / given if given else 0:.3f}, recall {right / n:.3f})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", action="store_true", help="the sample corpus against its gold")
    parser.add_argument("--real", action="store_true", help="test parts of real sets in ../shared/data")
    parser.add_argument("--db", type=Path, help="a sample database already built (with --sample)")
    args = parser.parse_args()
    if not (args.sample or args.real):
        args.sample = args.real = True
    if args.sample:
        sample(args.db)
    if args.real:
        shared = ROOT.parent / "shared" / "data"
        if not shared.is_dir():
            print(f"{shared} is absent: real sets skipped")
        else:
            real(shared)
    return 0


if __name__ == "__main__":
    sys.exit(main())
