"""Taxonomies as data: facets (domains, themes…) and their labels, read from a YAML file::

    from ess_nlp.taxonomy import load_taxonomy
    taxonomy = load_taxonomy()                 # the nine domains and twelve themes
    taxonomy = load_taxonomy("my_labels.yaml") # another consultation's labels
"""

from __future__ import annotations

from ess_nlp.taxonomy._load import default_taxonomy_path, load_taxonomy, parse_taxonomy
from ess_nlp.taxonomy._schema import Axis, Facet, Label, Taxonomy

__all__ = ["Axis", "Facet", "Label", "Taxonomy", "default_taxonomy_path", "load_taxonomy", "parse_taxonomy"]
