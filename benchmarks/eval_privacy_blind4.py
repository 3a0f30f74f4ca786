"""The fourth blind measure of the personal-data mask (100 Grand Débat reports, seed 2028); development
data since its one blind run. Defined with the later sets in ``eval_privacy_gdn_blind.py``.

    .venv/bin/python benchmarks/eval_privacy_blind4.py
    .venv/bin/python benchmarks/eval_privacy_blind4.py --show-errors   # ids and offsets, never text
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_privacy_gdn_blind import run

if __name__ == "__main__":
    sys.exit(run(4))
