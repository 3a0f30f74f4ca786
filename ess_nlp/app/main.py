"""Streamlit entry point (``ess-nlp app`` runs this file; ``app.py`` at the top level does the same)."""

from ess_nlp.app.frame import main

main()
