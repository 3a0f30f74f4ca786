"""Training data: texts and their labels, from a CSV/JSONL file or from stored annotations.

Every problem a researcher can make in a training file is reported in one French sentence
naming the file, the line or the label, and what was expected: missing file or column, empty
text, empty label cell, label unknown to the taxonomy, a single label in a column, too few
examples of a label.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ess_nlp.classify._text import LemmatizedText, unit_text
from ess_nlp.errors import ConfigError
from ess_nlp.taxonomy import Facet, Taxonomy

logger = logging.getLogger(__name__)

DEFAULT_MIN_EXAMPLES = 5
"""Fewest texts a label needs (also the number of cross-validation folds)."""

SUPPORTED_SUFFIXES = (".csv", ".tsv", ".jsonl")


@dataclass
class FacetLabels:
    """The labels of one facet for every text of a training set."""

    facet: str
    column: str
    labels: list[tuple[str, ...]]
    multi_label: bool
    indices: list[int] | None = None
    """Which texts of the training set these labels belong to (None: all of them, in order)."""

    def counts(self) -> Counter[str]:
        return Counter(label for row in self.labels for label in row)


@dataclass
class TrainingData:
    """Texts and, per facet, their labels (ids of the taxonomy)."""

    texts: list[str]
    facets: dict[str, FacetLabels]
    source: str
    sha256: str
    text_col: str = "text"
    lines: list[int] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.texts)

    def describe(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "sha256": self.sha256,
            "rows": len(self.texts),
            "text_col": self.text_col,
            "label_cols": {f: fl.column for f, fl in self.facets.items()},
            "label_counts": {f: dict(sorted(fl.counts().items())) for f, fl in self.facets.items()},
        }

    def facet_texts(self, facet: str) -> list[str]:
        """The texts labelled for ``facet`` (aligned with ``self.facets[facet].labels``)."""
        indices = self.facets[facet].indices
        return list(self.texts) if indices is None else [self.texts[i] for i in indices]


def read_rows(path: str | Path) -> tuple[list[tuple[int, dict[str, Any]]], list[str], str]:
    """``([(line, row)], columns, sha256)`` of a CSV/TSV (header row) or JSONL file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError as err:
        raise ConfigError(f"{path} : fichier de données introuvable.") from err
    except OSError as err:
        raise ConfigError(f"{path} : fichier de données illisible ({err}).") from err
    digest = hashlib.sha256(raw).hexdigest()
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ConfigError(
            f"{path} : format « {suffix or '(aucune extension)'} » non pris en charge pour des données "
            f"d'entraînement (attendu : {', '.join(SUPPORTED_SUFFIXES)})."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ConfigError(
            f"{path} : le fichier n'est pas en UTF-8 ({err.reason} à l'octet {err.start})."
        ) from err
    if suffix == ".jsonl":
        return _read_jsonl(path, text), _jsonl_columns(path, text), digest
    return *_read_csv(path, text, "\t" if suffix == ".tsv" else None), digest


def _read_csv(
    path: Path, text: str, delimiter: str | None
) -> tuple[list[tuple[int, dict[str, Any]]], list[str]]:
    if delimiter is None:
        sample = text[:20000]
        try:
            delimiter = (
                csv.Sniffer().sniff(sample.splitlines()[0] if sample else ",", delimiters=",;\t").delimiter
            )
        except csv.Error:
            delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration as err:
        raise ConfigError(
            f"{path} : fichier vide (une ligne d'en-tête avec les noms de colonnes est attendue)."
        ) from err
    header = [h.strip() for h in header]
    rows = []
    line = reader.line_num + 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                if len(record) > len(header):
                    raise ConfigError(
                        f"{path}, ligne {line} : {len(record)} cellules pour {len(header)} colonnes d'en-tête."
                    )
                rows.append((line, dict(zip(header, record, strict=False))))
            line = reader.line_num + 1
    except csv.Error as err:
        raise ConfigError(f"{path}, ligne {line} : CSV invalide ({err}).") from err
    return rows, header


def _read_jsonl(path: Path, text: str) -> list[tuple[int, dict[str, Any]]]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise ConfigError(f"{path}, ligne {number} : JSON invalide ({err.msg}).") from err
        if not isinstance(record, dict):
            raise ConfigError(f"{path}, ligne {number} : un objet JSON {{…}} est attendu par ligne.")
        rows.append((number, record))
    return rows


def _jsonl_columns(path: Path, text: str) -> list[str]:
    columns: dict[str, None] = {}
    for _, record in _read_jsonl(path, text):
        columns.update(dict.fromkeys(record))
    return list(columns)


def load_training_data(
    path: str | Path,
    *,
    text_col: str,
    label_cols: Sequence[str],
    taxonomy: Taxonomy,
    label_sep: str = ";",
    facets: Sequence[str | None] | None = None,
    min_examples: int = DEFAULT_MIN_EXAMPLES,
    multi_label: bool | None = None,
) -> TrainingData:
    """Read texts and labels from a CSV/TSV/JSONL file and check them against ``taxonomy``.

    Each label column gives one facet: the facet named in ``facets`` (same position), else the
    facet whose id is the column name, else the only facet that knows every label of the
    column. A cell holds label ids (or label names) joined by ``label_sep``; a JSONL value may
    also be a list. ``multi_label`` None: multi-label when some text has several labels.
    ``min_examples`` 0 skips the label-count checks (evaluation data).
    """
    rows, columns, digest = read_rows(path)
    source = str(path)
    if not rows:
        raise ConfigError(
            f"{source} : aucune ligne de données (au moins {min_examples} textes par label attendus)."
        )
    for column in [text_col, *label_cols]:
        if column not in columns:
            raise ConfigError(
                f"{source} : colonne « {column} » absente (colonnes présentes : {', '.join(columns)})."
            )
    if not label_cols:
        raise ConfigError(f"{source} : aucune colonne de labels indiquée.")
    texts, lines = [], []
    for line, row in rows:
        value = row.get(text_col)
        text = "" if value is None else str(value)
        if not text.strip():
            raise ConfigError(
                f"{source}, ligne {line} : texte vide dans la colonne « {text_col} » ; un texte non vide est attendu."
            )
        texts.append(text)
        lines.append(line)
    wanted_facets = list(facets) if facets is not None else [None] * len(label_cols)
    if len(wanted_facets) != len(label_cols):
        raise ConfigError(
            f"{source} : {len(label_cols)} colonnes de labels mais {len(wanted_facets)} facettes indiquées."
        )
    result: dict[str, FacetLabels] = {}
    for column, wanted in zip(label_cols, wanted_facets, strict=True):
        cells = [(line, _split(row.get(column), label_sep)) for line, row in rows]
        facet = _facet_for(column, wanted, cells, taxonomy, source)
        labels = []
        for line, values in cells:
            if not values:
                raise ConfigError(
                    f"{source}, ligne {line} : aucun label dans la colonne « {column} » ; au moins un label "
                    f"de la facette « {facet.id} » est attendu."
                )
            labels.append(
                tuple(dict.fromkeys(_resolve(v, facet, taxonomy, source, line, column) for v in values))
            )
        multi = multi_label if multi_label is not None else any(len(row) > 1 for row in labels)
        if not multi and any(len(row) > 1 for row in labels):
            line = next(line for line, row in zip(lines, labels, strict=True) if len(row) > 1)
            raise ConfigError(
                f"{source}, ligne {line} : plusieurs labels dans la colonne « {column} » alors qu'un seul est attendu "
                "(données mono-label)."
            )
        facet_labels = FacetLabels(facet.id, column, labels, multi)
        if min_examples > 0:
            check_label_counts(facet_labels, facet, source, min_examples)
        if facet.id in result:
            raise ConfigError(f"{source} : deux colonnes de labels pour la facette « {facet.id} ».")
        result[facet.id] = facet_labels
    return TrainingData(texts, result, source, digest, text_col=text_col, lines=lines)


def check_label_counts(data: FacetLabels, facet: Facet, source: str, min_examples: int) -> None:
    """A single label, or a label with fewer than ``min_examples`` texts, is an error."""
    counts = data.counts()
    if len(counts) < 2:
        only = next(iter(counts), "?")
        raise ConfigError(
            f"{source} : un seul label (« {only} ») dans la colonne « {data.column} » ; il en faut au moins deux "
            "pour entraîner un classifieur."
        )
    if data.multi_label:
        n = len(data.labels)
        always = [label for label, c in counts.items() if c == n]
        if always:
            raise ConfigError(
                f"{source} : le label « {always[0]} » est sur tous les textes de la colonne « {data.column} » ; "
                "il faut aussi des textes sans lui pour l'apprendre."
            )
    rare = sorted((c, label) for label, c in counts.items() if c < min_examples)
    if rare:
        count, label = rare[0]
        raise ConfigError(
            f"{source} : le label « {label} » n'a que {count} exemple(s) dans la colonne « {data.column} » ; "
            f"il en faut au moins {min_examples} (ajoutez des exemples ou baissez --min-examples)."
        )


def _split(value: Any, sep: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(sep) if part.strip()] if sep else [str(value).strip()]


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _matches(value: str, facet: Facet) -> str | None:
    if value in facet.label_ids:
        return value
    folded = _fold(value)
    for label in facet.labels:
        if folded in (_fold(label.id), _fold(label.name), _fold(label.short_name or "\0")):
            return label.id
    return None


def _facet_for(
    column: str, wanted: str | None, cells: list[tuple[int, list[str]]], taxonomy: Taxonomy, source: str
) -> Facet:
    if wanted is not None:
        if wanted not in taxonomy.facet_ids:
            raise ConfigError(
                f"{source} : facette « {wanted} » inconnue de la taxonomie « {taxonomy.name} » "
                f"(facettes : {', '.join(taxonomy.facet_ids)})."
            )
        return taxonomy.facet(wanted)
    if column in taxonomy.facet_ids:
        return taxonomy.facet(column)
    values = {v for _, vs in cells for v in vs}
    fitting = [f for f in taxonomy.facets if all(_matches(v, f) is not None for v in values)]
    if len(fitting) == 1:
        return fitting[0]
    if len(taxonomy.facets) == 1:
        return taxonomy.facets[0]
    if not fitting:
        # The facet that knows most of the labels reports the unknown ones.
        return max(taxonomy.facets, key=lambda f: sum(_matches(v, f) is not None for v in values))
    raise ConfigError(
        f"{source} : les labels de la colonne « {column} » appartiennent à plusieurs facettes "
        f"({', '.join(f.id for f in fitting)}) ; indiquez la facette (--facet)."
    )


def _resolve(value: str, facet: Facet, taxonomy: Taxonomy, source: str, line: int, column: str) -> str:
    label = _matches(value, facet)
    if label is None:
        raise ConfigError(
            f"{source}, ligne {line} : label « {value} » inconnu de la facette « {facet.id} » de la taxonomie "
            f"« {taxonomy.name} » dans la colonne « {column} » (labels attendus : {', '.join(facet.label_ids)})."
        )
    return label


# --- annotations stored in the database ------------------------------------------------------


def annotations_training_data(
    store: Any,
    *,
    taxonomy: Taxonomy,
    facets: Sequence[str] | None = None,
    level: str | None = None,
    min_examples: int = DEFAULT_MIN_EXAMPLES,
) -> TrainingData:
    """Texts and labels from the ``annotations`` table (latest value per unit, facet and label).

    A unit counts for a facet when some annotator gave it at least one label of that facet;
    its labels are those whose latest value is 1. The facet decides single- or multi-label.
    """
    wanted = list(facets) if facets is not None else list(taxonomy.facet_ids)
    rows = store.conn.execute(
        "SELECT a.unit_id, a.facet, a.label, a.value FROM annotations a"
        " JOIN units u ON u.id = a.unit_id"
        + (" WHERE u.level = ?" if level else "")
        + " ORDER BY a.created_at, a.id",
        (level,) if level else (),
    ).fetchall()
    latest: dict[tuple[str, str, str], int] = {}
    for row in rows:
        latest[(row["unit_id"], row["facet"], row["label"])] = int(row["value"])
    source = f"annotations de {getattr(store, 'path', 'la base')}"
    for unit_id, facet_id, label in latest:
        if facet_id in wanted and label not in taxonomy.facet(facet_id).label_ids:
            raise ConfigError(
                f"{source} : label « {label} » (unité {unit_id}) inconnu de la facette « {facet_id} » "
                f"(labels attendus : {', '.join(taxonomy.facet(facet_id).label_ids)})."
            )
    unit_ids = sorted({u for (u, f, _), v in latest.items() if f in wanted})
    if not unit_ids:
        raise ConfigError(f"{source} : aucune annotation pour les facettes {', '.join(wanted)}.")
    units = {unit.id: unit for unit in store.units(ids=unit_ids)}
    texts: dict[str, LemmatizedText] = {}
    for unit_id in unit_ids:
        unit = units[unit_id]
        sentences = [] if unit.level == "sentence" else list(_sentences_of(store, unit))
        texts[unit_id] = unit_text(unit, sentences)
    ordered = [u for u in unit_ids if units[u].text.strip()]
    position = {u: i for i, u in enumerate(ordered)}
    annotated = {(u, f) for (u, f, _) in latest}
    result: dict[str, FacetLabels] = {}
    for facet_id in wanted:
        facet = taxonomy.facet(facet_id)
        members = [u for u in ordered if (u, facet_id) in annotated]
        if not members:
            continue
        labels = [
            tuple(lab for lab in facet.label_ids if latest.get((u, facet_id, lab)) == 1) for u in members
        ]
        if not facet.multi_label:
            labels = [row[:1] for row in labels]
        data = FacetLabels(facet_id, facet_id, labels, facet.multi_label, [position[u] for u in members])
        check_label_counts(data, facet, source, min_examples)
        result[facet_id] = data
    digest = hashlib.sha256(json.dumps(sorted(latest.items())).encode("utf-8")).hexdigest()
    return TrainingData([texts[u] for u in ordered], result, source, digest, text_col="units.text", ids=ordered)


def _sentences_of(store: Any, unit: Any) -> Sequence[Any]:
    if unit.level == "cahier":
        return [
            u
            for u in store.units("sentence", cahier=unit.cahier or unit.id)
            if unit.start <= u.start < unit.end
        ]
    return [
        u for u in store.units("sentence", cahier=unit.cahier) if unit.start <= u.start and u.end <= unit.end
    ]
