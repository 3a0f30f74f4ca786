"""Pieces the pages share (headers and escaping, highlight and KWIC HTML, charts, filters,
the masking option, login, « ajouter à la synthèse », detached annotations)."""
