"""Column mapping of tabular form exports (.csv, .xlsx): one row per cahier.

A mapping comes from a sidecar ``<name>.columns.yaml`` beside the file, from the caller, or
is guessed from the header (:func:`default_mapping`).
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ess_nlp.errors import ConfigError

TextKind = Literal["constat", "proposition", "initiative", "contexte", "autre"]
SIDECAR_SUFFIX = ".columns.yaml"


class TextColumn(BaseModel):
    """A text column written into the document as a section titled by the column name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str
    kind: TextKind = "autre"


class ColumnMapping(BaseModel):
    """Which columns of a form export hold what (schema of ``<name>.columns.yaml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    delimiter: str | None = Field(default=None, description="CSV delimiter; sniffed when absent")
    encoding: str | None = Field(default=None, description="CSV encoding; detected when absent")
    sheet: str | None = Field(default=None, description="XLSX sheet name; the first sheet when absent")
    title: str | None = None
    organisation: str | None = None
    legal_form: str | None = None
    territory: tuple[str, ...] = ()
    domain: str | None = None
    text: tuple[TextColumn, ...] = ()
    metadata: tuple[str, ...] = Field(default=(), description="other columns copied into each row's metadata")

    @field_validator("territory", "metadata", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return (value,) if isinstance(value, str) else value

    @field_validator("text", mode="before")
    @classmethod
    def _plain_names(cls, value: object) -> object:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list | tuple):
            return [{"column": v} if isinstance(v, str) else v for v in value]
        return value

    @field_validator("delimiter")
    @classmethod
    def _one_char(cls, value: str | None) -> str | None:
        if value is not None:
            value = {"\\t": "\t", "tab": "\t"}.get(value, value)
            if len(value) != 1:
                raise ValueError("un délimiteur est un seul caractère")
        return value

    @classmethod
    def load(cls, path: str | Path) -> ColumnMapping:
        """Read a mapping file; raise ConfigError naming the file and the problem."""
        path = Path(path)
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
        except yaml.MarkedYAMLError as exc:
            line = exc.problem_mark.line + 1 if exc.problem_mark else 0
            raise ConfigError(
                f"{path} : fichier de correspondance des colonnes illisible (syntaxe YAML invalide ligne {line})."
            ) from exc
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ConfigError(
                f"{path} : fichier de correspondance des colonnes illisible (YAML en UTF-8 attendu)."
            ) from exc
        return cls.from_dict(raw or {}, str(path))

    @classmethod
    def from_dict(cls, raw: object, name: str = "correspondance des colonnes") -> ColumnMapping:
        if not isinstance(raw, dict):
            raise ConfigError(
                f"{name} : un dictionnaire YAML (clé: valeur) est attendu, reçu {type(raw).__name__}."
            )
        try:
            return cls.model_validate(raw)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'racine'} : {_french(err)}" for err in exc.errors()
            )
            raise ConfigError(f"{name} : correspondance des colonnes invalide ({problems}).") from exc

    def columns_used(self) -> list[str]:
        names = [self.title, self.organisation, self.legal_form, self.domain, *self.territory]
        names += [t.column for t in self.text] + list(self.metadata)
        return [n for n in names if n]


def _french(error: Mapping[str, Any]) -> str:
    """A pydantic validation error in French."""
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "extra_forbidden":
        allowed = ", ".join(ColumnMapping.model_fields)
        return f"clé inconnue (clés permises : {allowed})"
    if kind == "missing":
        return "valeur obligatoire manquante"
    if kind == "literal_error":
        return f"valeur « {error.get('input')} » non permise (valeurs permises : {', '.join(get_args(TextKind))})"
    if kind in {"string_type", "str_type"}:
        return "un texte est attendu"
    if kind in {"tuple_type", "list_type"}:
        return "une liste est attendue"
    if kind == "value_error":
        return str(context.get("error", "valeur invalide"))
    return f"valeur invalide ({kind})"


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.stem + SIDECAR_SUFFIX)


# --- default mapping from the header ---------------------------------------------------------


def _key(label: str) -> str:
    text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


_TITLE = re.compile(
    r"^(titre|intitule|nom) (de l |du |de la )?(initiative|projet|action|cahier|contribution)|^(titre|intitule|title)$"
)
_ORGANISATION = re.compile(
    r"^(organisation|structure|association|porteur|nom de la structure|structure porteuse|organisme|entreprise)\b"
)
_LEGAL_FORM = re.compile(r"^(statut|forme) (juridique)?|^statut$")
_TERRITORY = re.compile(
    r"^(commune|ville|territoire|departement|region|code postal|code commune|code insee|localite|quartier|lieu)\b"
)
_DOMAIN = re.compile(r"^(domaine|domaines|secteur|champ)\b")
_KINDS: tuple[tuple[re.Pattern[str], TextKind], ...] = (
    (re.compile(r"constat|diagnostic|probleme|difficult"), "constat"),
    (re.compile(r"proposition|propos|recommandation|solution|idee"), "proposition"),
    (re.compile(r"initiative|presentation|projet|action|realisation"), "initiative"),
    (re.compile(r"contexte"), "contexte"),
)
# A column is free text when its non-empty cells are long, mostly distinct and written as
# sentences (very long cells count as prose whatever their punctuation); names of workshops,
# places or questions repeated from row to row are metadata.
_TEXT_MIN_MEDIAN = 30
_TEXT_PROSE_MEDIAN = 100
_TEXT_MIN_DISTINCT = 0.5
_TEXT_MIN_SENTENCES = 0.3
_SENTENCE_RE = re.compile(r"[.!?…](\s|$)")
# Short answers (median under _TEXT_MIN_MEDIAN characters) are still free text when people wrote
# them: almost all distinct (labels repeated from row to row are metadata), mostly letters, several words ("Créer une monnaie locale"), and the
# header does not name a person, a contact, a date, a number or a code. A header naming a kind of
# text ("Propositions", "Vos idées") or asking a question needs two words per answer, any other
# header three (a name "Jean Dupont" is two). Such columns are kept as text and reported.
_SHORT_MIN_WORDS = 3
_SHORT_MIN_DISTINCT = 0.8
_SHORT_MIN_WORDS_TEXT_HEADER = 2
_SHORT_MIN_LETTERS = 0.6
_NOT_TEXT_HEADER = re.compile(
    r"\b(nom|noms|prenom|prenoms|contact|contacts|referent|e ?mail|mail|courriel|telephone|tel|portable|mobile|"
    r"adresse|adresses|date|dates|jour|heure|age|annee|site|url|web|siret|siren|code|numero|num|n|id|"
    r"identifiant|nombre|nb|montant|effectif|effectifs|budget|horodateur|horodatage|timestamp|statut|"
    r"type|categorie|genre|sexe|civilite|website|logo|image|images|photo|photos|tag|tags|latitude|longitude|gps)\b"
)


def guess_kind(label: str) -> TextKind:
    key = _key(label)
    for pattern, kind in _KINDS:
        if pattern.search(key):
            return kind
    return "autre"


def default_mapping(header: Sequence[str], rows: Sequence[Sequence[str]]) -> ColumnMapping:
    """Guess a mapping: usual French headers for title, organisation, legal form, territory and
    domain; every other column whose cells are long, mostly distinct prose becomes a text field
    (kind guessed from its name: "constat", "proposition", "initiative"...), and so does a
    column of short answers people wrote (:func:`_is_short_text_column`), which
    :func:`mapping_summary` reports."""
    found: dict[str, object] = {}
    territory: list[str] = []
    text: list[TextColumn] = []
    filled: list[list[str]] = [[] for _ in header]  # each column's non-empty cells, in one pass
    width = len(header)
    for row in rows:
        for index, value in enumerate(row[:width]):
            if value:
                filled[index].append(value)
    for index, label in enumerate(header):
        key = _key(label)
        if not key:
            continue
        if "title" not in found and _TITLE.search(key):
            found["title"] = label
        elif "organisation" not in found and _ORGANISATION.search(key):
            found["organisation"] = label
        elif "legal_form" not in found and _LEGAL_FORM.search(key):
            found["legal_form"] = label
        elif _TERRITORY.search(key):
            territory.append(label)
        elif "domain" not in found and _DOMAIN.search(key):
            found["domain"] = label
        elif _is_text_column(filled[index]) or _is_short_text_column(label, filled[index]):
            text.append(TextColumn(column=label, kind=guess_kind(label)))
    return ColumnMapping.model_validate(
        {**found, "territory": territory, "text": [t.model_dump() for t in text]}
    )


def _is_text_column(values: Sequence[str]) -> bool:
    cells = [v.strip() for v in values if v and v.strip()]
    if not cells:
        return False
    median = statistics.median(len(c) for c in cells)
    if median < _TEXT_MIN_MEDIAN:
        return False
    if len(cells) >= 4 and len(set(cells)) < _TEXT_MIN_DISTINCT * len(cells):
        return False
    sentences = sum(1 for c in cells if _SENTENCE_RE.search(c))
    return median >= _TEXT_PROSE_MEDIAN or sentences >= _TEXT_MIN_SENTENCES * len(cells)


def _is_short_text_column(label: str, values: Sequence[str]) -> bool:
    """Short free-text answers (see the constants above): kept as text, never dropped silently."""
    if _NOT_TEXT_HEADER.search(_key(label)):
        return False
    cells = [v.strip() for v in values if v and v.strip()]
    if not cells:
        return False
    if len(cells) >= 4 and len(set(cells)) < _SHORT_MIN_DISTINCT * len(cells):
        return False
    visible = sum(1 for c in cells for ch in c if not ch.isspace())
    letters = sum(1 for c in cells for ch in c if ch.isalpha())
    if letters < _SHORT_MIN_LETTERS * visible:
        return False
    textual = guess_kind(label) != "autre" or "?" in label
    words = statistics.median(len(c.split()) for c in cells)
    return words >= (_SHORT_MIN_WORDS_TEXT_HEADER if textual else _SHORT_MIN_WORDS)


def mapping_summary(mapping: ColumnMapping, header: Sequence[str], rows: Sequence[Sequence[str]], *, guessed: bool) -> str:
    """One French line saying how the columns were read: the text columns (with their kind;
    those whose answers are short, median under 30 characters, are named so), the title and
    organisation columns, and the columns kept as metadata only."""
    index = {label: i for i, label in enumerate(header)}

    def median_length(column: str) -> float:
        i = index.get(column)
        cells = [r[i].strip() for r in rows if i is not None and i < len(r) and r[i].strip()]
        return statistics.median(len(c) for c in cells) if cells else 0.0

    texts = []
    for col in mapping.text:
        median = median_length(col.column)
        shown = f"{median:g}".replace(".", ",")
        short = f", réponses courtes : médiane {shown} caractères" if 0 < median < _TEXT_MIN_MEDIAN else ""
        texts.append(f"« {col.column} » ({col.kind}{short})")
    parts = [("colonnes de texte : " + ", ".join(texts)) if texts else "aucune colonne de texte"]
    if mapping.title:
        parts.append(f"titre : « {mapping.title} »")
    if mapping.organisation:
        parts.append(f"organisation : « {mapping.organisation} »")
    if mapping.territory:
        parts.append("territoire : " + ", ".join(f"« {t} »" for t in mapping.territory))
    used = set(mapping.columns_used())
    rest = [label for label in header if label not in used]
    if rest:
        parts.append("gardées en métadonnées : " + ", ".join(f"« {r} »" for r in rest))
    how = "devinées d'après l'en-tête" if guessed else "selon la correspondance fournie"
    return f"Colonnes {how} — " + " ; ".join(parts) + "."
