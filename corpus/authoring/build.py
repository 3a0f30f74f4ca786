"""Render the illustrative sample corpus and its gold from the YAML specs.

Usage (from the repository root)::

    .venv/bin/python corpus/authoring/build.py            # render sample/, crossformat/, gold/ in corpus/
    .venv/bin/python corpus/authoring/build.py --check    # validate every spec, render nothing
    .venv/bin/python corpus/authoring/build.py --out DIR  # render under DIR/sample, DIR/crossformat, DIR/gold

The authoring format and the rendering rules are in ``corpus/authoring/SPEC.md``. The build is
deterministic: fixed dates in document metadata and fixed zip timestamps.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import Counter
from copy import deepcopy
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cahiers_build.model import (
    CORPUS_DIR,
    CSV_FILE,
    DOMAINS,
    SPECS_DIR,
    THEMES,
    Cahier,
    SpecError,
    build_cahier,
    load_specs,
    validate_spec,
)
from cahiers_build.office import render_docx, render_odt
from cahiers_build.pdf import render_pdf
from cahiers_build.text import (
    render_columns_yaml,
    render_csv,
    render_html,
    render_text_cahier,
    render_text_file,
)

# --------------------------------------------------------------------------------------------
# Orchestration
# --------------------------------------------------------------------------------------------


def prepare(specs: list[dict[str, Any]]) -> tuple[list[Cahier], list[str]]:
    errors: list[str] = []
    cahiers: list[Cahier] = []
    seen: dict[str, str] = {}
    for spec in specs:
        errs = validate_spec(spec)
        if errs:
            errors.extend(errs)
            continue
        sid = str(spec["id"])
        if sid in seen:
            errors.append(f"{spec['_path'].name} : id « {sid} » déjà utilisé par {seen[sid]}.")
        seen[sid] = spec["_path"].name
        try:
            cahiers.append(build_cahier(spec))
        except SpecError as exc:
            errors.extend(str(exc).splitlines())
    # files shared by several specs
    by_file: dict[str, list[Cahier]] = {}
    for c in cahiers:
        if "file" in c.spec:
            by_file.setdefault(c.spec["file"], []).append(c)
    for file, group in by_file.items():
        ext = file.rsplit(".", 1)[-1]
        orders = [c.spec.get("order", 0) for c in group]
        if len(set(orders)) != len(orders):
            errors.append(f"{file} : plusieurs specs ont le même « order » ({sorted(orders)}).")
        if len(group) > 1 and ext not in ("pdf", "txt", "md", "csv"):
            errors.append(f"{file} : seuls les .pdf, .txt et .md peuvent rassembler plusieurs cahiers.")
        if len(group) > 1 and ext in ("txt", "md"):
            seps = {c.style.get("separator") for c in group}
            if len(seps) != 1 or None in seps:
                errors.append(f"{file} : fichier compilé ; chaque spec doit donner le même style.separator.")
        encs = {c.style.get("encoding", "utf-8") for c in group}
        if len(encs) > 1:
            errors.append(f"{file} : style.encoding différent selon les specs.")
        if file == "pdf/recueil-cahiers-2011.pdf":
            for c in group:
                if not c.spec.get("banner"):
                    errors.append(
                        f"{c.path.name} : un cahier du recueil PDF a une « banner » "
                        "(« Cahier d'espérance n° … »)."
                    )
    for c in cahiers:
        enc = c.style.get("encoding") or ("cp1252" if c.spec.get("file") == CSV_FILE else None)
        if enc == "cp1252":
            try:
                render_text_cahier(c, "txt").encode("cp1252")
            except UnicodeEncodeError as exc:
                errors.append(
                    f"{c.path.name} : caractère « {exc.object[exc.start : exc.end]} » impossible en cp1252."
                )
    return cahiers, errors


def group_files(cahiers: list[Cahier]) -> dict[str, list[Cahier]]:
    by_file: dict[str, list[Cahier]] = {}
    for c in cahiers:
        if "file" in c.spec:
            by_file.setdefault(c.spec["file"], []).append(c)
    for group in by_file.values():
        group.sort(key=lambda c: (c.spec.get("order", 0), c.id))
    return dict(sorted(by_file.items()))


def render_file(fmt: str, group: list[Cahier]) -> tuple[bytes, int]:
    if fmt in ("txt", "md"):
        return render_text_file(group, fmt), 0
    if fmt == "pdf":
        return render_pdf(group)
    if fmt == "docx":
        return render_docx(group[0]), 0
    if fmt == "odt":
        return render_odt(group[0]), 0
    if fmt == "html":
        return render_html(group[0]), 0
    if fmt == "csv":
        return render_csv(group), 0
    raise ValueError(fmt)


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


def gold_line(g: dict[str, Any]) -> str:
    return json.dumps(g, ensure_ascii=False, sort_keys=False)


def build(out: Path, render: bool, specs_dir: Path = SPECS_DIR) -> int:
    """Validate every spec of ``specs_dir``; when ``render``, write documents and gold under ``out``."""
    try:
        specs = load_specs(specs_dir)
    except SpecError as exc:
        print(f"ÉCHEC : {exc}", file=sys.stderr)
        return 1
    cahiers, errors = prepare(specs)
    if errors:
        print(f"ÉCHEC : {len(errors)} erreur(s) dans les specs de {specs_dir} :", file=sys.stderr)
        for e in errors:
            print(f"  - {e}", file=sys.stderr)
        return 1
    hyphenated = 0
    sample_gold: list[dict[str, Any]] = []
    cross_gold: list[dict[str, Any]] = []
    for file, group in group_files(cahiers).items():
        fmt = file.rsplit(".", 1)[-1]
        for k, c in enumerate(group):
            g = deepcopy(c.gold)
            g["source"] = file
            g["format"] = fmt
            g["order"] = k
            sample_gold.append(g)
        if render:
            data, h = render_file(fmt, group)
            hyphenated += h
            write(out / "sample" / file, data)
            if fmt == "csv":
                write(out / "sample" / file.replace(".csv", ".columns.yaml"), render_columns_yaml())
    for c in sorted((c for c in cahiers if "formats" in c.spec), key=lambda c: c.id):
        for fmt in c.spec["formats"]:
            g = deepcopy(c.gold)
            g["source"] = f"{c.id}.{fmt}"
            g["format"] = fmt
            g["order"] = 0
            cross_gold.append(g)
            if render:
                data, h = render_file(fmt, [c])
                hyphenated += h
                write(out / "crossformat" / f"{c.id}.{fmt}", data)
    sample_gold.sort(key=lambda g: g["id"])
    if render:
        write(
            out / "gold" / "sample.jsonl", "".join(gold_line(g) + "\n" for g in sample_gold).encode("utf-8")
        )
        write(
            out / "gold" / "crossformat.jsonl",
            "".join(gold_line(g) + "\n" for g in cross_gold).encode("utf-8"),
        )
    print_summary(sample_gold, cross_gold, hyphenated if render else None, render, out)
    return 0


def print_summary(
    gold: list[dict[str, Any]], cross: list[dict[str, Any]], hyphenated: int | None, rendered: bool, out: Path
) -> None:
    fmts = Counter(g["format"] for g in gold)
    doms = Counter(d for g in gold for d in g["domains"])
    primary = Counter(g["domains"][0] for g in gold)
    themes = Counter(t for g in gold for t in g["themes"])
    words = [g["words"] for g in gold if not g["id"].startswith("f")]
    fwords = [g["words"] for g in gold if g["id"].startswith("f")]
    files = {g["source"] for g in gold}
    print("Vérification réussie." if not rendered else f"Corpus rendu sous {out}.")
    print(
        f"Cahiers : {len(gold)} dans {len(files)} fichiers ; "
        f"documents croisés : {len({g['id'] for g in cross})} "
        f"({len(cross)} fichiers)."
    )
    print("Par format : " + ", ".join(f"{k} {v}" for k, v in sorted(fmts.items())))
    print(
        "Par domaine (principal / tous) : "
        + ", ".join(f"{d} {primary.get(d, 0)}/{doms.get(d, 0)}" for d in DOMAINS)
    )
    print("Par thème : " + ", ".join(f"{t} {themes.get(t, 0)}" for t in THEMES))
    if words:
        print(
            f"Mots par cahier (documents) : min {min(words)}, médiane {statistics.median(words):g}, "
            f"max {max(words)}"
        )
    if fwords:
        print(
            f"Mots par ligne du formulaire : min {min(fwords)}, médiane {statistics.median(fwords):g}, "
            f"max {max(fwords)}"
        )
    props = sum(len(g["proposals"]) for g in gold)
    print(
        f"Propositions : {props} ; constats : {sum(len(g['constats']) for g in gold)} ; "
        f"initiatives : {sum(len(g['initiatives']) for g in gold)} ; notes : "
        f"{sum(len(g['footnotes']) for g in gold)}"
    )
    if hyphenated is not None:
        print(f"Coupures de mots en fin de ligne (PDF) : {hyphenated}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Rend le corpus d'exemple et son gold à partir des specs YAML."
    )
    parser.add_argument("--check", action="store_true", help="valider toutes les specs sans rien écrire")
    parser.add_argument(
        "--out",
        type=Path,
        default=CORPUS_DIR,
        help="dossier de sortie (sample/, crossformat/, gold/) ; par défaut corpus/",
    )
    parser.add_argument(
        "--specs", type=Path, default=SPECS_DIR, help="dossier des specs YAML (par défaut specs/)"
    )
    args = parser.parse_args(argv)
    return build(args.out, render=not args.check, specs_dir=args.specs)


if __name__ == "__main__":
    sys.exit(main())
