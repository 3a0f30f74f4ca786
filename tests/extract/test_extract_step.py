"""The ``extract`` pipeline step: records stored linked to units, re-runs, cascades, groups."""

from __future__ import annotations

import hashlib
import json

from ess_nlp.extract.step import extract_step
from ess_nlp.records import Document
from ess_nlp.segment import split_document
from ess_nlp.store import Store


def add(store: Store, text: str, source: str) -> None:
    doc = Document(source=source, text=text, format="txt", sha256=hashlib.sha256(text.encode()).hexdigest())
    store.add_document(doc, split_document(doc))


OTHER = """Le Fournil solidaire : du pain et des emplois

Présentation de l'initiative

Le Fournil solidaire, SCOP créée en 2008 à Poitiers, emploie 9 salariés.

Nos propositions

1. Créer dans chaque territoire un fonds de garantie destiné aux SCIC.

2. Réduire la TVA sur le pain bio.
"""


def test_step_stores_records_linked_to_units_and_groups_duplicates(tmp_path, cahier: str) -> None:
    with Store(tmp_path / "db.sqlite3") as store:
        add(store, cahier, "a.txt")
        add(store, OTHER, "b.txt")
        seen: list[tuple[int, int]] = []
        report = extract_step(store, progress=lambda done, total: seen.append((done, total)))
        assert report.name == "extract"
        assert report.counts["sources"] == 2 and seen[-1] == (2, 2)
        conn = store.conn
        assert conn.execute("SELECT count(*) FROM proposals").fetchone()[0] == report.counts["proposals"] == 9
        orphans = conn.execute(
            "SELECT count(*) FROM proposals p LEFT JOIN units u ON u.id = p.unit_id WHERE u.id IS NULL"
        ).fetchone()[0]
        assert orphans == 0
        row = conn.execute(
            "SELECT p.text, p.start, p.end, s.text AS source_text FROM proposals p JOIN units u ON u.id = p.unit_id"
            " JOIN sources s ON s.id = u.source_id WHERE p.number = '3.'"
        ).fetchone()
        assert row["source_text"][row["start"] : row["end"]] == row["text"]
        card = conn.execute("SELECT * FROM initiatives WHERE name = 'Recyclerie du Marais'").fetchone()
        assert json.loads(card["places"])[0]["code"] == "79191"
        group = conn.execute("SELECT * FROM duplicate_groups").fetchone()
        assert group is not None and group["cahiers"] == 2
        members = [r["text"] for r in conn.execute(
            "SELECT p.text FROM duplicate_members m JOIN proposals p ON p.id = m.proposal_id WHERE m.group_id = ?",
            (group["id"],))]
        assert any("fonds territorial de garantie" in t for t in members)
        assert any("fonds de garantie destiné aux SCIC" in t for t in members)

        # a second run has nothing to do and keeps everything
        again = extract_step(store)
        assert again.counts["sources"] == 0
        assert conn.execute("SELECT count(*) FROM proposals").fetchone()[0] == 9

        # removing a source removes what was extracted from it, and the group it was part of
        store.remove_source("b.txt")
        assert conn.execute("SELECT count(*) FROM proposals").fetchone()[0] == 7
        assert conn.execute("SELECT count(*) FROM duplicate_groups").fetchone()[0] == 0


def test_step_reextracts_a_changed_source(tmp_path, cahier: str) -> None:
    with Store(tmp_path / "db.sqlite3") as store:
        add(store, cahier, "a.txt")
        extract_step(store)
        add(store, cahier.replace("Il faudrait que chaque département", "Il faudrait que chaque région"), "a.txt")
        report = extract_step(store)
        assert report.counts["sources"] == 1
        texts = [r[0] for r in store.conn.execute("SELECT text FROM proposals")]
        assert any("chaque région" in t for t in texts) and not any("chaque département" in t for t in texts)


ABROAD = """Le Fournil solidaire : du pain et des emplois

Territoire : Genève, Suisse

Structure porteuse : Le Fournil solidaire (SCOP), 4 rue du Four, 86000 Poitiers.

Présentation de l'initiative

Le Fournil solidaire emploie 9 salariés et livre aussi des boulangeries à Lyon.

Nos propositions

1. Réduire la TVA sur le pain bio.
"""


