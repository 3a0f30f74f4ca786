"""Streamlit entry point: ``streamlit run app.py`` (or ``ess-nlp app``). The pages live in ess_nlp/app/pages."""

from ess_nlp.app.frame import main

main()
