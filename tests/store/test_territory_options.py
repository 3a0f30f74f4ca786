"""The territory filter's options: each région, then its départements and communes, with the
number of distinct cahiers, counted per level (issue 15: one pass per level, not one per commune)."""

from __future__ import annotations

import pandas as pd

from ess_nlp.records import NOT_FILLED
from ess_nlp.store.views.territories import territory_options


def frame(rows: list[tuple[str, str, str, str, str]]) -> pd.DataFrame:
    """Rows ``(cahier, commune, departement, departement_code, region)``."""
    out = pd.DataFrame(rows, columns=["cahier", "commune", "departement", "departement_code", "region"])
    out["territory"] = [
        ", ".join(x for x in (c, d, r) if x) or NOT_FILLED
        for c, d, r in zip(out["commune"], out["departement"], out["region"], strict=True)
    ]
    return out


def test_options_are_nested_sorted_and_count_distinct_cahiers() -> None:
    options = territory_options(
        frame(
            [
                ("c1", "Rennes", "Ille-et-Vilaine", "35", "Bretagne"),
                ("c1", "Rennes", "Ille-et-Vilaine", "35", "Bretagne"),  # two rows, one cahier
                ("c2", "Brest", "Finistère", "29", "Bretagne"),
                ("c3", "", "Finistère", "29", "Bretagne"),
                ("c4", "Lyon", "Rhône", "69", "Auvergne-Rhône-Alpes"),
                ("c5", "Villeurbanne", "Rhône", "69", "Auvergne-Rhône-Alpes"),
                ("c6", "Nulle-Part", "", "", ""),
                ("c7", "", "", "", ""),
            ]
        )
    )
    assert list(options.items()) == [
        ("region:Auvergne-Rhône-Alpes", "Auvergne-Rhône-Alpes — région, 2 cahiers"),
        ("departement:Rhône", "Rhône (69) — département, 2 cahiers"),
        ("commune:Lyon", "Lyon — commune, 1 cahier"),
        ("commune:Villeurbanne", "Villeurbanne — commune, 1 cahier"),
        ("region:Bretagne", "Bretagne — région, 3 cahiers"),
        ("departement:Finistère", "Finistère (29) — département, 2 cahiers"),
        ("commune:Brest", "Brest — commune, 1 cahier"),
        ("departement:Ille-et-Vilaine", "Ille-et-Vilaine (35) — département, 1 cahier"),
        ("commune:Rennes", "Rennes — commune, 1 cahier"),
        ("commune:Nulle-Part", "Nulle-Part — commune, 1 cahier"),  # no région: after the others
        (NOT_FILLED, f"{NOT_FILLED} — 1 cahier"),
    ]


def test_no_rows_no_options() -> None:
    assert territory_options(frame([])) == {}
