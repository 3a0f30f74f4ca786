"""Streamlit entry point: ``streamlit run app.py`` (or ``ess-nlp app``). The pages live in ess_nlp/app/pages."""

from ess_nlp.app.frame import main

# Guarded like any script that may start processes: a process started by multiprocessing's
# "spawn" (Dask's workers) re-runs the main script of its parent under another name, and after
# Streamlit ran this script in a process, this script is that process's main one.
if __name__ == "__main__":
    main()
