"""The sample corpus gold as training data: each gold cahier's text, domains and themes.

The gold file (``corpus/gold/sample.jsonl``) gives, per cahier, its source file, its position
in that file and its labels; the texts come from reading and splitting the source files with
the project's own reader and splitter, exactly as the pipeline sees them.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from pathlib import Path

from ess_nlp.classify._text import LemmatizedText, unit_text
from ess_nlp.classify.data import FacetLabels, TrainingData
from ess_nlp.errors import ConfigError
from ess_nlp.taxonomy import Taxonomy


def read_gold(path: str | Path) -> list[dict[str, object]]:
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise ConfigError(f"{path} : fichier de référence illisible ({err}).") from err
    return [json.loads(line) for line in lines if line.strip()]


def gold_training_data(gold_path: str | Path, sample_dir: str | Path, taxonomy: Taxonomy) -> TrainingData:
    """Cahier texts of the sample corpus with their gold ``domains`` and ``themes``.

    Raises :class:`ConfigError` when a source file does not split into as many cahiers as the
    gold lists for it.
    """
    from ess_nlp.ingest import read_document
    from ess_nlp.segment import split_document

    gold = read_gold(gold_path)
    sample_dir = Path(sample_dir)
    by_source: dict[str, list[dict[str, object]]] = defaultdict(list)
    for entry in gold:
        by_source[str(entry["source"])].append(entry)
    texts: dict[str, LemmatizedText] = {}
    for source, entries in sorted(by_source.items()):
        units = split_document(read_document(sample_dir / source, source=source))
        cahiers = [u for u in units if u.level == "cahier"]
        if len(cahiers) != len(entries):
            raise ConfigError(
                f"{sample_dir / source} : {len(cahiers)} cahier(s) découpé(s) pour {len(entries)} dans {gold_path}."
            )
        sentences = [u for u in units if u.level == "sentence"]
        for entry, cahier in zip(sorted(entries, key=lambda e: int(str(e["order"]))), cahiers, strict=True):
            inside = [s for s in sentences if s.cahier == cahier.id]
            texts[str(entry["id"])] = unit_text(cahier, inside)
    ids = [str(entry["id"]) for entry in gold]
    facets: dict[str, FacetLabels] = {}
    for facet in ["domains", "themes"]:
        if facet not in taxonomy.facet_ids:
            continue
        labels = [tuple(str(x) for x in entry[facet]) for entry in gold]  # type: ignore[attr-defined]
        facets[facet] = FacetLabels(facet, facet, labels, multi_label=True)
    digest = hashlib.sha256(Path(gold_path).read_bytes()).hexdigest()
    data = TrainingData([texts[i] for i in ids], facets, str(gold_path), digest, text_col="cahier")
    data.lines = list(range(1, len(ids) + 1))
    data.ids = ids
    return data
