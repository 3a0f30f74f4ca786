"""Render the illustrative sample corpus and its gold from the YAML specs.

Usage (from the repository root)::

    .venv/bin/python corpus/authoring/build.py            # render sample/, crossformat/, gold/ in corpus/
    .venv/bin/python corpus/authoring/build.py --check    # validate every spec, render nothing
    .venv/bin/python corpus/authoring/build.py --out DIR  # render under DIR/sample, DIR/crossformat, DIR/gold

The authoring format and the rendering rules are in ``corpus/authoring/SPEC.md``. The build is
deterministic: fixed dates in document metadata and fixed zip timestamps.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import html
import io
import json
import re
import statistics
import sys
import zipfile
from collections import Counter
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
SPECS_DIR = HERE / "specs"
CORPUS_DIR = HERE.parent

FIXED_DATETIME = dt.datetime(2011, 3, 15, 10, 0, 0)
ZIP_DATE = (2011, 3, 15, 10, 0, 0)
FONT_REGULAR = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

DOMAINS = (
    "consommer",
    "cooperer",
    "creer",
    "democratiser",
    "financer",
    "se_former",
    "se_loger",
    "soigner",
    "travailler",
)
DOMAIN_LABELS = {
    "consommer": "Consommer",
    "cooperer": "Coopérer",
    "creer": "Créer",
    "democratiser": "Démocratiser",
    "financer": "Financer",
    "se_former": "Se former",
    "se_loger": "Se loger",
    "soigner": "Soigner",
    "travailler": "Travailler",
}
THEMES = tuple(f"T{i}" for i in range(1, 13))
KINDS = ("constat", "proposition", "initiative", "contexte", "autre")
UNITS = (
    "emplois",
    "personnes",
    "euros",
    "hectares",
    "m2",
    "annees",
    "tonnes",
    "adherents",
    "benevoles",
    "structures",
    "logements",
    "pourcent",
    "km",
    "repas",
    "heures",
)
PLACE_LEVELS = ("commune", "departement", "region")
LAYOUTS = ("label", "caps", "numbered", "roman", "markdown", "bold")
NUMBERED_MARKERS = ("1.", "1)", "1 -", "1/", "a)", "a.", "A)", "A.", "i)", "i.")
BULLET_MARKERS = ("-", "•", "–", "*", "o")
FORMATS = ("docx", "pdf", "odt", "html", "txt", "md", "csv")
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252")

CSV_FILE = "csv/formulaire-en-ligne.csv"
CSV_COLUMNS = {
    "delimiter": ";",
    "encoding": "cp1252",
    "title": "Titre de l'initiative",
    "organisation": "Structure porteuse",
    "legal_form": "Statut juridique",
    "territory": ["Commune", "Département", "Région"],
    "domain": "Domaine",
    "text": [
        {"column": "Présentation de l'initiative", "kind": "initiative"},
        {"column": "Constats", "kind": "constat"},
        {"column": "Propositions", "kind": "proposition"},
    ],
}
CSV_HEADER = [
    "N°",
    "Date de dépôt",
    "Titre de l'initiative",
    "Structure porteuse",
    "Statut juridique",
    "Commune",
    "Département",
    "Région",
    "Domaine",
    "Présentation de l'initiative",
    "Constats",
    "Propositions",
    "Site web",
]

DEFAULT_RUNNING_HEADER = "États généraux de l'économie sociale et solidaire — Cahier d'espérance"
COMPILED_RUNNING_HEADER = "États généraux de l'ESS 2011 — Recueil des cahiers d'espérance"

TOP_KEYS = {
    "id",
    "file",
    "formats",
    "order",
    "style",
    "banner",
    "title",
    "domains",
    "themes",
    "organisations",
    "territory",
    "blocks",
    "footnotes",
    "proposals_in_prose",
    "constats",
    "initiatives",
    "date",
}
STYLE_KEYS = {
    "headings",
    "numbering",
    "marker",
    "bullet",
    "sub_marker",
    "separator",
    "title_label",
    "running_header",
    "footer",
    "encoding",
}
LIST_KEYS = {"intro", "style", "proposals", "items", "marker", "sub_style", "sub_marker"}
TABLE_KEYS = {"header", "rows", "proposals_column"}
INITIATIVE_KEYS = {"name", "organisation", "legal_form", "since", "place", "partners", "figures", "urls"}


class SpecError(Exception):
    """A spec is invalid; the message names the spec and what is wrong (in French)."""


# --------------------------------------------------------------------------------------------
# Model: a cahier as a flat list of elements every renderer walks
# --------------------------------------------------------------------------------------------


@dataclass
class El:
    kind: str  # banner | title | heading | para | item | alt | table
    text: str = ""
    block: int | None = None
    depth: int = 0
    list_id: int | None = None
    numbered: bool = False
    pattern: str | None = None  # typed marker pattern ("1.", "a)", "-")
    index: int = 0  # 1-based position in its (sub)list
    rows: list[list[str]] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)  # (offset in text, marker)

    @property
    def marker(self) -> str:
        """Typed marker as written ("3.", "b)", "-")."""
        assert self.pattern is not None
        return format_marker(self.pattern, self.index)

    @property
    def number(self) -> str | None:
        """Gold number: the marker without trailing punctuation; None for bullets."""
        if not self.numbered:
            return None
        return marker_core(self.pattern or "1.", self.index)


@dataclass
class Cahier:
    spec: dict[str, Any]
    path: Path
    elements: list[El]
    gold: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.spec["id"])

    @property
    def style(self) -> dict[str, Any]:
        return self.spec.get("style") or {}

    @property
    def footnotes(self) -> list[dict[str, str]]:
        return self.spec.get("footnotes") or []


def to_roman(n: int) -> str:
    vals = [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for v, s in vals:
        while n >= v:
            out += s
            n -= v
    return out


def marker_core(pattern: str, k: int) -> str:
    head = pattern[0]
    if head == "1":
        return str(k)
    if head == "a":
        return chr(96 + k)
    if head == "A":
        return chr(64 + k)
    if head == "i":
        return to_roman(k)
    return ""


def format_marker(pattern: str, k: int) -> str:
    if pattern in BULLET_MARKERS:
        return pattern
    return marker_core(pattern, k) + pattern[1:]


# --------------------------------------------------------------------------------------------
# Loading and validation
# --------------------------------------------------------------------------------------------


def _is_str(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _check_text(errors: list[str], where: str, value: Any) -> None:
    if not _is_str(value):
        errors.append(f"{where} : texte attendu (chaîne non vide), reçu {value!r}.")
        return
    if "\n" in value:
        errors.append(
            f"{where} : le texte contient un saut de ligne ; un paragraphe tient sur une seule chaîne."
        )
    if "  " in value:
        errors.append(f"{where} : le texte contient deux espaces consécutives.")
    if value != value.strip():
        errors.append(f"{where} : le texte commence ou finit par une espace.")


def load_specs(specs_dir: Path) -> list[dict[str, Any]]:
    specs = []
    for path in sorted(specs_dir.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise SpecError(f"{path.name} : YAML illisible ({exc}).") from exc
        if not isinstance(data, dict):
            raise SpecError(f"{path.name} : le fichier doit contenir un objet YAML (clé: valeur).")
        data["_path"] = path
        specs.append(data)
    return specs


def validate_spec(spec: dict[str, Any]) -> list[str]:
    """Structural validation; returns a list of French error messages."""
    name = spec["_path"].name
    errors: list[str] = []

    def err(msg: str) -> None:
        errors.append(f"{name} : {msg}")

    unknown = set(spec) - TOP_KEYS - {"_path"}
    if unknown:
        err(f"clés inconnues {sorted(unknown)} ; clés permises : {sorted(TOP_KEYS)}.")
    for key in ("id", "title", "domains", "themes", "organisations", "territory", "blocks"):
        if key not in spec or spec[key] in (None, "", []):
            err(f"champ obligatoire « {key} » absent ou vide.")
    if errors:
        return errors
    sid = str(spec["id"])
    if not re.fullmatch(r"[cfx]\d\d", sid):
        err(f"id « {sid} » invalide ; attendu c01…c99, f01…f99 ou x01…x99.")
    if spec["_path"].stem != sid:
        err(f"l'id « {sid} » doit être le nom du fichier (« {spec['_path'].stem} »).")
    if sid.startswith("x"):
        fmts = spec.get("formats")
        if (
            not isinstance(fmts, list)
            or not fmts
            or any(f not in ("txt", "docx", "odt", "pdf", "md", "html") for f in fmts)
        ):
            err(
                "un document croisé (x..) doit avoir « formats » : liste parmi txt, docx, odt, pdf, md, html."
            )
        if "file" in spec:
            err("un document croisé (x..) a « formats » et pas de « file ».")
    else:
        file = spec.get("file")
        if not _is_str(file):
            err("champ obligatoire « file » absent (chemin sous corpus/sample/).")
        else:
            parts = file.split("/")
            ext = file.rsplit(".", 1)[-1]
            if len(parts) != 2 or parts[0] != ext or ext not in FORMATS:
                err(
                    f"« file » « {file} » invalide ; attendu <format>/<nom>.<format> "
                    f"avec format parmi {FORMATS}."
                )
            if sid.startswith("f") and file != CSV_FILE:
                err(f"une ligne de formulaire (f..) va dans « {CSV_FILE} », pas « {file} ».")
            if sid.startswith("c") and ext == "csv":
                err("un cahier (c..) ne va pas dans l'export CSV ; utiliser un id f.. .")
    if "order" in spec and not isinstance(spec["order"], int):
        err(f"« order » doit être un entier, reçu {spec['order']!r}.")
    style = spec.get("style") or {}
    if not isinstance(style, dict):
        err("« style » doit être un objet.")
        style = {}
    bad_style = set(style) - STYLE_KEYS
    if bad_style:
        err(f"clés de style inconnues {sorted(bad_style)} ; permises : {sorted(STYLE_KEYS)}.")
    if style.get("headings") not in (None, *LAYOUTS):
        err(f"style.headings « {style.get('headings')} » inconnu ; attendu l'un de {LAYOUTS}.")
    if style.get("numbering") not in (None, "auto", "typed"):
        err(f"style.numbering « {style.get('numbering')} » inconnu ; attendu auto ou typed.")
    if style.get("marker") not in (None, *NUMBERED_MARKERS, *BULLET_MARKERS):
        err(
            f"style.marker « {style.get('marker')} » inconnu ; "
            f"attendu l'un de {NUMBERED_MARKERS + BULLET_MARKERS}."
        )
    for key in ("bullet",):
        if style.get(key) not in (None, *BULLET_MARKERS):
            err(f"style.{key} « {style.get(key)} » inconnu ; attendu l'un de {BULLET_MARKERS}.")
    if style.get("sub_marker") not in (None, *NUMBERED_MARKERS, *BULLET_MARKERS):
        err(f"style.sub_marker « {style.get('sub_marker')} » inconnu.")
    if style.get("footer") not in (None, "page", "fraction"):
        err(f"style.footer « {style.get('footer')} » inconnu ; attendu page ou fraction.")
    if style.get("encoding") not in (None, *ENCODINGS):
        err(f"style.encoding « {style.get('encoding')} » inconnu ; attendu l'un de {ENCODINGS}.")
    _check_text(errors, f"{name} : title", spec["title"])
    if "banner" in spec:
        _check_text(errors, f"{name} : banner", spec["banner"])
    domains = spec["domains"]
    if not isinstance(domains, list) or not 1 <= len(domains) <= 2:
        err("« domains » : liste de 1 ou 2 domaines attendue.")
    else:
        for d in domains:
            if d not in DOMAINS:
                err(f"domaine inconnu « {d} » ; attendu l'un de {', '.join(DOMAINS)}.")
    themes = spec["themes"]
    if not isinstance(themes, list) or not 1 <= len(themes) <= 3:
        err("« themes » : liste de 1 à 3 thèmes attendue.")
    else:
        for t in themes:
            if t not in THEMES:
                err(f"thème inconnu « {t} » ; attendu T1…T12.")
    orgs = spec["organisations"]
    if not isinstance(orgs, list):
        err("« organisations » doit être une liste de {name, legal_form}.")
    else:
        for org in orgs:
            if not isinstance(org, dict) or not _is_str(org.get("name")) or "legal_form" not in org:
                err(f"organisation invalide {org!r} ; attendu {{name: …, legal_form: … ou null}}.")
    terr = spec["territory"]
    if not isinstance(terr, dict) or set(terr) - {"commune", "departement", "region"} or not terr:
        err("« territory » : objet avec commune, departement, region attendu.")
    blocks = spec["blocks"]
    if not isinstance(blocks, list) or not blocks:
        err("« blocks » : liste non vide attendue.")
        return errors
    layout = style.get("headings")
    for bi, block in enumerate(blocks):
        where = f"{name} : blocks[{bi}]"
        if not isinstance(block, dict) or set(block) - {"heading", "kind", "content"}:
            errors.append(f"{where} : objet {{heading, kind, content}} attendu.")
            continue
        heading = block.get("heading")
        if heading is None:
            if bi != 0:
                errors.append(f"{where} : seul le premier bloc peut être sans titre (heading: null).")
        else:
            _check_text(errors, f"{where}.heading", heading)
            if _is_str(heading):
                if layout == "caps" and heading != heading.upper():
                    errors.append(
                        f"{where} : mise en page « caps » mais le titre « {heading} » n'est pas en capitales."
                    )
                if layout == "numbered" and not re.match(r"^\d+ - ", heading):
                    errors.append(
                        f"{where} : mise en page « numbered » mais le titre « {heading} » "
                        "ne commence pas par « 1 - »."
                    )
                if layout == "roman" and not re.match(r"^[IVX]+\) ", heading):
                    errors.append(
                        f"{where} : mise en page « roman » mais le titre « {heading} » "
                        "ne commence pas par « II) »."
                    )
        if block.get("kind") not in KINDS:
            errors.append(f"{where} : kind « {block.get('kind')} » inconnu ; attendu l'un de {KINDS}.")
        content = block.get("content")
        if not isinstance(content, list) or not content:
            errors.append(f"{where} : « content » doit être une liste non vide.")
            continue
        for ci, item in enumerate(content):
            cwhere = f"{where}.content[{ci}]"
            if isinstance(item, str):
                _check_text(errors, cwhere, item)
            elif isinstance(item, dict) and set(item) == {"list"}:
                lst = item["list"]
                if not isinstance(lst, dict) or set(lst) - LIST_KEYS or "items" not in lst:
                    errors.append(
                        f"{cwhere} : liste invalide ; clés permises {sorted(LIST_KEYS)}, « items » requis."
                    )
                    continue
                if lst.get("style", "numbered") not in ("numbered", "bullet"):
                    errors.append(
                        f"{cwhere} : style de liste « {lst.get('style')} » inconnu ; "
                        "attendu numbered ou bullet."
                    )
                if lst.get("marker") not in (None, *NUMBERED_MARKERS, *BULLET_MARKERS):
                    errors.append(f"{cwhere} : marqueur « {lst.get('marker')} » inconnu.")
                if lst.get("sub_style") not in (None, "numbered", "bullet"):
                    errors.append(f"{cwhere} : sub_style « {lst.get('sub_style')} » inconnu.")
                if "intro" in lst:
                    _check_text(errors, f"{cwhere}.intro", lst["intro"])
                if not isinstance(lst.get("proposals", False), bool):
                    errors.append(f"{cwhere} : « proposals » doit valoir true ou false.")
                items = lst["items"]
                if not isinstance(items, list) or not items:
                    errors.append(f"{cwhere} : « items » doit être une liste non vide.")
                    continue
                for ii, it in enumerate(items):
                    iwhere = f"{cwhere}.items[{ii}]"
                    if isinstance(it, str):
                        _check_text(errors, iwhere, it)
                    elif (
                        isinstance(it, dict)
                        and "text" in it
                        and not set(it) - {"text", "sub", "alternatives"}
                    ):
                        _check_text(errors, f"{iwhere}.text", it["text"])
                        for key in ("sub", "alternatives"):
                            for si, sub in enumerate(it.get(key) or []):
                                _check_text(errors, f"{iwhere}.{key}[{si}]", sub)
                    else:
                        errors.append(
                            f"{iwhere} : élément de liste invalide ; chaîne ou {{text, sub, alternatives}}."
                        )
            elif isinstance(item, dict) and set(item) == {"table"}:
                tab = item["table"]
                if (
                    not isinstance(tab, dict)
                    or set(tab) - TABLE_KEYS
                    or "header" not in tab
                    or "rows" not in tab
                ):
                    errors.append(f"{cwhere} : tableau invalide ; clés header, rows, proposals_column.")
                    continue
                width = len(tab["header"])
                for ri, row in enumerate(tab["rows"]):
                    if not isinstance(row, list) or len(row) != width:
                        errors.append(f"{cwhere}.rows[{ri}] : {width} cellules attendues.")
                    else:
                        for cell in row:
                            _check_text(errors, f"{cwhere}.rows[{ri}]", cell)
                pc = tab.get("proposals_column")
                if pc is not None and (not isinstance(pc, int) or not 0 <= pc < width):
                    errors.append(f"{cwhere} : proposals_column hors du tableau.")
            else:
                errors.append(
                    f"{cwhere} : contenu invalide ; attendu un paragraphe, {{list: …}} ou {{table: …}}."
                )
    for key in ("footnotes", "proposals_in_prose", "constats", "initiatives"):
        if key in spec and not isinstance(spec[key], list):
            err(f"« {key} » doit être une liste.")
    for fi, fn in enumerate(spec.get("footnotes") or []):
        if not isinstance(fn, dict) or set(fn) != {"after", "marker", "text"}:
            err(f"footnotes[{fi}] : objet {{after, marker, text}} attendu.")
        else:
            _check_text(errors, f"{name} : footnotes[{fi}].text", fn["text"])
    if sid.startswith(("c", "x")):
        for key in ("initiatives", "constats"):
            if not spec.get(key):
                err(
                    f"champ obligatoire « {key} » absent ou vide "
                    "(chaque cahier a une initiative et des constats)."
                )
    for ii, ini in enumerate(spec.get("initiatives") or []):
        where = f"initiatives[{ii}]"
        if not isinstance(ini, dict):
            err(f"{where} : objet attendu.")
            continue
        if set(ini) - INITIATIVE_KEYS:
            err(f"{where} : clés inconnues {sorted(set(ini) - INITIATIVE_KEYS)}.")
        for key in ("name", "organisation", "place"):
            if key not in ini:
                err(f"{where} : champ obligatoire « {key} » absent.")
        place = ini.get("place")
        if isinstance(place, dict):
            level = place.get("level")
            code = str(place.get("code", ""))
            if level not in PLACE_LEVELS or not _is_str(place.get("name")):
                err(f"{where}.place : {{name, level (commune|departement|region), code}} attendu.")
            elif level == "commune" and not re.fullmatch(r"(\d{5}|2[AB]\d{3})", code):
                err(f"{where}.place : code commune INSEE à 5 caractères attendu, reçu « {code} ».")
            elif level == "departement" and not re.fullmatch(r"(\d{2,3}|2[AB])", code):
                err(f"{where}.place : code département attendu (« 79 », « 2A », « 974 »), reçu « {code} ».")
            elif level == "region" and not re.fullmatch(r"\d{2}", code):
                err(f"{where}.place : code région à 2 chiffres attendu, reçu « {code} ».")
        elif "place" in ini:
            err(f"{where}.place : objet attendu.")
        for fg in ini.get("figures") or []:
            if not isinstance(fg, dict) or set(fg) != {"text", "value", "unit"}:
                err(f"{where}.figures : {{text, value, unit}} attendu, reçu {fg!r}.")
            elif fg["unit"] not in UNITS:
                err(
                    f"{where}.figures : unité « {fg['unit']} » inconnue ; "
                    f"attendu l'une de {', '.join(UNITS)}."
                )
            elif not isinstance(fg["value"], (int, float)):
                err(f"{where}.figures : valeur numérique attendue, reçu {fg['value']!r}.")
    return errors


# --------------------------------------------------------------------------------------------
# Build the element list and the gold of one cahier
# --------------------------------------------------------------------------------------------


def title_line(spec: dict[str, Any]) -> str:
    return (spec.get("style") or {}).get("title_label", "") + spec["title"]


def build_cahier(spec: dict[str, Any]) -> Cahier:
    """Elements + gold; raises SpecError listing every content error."""
    name = spec["_path"].name
    style = spec.get("style") or {}
    errors: list[str] = []
    els: list[El] = []
    if spec.get("banner"):
        els.append(El("banner", spec["banner"]))
    els.append(El("title", title_line(spec)))
    sections: list[dict[str, Any]] = []
    proposals: list[tuple[tuple[int, int], dict[str, Any]]] = []  # ((element index, offset), gold)
    list_id = 0
    # style.marker sets the numbered pattern, or the bullet when it is a bullet character
    style_marker = style.get("marker")
    default_marker = (
        style_marker
        if style_marker in NUMBERED_MARKERS
        else ("1)" if str(spec["id"]).startswith("f") else "1.")
    )
    default_bullet = style.get("bullet") or (style_marker if style_marker in BULLET_MARKERS else "-")
    for bi, block in enumerate(spec["blocks"]):
        sections.append({"title": block.get("heading"), "kind": block["kind"]})
        if block.get("heading") is not None:
            els.append(El("heading", block["heading"], block=bi))
        for item in block["content"]:
            if isinstance(item, str):
                els.append(El("para", item, block=bi))
                continue
            if "table" in item:
                tab = item["table"]
                els.append(El("table", block=bi, rows=[list(tab["header"]), *[list(r) for r in tab["rows"]]]))
                pc = tab.get("proposals_column")
                if pc is not None:
                    for ri, row in enumerate(tab["rows"]):
                        proposals.append(
                            (
                                (len(els) - 1, ri),
                                {
                                    "text": row[pc],
                                    "number": None,
                                    "parent": None,
                                    "alternative": False,
                                    "section": bi,
                                },
                            )
                        )
                continue
            lst = item["list"]
            if lst.get("intro"):
                els.append(El("para", lst["intro"], block=bi))
            list_id += 1
            numbered = lst.get("style", "numbered") == "numbered"
            pattern = lst.get("marker") or (default_marker if numbered else default_bullet)
            if numbered and pattern in BULLET_MARKERS:
                errors.append(f"{name} : liste numérotée avec le marqueur de puce « {pattern} ».")
            if not numbered and pattern in NUMBERED_MARKERS:
                errors.append(f"{name} : liste à puces avec le marqueur numéroté « {pattern} ».")
            sub_numbered = lst.get("sub_style", "numbered" if numbered else "bullet") == "numbered"
            sub_pattern = lst.get("sub_marker") or style.get("sub_marker") or ("a)" if sub_numbered else "–")
            if sub_numbered != (sub_pattern in NUMBERED_MARKERS):
                sub_pattern = "a)" if sub_numbered else "–"
            is_prop = bool(lst.get("proposals", False))
            for k, it in enumerate(lst["items"], start=1):
                text = it if isinstance(it, str) else it["text"]
                el = El(
                    "item",
                    text,
                    block=bi,
                    depth=0,
                    list_id=list_id,
                    numbered=numbered,
                    pattern=pattern,
                    index=k,
                )
                els.append(el)
                parent_idx = len(proposals)
                if is_prop:
                    proposals.append(
                        (
                            (len(els) - 1, 0),
                            {
                                "text": text,
                                "number": el.number,
                                "parent": None,
                                "alternative": False,
                                "section": bi,
                            },
                        )
                    )
                if isinstance(it, dict):
                    for j, sub in enumerate(it.get("sub") or [], start=1):
                        sel = El(
                            "item",
                            sub,
                            block=bi,
                            depth=1,
                            list_id=list_id,
                            numbered=sub_numbered,
                            pattern=sub_pattern,
                            index=j,
                        )
                        els.append(sel)
                        if is_prop:
                            proposals.append(
                                (
                                    (len(els) - 1, 0),
                                    {
                                        "text": sub,
                                        "number": sel.number,
                                        "parent": parent_idx,
                                        "alternative": False,
                                        "section": bi,
                                    },
                                )
                            )
                    for alt in it.get("alternatives") or []:
                        els.append(El("alt", "Ou : " + alt, block=bi, depth=0, list_id=list_id))
                        if is_prop:
                            proposals.append(
                                (
                                    (len(els) - 1, 0),
                                    {
                                        "text": alt,
                                        "number": None,
                                        "parent": parent_idx,
                                        "alternative": True,
                                        "section": bi,
                                    },
                                )
                            )

    def find(text: str, kinds: tuple[str, ...]) -> tuple[int, int] | None:
        for i, el in enumerate(els):
            if el.kind in kinds:
                pos = el.text.find(text)
                if pos >= 0:
                    return i, pos
            if el.kind == "table" and "table" in kinds:
                for row in el.rows:
                    for cell in row:
                        if text in cell:
                            return i, 0
        return None

    body_kinds = ("para", "item", "alt", "heading", "table")
    for text in spec.get("proposals_in_prose") or []:
        if not _is_str(text):
            errors.append(f"{name} : proposals_in_prose contient une valeur vide.")
            continue
        loc = find(text, ("para",))
        if loc is None:
            errors.append(
                f"{name} : la proposition « {text} » (proposals_in_prose) ne figure pas mot pour mot "
                "dans un paragraphe de prose du cahier."
            )
            continue
        el = els[loc[0]]
        proposals.append(
            (loc, {"text": text, "number": None, "parent": None, "alternative": False, "section": el.block})
        )
    constats = []
    for text in spec.get("constats") or []:
        if not _is_str(text):
            errors.append(f"{name} : constats contient une valeur vide.")
            continue
        loc = find(text, body_kinds)
        if loc is None:
            errors.append(
                f"{name} : le constat « {text} » ne figure pas mot pour mot dans le texte du cahier."
            )
            continue
        constats.append((loc, {"text": text, "section": els[loc[0]].block}))
        if text in (spec.get("proposals_in_prose") or []):
            errors.append(f"{name} : « {text} » est à la fois constat et proposition.")
    for fi, fn in enumerate(spec.get("footnotes") or []):
        after = fn["after"]
        loc = find(after, ("para", "item", "alt"))
        if loc is None:
            errors.append(
                f"{name} : footnotes[{fi}].after « {after} » ne figure pas mot pour mot dans le texte."
            )
            continue
        el = els[loc[0]]
        end = loc[1] + len(after)
        if end < len(el.text) and el.text[end].isalnum():
            errors.append(f"{name} : footnotes[{fi}].after « {after} » doit finir en fin de mot.")
            continue
        el.notes.append((end, str(fn["marker"])))
    for ini in spec.get("initiatives") or []:
        for fg in ini.get("figures") or []:
            if isinstance(fg, dict) and _is_str(fg.get("text")) and find(fg["text"], body_kinds) is None:
                errors.append(
                    f"{name} : le chiffre « {fg['text']} » ne figure pas mot pour mot dans le texte."
                )
    if spec["id"].startswith(("c", "x")) and not proposals:
        errors.append(
            f"{name} : aucune proposition (liste proposals: true, tableau proposals_column "
            "ou proposals_in_prose) ; chaque cahier en a."
        )
    if spec["id"].startswith("f"):
        for bi, block in enumerate(spec["blocks"]):
            cols = {c["column"]: c["kind"] for c in CSV_COLUMNS["text"]}
            if block.get("heading") not in cols:
                errors.append(
                    f"{name} : blocks[{bi}].heading « {block.get('heading')} » n'est pas une colonne "
                    f"texte du formulaire ({', '.join(cols)})."
                )
            elif cols[block["heading"]] != block["kind"]:
                errors.append(
                    f"{name} : blocks[{bi}] : la colonne « {block['heading']} » a le kind "
                    f"« {cols[block['heading']]} », pas « {block['kind']} »."
                )
            for item in block["content"]:
                if isinstance(item, dict) and "table" in item:
                    errors.append(f"{name} : pas de tableau dans une cellule du formulaire CSV.")
    words = count_words(els)
    sid = spec["id"]
    lo, hi = (300, 1500) if sid.startswith(("c", "x")) else (40, 600)
    if not lo <= words <= hi:
        errors.append(f"{name} : {words} mots ; attendu entre {lo} et {hi}.")
    if errors:
        raise SpecError("\n".join(errors))
    created = [g for _, g in proposals]  # parent indexes point into this creation order
    proposals.sort(key=lambda p: p[0])
    position = {id(g): i for i, (_, g) in enumerate(proposals)}
    gold_props = []
    for _, g in proposals:
        gp = dict(g)
        if gp["parent"] is not None:
            gp["parent"] = position[id(created[gp["parent"]])]
        gold_props.append(gp)
    constats.sort(key=lambda c: c[0])
    gold = {
        "id": sid,
        "source": None,
        "format": None,
        "order": spec.get("order", 0),
        "first_line": spec.get("banner") or title_line(spec),
        "title": spec["title"],
        "domains": list(spec["domains"]),
        "themes": list(spec["themes"]),
        "organisations": [
            {"name": o["name"], "legal_form": o.get("legal_form")} for o in spec["organisations"]
        ],
        "territory": {k: spec["territory"].get(k) for k in ("commune", "departement", "region")},
        "sections": sections,
        "proposals": gold_props,
        "constats": [c for _, c in constats],
        "footnotes": [{"marker": str(f["marker"]), "text": f["text"]} for f in spec.get("footnotes") or []],
        "initiatives": [normalise_initiative(i) for i in spec.get("initiatives") or []],
        "words": words,
    }
    return Cahier(spec=spec, path=spec["_path"], elements=els, gold=gold)


def normalise_initiative(ini: dict[str, Any]) -> dict[str, Any]:
    place = dict(ini["place"])
    place["code"] = str(place["code"])
    return {
        "name": ini["name"],
        "organisation": ini["organisation"],
        "legal_form": ini.get("legal_form"),
        "since": None if ini.get("since") is None else str(ini["since"]),
        "place": place,
        "partners": list(ini.get("partners") or []),
        "figures": [dict(f) for f in ini.get("figures") or []],
        "urls": list(ini.get("urls") or []),
    }


def count_words(els: list[El]) -> int:
    """Whitespace tokens of title, headings, paragraphs, items and cells (no banner, markers, notes)."""
    n = 0
    for el in els:
        if el.kind == "table":
            n += sum(len(c.split()) for row in el.rows for c in row)
        elif el.kind != "banner":
            n += len(el.text.split())
    return n


# --------------------------------------------------------------------------------------------
# Plain text renderings (.txt, .md, CSV cells)
# --------------------------------------------------------------------------------------------


def with_notes(el: El, fmt: str) -> str:
    """Element text with footnote markers inserted in the given syntax."""
    text = el.text
    for pos, marker in sorted(el.notes, reverse=True):
        mark = {"txt": f"[{marker}]", "md": f"[^{marker}]"}[fmt]
        text = text[:pos] + mark + text[pos:]
    return text


def render_text_cahier(c: Cahier, fmt: str) -> str:
    """One cahier as .txt or .md text (no trailing newline)."""
    layout = c.style.get("headings")
    out: list[str] = []  # paragraphs; a list block is one paragraph of several lines
    lines: list[str] = []

    def flush() -> None:
        if lines:
            out.append("\n".join(lines))
            lines.clear()

    for el in c.elements:
        if el.kind in ("item", "alt"):
            indent = "   " * el.depth
            if el.kind == "item":
                lines.append(f"{indent}{el.marker} {with_notes(el, fmt)}")
            else:
                lines.append(f"{indent}{with_notes(el, fmt)}")
            continue
        flush()
        if el.kind == "banner":
            out.append(el.text)
        elif el.kind == "title":
            out.append(("# " if fmt == "md" else "") + el.text)
        elif el.kind == "heading":
            out.append(("## " if fmt == "md" and layout == "markdown" else "") + el.text)
        elif el.kind == "para":
            out.append(with_notes(el, fmt))
        elif el.kind == "table":
            if fmt == "md":
                rows = [f"| {' | '.join(el.rows[0])} |", "|" + "|".join("---" for _ in el.rows[0]) + "|"]
                rows += [f"| {' | '.join(r)} |" for r in el.rows[1:]]
            else:
                rows = [" | ".join(r) for r in el.rows]
            out.append("\n".join(rows))
    flush()
    if c.footnotes:
        if fmt == "md":
            out.append("\n".join(f"[^{f['marker']}]: {f['text']}" for f in c.footnotes))
        else:
            out.append("Notes\n" + "\n".join(f"[{f['marker']}] {f['text']}" for f in c.footnotes))
    return "\n\n".join(out)


def render_text_file(cahiers: list[Cahier], fmt: str) -> bytes:
    parts = []
    for i, c in enumerate(cahiers):
        if i:
            parts.append(c.style["separator"])
        parts.append(render_text_cahier(c, fmt))
    text = "\n\n".join(parts) + "\n"
    encoding = cahiers[0].style.get("encoding", "utf-8")
    return text.encode(encoding)


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------

HTML_HEAD = """<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="{charset}">
<title>{title} — Cahiers d'espérance</title>
<link rel="stylesheet" href="/static/site.css">
</head>
<body>
<header class="site-header">
<p class="site-name"><a href="/">États généraux de l'économie sociale et solidaire</a></p>
<nav class="main-nav">
<ul>
<li><a href="/">Accueil</a></li>
<li><a href="/cahiers/">Les cahiers d'espérance</a></li>
<li><a href="/agenda/">Agenda des rencontres</a></li>
<li><a href="/deposer/">Déposer un cahier</a></li>
<li><a href="/contact/">Contact</a></li>
</ul>
</nav>
<p class="breadcrumb"><a href="/">Accueil</a> &gt; <a href="/cahiers/">Cahiers</a> &gt; {domain}</p>
</header>
<main>
<article class="cahier">
"""

HTML_FOOT = """</article>
<aside class="sidebar">
<h3>Derniers cahiers publiés</h3>
<ul>
<li><a href="/cahiers/une-epicerie-solidaire-a-roubaix/">Une épicerie solidaire à Roubaix</a></li>
<li><a href="/cahiers/mutualiser-les-emplois-associatifs/">Mutualiser les emplois associatifs</a></li>
<li><a href="/cahiers/la-monnaie-locale-en-debat/">La monnaie locale en débat</a></li>
</ul>
</aside>
</main>
<footer class="site-footer">
<p>Les contenus publiés engagent leurs seuls auteurs. Mentions légales — Plan du site — Flux RSS</p>
<p>© 2011 Collectif des États généraux de l'ESS</p>
</footer>
</body>
</html>
"""


def html_inline(el: El) -> str:
    text = el.text
    out = []
    last = 0
    for pos, marker in sorted(el.notes):
        out.append(html.escape(text[last:pos], quote=False))
        out.append(f'<sup><a href="#fn{marker}" id="fnref{marker}">{html.escape(marker)}</a></sup>')
        last = pos
    out.append(html.escape(text[last:], quote=False))
    return "".join(out)


def ol_attrs(pattern: str | None) -> str:
    if pattern and pattern[0] in "aAi":
        return f' type="{pattern[0]}"'
    return ""


def render_html(c: Cahier) -> bytes:
    encoding = c.style.get("encoding", "utf-8")
    charset = "windows-1252" if encoding == "cp1252" else "utf-8"
    out = [
        HTML_HEAD.format(
            charset=charset,
            title=html.escape(c.spec["title"]),
            domain=html.escape(DOMAIN_LABELS[c.spec["domains"][0]]),
        )
    ]
    els = c.elements
    i = 0
    while i < len(els):
        el = els[i]
        if el.kind == "banner":
            out.append(f'<p class="banner">{html.escape(el.text)}</p>\n')
        elif el.kind == "title":
            out.append(f"<h1>{html.escape(el.text)}</h1>\n")
        elif el.kind == "heading":
            out.append(f"<h2>{html.escape(el.text)}</h2>\n")
        elif el.kind == "para":
            out.append(f"<p>{html_inline(el)}</p>\n")
        elif el.kind == "table":
            out.append(
                "<table>\n<thead><tr>"
                + "".join(f"<th>{html.escape(h)}</th>" for h in el.rows[0])
                + "</tr></thead>\n<tbody>\n"
            )
            for row in el.rows[1:]:
                out.append("<tr>" + "".join(f"<td>{html.escape(x)}</td>" for x in row) + "</tr>\n")
            out.append("</tbody>\n</table>\n")
        elif el.kind == "item":
            lid = el.list_id
            group = []
            while i < len(els) and els[i].list_id == lid and els[i].kind in ("item", "alt"):
                group.append(els[i])
                i += 1
            out.append(render_html_list(group))
            continue
        i += 1
    if c.footnotes:
        out.append('<section class="notes">\n<ol class="footnotes">\n')
        for f in c.footnotes:
            out.append(
                f'<li id="fn{f["marker"]}">{html.escape(f["text"], quote=False)} '
                f'<a href="#fnref{f["marker"]}">↩</a></li>\n'
            )
        out.append("</ol>\n</section>\n")
    out.append(HTML_FOOT)
    return "".join(out).encode(encoding)


def render_html_list(group: list[El]) -> str:
    top = group[0]
    tag = "ol" if top.numbered else "ul"
    out = [f"<{tag}{ol_attrs(top.pattern) if top.numbered else ''}>\n"]
    j = 0
    while j < len(group):
        el = group[j]
        out.append(f"<li>{html_inline(el)}")
        j += 1
        subs = []
        while j < len(group) and group[j].depth == 1:
            subs.append(group[j])
            j += 1
        if subs:
            stag = "ol" if subs[0].numbered else "ul"
            out.append(f"\n<{stag}{ol_attrs(subs[0].pattern) if subs[0].numbered else ''}>\n")
            out.extend(f"<li>{html_inline(s)}</li>\n" for s in subs)
            out.append(f"</{stag}>\n")
        while j < len(group) and group[j].kind == "alt":
            out.append(f'\n<p class="alternative">{html_inline(group[j])}</p>\n')
            j += 1
        out.append("</li>\n")
    out.append(f"</{tag}>\n")
    return "".join(out)


# --------------------------------------------------------------------------------------------
# Zip normalisation (deterministic docx/odt)
# --------------------------------------------------------------------------------------------


def normalise_zip(data: bytes, first: str | None = None) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    if first and first in names:
        names.remove(first)
        names.insert(0, first)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as dst:
        for n in names:
            info = zipfile.ZipInfo(n, ZIP_DATE)
            info.compress_type = zipfile.ZIP_STORED if n == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            dst.writestr(info, src.read(n))
    return buf.getvalue()


# --------------------------------------------------------------------------------------------
# DOCX
# --------------------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def render_docx(c: Cahier) -> bytes:
    import docx
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = docx.Document()
    cp = doc.core_properties
    cp.author = c.spec["organisations"][0]["name"]
    cp.last_modified_by = cp.author
    cp.title = c.spec["title"]
    cp.created = FIXED_DATETIME
    cp.modified = FIXED_DATETIME
    cp.last_printed = FIXED_DATETIME
    cp.revision = 1
    cp.comments = ""
    auto = c.style.get("numbering") == "auto"

    numbering = doc.part.numbering_part.element
    abstract_ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    num_ids = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
    next_abs = max(abstract_ids, default=0) + 1
    next_num = max(num_ids, default=0) + 1
    abstract_for: dict[tuple[str, str], int] = {}

    def lvl_xml(ilvl: int, pattern: str) -> str:
        if pattern in BULLET_MARKERS:
            fmt, text = "bullet", {"-": "-", "*": "*", "o": "o"}.get(pattern, pattern)
        else:
            fmt = {"1": "decimal", "a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman"}[pattern[0]]
            text = f"%{ilvl + 1}{pattern[1:]}"
        left = 720 * (ilvl + 1)
        return (
            f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{html.escape(text)}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{left}" w:hanging="360"/></w:pPr></w:lvl>'
        )

    def new_num(pattern: str, sub_pattern: str) -> int:
        nonlocal next_abs, next_num
        key = (pattern, sub_pattern)
        if key not in abstract_for:
            abs_id = next_abs
            next_abs += 1
            xml = (
                f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="{abs_id}">'
                f'<w:nsid w:val="{0x5E5A0000 + abs_id:08X}"/><w:multiLevelType w:val="hybridMultilevel"/>'
                + lvl_xml(0, pattern)
                + lvl_xml(1, sub_pattern)
                + "</w:abstractNum>"
            )
            first_num = numbering.find(qn("w:num"))
            el = parse_xml(xml)
            if first_num is not None:
                first_num.addprevious(el)
            else:
                numbering.append(el)
            abstract_for[key] = abs_id
        num_id = next_num
        next_num += 1
        numbering.append(
            parse_xml(
                f'<w:num xmlns:w="{W_NS}" w:numId="{num_id}"><w:abstractNumId w:val="{abstract_for[key]}"/>'
                '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>'
                '<w:lvlOverride w:ilvl="1"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
            )
        )
        return num_id

    note_ids = {str(f["marker"]): i for i, f in enumerate(c.footnotes, start=1)}

    def fill(par: Any, el: El) -> None:
        last = 0
        for pos, marker in sorted(el.notes):
            if el.text[last:pos]:
                par.add_run(el.text[last:pos])
            par._p.append(
                parse_xml(
                    f'<w:r xmlns:w="{W_NS}"><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                    f'<w:footnoteReference w:id="{note_ids[marker]}"/></w:r>'
                )
            )
            last = pos
        if el.text[last:]:
            par.add_run(el.text[last:])

    nums: dict[int, int] = {}
    for idx, el in enumerate(c.elements):
        if el.kind == "banner":
            doc.add_paragraph(el.text).runs[0].bold = True
        elif el.kind == "title":
            doc.add_heading(el.text, level=0)
        elif el.kind == "heading":
            doc.add_heading(el.text, level=1)
        elif el.kind == "para":
            fill(doc.add_paragraph(), el)
        elif el.kind == "table":
            table = doc.add_table(rows=len(el.rows), cols=len(el.rows[0]))
            table.style = "Table Grid"
            for r, row in enumerate(el.rows):
                for k, cell_text in enumerate(row):
                    cell = table.cell(r, k)
                    cell.text = cell_text
                    if r == 0:
                        for run in cell.paragraphs[0].runs:
                            run.bold = True
        elif el.kind == "alt":
            p = doc.add_paragraph()
            p.paragraph_format.left_indent = Pt(36 * (el.depth + 1))
            fill(p, el)
        elif el.kind == "item":
            if auto:
                assert el.list_id is not None
                if el.list_id not in nums:
                    sub = next(
                        (e for e in c.elements[idx:] if e.list_id == el.list_id and e.depth == 1), None
                    )
                    nums[el.list_id] = new_num(
                        el.pattern or "1.", sub.pattern if sub and sub.pattern else "a)"
                    )
                p = doc.add_paragraph(style="List Paragraph")
                numpr = p._p.get_or_add_pPr().get_or_add_numPr()
                numpr.get_or_add_ilvl().val = el.depth
                numpr.get_or_add_numId().val = nums[el.list_id]
                fill(p, el)
            else:
                p = doc.add_paragraph()
                p.paragraph_format.left_indent = Pt(18 * (el.depth + 1))
                p.add_run(el.marker + " ")
                fill(p, el)

    if c.footnotes:
        notes = [
            f'<w:footnotes xmlns:w="{W_NS}">',
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
            'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>',
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
            'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p>'
            "</w:footnote>",
        ]
        for f in c.footnotes:
            notes.append(
                f'<w:footnote w:id="{note_ids[str(f["marker"])]}">'
                '<w:p><w:pPr><w:spacing w:after="0"/></w:pPr>'
                '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
                f'<w:r><w:rPr><w:sz w:val="18"/></w:rPr><w:t xml:space="preserve"> {html.escape(f["text"])}'
                "</w:t></w:r></w:p></w:footnote>"
            )
        notes.append("</w:footnotes>")
        blob = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + "".join(notes)).encode("utf-8")
        part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, blob, doc.part.package)
        doc.part.relate_to(part, RT.FOOTNOTES)
        settings = doc.settings.element
        settings.append(
            parse_xml(
                f'<w:footnotePr xmlns:w="{W_NS}"><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
            )
        )
    buf = io.BytesIO()
    doc.save(buf)
    return normalise_zip(buf.getvalue())


# --------------------------------------------------------------------------------------------
# ODT
# --------------------------------------------------------------------------------------------


def render_odt(c: Cahier) -> bytes:
    from odf import dc, meta
    from odf.opendocument import OpenDocumentText
    from odf.style import (
        ListLevelProperties,
        ParagraphProperties,
        Style,
        TableColumnProperties,
        TextProperties,
    )
    from odf.table import Table, TableCell, TableColumn, TableHeaderRows, TableRow
    from odf.text import (
        H,
        List,
        ListItem,
        ListLevelStyleBullet,
        ListLevelStyleNumber,
        ListStyle,
        Note,
        NoteBody,
        NoteCitation,
        P,
    )

    doc = OpenDocumentText()
    doc.meta.addElement(dc.Title(text=c.spec["title"]))
    doc.meta.addElement(dc.Creator(text=c.spec["organisations"][0]["name"]))
    doc.meta.addElement(meta.CreationDate(text=FIXED_DATETIME.isoformat()))
    doc.meta.addElement(dc.Date(text=FIXED_DATETIME.isoformat()))

    title_style = Style(name="Title", family="paragraph")
    title_style.addElement(TextProperties(fontsize="18pt", fontweight="bold"))
    title_style.addElement(ParagraphProperties(marginbottom="0.4cm"))
    doc.styles.addElement(title_style)
    h1 = Style(name="Heading_20_1", displayname="Heading 1", family="paragraph", defaultoutlinelevel="1")
    h1.addElement(TextProperties(fontsize="14pt", fontweight="bold"))
    h1.addElement(ParagraphProperties(margintop="0.4cm", marginbottom="0.2cm"))
    doc.styles.addElement(h1)
    body = Style(name="Text_20_body", displayname="Text body", family="paragraph")
    body.addElement(ParagraphProperties(marginbottom="0.25cm", textalign="justify"))
    doc.styles.addElement(body)
    note_style = Style(name="Footnote", family="paragraph")
    note_style.addElement(TextProperties(fontsize="9pt"))
    doc.styles.addElement(note_style)
    indent = Style(name="Alternative", family="paragraph", parentstylename="Text_20_body")
    indent.addElement(ParagraphProperties(marginleft="1.2cm"))
    doc.automaticstyles.addElement(indent)
    auto = c.style.get("numbering") == "auto"
    list_styles: dict[tuple[str, str], Any] = {}

    def level_style(level: int, pattern: str) -> Any:
        props = ListLevelProperties(spacebefore=f"{0.6 * level:.1f}cm", minlabelwidth="0.6cm")
        if pattern in BULLET_MARKERS:
            st = ListLevelStyleBullet(level=level, bulletchar=pattern)
        else:
            st = ListLevelStyleNumber(level=level, numformat=pattern[0], numsuffix=pattern[1:], startvalue=1)
        st.addElement(props)
        return st

    def list_style(pattern: str, sub_pattern: str) -> Any:
        key = (pattern, sub_pattern)
        if key not in list_styles:
            ls = ListStyle(name=f"L{len(list_styles) + 1}")
            ls.addElement(level_style(1, pattern))
            ls.addElement(level_style(2, sub_pattern))
            doc.automaticstyles.addElement(ls)
            list_styles[key] = ls
        return list_styles[key]

    def para(el: El, stylename: Any = body) -> Any:
        p = P(stylename=stylename)
        last = 0
        for pos, marker in sorted(el.notes):
            p.addText(el.text[last:pos])
            fn = next(f for f in c.footnotes if str(f["marker"]) == marker)
            note = Note(id=f"ftn{marker}", noteclass="footnote")
            note.addElement(NoteCitation(text=marker))
            nb = NoteBody()
            nb.addElement(P(stylename=note_style, text=fn["text"]))
            note.addElement(nb)
            p.addElement(note)
            last = pos
        p.addText(el.text[last:])
        return p

    els = c.elements
    i = 0
    table_n = 0
    while i < len(els):
        el = els[i]
        if el.kind == "banner":
            doc.text.addElement(P(stylename=body, text=el.text))
        elif el.kind == "title":
            doc.text.addElement(P(stylename=title_style, text=el.text))
        elif el.kind == "heading":
            doc.text.addElement(H(outlinelevel=1, stylename=h1, text=el.text))
        elif el.kind == "para":
            doc.text.addElement(para(el))
        elif el.kind == "table":
            table_n += 1
            t = Table(name=f"Tableau{table_n}")
            colstyle = Style(name=f"Tableau{table_n}.A", family="table-column")
            colstyle.addElement(TableColumnProperties(columnwidth=f"{16 / len(el.rows[0]):.2f}cm"))
            doc.automaticstyles.addElement(colstyle)
            t.addElement(TableColumn(numbercolumnsrepeated=len(el.rows[0]), stylename=colstyle))
            header = TableHeaderRows()
            for r, row in enumerate(el.rows):
                tr = TableRow()
                for cell_text in row:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=cell_text))
                    tr.addElement(cell)
                (header if r == 0 else t).addElement(tr)
                if r == 0:
                    t.addElement(header)
            doc.text.addElement(t)
        elif el.kind in ("item", "alt"):
            lid = el.list_id
            group = []
            while i < len(els) and els[i].list_id == lid and els[i].kind in ("item", "alt"):
                group.append(els[i])
                i += 1
            if auto:
                sub = next((g for g in group if g.depth == 1), None)
                ls = list_style(group[0].pattern or "1.", sub.pattern if sub and sub.pattern else "a)")
                doc.text.addElement(odt_list(group, ls, para, List, ListItem, indent))
            else:
                for g in group:
                    if g.kind == "item":
                        typed = El(
                            "para",
                            g.marker + " " + g.text,
                            notes=[(pos + len(g.marker) + 1, m) for pos, m in g.notes],
                        )
                        doc.text.addElement(para(typed, indent if g.depth else body))
                    else:
                        doc.text.addElement(para(g, indent))
            continue
        i += 1
    buf = io.BytesIO()
    doc.write(buf)
    data = buf.getvalue()
    return normalise_zip(fix_odt_meta(data), first="mimetype")


def odt_list(group: list[El], ls: Any, para: Any, List: Any, ListItem: Any, alt_style: Any) -> Any:
    top = List(stylename=ls)
    j = 0
    while j < len(group):
        el = group[j]
        li = ListItem()
        li.addElement(para(el))
        j += 1
        subs = []
        while j < len(group) and group[j].depth == 1:
            subs.append(group[j])
            j += 1
        if subs:
            sub_list = List()
            for s in subs:
                sli = ListItem()
                sli.addElement(para(s))
                sub_list.addElement(sli)
            li.addElement(sub_list)
        while j < len(group) and group[j].kind == "alt":
            li.addElement(para(group[j], alt_style))
            j += 1
        top.addElement(li)
    return top


def fix_odt_meta(data: bytes) -> bytes:
    """Pin the generator/date fields odfpy writes so the output is byte-stable."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as dst:
        for n in src.namelist():
            blob = src.read(n)
            if n == "meta.xml":
                text = blob.decode("utf-8")
                text = re.sub(
                    r"<meta:generator>[^<]*</meta:generator>",
                    "<meta:generator>ess-nlp corpus build</meta:generator>",
                    text,
                )
                blob = text.encode("utf-8")
            dst.writestr(n, blob)
    return buf.getvalue()


