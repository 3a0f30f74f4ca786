"""The researcher's journey in a real browser (Debian chromium driven by Playwright), issue 15:
on « Annoter », confirm one suggestion of the machine and correct another, retrain the domain
classifier on the annotations, read the per-label comparison on the held-out confirmed
annotations and the impact report, try « Rendre courant » on a model worse than the current
one and see the confirmation asked in French, refuse, then accept; the database is read after
each step (annotations with their origin, which model is current, the new model's labels), and
no file path is ever shown. Screenshots go to ``test-artifacts/``."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_helpers import serve_app, shot, wait_idle

from ess_nlp.annotate import retraining
from ess_nlp.store import Store
from ess_nlp.store.views import corpus as corpus_view
from ess_nlp.store.views import names as label_names_view

pytestmark = pytest.mark.browser

dbfixtures = sys.modules["ess_ui_dbfixtures"]
HERE = Path(__file__).resolve().parent
RESEARCHER = "Rita (chercheuse)"
MACRO = re.compile(r"F1 macro sur les (\d+) unité\(s\) mises de côté : courant ([\d,—]+), nouveau ([\d,—]+)")


@pytest.fixture(scope="module")
def lab(e2e_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    """The app (with the light estimator of ``retrain_app.py``) over a copy of the e2e database:
    the sample classified by the shipped model, the gold domains and themes saved as a person's
    annotations, except the domains of one cahier in three (left to the machine: the impact
    report has cahiers to list); trained models written to a temporary folder. Yields its URL,
    the database and that folder."""
    folder = tmp_path_factory.mktemp("retrain_e2e")
    db = dbfixtures.copy_db(e2e_db, folder / "lab.sqlite3")
    with Store(db) as store:
        cahiers = sorted(u.id for u in store.units("cahier"))
        with store.conn:
            store.conn.executemany(
                "DELETE FROM app_annotations WHERE unit_id = ? AND facet = 'domains'",
                [(c,) for c in cahiers[::3]],
            )
    models = folder / "models"
    with serve_app(
        db, folder / "streamlit.log", env={"ESS_NLP_MODELS": str(models)}, script=HERE / "retrain_app.py"
    ) as url:
        yield url, db, models


def current_model(db: Path) -> tuple[str, str]:
    with Store(db) as store:
        info = corpus_view.current_model_info(store)
    return str(info["name"]), str(info["version"])


def researcher_rows(db: Path) -> list[tuple[str, str, str]]:
    with Store(db) as store:
        rows = store.conn.execute(
            "SELECT unit_id, labels, origin FROM app_annotations WHERE annotator = ? AND facet = 'domains' ORDER BY id",
            (RESEARCHER,),
        ).fetchall()
    return [(r["unit_id"], r["labels"], r["origin"]) for r in rows]


def cahier_count(db: Path) -> int:
    with Store(db) as store:
        return int(store.conn.execute("SELECT count(*) FROM units WHERE level = 'cahier'").fetchone()[0])


def cahiers_left_to_the_machine(db: Path) -> set[str]:
    """The cahiers nobody annotated for their domains (their labels may change)."""
    with Store(db) as store:
        rows = store.conn.execute(
            "SELECT id FROM units WHERE level = 'cahier' AND id NOT IN"
            " (SELECT unit_id FROM app_annotations WHERE facet = 'domains')"
        ).fetchall()
    return {r["id"] for r in rows}


def no_paths_shown(page, *paths: Path) -> None:  # type: ignore[no-untyped-def]
    text = page.locator('[data-testid="stMain"]').inner_text()
    for path in paths:
        assert str(path) not in text and str(path.resolve()) not in text, f"{path} shown to the user"
    assert not re.search(r"(?:/tmp/|/work/|\.sqlite3|meta\.json|models/)", text), "a file path is shown"


def test_confirm_correct_retrain_compare_and_choose(page, lab, artifacts):  # type: ignore[no-untyped-def]
    url, db, models = lab
    before = current_model(db)
    page.goto(f"{url}/annoter")
    page.get_by_role("heading", name="Annoter").first.wait_for()
    wait_idle(page)
    name = page.get_by_label("Votre nom (annotateur)")
    name.fill(RESEARCHER)
    name.press("Enter")
    save = page.get_by_role("button", name="Enregistrer et suivant")
    save.wait_for()
    wait_idle(page)

    # 1. Confirm the machine's suggestion for the first cahier of the queue.
    page.get_by_text("J'ai vérifié : la suggestion de la machine est juste").click()
    wait_idle(page)
    shot(page, artifacts, "retrain-01-confirmer")
    save.click()
    page.get_by_text("Annotation enregistrée.").first.wait_for()
    wait_idle(page)
    # 2. Correct the next one: add a domain the machine did not suggest.
    form = page.locator('[class*="st-key-annotate_labels_"]')
    unit = re.search(r"st-key-annotate_labels_(\S+)_domains", form.get_attribute("class") or "")
    assert unit is not None  # the unit's id, as a CSS class (":" written "-")
    chosen = set(form.locator("[data-tag] > span[title]").evaluate_all("els => els.map(e => e.title)"))
    names = label_names_view.label_names("domains")
    assert chosen and chosen <= set(names.values())  # the machine's suggestion, pre-filled
    added = next(n for n in names.values() if n not in chosen)
    form.get_by_role("combobox").click()
    page.keyboard.type(added)
    page.get_by_role("option", name=added, exact=True).click()
    page.keyboard.press("Escape")
    wait_idle(page)
    shot(page, artifacts, "retrain-02-corriger")
    save.click()
    wait_idle(page)
    rows = researcher_rows(db)
    assert [origin for _, _, origin in rows] == ["confirmed", "person"], rows
    assert rows[0][0] != rows[1][0] and rows[1][0].replace(":", "-") == unit[1]
    assert {names[x] for x in json.loads(rows[1][1])} == chosen | {added}

    # 3. Retrain the domains on the cahiers' annotations.
    page.get_by_role("tab", name="Réentraîner le modèle").click()
    wait_idle(page)
    facets = page.get_by_role("combobox", name="Étiquettes à réentraîner")
    facets.click()
    page.keyboard.press("Backspace")  # the last of « Domaines », « Thèmes de travail »
    page.keyboard.press("Escape")
    wait_idle(page)
    page.get_by_role("combobox", name="Annotations de quel niveau").click()
    page.get_by_role("option", name="Cahiers", exact=True).click()
    wait_idle(page)
    page.get_by_role("button", name="Réentraîner et évaluer").click()
    page.get_by_text(f"Nouveau modèle {retraining.APP_MODEL_NAME} version 1").wait_for(timeout=600_000)
    wait_idle(page, timeout=600_000)
    shot(page, artifacts, "retrain-03-comparaison-impact")
    main = page.locator('[data-testid="stMain"]')
    text = main.inner_text()
    assert "comparé au modèle courant sur" in text and "confirmée(s) par une personne" in text
    found = MACRO.search(text)
    assert found is not None, text[:2000]
    held, current_f1, new_f1 = (
        int(found[1]),
        float(found[2].replace(",", ".")),
        float(found[3].replace(",", ".")),
    )
    assert held > 0
    grids = main.locator('[data-testid="stDataFrame"]')
    assert grids.count() >= 2  # the per-label comparison and the impact report
    impact = re.search(r"(\d+) cahier\(s\) sur (\d+) changeraient", text)
    assert "Si ce modèle devient courant" in text and impact is not None
    assert 0 < int(impact[1]) <= len(cahiers_left_to_the_machine(db)) and int(impact[2]) == cahier_count(db)
    assert "Thèmes de travail* — F1" not in text.replace("\n", " ")  # only the domains were retrained
    assert current_model(db) == before  # nothing changes before « Rendre courant »

    # 4. « Rendre courant » on a worse model: a confirmation in French, nothing changed yet.
    assert new_f1 < current_f1, (new_f1, current_f1)  # trained on ~48 cahiers against the shipped model
    assert "moins bon que le modèle courant" in text
    make = page.get_by_role("button", name=f"Rendre courant le modèle {retraining.APP_MODEL_NAME} version 1")
    make.click()
    question = page.get_by_text(re.compile("Le rendre courant quand même"))
    question.wait_for()
    wait_idle(page)
    warning = question.inner_text()
    assert "moins bien que le modèle courant" in warning and f"{current_f1:.3f}".replace(".", ",") in warning
    shot(page, artifacts, "retrain-04-confirmation-demandee")
    assert current_model(db) == before and not models.exists()
    page.get_by_role("button", name="Non, garder le modèle courant").click()
    question.wait_for(state="detached")
    wait_idle(page)
    assert current_model(db) == before and not models.exists()

    # 5. Asked again, and accepted: the new model is current, every unit scored again.
    make.click()
    page.get_by_role("button", name="Oui, le rendre courant malgré tout").click()
    page.get_by_text("est désormais le modèle courant").wait_for(timeout=600_000)
    wait_idle(page, timeout=600_000)
    page.get_by_text(f"Modèle courant : {retraining.APP_MODEL_NAME} version 1").wait_for()
    question.wait_for(state="detached")  # the comparison and the question are gone with the candidate
    wait_idle(page)
    shot(page, artifacts, "retrain-05-rendu-courant")
    assert current_model(db) == (retraining.APP_MODEL_NAME, "1")
    assert (models / retraining.APP_MODEL_NAME / "1" / "meta.json").is_file()
    with Store(db) as store:
        scored = {
            bool(r["is_current"]): (r["name"], r["n"])
            for r in store.conn.execute(
                "SELECT m.name, m.is_current, count(DISTINCT p.unit_id) AS n FROM predictions p"
                " JOIN model_versions m ON m.id = p.model_id GROUP BY m.id"
            )
        }
    # every unit the shipped model labelled is labelled again by the new one
    assert scored[True] == (retraining.APP_MODEL_NAME, scored[False][1]) and scored[False][0] == before[0]
    no_paths_shown(page, models, db)
