"""Streamlit entry point: ``streamlit run app.py`` (or ``ess-nlp app``). The pages live in ess_nlp.ui."""

from ess_nlp.ui.app import main

main()
