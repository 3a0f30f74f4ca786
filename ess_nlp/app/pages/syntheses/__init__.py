"""Page « Synthèses », as a small package: ``page.py`` is the script the navigation runs; ``session.py``
holds the editing session and autosave, ``editor.py`` the fields, sections and items, ``exports.py``
the downloads, ``lifecycle.py`` history and deletion."""
