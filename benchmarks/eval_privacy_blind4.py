"""A fourth blind measure of the personal-data mask: Grand Débat meeting reports drawn in no earlier set.

    .venv/bin/python benchmarks/eval_privacy_blind4.py
    .venv/bin/python benchmarks/eval_privacy_blind4.py --show-errors   # ids and offsets, never text

The third blind set (``benchmarks/eval_privacy_blind3.py``) was looked at after its one blind run to
fix the masker, so it is development data now. This set draws, with another seed (``SEED``), the « how
it went » field of ``CUED`` more Grand Débat reports among those whose field matches the naming cue of
``eval_privacy_blind2.CUE`` and ``PLAIN`` among the others, leaving out every report of the second and
third sets. It was labelled by reading, and its gold committed, before the masker ran on it. The gold
lives in ``benchmarks/data/privacy_blind4_gold.tsv`` (ids, offsets and SHA-1 prefixes only; the
labelling definition is that of the second set, in its header). Nothing personal is printed.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import eval_privacy_blind2 as blind2
import eval_privacy_blind3 as blind3
from eval_privacy_blind import read_gold

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "benchmarks" / "data" / "privacy_blind4_gold.tsv"
SEED = 2028
CUED = 80
PLAIN = 20


def load_documents(shared: Path) -> dict[str, str]:
    """The drawn reports, by ``gdn:<contribution id>`` (none of the second or third set)."""
    reports = blind2.load_reports(shared)
    earlier = frozenset(blind2.draw_reports(reports, blind2.SEED, blind2.CUED, blind2.PLAIN)) | {
        d.split(":", 1)[1] for d in blind3.load_documents(shared)
    }
    return {
        f"gdn:{i}": reports[i] for i in blind2.draw_reports(reports, SEED, CUED, PLAIN, leave_out=earlier)
    }


def main() -> int:
    args = blind2.parse_args(__doc__)
    if not (blind2.SHARED / blind2.REPORTS).is_file():
        print(f"SKIP: {blind2.SHARED / blind2.REPORTS} is absent (../shared/data sits beside the project)")
        return 0
    title = f"blind gold 4: {CUED + PLAIN} Grand Débat reports (seed {SEED}: {CUED} cued, {PLAIN} plain)"
    return blind2.evaluate(load_documents(blind2.SHARED), read_gold(GOLD), args, title)


if __name__ == "__main__":
    sys.exit(main())
