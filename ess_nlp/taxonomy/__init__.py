"""Taxonomies as data: facets (domains, themes…) and their labels, read from a YAML file.

``load_taxonomy()`` gives the default one (the nine domains and the twelve work themes);
``load_taxonomy("other.yaml")`` reads another consultation's labels, which every classifier of
``ess_nlp.classify`` accepts unchanged.
"""

from __future__ import annotations

from ess_nlp.taxonomy._load import default_taxonomy_path, dump_taxonomy, load_taxonomy, parse_taxonomy
from ess_nlp.taxonomy._schema import Axis, Facet, Label, Taxonomy

__all__ = [
    "Axis",
    "Facet",
    "Label",
    "Taxonomy",
    "default_taxonomy_path",
    "dump_taxonomy",
    "load_taxonomy",
    "parse_taxonomy",
]