# --------------------------------------------------------------------------------------------
# PDF: own line breaking (justification, hyphenation, raised footnote markers)
# --------------------------------------------------------------------------------------------

VOWELS = set("aeiouyàâäéèêëîïôöùûüÿœæ")
INSEPARABLE = {
    "bl",
    "cl",
    "fl",
    "gl",
    "pl",
    "br",
    "cr",
    "dr",
    "fr",
    "gr",
    "pr",
    "tr",
    "vr",
    "ch",
    "ph",
    "th",
    "gn",
    "qu",
    "gu",
}


def hyphen_points(word: str) -> list[int]:
    """Positions where a lowercase French word may be split (simple syllable rules)."""
    n = len(word)
    if n < 7 or not word.isalpha() or word != word.lower():
        return []
    is_v = []
    for i, ch in enumerate(word):
        v = ch in VOWELS
        if ch == "u" and i > 0 and word[i - 1] in "qg":
            v = False
        is_v.append(v)
    points = []
    i = 0
    while i < n:
        if is_v[i]:
            i += 1
            continue
        s = i
        while i < n and not is_v[i]:
            i += 1
        e = i
        if s == 0 or e == n:
            continue
        cluster = word[s:e]
        if len(cluster) == 1:
            p = s
        elif len(cluster) == 2:
            p = s if cluster in INSEPARABLE else s + 1
        elif len(cluster) == 3:
            p = s + 1 if cluster[1:] in INSEPARABLE else s + 2
        else:
            p = s + 2
        if p >= 3 and n - p >= 3 and word[p - 1] != "x":
            points.append(p)
    return points


