"""The later blind measures of the personal-data mask (sets 3 to 8…): Grand Débat meeting reports,
each set drawn in no earlier set, labelled by reading and its gold committed before the masker ran on it.

    .venv/bin/python benchmarks/eval_privacy_gdn_blind.py --set 8
    .venv/bin/python benchmarks/eval_privacy_gdn_blind.py --set 8 --show-errors   # ids and offsets, never text

A set draws, with its own seed, the « how it went » field of ``cued`` Grand Débat reports among those
whose field matches the naming cue of ``eval_privacy_blind2.CUE`` and ``plain`` among the others,
leaving out every report of the second set and of every earlier set of ``SETS`` (so the sets are
disjoint by construction; ``tests/privacy/test_privacy_later_blind_golds.py`` checks it). Its gold lives
in ``benchmarks/data/privacy_blind<N>_gold.tsv`` (ids, offsets and SHA-1 prefixes only; the labelling
definition is that of the second set, in its header; from the seventh set on, capitalised common nouns
never to mask are labelled too, and the script reports those touched). Nothing personal is printed.

A set is blind only for its one run: after it, its errors are read to fix the mask and it is
development data (see docs/syntheses.md). ``eval_privacy_blind3.py`` and ``eval_privacy_blind4.py``
run sets 3 and 4 under their first names.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import eval_privacy_blind2 as blind2
from eval_privacy_blind import read_gold

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class BlindSet:
    """One drawing of Grand Débat reports: its number, seed and how many reports with and without a cue."""

    number: int
    seed: int
    cued: int
    plain: int

    @property
    def gold(self) -> Path:
        return ROOT / "benchmarks" / "data" / f"privacy_blind{self.number}_gold.tsv"


# In drawing order: each set leaves out the second set and every set before it here.
SETS = {
    s.number: s
    for s in (
        BlindSet(3, 2027, 80, 30),
        BlindSet(4, 2028, 80, 20),
        BlindSet(5, 2029, 80, 20),
        BlindSet(6, 2030, 80, 20),
        BlindSet(7, 2031, 80, 20),
        BlindSet(8, 2032, 53, 20),  # the 53 cued reports left in no earlier set: all of them
    )
}
LATEST = max(SETS)


def draws(reports: dict[str, str], upto: int) -> dict[int, list[str]]:
    """The report ids of every set up to ``upto``, each drawn with the earlier ones left out."""
    taken = frozenset(blind2.draw_reports(reports, blind2.SEED, blind2.CUED, blind2.PLAIN))
    out: dict[int, list[str]] = {}
    for number in sorted(n for n in SETS if n <= upto):
        s = SETS[number]
        out[number] = blind2.draw_reports(reports, s.seed, s.cued, s.plain, leave_out=taken)
        taken |= frozenset(out[number])
    return out


def load_documents(shared: Path, number: int) -> dict[str, str]:
    """The drawn reports of set ``number``, by ``gdn:<contribution id>``."""
    reports = blind2.load_reports(shared)
    return {f"gdn:{i}": reports[i] for i in draws(reports, number)[number]}


def run(number: int, argv: list[str] | None = None) -> int:
    """Measures set ``number`` (``argv``: the options of ``eval_privacy_blind2``)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--set", type=int, choices=sorted(SETS), default=number, help="which blind set")
    parser.add_argument("--ner-model", default=None, help="spaCy pipeline of the entity recogniser")
    parser.add_argument("--show-errors", action="store_true",
                        help="list the ids and offsets (never the text) of missed spans and wrong masks")  # fmt: skip
    args = parser.parse_args(argv)
    if not (blind2.SHARED / blind2.REPORTS).is_file():
        print(f"SKIP: {blind2.SHARED / blind2.REPORTS} is absent (../shared/data sits beside the project)")
        return 0
    s = SETS[args.set]
    title = f"blind gold {s.number}: {s.cued + s.plain} Grand Débat reports (seed {s.seed}: {s.cued} cued, {s.plain} plain)"
    return blind2.evaluate(load_documents(blind2.SHARED, s.number), read_gold(s.gold), args, title)


if __name__ == "__main__":
    sys.exit(run(LATEST))
