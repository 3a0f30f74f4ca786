"""The script Streamlit runs (``ess-nlp app``; ``app.py`` at the top level does the same): it
calls :func:`ess_nlp.app.frame.main`, which draws the page asked for.

It sits outside ``ess_nlp/app/`` on purpose: Streamlit treats a ``pages/`` folder next to the
script it runs as old-style pages run on their own, without the frame (login, masking option).
"""

from ess_nlp.app.frame import main

# Guarded like any script that may start processes: a process started by multiprocessing's
# "spawn" (Dask's workers) re-runs the main script of its parent under another name, and after
# Streamlit ran this script in a process, this script is that process's main one.
if __name__ == "__main__":
    main()