def split_token(token: str) -> tuple[str, str, str]:
    """(prefix incl. apostrophe part, hyphenable core, suffix punctuation)."""
    m = re.fullmatch(r"(.*?['’])?([A-Za-zÀ-ÿœæŒÆ]+)([^A-Za-zÀ-ÿœæŒÆ]*)", token)
    if not m:
        return token, "", ""
    return (m.group(1) or ""), m.group(2), m.group(3)


@dataclass
class Piece:
    text: str
    sup: bool = False  # raised footnote marker


@dataclass
class Token:
    pieces: list[Piece]
    notes: list[str] = field(default_factory=list)

    @property
    def plain(self) -> str:
        return "".join(p.text for p in self.pieces)


@dataclass
class PLine:
    x: float
    tokens: list[Token]
    width: float  # available width
    justify: bool
    size: float
    bold: bool
    height: float
    gap_before: float = 0.0
    keep_next: int = 0  # lines of the following block that must share the page
    prefix: str | None = None  # list marker drawn at prefix_x
    prefix_x: float = 0.0
    notes: list[str] = field(default_factory=list)
    new_page: bool = False


class PdfLayout:
    """Lays out cahiers into pages of positioned text, then draws them with fpdf2."""

    PAGE_W, PAGE_H = 210.0, 297.0
    LEFT, RIGHT = 22.0, 22.0
    BODY_TOP, BODY_BOTTOM = 27.0, 274.0
    BODY_SIZE, LINE_H = 10.5, 5.0
    PARA_GAP, ITEM_GAP = 3.2, 1.2
    NOTE_SIZE, NOTE_LINE_H = 8.0, 3.8
    SUP_SIZE, SUP_RAISE = 6.5, 1.7

    def __init__(self, running_header: str, footer: str, title: str, author: str) -> None:
        from fpdf import FPDF

        pdf = FPDF(orientation="P", unit="mm", format="A4")
        pdf.add_font("DejaVu", "", FONT_REGULAR)
        pdf.add_font("DejaVu", "B", FONT_BOLD)
        pdf.set_auto_page_break(False)
        pdf.set_margins(self.LEFT, self.BODY_TOP, self.RIGHT)
        pdf.set_creation_date(FIXED_DATETIME)
        pdf.set_title(title)
        pdf.set_author(author)
        pdf.set_creator("ess-nlp corpus build")
        pdf.set_producer("fpdf2")
        self.pdf = pdf
        self.header = running_header
        self.footer = footer
        self.width = self.PAGE_W - self.LEFT - self.RIGHT
        self.lines: list[PLine] = []
        self.notes: dict[str, str] = {}
        self.hyphenated = 0

    # measuring ---------------------------------------------------------------------------
    def sw(self, text: str, size: float, bold: bool = False) -> float:
        self.pdf.set_font("DejaVu", "B" if bold else "", size)
        return float(self.pdf.get_string_width(text))

    def token_width(self, tok: Token, size: float, bold: bool) -> float:
        return sum(self.sw(p.text, self.SUP_SIZE if p.sup else size, bold and not p.sup) for p in tok.pieces)

    def tokens_of(self, el: El, prefix_notes: str = "") -> list[Token]:
        text = el.text
        cuts = sorted(el.notes)
        tokens: list[Token] = []
        pos = 0
        for word in text.split(" "):
            start, end = pos, pos + len(word)
            pieces: list[Piece] = []
            notes = []
            last = start
            for cpos, marker in cuts:
                if start < cpos <= end:
                    pieces.append(Piece(text[last:cpos]))
                    pieces.append(Piece(marker, sup=True))
                    notes.append(marker)
                    last = cpos
            pieces.append(Piece(text[last:end]))
            tokens.append(Token([p for p in pieces if p.text], notes))
            pos = end + 1
        return tokens

    # line breaking ------------------------------------------------------------------------
    def wrap(
        self,
        tokens: list[Token],
        width: float,
        size: float,
        bold: bool,
        hyphenate: bool,
        first_width: float | None = None,
    ) -> list[tuple[list[Token], bool]]:
        """Greedy justified line breaking with French hyphenation; returns (tokens, is_last)."""
        space = self.sw(" ", size, bold)
        lines: list[list[Token]] = []
        cur: list[Token] = []
        cur_w = 0.0
        queue = list(tokens)
        while queue:
            tok = queue.pop(0)
            w = self.token_width(tok, size, bold)
            avail = first_width if (first_width is not None and not lines) else width
            need = w if not cur else cur_w + space + w
            if need <= avail:
                cur.append(tok)
                cur_w = need
                continue
            left = avail - (cur_w + space if cur else 0)
            if hyphenate and not tok.notes and cur and left > 0.08 * avail:
                pre, core, suf = split_token(tok.plain)
                best = None
                for p in hyphen_points(core):
                    head = pre + core[:p] + "-"
                    if self.sw(head, size, bold) <= left:
                        best = p
                if best is not None:
                    cur.append(Token([Piece(pre + core[:best] + "-")]))
                    queue.insert(0, Token([Piece(core[best:] + suf)]))
                    lines.append(cur)
                    self.hyphenated += 1
                    cur, cur_w = [], 0.0
                    continue
            if cur:
                lines.append(cur)
            cur, cur_w = [tok], w
        if cur:
            lines.append(cur)
        return [(ln, i == len(lines) - 1) for i, ln in enumerate(lines)]

    def add_block(
        self,
        el: El,
        *,
        size: float,
        bold: bool,
        gap: float,
        hyphenate: bool,
        justify: bool,
        indent: float = 0.0,
        prefix: str | None = None,
        prefix_w: float = 0.0,
        keep_next: int = 0,
        new_page: bool = False,
        line_h: float | None = None,
    ) -> None:
        x = self.LEFT + indent + prefix_w
        width = self.width - indent - prefix_w
        lh = line_h or self.LINE_H * size / self.BODY_SIZE
        tokens = self.tokens_of(el)
        for k, (toks, last) in enumerate(self.wrap(tokens, width, size, bold, hyphenate)):
            notes = [m for t in toks for m in t.notes]
            self.lines.append(
                PLine(
                    x=x,
                    tokens=toks,
                    width=width,
                    justify=justify and not last,
                    size=size,
                    bold=bold,
                    height=lh,
                    gap_before=gap if k == 0 else 0.0,
                    keep_next=keep_next if k == 0 else 0,
                    prefix=prefix if k == 0 else None,
                    prefix_x=self.LEFT + indent,
                    notes=notes,
                    new_page=new_page and k == 0,
                )
            )

    def add_cahier(self, c: Cahier, new_page: bool) -> None:
        for fn in c.footnotes:
            self.notes[str(fn["marker"])] = fn["text"]
        first = True
        for el in c.elements:
            np_ = new_page and first
            first = False
            if el.kind == "banner":
                self.add_block(
                    el, size=11, bold=True, gap=0, hyphenate=False, justify=False, keep_next=3, new_page=np_
                )
            elif el.kind == "title":
                self.add_block(
                    el,
                    size=15,
                    bold=True,
                    gap=2.0,
                    hyphenate=False,
                    justify=False,
                    keep_next=3,
                    new_page=np_,
                    line_h=7.0,
                )
            elif el.kind == "heading":
                self.add_block(el, size=11.5, bold=True, gap=5.0, hyphenate=False, justify=False, keep_next=2)
            elif el.kind == "para":
                self.add_block(
                    el, size=self.BODY_SIZE, bold=False, gap=self.PARA_GAP, hyphenate=True, justify=True
                )
            elif el.kind == "item":
                indent = 5.0 + 7.0 * el.depth
                gap = self.PARA_GAP if self._starts_list(el) else self.ITEM_GAP
                self.add_block(
                    el,
                    size=self.BODY_SIZE,
                    bold=False,
                    gap=gap,
                    hyphenate=True,
                    justify=True,
                    indent=indent,
                    prefix=el.marker,
                    prefix_w=7.0,
                )
            elif el.kind == "alt":
                self.add_block(
                    el,
                    size=self.BODY_SIZE,
                    bold=False,
                    gap=self.ITEM_GAP,
                    hyphenate=True,
                    justify=True,
                    indent=12.0 + 7.0 * el.depth,
                )
            elif el.kind == "table":
                for r, row in enumerate(el.rows):
                    self.add_block(
                        El("para", " | ".join(row)),
                        size=self.BODY_SIZE,
                        bold=r == 0,
                        gap=self.PARA_GAP if r == 0 else 0.8,
                        hyphenate=False,
                        justify=False,
                    )
        self._prev_list = None

    _prev_list: int | None = None

    def _starts_list(self, el: El) -> bool:
        starts = el.list_id != self._prev_list
        self._prev_list = el.list_id
        return starts

    # pagination ----------------------------------------------------------------------------
    def note_lines(self, marker: str) -> list[tuple[list[Token], bool]]:
        el = El("para", self.notes[marker])
        return self.wrap(self.tokens_of(el), self.width - 5.0, self.NOTE_SIZE, False, False)

    def paginate(self) -> list[dict[str, Any]]:
        pages: list[dict[str, Any]] = []
        page: dict[str, Any] = {}

        def open_page() -> dict[str, Any]:
            p: dict[str, Any] = {"lines": [], "notes": [], "y": self.BODY_TOP, "notes_h": 0.0}
            pages.append(p)
            return p

        def notes_height(markers: list[str]) -> float:
            return sum(len(self.note_lines(m)) * self.NOTE_LINE_H + 0.8 for m in markers)

        page = open_page()
        for i, line in enumerate(self.lines):
            if line.new_page and page["lines"]:
                page = open_page()
            gap = line.gap_before if page["lines"] else 0.0
            need = gap + line.height
            extra_notes = notes_height(line.notes)
            keep = sum(ln.height for ln in self.lines[i + 1 : i + 1 + line.keep_next])
            limit = self.BODY_BOTTOM - (
                page["notes_h"] + extra_notes + (4.0 if page["notes"] or line.notes else 0)
            )
            if page["lines"] and page["y"] + need + keep > limit:
                page = open_page()
                gap = 0.0
            page["y"] += gap
            page["lines"].append((page["y"], line))
            page["y"] += line.height
            page["notes"].extend(line.notes)
            page["notes_h"] += extra_notes
        return pages

    # drawing -------------------------------------------------------------------------------
    def draw_tokens(self, line: PLine, baseline: float) -> None:
        pdf = self.pdf
        space = self.sw(" ", line.size, line.bold)
        widths = [self.token_width(t, line.size, line.bold) for t in line.tokens]
        gap = space
        if line.justify and len(line.tokens) > 1:
            gap = (line.width - sum(widths)) / (len(line.tokens) - 1)
        x = line.x
        for k, tok in enumerate(line.tokens):
            px = x
            for pi, piece in enumerate(tok.pieces):
                text = piece.text
                if k < len(line.tokens) - 1 and pi == len(tok.pieces) - 1 and not piece.sup:
                    text += " "  # a real space glyph so extractors see the word boundary
                if piece.sup:
                    pdf.set_font("DejaVu", "", self.SUP_SIZE)
                    pdf.text(px, baseline - self.SUP_RAISE, text)
                    px += self.sw(piece.text, self.SUP_SIZE)
                else:
                    pdf.set_font("DejaVu", "B" if line.bold else "", line.size)
                    pdf.text(px, baseline, text)
                    px += self.sw(piece.text, line.size, line.bold)
            x += widths[k] + gap

    def render(self) -> bytes:
        pages = self.paginate()
        pdf = self.pdf
        total = len(pages)
        for n, page in enumerate(pages, start=1):
            pdf.add_page()
            pdf.set_font("DejaVu", "", 8)
            pdf.set_text_color(90, 90, 90)
            pdf.text(self.LEFT, 14.0, self.header)
            pdf.set_line_width(0.2)
            pdf.line(self.LEFT, 16.0, self.PAGE_W - self.RIGHT, 16.0)
            foot = f"Page {n}" if self.footer == "page" else f"{n} / {total}"
            fw = self.sw(foot, 8)
            pdf.set_font("DejaVu", "", 8)
            pdf.text((self.PAGE_W - fw) / 2, 287.0, foot)
            pdf.set_text_color(0, 0, 0)
            for y, line in page["lines"]:
                baseline = y + line.height * 0.78
                if line.prefix:
                    pdf.set_font("DejaVu", "", line.size)
                    pdf.text(line.prefix_x, baseline, line.prefix + " ")
                self.draw_tokens(line, baseline)
            if page["notes"]:
                y = self.BODY_BOTTOM - page["notes_h"] - 1.0
                pdf.line(self.LEFT, y, self.LEFT + 45.0, y)
                y += 1.5
                for m in page["notes"]:
                    pdf.set_font("DejaVu", "", self.SUP_SIZE)
                    pdf.text(self.LEFT, y + self.NOTE_LINE_H * 0.78 - self.SUP_RAISE * 0.7, m)
                    for toks, _last in self.note_lines(m):
                        nl = PLine(
                            x=self.LEFT + 5.0,
                            tokens=toks,
                            width=self.width - 5.0,
                            justify=False,
                            size=self.NOTE_SIZE,
                            bold=False,
                            height=self.NOTE_LINE_H,
                        )
                        self.draw_tokens(nl, y + self.NOTE_LINE_H * 0.78)
                        y += self.NOTE_LINE_H
                    y += 0.8
        return bytes(pdf.output())


