"""A third blind measure of the personal-data mask: Grand Débat meeting reports not drawn before;
development data since its one blind run (``eval_privacy_blind4.py`` holds the latest blind set).

    .venv/bin/python benchmarks/eval_privacy_blind3.py
    .venv/bin/python benchmarks/eval_privacy_blind3.py --show-errors   # ids and offsets, never text

The second blind set (``benchmarks/eval_privacy_blind2.py``) was looked at after its one blind run to
fix the masker, so it is development data now. This set draws, with another seed (``SEED``), the « how
it went » field of ``CUED`` more Grand Débat reports among those whose field matches the naming cue of
``eval_privacy_blind2.CUE`` and ``PLAIN`` among the others, leaving out every report of the second set.
It was labelled by reading, and its gold committed, before the masker ran on it. The gold lives in
``benchmarks/data/privacy_blind3_gold.tsv`` (ids, offsets and SHA-1 prefixes only; the labelling
definition is that of the second set, in its header). Nothing personal is printed.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import eval_privacy_blind2 as blind2
from eval_privacy_blind import read_gold

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "benchmarks" / "data" / "privacy_blind3_gold.tsv"
SEED = 2027
CUED = 80
PLAIN = 30


def load_documents(shared: Path) -> dict[str, str]:
    """The drawn reports, by ``gdn:<contribution id>`` (none of the second set)."""
    reports = blind2.load_reports(shared)
    second = frozenset(i for i in blind2.draw_reports(reports, blind2.SEED, blind2.CUED, blind2.PLAIN))
    return {f"gdn:{i}": reports[i] for i in blind2.draw_reports(reports, SEED, CUED, PLAIN, leave_out=second)}


def main() -> int:
    args = blind2.parse_args(__doc__)
    if not (blind2.SHARED / blind2.REPORTS).is_file():
        print(f"SKIP: {blind2.SHARED / blind2.REPORTS} is absent (../shared/data sits beside the project)")
        return 0
    title = f"blind gold 3: {CUED + PLAIN} Grand Débat reports (seed {SEED}: {CUED} cued, {PLAIN} plain)"
    return blind2.evaluate(load_documents(blind2.SHARED), read_gold(GOLD), args, title)


if __name__ == "__main__":
    sys.exit(main())
