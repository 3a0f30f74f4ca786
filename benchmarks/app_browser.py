"""Timing of real navigation in the app: ``streamlit run`` on 127.0.0.1 and Debian's chromium
driven by Playwright (``executable_path=/usr/bin/chromium``), used by ``app_benchmark.py``.

One navigation is timed from the click (or the key press) until the page is done:

- the server said its script run ended (the ``script_finished`` message on the app's websocket,
  decoded with Streamlit's own protobuf classes) and no other run followed within
  :data:`SETTLE_S` (a page that reruns itself is timed to the end of its last run);
- the page's title is the main heading, no element is left stale from the previous page, no
  placeholder skeleton or "running" icon is shown, and every visible chart and table is drawn.

The server's CPU time over the same span is measured too (its process and threads): it is far
less sensitive than the wall time to other programs sharing the machine.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from e2e_helpers import serve_app  # noqa: E402  (the e2e tests' server, reused as is)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
SETTLE_S = 0.35  # a new run starting this soon after the end of one belongs to the same navigation
TIMEOUT_S = 180.0

READY_JS = """(title) => {
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main) return false;
  if (document.querySelector('[data-testid="stStatusWidgetRunningIcon"], [data-testid="stSkeleton"]')) return false;
  if (main.querySelector('[data-stale="true"]')) return false;
  if (![...main.querySelectorAll('h1')].some(h => h.textContent.trim() === title)) return false;
  const shown = (e) => e.offsetParent !== null;
  for (const c of main.querySelectorAll('[data-testid="stPlotlyChart"]'))
    if (shown(c) && !c.querySelector('.main-svg')) return false;
  for (const d of main.querySelectorAll('[data-testid="stDataFrame"]'))
    if (shown(d) && !d.querySelector('canvas, table')) return false;
  return true;
}"""


@dataclass
class Runs:
    """What the app's websocket said since :meth:`reset`: runs started and ended."""

    started: int = 0
    finished: int = 0
    running: bool = False
    last_change: float = 0.0

    def reset(self) -> None:
        self.started = self.finished = 0

    def on_frame(self, payload: bytes | str) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        if isinstance(payload, str):
            return
        try:
            kind = ForwardMsg.FromString(payload).WhichOneof("type")
        except Exception:
            return
        if kind == "new_session":
            self.started += 1
            self.running = True
            self.last_change = time.perf_counter()
        elif kind == "script_finished":
            self.finished += 1
            self.running = False
            self.last_change = time.perf_counter()


@dataclass
class Timing:
    wall: float
    cpu: float  # the server's
    browser_cpu: float  # Chromium's processes'
    runs: int


@dataclass
class Browser:
    page: object
    runs: Runs
    server: psutil.Process
    url: str
    log: list[str] = field(default_factory=list)

    def server_cpu(self) -> float:
        return cpu_seconds([self.server])

    def browser_cpu(self) -> float:
        return cpu_seconds(chromium_processes())

    def timed(self, action: Callable[[], object], title: str) -> Timing:
        """Run ``action`` (a click, a key press, a URL) and time it until ``title``'s page is done."""
        page = self.page
        cpu, browser_cpu = self.server_cpu(), self.browser_cpu()
        self.runs.reset()
        started = time.perf_counter()
        action()
        deadline = started + TIMEOUT_S
        while True:
            while self.runs.finished == 0 or self.runs.running:
                if time.perf_counter() > deadline:
                    raise TimeoutError(f"« {title} » : pas de fin d'exécution en {TIMEOUT_S:.0f} s")
                page.wait_for_timeout(5)  # type: ignore[attr-defined]
            page.wait_for_function(READY_JS, arg=title, polling="raf", timeout=TIMEOUT_S * 1000)  # type: ignore[attr-defined]
            ended = time.perf_counter()
            seen = self.runs.started
            page.wait_for_timeout(SETTLE_S * 1000)  # type: ignore[attr-defined]
            if self.runs.started == seen and not self.runs.running:
                return Timing(
                    ended - started, self.server_cpu() - cpu, self.browser_cpu() - browser_cpu, self.runs.started
                )

    def open_url(self, path: str, title: str) -> Timing:
        return self.timed(lambda: self.page.goto(f"{self.url}/{path}"), title)  # type: ignore[attr-defined]

    def click_nav(self, title: str) -> Timing:
        link = self.page.locator('[data-testid="stSidebarNav"] a', has_text=title).first  # type: ignore[attr-defined]
        link.wait_for()
        return self.timed(link.click, title)