def render_pdf(cahiers: list[Cahier]) -> tuple[bytes, int]:
    compiled = len(cahiers) > 1
    style = cahiers[0].style
    header = style.get("running_header") or (COMPILED_RUNNING_HEADER if compiled else DEFAULT_RUNNING_HEADER)
    title = "Recueil des cahiers d'espérance 2011" if compiled else cahiers[0].spec["title"]
    author = "États généraux de l'ESS" if compiled else cahiers[0].spec["organisations"][0]["name"]
    layout = PdfLayout(header, style.get("footer", "page"), title, author)
    for i, c in enumerate(cahiers):
        layout.add_cahier(c, new_page=i > 0)
    return layout.render(), layout.hyphenated


# --------------------------------------------------------------------------------------------
# CSV form export
# --------------------------------------------------------------------------------------------


def csv_cell(c: Cahier, column: str) -> str:
    lines = []
    in_block = False
    for el in c.elements:
        if el.kind == "heading":
            in_block = el.text == column
            continue
        if not in_block:
            continue
        if el.kind == "item":
            lines.append(("   " * el.depth) + el.marker + " " + el.text)
        elif el.kind in ("para", "alt"):
            lines.append(el.text)
    return "\n".join(lines)


def render_csv(cahiers: list[Cahier]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_HEADER)
    for n, c in enumerate(cahiers, start=1):
        s = c.spec
        org = s["organisations"][0]
        names = " ; ".join(o["name"] for o in s["organisations"])
        t = s["territory"]
        urls = [u for ini in s.get("initiatives") or [] for u in ini.get("urls") or []]
        writer.writerow(
            [
                str(n),
                str(s.get("date", f"{(n % 27) + 1:02d}/01/2011")),
                s["title"],
                names,
                org.get("legal_form") or "",
                t.get("commune") or "",
                t.get("departement") or "",
                t.get("region") or "",
                ", ".join(DOMAIN_LABELS[d] for d in s["domains"]),
                csv_cell(c, "Présentation de l'initiative"),
                csv_cell(c, "Constats"),
                csv_cell(c, "Propositions"),
                urls[0] if urls else "",
            ]
        )
    return buf.getvalue().encode("cp1252")


