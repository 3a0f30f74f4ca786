"""Page « Importer »: drop files in any format the toolkit reads; each is read, split and stored
with a progress bar, then the processing steps (classification, extraction, topics) run. A file
that fails says why, in French, and the others go on."""

from __future__ import annotations

import dataclasses

import streamlit as st

from ess_nlp.access import can
from ess_nlp.app import cache
from ess_nlp.app.components.auth import current_user
from ess_nlp.app.components.common import fr_int, md_escape, page_header
from ess_nlp.app.nav import page_file
from ess_nlp.ingest import SUPPORTED_EXTENSIONS, Limits
from ess_nlp.settings import settings
from ess_nlp.uploads import IMPORT_PREFIX, ImportResult, import_upload, run_steps

MB = 1024 * 1024


def app_limits() -> Limits:
    """Limits of the app (the command line keeps the library's larger defaults); the
    environment variables ``ESS_NLP_APP_MAX_MB`` and ``ESS_NLP_APP_MAX_PAGES`` change them,
    ``ESS_NLP_LIMITS`` the others (as for the command line)."""
    chosen = settings()
    max_mb, max_pages = chosen.app_max_mb, chosen.app_max_pages
    return dataclasses.replace(
        Limits.from_env(), max_file_bytes=max_mb * MB, max_unzipped_bytes=4 * max_mb * MB, max_pdf_pages=max_pages
    )


OUTCOMES = {
    "added": "ajouté",
    "replaced": "remplacé (contenu modifié)",
    "unchanged": "déjà présent, inchangé",
    "duplicate": "ignoré : même contenu qu'un fichier déjà importé",
    "failed": "échec",
}


def page() -> None:
    limits = app_limits()  # a mistyped limit is said by the frame (ess_nlp/app/frame.py)
    page_header(
        "Importer",
        "Déposez des cahiers : "
        + ", ".join(SUPPORTED_EXTENSIONS)
        + f". Jusqu'à {limits.max_file_bytes // MB} Mo et {fr_int(limits.max_pdf_pages)} pages par fichier. "
        "Un fichier déjà importé sous le même nom est remplacé s'il a changé.",
    )
    user = current_user()
    if not can(user, "import"):
        st.info(
            "L'import et le remplacement de documents sont réservés à l'équipe : ils changent ce que tous les "
            "groupes voient. Demandez-lui d'ajouter vos fichiers."
        )
        return
    path = cache.db_path()
    if not path.exists():  # where it lies is for whoever serves the app, not for the people using it
        st.caption("La base de données sera créée au premier import.")
    uploads = st.file_uploader(
        "Fichiers à importer",
        type=[e.lstrip(".") for e in SUPPORTED_EXTENSIONS],
        accept_multiple_files=True,
        key="importer_files",
    )
    run_all = st.toggle(
        "Lancer ensuite les traitements (classification, extraction, sujets émergents)",
        value=True,
        key="importer_steps",
    )
    if st.button("Importer", type="primary", disabled=not uploads, key="importer_go"):
        st.session_state["importer_results"] = do_import(
            str(path), [(u.name, u.getvalue()) for u in uploads or []], run_all, limits
        )
    results: list[ImportResult] | None = st.session_state.get("importer_results")
    if results:
        render_results(results)


def do_import(db: str, files: list[tuple[str, bytes]], run_all: bool, limits: Limits) -> list[ImportResult]:
    results: list[ImportResult] = []
    bar = st.progress(0.0, text="Préparation…")
    with cache.open_store(db) as store:
        for i, (name, payload) in enumerate(files, start=1):
            bar.progress((i - 1) / len(files), text=f"Lecture et découpage de « {name} » ({i}/{len(files)})…")
            results.append(import_upload(store, name, payload, limits=limits, user=current_user()))
        bar.progress(1.0, text=f"{len(files)} fichier(s) lus.")
        if run_all and any(r.outcome in ("added", "replaced") for r in results):
            step_bar = st.progress(0.0, text="Traitements…")

            def progress(step: str, done: int, total: int) -> None:
                step_bar.progress(min(done / max(total, 1), 1.0), text=f"{step} : {done}/{total}")

            for message in run_steps(store, progress):
                st.caption(md_escape(message))
            step_bar.progress(1.0, text="Traitements terminés.")
    return results


def render_results(results: list[ImportResult]) -> None:
    ok = [r for r in results if r.outcome != "failed"]
    failed = [r for r in results if r.outcome == "failed"]
    if ok:
        st.success(f"{len(ok)} fichier(s) traité(s), {sum(r.cahiers for r in ok)} cahier(s) au total.")
    for r in results:
        label = OUTCOMES.get(r.outcome, r.outcome)
        if r.outcome == "failed":
            st.error(f"Échec de l'import — {md_escape(r.message)}")
        else:
            st.markdown(f"- **{md_escape(r.name)}** : {md_escape(label)}" + (f", {r.cahiers} cahier(s)" if r.cahiers else ""))
            if r.columns:
                st.caption(md_escape(r.columns))
    if failed and ok:
        st.info(
            "Les autres fichiers ont bien été importés ; corrigez ceux en échec puis déposez-les à nouveau."
        )
    if ok:
        st.page_link(
            str(page_file("pages/overview.py")), label="Voir la vue d'ensemble", icon=":material/insights:"
        )
    st.caption(f"Les fichiers importés sont enregistrés sous le préfixe « {IMPORT_PREFIX} ».")


if __name__ == "__main__":
    page()
