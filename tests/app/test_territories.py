"""Territory on every cahier of the sample database (issue 16): filled for at least 95 % of the
cahiers, current régions only, each filled level agreeing with the gold, and the same columns
wherever the app lists or filters cahiers."""

from __future__ import annotations

import json
from pathlib import Path

from ess_nlp.extract._resources import data_path
from ess_nlp.records import NOT_FILLED
from ess_nlp.store import Store
from ess_nlp.store.views.corpus import cahiers_frame
from ess_nlp.store.views.items import initiatives_table, proposals_table
from ess_nlp.store.views.territories import filter_territories, territory_options

CURRENT_REGIONS = {
    row["name"]
    for row in map(json.loads, data_path("data/places.jsonl").read_text(encoding="utf-8").splitlines())
    if row["level"] == "region" and not row.get("former")
}


def gold_by_cahier(store: Store, sample_gold: list[dict]) -> dict[str, dict]:
    sources = [row["path"] for row in store.sources()]
    out = {}
    for row in sample_gold:
        path = next(p for p in sources if p.replace("\\", "/").endswith("/" + row["source"]))
        out[list(store.units("cahier", source=path))[row["order"]].id] = row
    return out


def test_sample_cahiers_have_a_current_territory_that_agrees_with_the_gold(sample_db: Path, sample_gold) -> None:
    with Store(sample_db) as store:
        frame = cahiers_frame(store)
        gold = gold_by_cahier(store, sample_gold)
        stored = [r[0] for r in store.conn.execute("SELECT region FROM cahier_territories WHERE region != ''")]
    assert len(frame) == len(gold) == 65
    filled = frame[frame["territory"] != NOT_FILLED]
    share = len(filled) / len(frame)
    assert share >= 0.95, f"territoire renseigné pour {len(filled)}/{len(frame)} cahiers ({share:.1%})"
    assert set(filled["region"]) - {""} <= CURRENT_REGIONS
    assert set(stored) <= CURRENT_REGIONS and len(stored) >= 0.95 * len(frame) - 1
    wrong = []
    for _, row in filled.iterrows():
        expected = gold[row["id"]]["territory"]
        for level in ("commune", "departement", "region"):
            if row[level] and row[level] != expected[level]:
                wrong.append((gold[row["id"]]["id"], level, row[level], expected[level]))
    assert not wrong, wrong
    # Form rows give their territory; documents without one are placed from their text.
    assert set(frame.loc[frame["source"].str.endswith(".csv"), "territory_origin"]) == {"metadata"}
    assert "text" in set(frame["territory_origin"])


def test_proposals_and_initiatives_carry_the_same_territory(sample_db: Path) -> None:
    with Store(sample_db) as store:
        cahiers = cahiers_frame(store).set_index("id")
        for table in (proposals_table(store), initiatives_table(store)):
            assert not table.empty
            assert set(table["region"]) - {""} <= CURRENT_REGIONS
            for cahier, territory in zip(table["cahier"], table["territory"], strict=True):
                assert territory == cahiers.at[cahier, "territory"]


def test_the_territory_filter_offers_current_regions_and_keeps_what_it_names(sample_db: Path) -> None:
    with Store(sample_db) as store:
        frame = cahiers_frame(store)
    options = territory_options(frame)
    regions = {v.split(":", 1)[1] for v in options if v.startswith("region:")}
    assert regions <= CURRENT_REGIONS and "Auvergne" not in regions and len(regions) >= 10
    assert "region:Auvergne-Rhône-Alpes" in options and "departement:Rhône" in options
    rhone = filter_territories(frame, ["departement:Rhône"])
    assert len(rhone) >= 3 and set(rhone["region"]) == {"Auvergne-Rhône-Alpes"}
    both = filter_territories(frame, ["departement:Rhône", "region:Bretagne"])
    assert set(both["region"]) == {"Auvergne-Rhône-Alpes", "Bretagne"}
    assert filter_territories(frame, []).equals(frame)
    unknown = filter_territories(frame, [NOT_FILLED])
    assert set(unknown["territory"]) <= {NOT_FILLED}
    if len(unknown):
        assert options[NOT_FILLED].startswith(NOT_FILLED)


def test_explorer_and_proposals_filter_by_territory(sample_db: Path, monkeypatch) -> None:
    from streamlit.testing.v1 import AppTest

    import ess_nlp.app

    monkeypatch.setenv("ESS_NLP_DB", str(sample_db))
    main = str(Path(ess_nlp.app.__file__).resolve().parents[1] / "streamlit_app.py")
    with Store(sample_db) as store:
        cahiers = cahiers_frame(store)
        proposals = proposals_table(store)
    at = AppTest.from_file(main, default_timeout=180)
    at.run()
    at.switch_page("app/pages/explorer.py").run()
    widget = at.multiselect(key="explorer_territories")
    assert "region:Auvergne-Rhône-Alpes" in widget.options or any(
        "Auvergne-Rhône-Alpes — région" in str(o) for o in widget.options)
    assert not any(str(o).startswith(("Auvergne —", "Rhône-Alpes —", "Limousin —")) for o in widget.options)
    widget.set_value(["region:Bretagne"]).run()
    assert not at.exception
    expected = int((cahiers["region"] == "Bretagne").sum())
    assert 0 < expected < len(cahiers)
    assert any(m.value.startswith(f"**{expected}** cahier(s) sur {len(cahiers)}") for m in at.markdown)
    at.switch_page("app/pages/proposals.py").run()
    at.multiselect(key="proposals_territories").set_value(["departement:Rhône"]).run()
    assert not at.exception
    rows = at.dataframe[0].value
    assert len(rows) == int((proposals["departement"] == "Rhône").sum()) > 0
    assert set(rows["territoire"]) <= set(proposals.loc[proposals["departement"] == "Rhône", "territory"])
