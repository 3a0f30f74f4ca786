"""Time of each page of the app: real navigation in Chromium (default), or runs of Streamlit's
AppTest (``--apptest``).

Two databases:

- ``sample``: the README's main command over ``corpus/sample`` (``ess_nlp.pipeline.run``);
- ``gdn``: the 9,278 Grand Débat meeting reports of ``../shared/data/gdn-reunions-locales``,
  each written as one plain-text document (title, place fields, « Constats », « Propositions »)
  and read, split and stored through the library (``read_bytes``, ``split_document``,
  ``Store.add_document``), then the pipeline's processing steps.

Both are cached in a temporary folder between runs (``--cache``; delete it to rebuild).

In the browser (``app_browser.py``), each database gets a fresh ``streamlit run`` server on
127.0.0.1 (no login there) and one Chromium tab: the first load of the app, then ``--repeat`` + 1
passes through every page of the menu, clicking its link (the first pass is each page's first
load; the others give the median), then a few interactions (a search, a filter, opening a
cahier). A navigation is timed from the click until the server's run ended and the page's
content is drawn. Targets (issue 15): ≤ 1 s per page after its first load on the sample, ≤ 2 s
on the Grand Débat database.

With ``--apptest``, each interaction is timed on a fresh AppTest session (no browser, no
websocket: the script's run alone); targets 300 ms and 1 s.

    .venv/bin/python benchmarks/app_benchmark.py                 # both databases, in Chromium
    .venv/bin/python benchmarks/app_benchmark.py --only sample --repeat 5
    .venv/bin/python benchmarks/app_benchmark.py --apptest
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from gdn_reports import GDN_CSV, gdn_text, iter_gdn

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "corpus" / "sample"
SHARED = Path(os.environ.get("ESS_NLP_SHARED_DATA", ROOT.parent / "shared" / "data"))
MAIN = str(ROOT / "ess_nlp" / "streamlit_app.py")
BUILD_VERSION = "1"  # bump when the way the databases are built changes


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- databases ----------------------------------------------------------------------------------


def build_sample(db: Path) -> None:
    from ess_nlp.pipeline import run
    from ess_nlp.store import Store

    with Store(db) as store:
        report = run([SAMPLE_DIR], store)
    log(f"sample : {len(report.sources)} fichiers, étapes : {[s.name for s in report.steps]}")


def build_gdn_base(db: Path, limit: int | None) -> None:
    """Read, split and store every report (no processing step yet)."""
    from ess_nlp.errors import EssNlpError
    from ess_nlp.ingest import read_bytes
    from ess_nlp.nlp import sentence_pipeline
    from ess_nlp.segment import split_document
    from ess_nlp.store import Store

    nlp = sentence_pipeline()
    started = time.perf_counter()
    failed = 0
    with Store(db) as store:
        for n, row in enumerate(iter_gdn(limit), start=1):
            name = f"gdn/reunion-{int(row['contribution_id']):05d}.txt"
            try:
                doc = read_bytes(gdn_text(row).encode("utf-8"), name)
                store.add_document(doc, split_document(doc, nlp=nlp))
            except EssNlpError as err:
                failed += 1
                log(f"  {err}")
            if n % 500 == 0:
                log(f"  gdn : {n} rapports ({time.perf_counter() - started:.0f} s)")
    log(f"gdn : ingérée en {time.perf_counter() - started:.0f} s ({failed} rapport(s) illisible(s))")


def with_steps(base: Path) -> Callable[[Path], None]:
    """Build: a copy of ``base`` on which the pipeline's processing steps ran.

    Resumable: an interrupted build keeps its partial file, and the steps skip what is done.
    """

    def build(db: Path) -> None:
        from ess_nlp.store import Store
        from ess_nlp.uploads import run_steps

        started = time.perf_counter()
        with Store(db) as dst:
            if dst.conn.execute("SELECT count(*) FROM units").fetchone()[0] == 0:
                with Store(base) as src:
                    src.conn.backup(dst.conn)
            for line in run_steps(dst):
                log(f"  {line}")
        log(f"étapes : {time.perf_counter() - started:.0f} s")

    return build


def steps_key() -> str:
    from ess_nlp.pipeline import STEPS

    return repr(STEPS)


def cached_db(cache: Path, name: str, build: Callable[[Path], None], key: str) -> Path:
    """The database ``name`` from the cache, built (into a temporary file, then renamed) when absent."""
    cache.mkdir(parents=True, exist_ok=True)
    db = cache / f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:10]}.sqlite3"
    if not db.exists():
        partial = db.with_suffix(".partial")
        log(f"construction de la base {name} dans {db}" + (" (reprise)…" if partial.exists() else "…"))
        build(partial)
        from ess_nlp.store import Store

        with Store(partial) as store:  # fold the write-ahead log into the file before renaming
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        partial.rename(db)
    return db


# --- interactions ---------------------------------------------------------------------------


# Each measured pass uses other values, so that no interaction is served from a cache filled by
# an earlier pass: what is measured is what a person typing a new query or opening another
# cahier waits for. (The page-level caches of unchanged data stay warm, as on a running server.)
SEARCHES = [
    "cooperative",
    "epargne solidaire",
    "logement",
    "insertion",
    "formation professionnelle",
    "mobilite",
]
FILTERS = ["commande publique", "fonds", "formation", "logement", "banque", "territoire"]


def first_ids(db: Path, n: int) -> list[str]:
    """The ``n`` cahiers with the most proposals (the reader's heaviest pages)."""
    from ess_nlp.store import Store
    from ess_nlp.store.views.items import items_frame

    with Store(db) as store:
        proposals = items_frame(store, "proposal")
        if proposals.empty:
            return [u.id for u, _ in zip(store.units("cahier"), range(n), strict=False)]
        return [str(c) for c in proposals["cahier"].value_counts().index[:n]]


Step = tuple[str, Callable[[object], bool]]


def scenarios(cahier: str, attempt: int) -> dict[str, list[Step]]:
    """Per page: (name, action on the AppTest before a run); the first step opens the page."""
    search = SEARCHES[attempt % len(SEARCHES)]
    search2 = SEARCHES[(attempt + 3) % len(SEARCHES)]
    words = FILTERS[attempt % len(FILTERS)]

    def page(name: str, **params: str) -> Callable[[object], bool]:
        def go(at: object) -> bool:
            at.switch_page(f"app/pages/{name}")  # type: ignore[attr-defined]
            for key, value in params.items():
                at.query_params[key] = value  # type: ignore[attr-defined]
            return True

        return go

    def find(at: object, kind: str, key: str) -> object | None:
        try:
            return getattr(at, kind)(key=key)
        except KeyError:  # the widget is not on the page with this database
            return None

    def widget(kind: str, key: str, method: str, *args: object) -> Callable[[object], bool]:
        def act(at: object) -> bool:
            element = find(at, kind, key)
            if element is None:
                return False
            getattr(element, method)(*args)
            return True

        return act

    def first_option(kind: str, key: str) -> Callable[[object], bool]:
        def act(at: object) -> bool:
            element = find(at, kind, key)
            if element is None or not element.options:  # type: ignore[attr-defined]
                return False
            options = element.options  # type: ignore[attr-defined]
            element.set_value([options[0]] if kind == "multiselect" else options[1])  # type: ignore[attr-defined]
            return True

        return act

    def select_row(key: str) -> Callable[[object], bool]:
        def act(at: object) -> bool:
            at.session_state[key] = {"selection": {"rows": [0], "columns": [], "cells": []}}  # type: ignore[attr-defined]
            return True

        return act

    def rerun(at: object) -> bool:
        return True

    return {
        "Vue d'ensemble": [
            ("ouvrir", page("overview.py")),
            ("relancer (cache)", rerun),
            ("choisir un domaine", first_option("selectbox", "overview_domain")),
            (
                "territoires par département",
                widget("radio", "overview_territory_level", "set_value", "departement"),
            ),
        ],
        "Explorer": [
            ("ouvrir", page("explorer.py")),
            ("filtrer par fichier", first_option("multiselect", "explorer_sources")),
        ],
        "Lire un cahier": [
            ("ouvrir un cahier", page("reader.py", cahier=cahier)),
            ("relancer (cache)", rerun),
            ("surligner les constats seuls", widget("multiselect", "reader_kinds", "set_value", ["constat"])),
            ("sans les entités", widget("toggle", "reader_entities", "set_value", False)),
        ],
        "Rechercher": [
            ("ouvrir", page("search.py")),
            ("chercher un mot", widget("text_input", "search_query", "input", search)),
            ("filtrer par type de section", first_option("multiselect", "search_kinds")),
            ("chercher un autre mot", widget("text_input", "search_query", "input", search2)),
        ],
        "Propositions": [
            ("ouvrir", page("proposals.py")),
            ("filtrer par des mots", widget("text_input", "proposals_contains", "input", words)),
            ("choisir une ligne", select_row("proposals_table")),
        ],
        "Initiatives": [
            ("ouvrir", page("initiatives.py")),
            ("avec des chiffres", widget("toggle", "initiatives_figures", "set_value", True)),
            ("choisir une ligne", select_row("initiatives_table")),
        ],
        "Annoter": [
            ("ouvrir", page("annotate.py")),
            ("saisir son nom", widget("text_input", "annotate_annotator", "input", "Banc d'essai")),
            ("passer", widget("button", "annotate_skip", "click")),
        ],
        "Importer": [("ouvrir", page("importer.py"))],
    }


def measure(db: Path, repeat: int) -> list[tuple[str, str, list[float], list[str]]]:
    from streamlit.testing.v1 import AppTest

    os.environ["ESS_NLP_DB"] = str(db)
    cahiers = first_ids(db, repeat + 1)
    rows = []
    cold = AppTest.from_file(MAIN, default_timeout=600)
    t = time.perf_counter()
    cold.run()
    rows.append(("(application)", "premier affichage, froid", [time.perf_counter() - t], []))
    names = {page: [name for name, _ in steps] for page, steps in scenarios(cahiers[0], 0).items()}
    for page_name, step_names in names.items():
        timings: dict[str, list[float]] = {name: [] for name in step_names}
        problems: dict[str, list[str]] = {name: [] for name in step_names}
        for attempt in range(repeat + 1):  # the first pass warms models and page caches up
            steps = scenarios(cahiers[attempt % len(cahiers)], attempt)[page_name]
            at = AppTest.from_file(MAIN, default_timeout=600)
            at.run()
            for name, action in steps:
                if not action(at):
                    problems[name].append("sans objet sur cette base")
                    continue
                t = time.perf_counter()
                at.run()
                elapsed = time.perf_counter() - t
                if attempt == 0:
                    if name == steps[0][0]:
                        rows.append((page_name, "ouvrir, froid", [elapsed], []))
                    continue
                timings[name].append(elapsed)
                if at.exception:
                    problems[name].append("erreur : " + str(at.exception[0].value)[:120])
        for name in step_names:
            rows.append((page_name, name, timings[name], sorted(set(problems[name]))))
    return rows


def report(title: str, rows: list[tuple[str, str, list[float], list[str]]], target: float) -> None:
    print(f"\n## {title} (cible : < {target * 1000:.0f} ms par interaction)\n")
    print("| page | interaction | médiane (ms) | max (ms) | cible |")
    print("|---|---|---:|---:|---|")
    for page, name, times, problems in rows:
        if not times:
            print(f"| {page} | {name} ({', '.join(problems)}) | — | — | — |")
            continue
        med, top = statistics.median(times) * 1000, max(times) * 1000
        cold = "froid" in name
        mark = "—" if cold else ("oui" if med < target * 1000 else "NON")
        extra = f" ({problems[0]})" if problems else ""
        print(f"| {page} | {name}{extra} | {med:.0f} | {top:.0f} | {mark} |")
    warm = [statistics.median(t) for _, n, t, _ in rows if "froid" not in n and t]
    print(f"\nInteractions sous la cible : {sum(w < target for w in warm)}/{len(warm)}.")


def browser_interactions(db: Path, repeat: int) -> Callable[[int], list]:  # type: ignore[type-arg]
    """Per pass: ``(page, what, act)``; ``act`` opens the page (not timed), then times one
    interaction a person makes there, with other values on each pass (no cache filled by an
    earlier pass serves it)."""
    from app_browser import Browser, Timing

    from ess_nlp.store import Store

    with Store(db) as store:
        found = [store.unit(c).title or "" for c in first_ids(db, 3 * (repeat + 1))]
    titles = [t for t in found if t][: repeat + 1] or [""]  # a cahier without a title cannot be typed

    def go(b: Browser, title: str) -> None:
        b.click_nav(title)

    def type_and_enter(title: str, label: str, text: str) -> Callable[[Browser], Timing | None]:
        def act(b: Browser) -> Timing | None:
            go(b, title)
            box = b.page.get_by_label(label, exact=True)  # type: ignore[attr-defined]
            if box.count() == 0:
                return None
            box.fill(text)
            return b.timed(lambda: box.press("Enter"), title)

        return act

    def pick(title: str, label: str, option: int) -> Callable[[Browser], Timing | None]:
        def act(b: Browser) -> Timing | None:
            go(b, title)
            box = b.page.get_by_role("combobox", name=label)  # type: ignore[attr-defined]
            if box.count() == 0:
                return None
            box.first.click()
            options = b.page.get_by_role("option")  # type: ignore[attr-defined]
            options.first.wait_for()
            if options.count() <= option:
                return None
            timing = b.timed(options.nth(option).click, title)
            b.page.keyboard.press("Escape")  # type: ignore[attr-defined]
            return timing

        return act

    def open_cahier(name: str) -> Callable[[Browser], Timing | None]:
        def act(b: Browser) -> Timing | None:
            go(b, "Lire un cahier")
            box = b.page.get_by_role("combobox", name="Cahier")  # type: ignore[attr-defined]
            if box.count() == 0 or not name:
                return None
            box.click()
            b.page.keyboard.type(name[:25])  # type: ignore[attr-defined]
            option = b.page.get_by_role("option").first  # type: ignore[attr-defined]
            option.wait_for()
            return b.timed(option.click, "Lire un cahier")

        return act

    def interactions(attempt: int) -> list:  # type: ignore[type-arg]
        return [
            ("Rechercher", "chercher un mot", type_and_enter("Rechercher", "Mot ou expression", SEARCHES[attempt % len(SEARCHES)])),
            ("Propositions", "filtrer par des mots", type_and_enter("Propositions", "Contient", FILTERS[attempt % len(FILTERS)])),
            ("Explorer", "filtrer par domaine", pick("Explorer", "Domaines", attempt % 9)),
            ("Lire un cahier", "ouvrir un cahier", open_cahier(titles[attempt % len(titles)])),
        ]

    return interactions


def run_browser(name: str, db: Path, repeat: int, target: float) -> None:
    import app_browser

    server_log = Path(tempfile.gettempdir()) / f"ess-nlp-app-benchmark-{db.stem}.log"
    started = time.perf_counter()
    rows = app_browser.measure(db, repeat, server_log, browser_interactions(db, repeat), log)
    app_browser.report(f"{name} ({db.name}), Chromium", rows, target)
    print(f"\n(mesuré en {time.perf_counter() - started:.0f} s ; journal du serveur : {server_log})")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", choices=["sample", "gdn"], help="une seule base")
    parser.add_argument("--repeat", type=int, default=3, help="répétitions de chaque interaction (défaut 3)")
    parser.add_argument(
        "--apptest", action="store_true", help="AppTest (sans navigateur) au lieu de Chromium"
    )
    parser.add_argument(
        "--limit", type=int, default=None, help="seulement les N premiers rapports du Grand Débat"
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "ess-nlp-app-benchmark",
        help="dossier des bases",
    )
    parser.add_argument(
        "--db", type=Path, default=None, help="une base existante, mesurée seule (cible : celle de --target)"
    )
    parser.add_argument("--target", type=float, default=2.0, help="cible de --db en secondes (défaut 2)")
    args = parser.parse_args()
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)

    def bench(name: str, db: Path, apptest_target: float, browser_target: float) -> None:
        if args.apptest:
            report(f"{name} ({db})", measure(db, args.repeat), apptest_target)
        else:
            run_browser(name, db, args.repeat, browser_target)

    if args.db is not None:
        bench(f"Base {args.db.name}", args.db, args.target / 2, args.target)
        return
    if args.only in (None, "sample"):
        files = sorted((p.name, p.stat().st_size) for p in SAMPLE_DIR.rglob("*") if p.is_file())
        key = f"{BUILD_VERSION}:{files}:{steps_key()}"
        db = cached_db(args.cache, "sample", build_sample, key)
        bench("Corpus d'exemple", db, 0.3, 1.0)
    if args.only in (None, "gdn"):
        if not GDN_CSV.exists():
            print(f"\nGrand Débat ignoré : {GDN_CSV} absent (données partagées hors du dépôt).")
            return
        key = f"{BUILD_VERSION}:{GDN_CSV.stat().st_size}:{args.limit}"
        base = cached_db(args.cache, "gdn-base", lambda p: build_gdn_base(p, args.limit), key)
        steps = with_steps(base)
        db = cached_db(args.cache, "gdn", steps, key + steps_key())
        bench(f"Grand Débat, {args.limit or 'tous les'} rapports", db, 1.0, 2.0)


if __name__ == "__main__":
    main()
