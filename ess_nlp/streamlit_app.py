"""The script Streamlit runs (``ess-nlp app``; ``app.py`` at the top level does the same): it
calls :func:`ess_nlp.app.frame.main`, which draws the page asked for.

It sits outside ``ess_nlp/app/`` on purpose: Streamlit treats a ``pages/`` folder next to the
script it runs as old-style pages run on their own, without the frame (login, masking option).
"""

from ess_nlp.app.frame import main

main()