def cpu_seconds(processes: list[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.Error:  # ended meanwhile
            continue
        total += times.user + times.system
    return total


def chromium_processes() -> list[psutil.Process]:
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if "chrom" in child.name():
                found.append(child)
        except psutil.Error:
            continue
    return found


def server_process(port: str) -> psutil.Process:
    """The ``streamlit run`` child of this process that listens on ``port``."""
    for child in psutil.Process().children(recursive=True):
        try:
            if port in child.cmdline():
                return child
        except psutil.Error:
            continue
    raise RuntimeError(f"serveur streamlit introuvable (port {port})")


@contextmanager
def browser_on(db: Path, log: Path) -> Iterator[Browser]:
    """The app served over ``db`` (a fresh server: its caches are cold) and one browser tab on it."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} absent : installez les paquets Debian chromium et chromium-driver.")
    with serve_app(db, log) as url, sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = instance.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
            tab = context.new_page()
            tab.set_default_timeout(TIMEOUT_S * 1000)
            runs = Runs()
            tab.on("websocket", lambda ws: ws.on("framereceived", runs.on_frame))
            yield Browser(tab, runs, server_process(url.rsplit(":", 1)[1]), url)
        finally:
            instance.close()


# --- what is timed --------------------------------------------------------------------------------


@dataclass
class Row:
    page: str
    what: str
    first: Timing | None = None
    later: list[Timing] = field(default_factory=list)
    note: str = ""

    def median(self, attr: str = "wall") -> float | None:
        values = [getattr(t, attr) for t in self.later]
        return statistics.median(values) if values else None


def nav_pages() -> list[tuple[str, str]]:
    """``(title, url path)`` of every page of the app's menu, in its order."""
    from ess_nlp.app.nav import PAGES

    return [(spec.title, spec.url) for specs in PAGES.values() for spec in specs]


def measure(
    db: Path,
    rounds: int,
    log: Path,
    interactions: Callable[[int], list[tuple[str, str, Callable[[Browser], Timing | None]]]],
    progress: Callable[[str], None],
) -> list[Row]:
    """The first load of the app, then ``rounds + 1`` passes through every page of the menu
    (the first pass is each page's first load), then each interaction ``rounds + 1`` times."""
    rows: list[Row] = []
    pages = nav_pages()
    with browser_on(db, log) as b:
        home_title, home_url = pages[0]
        app = Row("(application)", "premier affichage (serveur neuf)")
        app.first = b.open_url(home_url, home_title)
        rows.append(app)
        progress(f"  application : {app.first.wall:.2f} s")
        per_page = {title: Row(title, "navigation depuis le menu") for title, _ in pages}
        # the home page is open: start with the next one
        order = [title for title, _ in pages[1:]] + [home_title]
        for attempt in range(rounds + 1):
            for title in order:
                timing = b.click_nav(title)
                row = per_page[title]
                if attempt == 0:
                    row.first = timing
                else:
                    row.later.append(timing)
            progress(f"  passage {attempt} dans le menu terminé")
        rows.extend(per_page[title] for title, _ in pages)
        named: dict[tuple[str, str], Row] = {}
        for attempt in range(rounds + 1):
            for page_title, what, act in interactions(attempt):
                row = named.setdefault((page_title, what), Row(page_title, what))
                try:
                    timing = act(b)
                except Exception as err:
                    row.note = f"échec : {str(err).splitlines()[0][:100]}"
                    continue
                if timing is None:
                    row.note = "sans objet sur cette base"
                elif attempt == 0:
                    row.first = timing
                else:
                    row.later.append(timing)
        rows.extend(named.values())
    return rows


def report(title: str, rows: list[Row], target: float) -> int:
    """Print the table; return how many timed lines miss the target."""

    def fmt(value: float | None) -> str:
        return "—" if value is None else f"{value:.2f}"

    print(f"\n## {title}\n")
    print(f"Cible : ≤ {target:g} s par page après son premier affichage (médiane des navigations suivantes).\n")
    print(
        "| page | action | 1er affichage (s) | médiane suivantes (s) | max (s) | CPU serveur (s) "
        "| CPU navigateur (s) | cible (s) | atteinte |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---|")
    missed = 0
    for row in rows:
        med = row.median()
        top = max((t.wall for t in row.later), default=None)
        if med is None:
            met = "—"
        else:
            met = "oui" if med <= target else "NON"
            missed += med > target
        what = row.what + (f" ({row.note})" if row.note else "")
        first = row.first.wall if row.first else None
        print(
            f"| {row.page} | {what} | {fmt(first)} | {fmt(med)} | {fmt(top)} | {fmt(row.median('cpu'))} "
            f"| {fmt(row.median('browser_cpu'))} | {target:g} | {met} |"
        )
    timed = sum(1 for r in rows if r.later)
    print(f"\nPages et actions dans la cible : {timed - missed}/{timed}.")
    print(
        "Temps : du clic à la fin de la dernière exécution du script et au contenu dessiné ; CPU : médianes "
        "des mêmes navigations (le serveur Streamlit, puis les processus de Chromium)."
    )
    return missed