def test_step_stores_each_cahiers_territory_and_reruns_keep_it(tmp_path, cahier: str) -> None:
    with Store(tmp_path / "db.sqlite3") as store:
        add(store, cahier, "a.txt")
        add(store, ABROAD, "b.txt")
        report = extract_step(store)
        conn = store.conn
        rows = {r["source"]: dict(r) for r in conn.execute(
            "SELECT s.path AS source, t.* FROM cahier_territories t JOIN units u ON u.id = t.cahier_id"
            " JOIN sources s ON s.id = u.source_id")}
        assert rows["a.txt"]["commune_code"] == "79191" and rows["a.txt"]["region"] == "Nouvelle-Aquitaine"
        assert rows["a.txt"]["origin"] == "text" and not rows["a.txt"]["note"]
        # A metadata territory that is not in France: the text's is kept, and the report says so.
        assert (rows["b.txt"]["commune"], rows["b.txt"]["origin"]) == ("Poitiers", "text")
        assert report.counts["territories"] == 2
        assert "b.txt, cahier « Le Fournil solidaire : du pain et des emplois » : le territoire indiqué" in report.summary
        assert "(« Genève, Suisse ») n'est pas un lieu français" in report.summary
        # A re-run with nothing new keeps every territory.
        again = extract_step(store)
        assert again.counts["sources"] == 0
        assert conn.execute("SELECT count(*) FROM cahier_territories").fetchone()[0] == 2
        # A database from before the territories (no row for a cahier) gets them on the next run.
        conn.execute("DELETE FROM cahier_territories WHERE commune = 'Poitiers'")
        assert extract_step(store).counts["sources"] == 1
        assert conn.execute("SELECT count(*) FROM cahier_territories").fetchone()[0] == 2


def test_sources_to_extract_reads_the_cahiers_once_not_once_per_source(tmp_path) -> None:
    """The check for cahiers without a territory is one pass over the cahiers: as a subquery
    correlated with each source, SQLite read every cahier for every source through the ``level``
    index (85 s at 10,000 sources and 210,000 units, against 0.01 s; the run's last check at a
    million units did not end)."""
    from ess_nlp.extract import step

    with Store(tmp_path / "db.sqlite3") as store:
        plan = [row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + step._TO_EXTRACT, ("v",))]
    assert plan and not [line for line in plan if "CORRELATED" in line], plan


def test_groups_from_the_stored_cores_are_those_computed_from_the_texts(tmp_path, monkeypatch, shared_sample_db) -> None:
    """Each proposal's demand core is computed with its document's extraction and stored with it
    (issue 20): the grouping reads them and parses nothing, with the same groups as from the
    texts; cores missing or of another version (a database from before 0014) are computed again.
    On a copy of the session's sample database (the pipeline over ``corpus/sample``, extraction
    included), not a run of its own (issue 14: suite time)."""
    import shutil

    from ess_nlp.extract import step
    from ess_nlp.extract.demand_core import CORE_VERSION
    from ess_nlp.extract.duplicates import group_duplicates

    shutil.copyfile(shared_sample_db, tmp_path / "db.sqlite3")
    with Store(tmp_path / "db.sqlite3") as store:
        conn = store.conn
        rows = conn.execute("SELECT id, text, cahier_id FROM proposals WHERE alternative = 0 ORDER BY id").fetchall()
        cores = {r["proposal_id"]: tuple(r) for r in conn.execute("SELECT * FROM proposal_cores")}
        assert set(cores) == {r["id"] for r in rows} and {c[1] for c in cores.values()} == {CORE_VERSION}
        from_texts = [(list(g.members), list(g.similarities))
                      for g in group_duplicates([(r["id"], r["text"], r["cahier_id"]) for r in rows])]
        assert len(from_texts) >= 3  # the comparison compares something

        def no_parse(texts: object) -> None:
            raise AssertionError("the grouping parsed texts whose cores are stored")

        with monkeypatch.context() as patch:
            patch.setattr(step, "demand_cores", no_parse)
            groups, computed = step.automatic_groups(conn)
        assert [(g.members, g.similarities) for g in groups] == from_texts and computed == []
        # The same, read by the Dask task from the database file opened read-only.
        from ess_nlp.parallel import duplicate_groups

        on_worker, computed = duplicate_groups(str(tmp_path / "db.sqlite3"))
        assert [(g.members, g.similarities) for g in on_worker] == from_texts and computed == []

        # A database from before the stored cores: those missing or of another version are
        # computed again, stored, and the groups are the same.
        conn.execute("DELETE FROM proposal_cores WHERE rowid % 2 = 0")
        conn.execute("UPDATE proposal_cores SET version = '0', features = '[]' WHERE rowid % 3 = 0")
        before = [tuple(r) for r in conn.execute("SELECT * FROM duplicate_members ORDER BY proposal_id")]
        step.rebuild_duplicate_groups(store)
        assert {r["proposal_id"]: tuple(r) for r in conn.execute("SELECT * FROM proposal_cores")} == cores
        assert [tuple(r) for r in conn.execute("SELECT * FROM duplicate_members ORDER BY proposal_id")] == before


