"""The pages of the app, one script each, run by the navigation (``ess_nlp/app/nav.py``)."""
