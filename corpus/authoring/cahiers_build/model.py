"""Spec constants, the cahier model (elements + gold) and spec validation."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parents[1]
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
CSV_COLUMNS: dict[str, Any] = {
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
LIST_KEYS = {"intro", "style", "proposals", "items", "marker", "sub_style", "sub_marker", "start", "continues"}
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
        if not isinstance(file, str) or not _is_str(file):
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
                start = lst.get("start", 1)
                if not isinstance(start, int) or isinstance(start, bool) or start < 1:
                    errors.append(f"{cwhere} : « start » doit être un entier positif (premier numéro de la liste).")
                if not isinstance(lst.get("continues", False), bool) or (lst.get("continues") and "start" in lst):
                    errors.append(f"{cwhere} : « continues » vaut true ou false, et ne va pas avec « start ».")
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
            previous = [e for e in els if e.kind == "item" and e.depth == 0]
            continues = bool(lst.get("continues")) and bool(previous)
            if lst.get("continues") and not previous:
                errors.append(f"{name} : une liste « continues » suit forcément une autre liste.")
            if not continues:
                list_id += 1
            first_index = previous[-1].index + 1 if continues else int(lst.get("start", 1))
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
            for k, it in enumerate(lst["items"], start=first_index):
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