def test_the_grouping_method_the_settings_name_is_used_by_the_step_and_the_dask_task(
    tmp_path, monkeypatch, shared_sample_db
) -> None:
    """``ESS_NLP_GROUPING=sentence``: the rebuilt groups (and those of the Dask task, given the
    driver's method) are the sentence method's, not the default's; unset, the default's."""
    import shutil

    from ess_nlp.extract import step
    from ess_nlp.extract.duplicates import DEFAULT_METHOD, group_duplicates
    from ess_nlp.parallel import duplicate_groups

    shutil.copyfile(shared_sample_db, tmp_path / "db.sqlite3")
    with Store(tmp_path / "db.sqlite3") as store:
        rows = store.conn.execute(
            "SELECT id, text, cahier_id FROM proposals WHERE alternative = 0 ORDER BY id").fetchall()
        items = [(r["id"], r["text"], r["cahier_id"]) for r in rows]
        expected = {m: [list(g.members) for g in group_duplicates(items, method=m)] for m in ("core", "sentence")}
        assert expected["core"] != expected["sentence"]  # the two methods group the sample differently

        def stored() -> list[list[str]]:
            found: dict[int, list[str]] = {}
            for r in store.conn.execute("SELECT group_id, proposal_id FROM duplicate_members ORDER BY rowid"):
                found.setdefault(r["group_id"], []).append(r["proposal_id"])
            return sorted(sorted(g) for g in found.values())

        assert step.grouping_method() == DEFAULT_METHOD == "core"
        monkeypatch.setenv("ESS_NLP_GROUPING", "sentence")
        assert step.grouping_method() == "sentence"
        step.rebuild_duplicate_groups(store)
        assert stored() == sorted(sorted(g) for g in expected["sentence"])
        on_worker, _ = duplicate_groups(str(tmp_path / "db.sqlite3"), step.grouping_method())
        assert [g.members for g in on_worker] == expected["sentence"]
        monkeypatch.delenv("ESS_NLP_GROUPING")
        step.rebuild_duplicate_groups(store)
        assert stored() == sorted(sorted(g) for g in expected["core"])


def test_demand_cores_are_computed_only_for_a_grouping_that_reads_them(tmp_path, monkeypatch, cahier: str) -> None:
    """The lexical grouping reads no demand core: with ``ESS_NLP_GROUPING=lexical`` the step and
    the Dask task extract without parsing the proposals' cores (and the step stores none); with
    the default grouping they do."""
    from ess_nlp.extract._run import DEFAULT_MODEL
    from ess_nlp.parallel import Plan, process_stored

    monkeypatch.setenv("ESS_NLP_GROUPING", "lexical")
    with Store(tmp_path / "db.sqlite3") as store:
        add(store, cahier, "a.txt")
        add(store, OTHER, "b.txt")
        report = extract_step(store)
        assert report.counts["proposals"] == 9 and report.counts["groups"] >= 1
        assert store.conn.execute("SELECT count(*) FROM proposal_cores").fetchone()[0] == 0
        units = list(store.units(source="b.txt"))
    lexical = process_stored(units, Plan(extract=True, extraction_model=DEFAULT_MODEL, grouping="lexical"))
    core = process_stored(units, Plan(extract=True, extraction_model=DEFAULT_MODEL))
    assert lexical.extraction is not None and core.extraction is not None
    assert lexical.extraction.cores == () and len(core.extraction.cores) == 2
    monkeypatch.delenv("ESS_NLP_GROUPING")
    with Store(tmp_path / "fresh.sqlite3") as store:
        add(store, OTHER, "b.txt")
        extract_step(store)
        assert store.conn.execute("SELECT count(*) FROM proposal_cores").fetchone()[0] == 2
