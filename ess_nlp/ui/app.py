"""The app's main page, opened on the database named by ``$ESS_NLP_DB``."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from ess_nlp.store import DEFAULT_DB_PATH, Store


def db_path() -> Path:
    return Path(os.environ.get("ESS_NLP_DB", DEFAULT_DB_PATH))


def main() -> None:
    st.set_page_config(page_title="ESS — cahiers d'espérance", layout="wide")
    st.title("Cahiers d'espérance de l'ESS")
    path = db_path()
    if not path.exists():
        st.info(f"Aucune base à l'emplacement {path} : lancez d'abord « ess-nlp run CHEMIN… ».")
        return
    with Store(path) as store:
        counts = store.count_units()
        sources = store.sources()
    cols = st.columns(3)
    cols[0].metric("Fichiers", len(sources))
    cols[1].metric("Cahiers", counts.get("cahier", 0))
    cols[2].metric("Phrases", counts.get("sentence", 0))
    st.dataframe(
        [{"fichier": s["path"], "format": s["format"], "cahiers": s["cahiers"]} for s in sources],
        hide_index=True,
    )