def render_columns_yaml() -> bytes:
    head = (
        "# Column mapping of formulaire-en-ligne.csv (a sidecar: read by the ingester, never ingested).\n"
        "# Generated by corpus/authoring/build.py; see corpus/authoring/SPEC.md.\n"
    )
    return (head + yaml.safe_dump(CSV_COLUMNS, allow_unicode=True, sort_keys=False)).encode("utf-8")


# --------------------------------------------------------------------------------------------
# Orchestration
# --------------------------------------------------------------------------------------------


def prepare(specs: list[dict[str, Any]]) -> tuple[list[Cahier], list[str]]:
    errors: list[str] = []
    cahiers: list[Cahier] = []
    seen: dict[str, str] = {}
    for spec in specs:
        errs = validate_spec(spec)
        if errs:
            errors.extend(errs)
            continue
        sid = str(spec["id"])
        if sid in seen:
            errors.append(f"{spec['_path'].name} : id « {sid} » déjà utilisé par {seen[sid]}.")
        seen[sid] = spec["_path"].name
        try:
            cahiers.append(build_cahier(spec))
        except SpecError as exc:
            errors.extend(str(exc).splitlines())
    # files shared by several specs
    by_file: dict[str, list[Cahier]] = {}
    for c in cahiers:
        if "file" in c.spec:
            by_file.setdefault(c.spec["file"], []).append(c)
    for file, group in by_file.items():
        ext = file.rsplit(".", 1)[-1]
        orders = [c.spec.get("order", 0) for c in group]
        if len(set(orders)) != len(orders):
            errors.append(f"{file} : plusieurs specs ont le même « order » ({sorted(orders)}).")
        if len(group) > 1 and ext not in ("pdf", "txt", "md", "csv"):
            errors.append(f"{file} : seuls les .pdf, .txt et .md peuvent rassembler plusieurs cahiers.")
        if len(group) > 1 and ext in ("txt", "md"):
            seps = {c.style.get("separator") for c in group}
            if len(seps) != 1 or None in seps:
                errors.append(f"{file} : fichier compilé ; chaque spec doit donner le même style.separator.")
        encs = {c.style.get("encoding", "utf-8") for c in group}
        if len(encs) > 1:
            errors.append(f"{file} : style.encoding différent selon les specs.")
        if file == "pdf/recueil-cahiers-2011.pdf":
            for c in group:
                if not c.spec.get("banner"):
                    errors.append(
                        f"{c.path.name} : un cahier du recueil PDF a une « banner » "
                        "(« Cahier d'espérance n° … »)."
                    )
    for c in cahiers:
        enc = c.style.get("encoding") or ("cp1252" if c.spec.get("file") == CSV_FILE else None)
        if enc == "cp1252":
            try:
                render_text_cahier(c, "txt").encode("cp1252")
            except UnicodeEncodeError as exc:
                errors.append(
                    f"{c.path.name} : caractère « {exc.object[exc.start : exc.end]} » impossible en cp1252."
                )
    return cahiers, errors


def group_files(cahiers: list[Cahier]) -> dict[str, list[Cahier]]:
    by_file: dict[str, list[Cahier]] = {}
    for c in cahiers:
        if "file" in c.spec:
            by_file.setdefault(c.spec["file"], []).append(c)
    for group in by_file.values():
        group.sort(key=lambda c: (c.spec.get("order", 0), c.id))
    return dict(sorted(by_file.items()))


def render_file(fmt: str, group: list[Cahier]) -> tuple[bytes, int]:
    if fmt in ("txt", "md"):
        return render_text_file(group, fmt), 0
    if fmt == "pdf":
        return render_pdf(group)
    if fmt == "docx":
        return render_docx(group[0]), 0
    if fmt == "odt":
        return render_odt(group[0]), 0
    if fmt == "html":
        return render_html(group[0]), 0
    if fmt == "csv":
        return render_csv(group), 0
    raise ValueError(fmt)


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


def gold_line(g: dict[str, Any]) -> str:
    return json.dumps(g, ensure_ascii=False, sort_keys=False)


def build(out: Path, render: bool) -> int:
    try:
        specs = load_specs(SPECS_DIR)
    except SpecError as exc:
        print(f"ÉCHEC : {exc}", file=sys.stderr)
        return 1
    cahiers, errors = prepare(specs)
    if errors:
        print(f"ÉCHEC : {len(errors)} erreur(s) dans les specs de {SPECS_DIR} :", file=sys.stderr)
        for e in errors:
            print(f"  - {e}", file=sys.stderr)
        return 1
    hyphenated = 0
    sample_gold: list[dict[str, Any]] = []
    cross_gold: list[dict[str, Any]] = []
    for file, group in group_files(cahiers).items():
        fmt = file.rsplit(".", 1)[-1]
        for k, c in enumerate(group):
            g = deepcopy(c.gold)
            g["source"] = file
            g["format"] = fmt
            g["order"] = k
            sample_gold.append(g)
        if render:
            data, h = render_file(fmt, group)
            hyphenated += h
            write(out / "sample" / file, data)
            if fmt == "csv":
                write(out / "sample" / file.replace(".csv", ".columns.yaml"), render_columns_yaml())
    for c in sorted((c for c in cahiers if "formats" in c.spec), key=lambda c: c.id):
        for fmt in c.spec["formats"]:
            g = deepcopy(c.gold)
            g["source"] = f"{c.id}.{fmt}"
            g["format"] = fmt
            g["order"] = 0
            cross_gold.append(g)
            if render:
                data, h = render_file(fmt, [c])
                hyphenated += h
                write(out / "crossformat" / f"{c.id}.{fmt}", data)
    sample_gold.sort(key=lambda g: g["id"])
    if render:
        write(
            out / "gold" / "sample.jsonl", "".join(gold_line(g) + "\n" for g in sample_gold).encode("utf-8")
        )
        write(
            out / "gold" / "crossformat.jsonl",
            "".join(gold_line(g) + "\n" for g in cross_gold).encode("utf-8"),
        )
    print_summary(sample_gold, cross_gold, hyphenated if render else None, render, out)
    return 0


def print_summary(
    gold: list[dict[str, Any]], cross: list[dict[str, Any]], hyphenated: int | None, rendered: bool, out: Path
) -> None:
    fmts = Counter(g["format"] for g in gold)
    doms = Counter(d for g in gold for d in g["domains"])
    primary = Counter(g["domains"][0] for g in gold)
    themes = Counter(t for g in gold for t in g["themes"])
    words = [g["words"] for g in gold if not g["id"].startswith("f")]
    fwords = [g["words"] for g in gold if g["id"].startswith("f")]
    files = {g["source"] for g in gold}
    print("Vérification réussie." if not rendered else f"Corpus rendu sous {out}.")
    print(
        f"Cahiers : {len(gold)} dans {len(files)} fichiers ; "
        f"documents croisés : {len({g['id'] for g in cross})} "
        f"({len(cross)} fichiers)."
    )
    print("Par format : " + ", ".join(f"{k} {v}" for k, v in sorted(fmts.items())))
    print(
        "Par domaine (principal / tous) : "
        + ", ".join(f"{d} {primary.get(d, 0)}/{doms.get(d, 0)}" for d in DOMAINS)
    )
    print("Par thème : " + ", ".join(f"{t} {themes.get(t, 0)}" for t in THEMES))
    if words:
        print(
            f"Mots par cahier (documents) : min {min(words)}, médiane {statistics.median(words):g}, "
            f"max {max(words)}"
        )
    if fwords:
        print(
            f"Mots par ligne du formulaire : min {min(fwords)}, médiane {statistics.median(fwords):g}, "
            f"max {max(fwords)}"
        )
    props = sum(len(g["proposals"]) for g in gold)
    print(
        f"Propositions : {props} ; constats : {sum(len(g['constats']) for g in gold)} ; "
        f"initiatives : {sum(len(g['initiatives']) for g in gold)} ; notes : "
        f"{sum(len(g['footnotes']) for g in gold)}"
    )
    if hyphenated is not None:
        print(f"Coupures de mots en fin de ligne (PDF) : {hyphenated}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Rend le corpus d'exemple et son gold à partir des specs YAML."
    )
    parser.add_argument("--check", action="store_true", help="valider toutes les specs sans rien écrire")
    parser.add_argument(
        "--out",
        type=Path,
        default=CORPUS_DIR,
        help="dossier de sortie (sample/, crossformat/, gold/) ; par défaut corpus/",
    )
    args = parser.parse_args(argv)
    return build(args.out, render=not args.check)


if __name__ == "__main__":
    sys.exit(main())
