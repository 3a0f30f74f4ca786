"""The export template an organisation sets once: its name and logo on the cover, the fonts and
the colour of headings of every document export (DOCX, ODT, PDF).

It is a TOML file, ``var/export_template.toml`` by default (``$ESS_NLP_EXPORT_TEMPLATE`` names
another one); paths in it are relative to the file itself::

    organisation = "Chambre régionale de l'ESS Occitanie"   # foot of the cover
    logo = "logo.png"                                      # PNG or JPEG
    font = "Marianne"                                      # body text (DOCX, ODT)
    heading_font = "Marianne"                              # headings (DOCX, ODT); default: font
    heading_colour = "#1F4E79"                             # headings, all formats
    font_file = "polices/Marianne-Regular.ttf"             # PDF: TrueType font embedded
    font_file_bold = "polices/Marianne-Bold.ttf"           # PDF: its bold (default: font_file)

Every key is optional. Bad input never stops an export: an unreadable file, invalid TOML, an
unknown key, a missing or unreadable logo or font file, a malformed colour each give one French
sentence naming the file and the reason (:attr:`ExportTemplate.warnings`; the caller shows
them), and the export goes on with the defaults for what was wrong.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ess_nlp.errors import reason_text
from ess_nlp.settings import DEFAULT_EXPORT_TEMPLATE, settings

__all__ = ["KEYS", "ExportTemplate", "load_template"]

KEYS: dict[str, str] = {
    "organisation": "nom de l'organisation, en pied de couverture",
    "logo": "logo PNG ou JPEG, en couverture",
    "font": "police du texte (DOCX, ODT)",
    "heading_font": "police des titres (DOCX, ODT)",
    "heading_colour": "couleur des titres, « #RRGGBB »",
    "font_file": "police TrueType (.ttf) du PDF",
    "font_file_bold": "police TrueType grasse du PDF",
}
_COLOUR = re.compile(r"#?([0-9A-Fa-f]{6})")


@dataclass(frozen=True)
class Logo:
    """A readable logo: its file, format (``PNG``/``JPEG``) and size in pixels."""

    path: Path
    format: str
    width: int
    height: int

    @property
    def ratio(self) -> float:
        """Height over width."""
        return self.height / self.width if self.width else 1.0


@dataclass(frozen=True)
class ExportTemplate:
    """What the template sets (defaults where it sets nothing) and the French warnings about
    what it got wrong; ``source`` is the file read (None when there is none)."""

    organisation: str = ""
    logo: Logo | None = None
    font: str = "Arial"
    heading_font: str = ""
    heading_colour: str = "1F3864"
    font_file: Path | None = None
    font_file_bold: Path | None = None
    source: Path | None = None
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def headings(self) -> str:
        """The font of headings."""
        return self.heading_font or self.font


def _read_logo(path: Path) -> Logo | str:
    """The logo, or the French reason it cannot be used."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.verify()
            fmt, (width, height) = str(image.format), image.size
    except FileNotFoundError:
        return "introuvable"
    except UnidentifiedImageError:
        return "ce n'est pas une image lisible"
    except OSError as err:
        return reason_text(err) if err.errno else f"image endommagée ({err})"
    except Exception as err:  # Pillow raises many kinds on a damaged file
        return f"image endommagée ({err})"
    if fmt not in ("PNG", "JPEG"):
        return f"format {fmt} non pris en charge (PNG ou JPEG attendu)"
    if not width or not height:
        return "image vide"
    return Logo(path, fmt, width, height)


def _check_font(path: Path) -> str | None:
    """None for a readable TrueType/OpenType font file, else the French reason."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError as err:
        return reason_text(err)
    if head not in (b"\x00\x01\x00\x00", b"OTTO", b"true"):
        return "ce n'est pas une police TrueType (.ttf)"
    return None


def load_template(path: str | Path | None = None) -> ExportTemplate:
    """The template at ``path`` (default: ``$ESS_NLP_EXPORT_TEMPLATE``, else
    ``var/export_template.toml``). No file at the default place is no template, silently; a
    file named explicitly that is missing is a warning."""
    chosen = settings().export_template
    explicit = path is not None or chosen is not None
    file = Path(path) if path is not None else chosen or DEFAULT_EXPORT_TEMPLATE
    warnings: list[str] = []

    def warn(message: str) -> None:
        warnings.append(message)

    if not explicit and not file.exists():
        return ExportTemplate()
    try:
        raw = file.read_bytes()
    except OSError as err:
        warn(f"Modèle d'export « {file} » illisible ({reason_text(err)}) : l'export garde la mise en page par défaut.")
        return ExportTemplate(warnings=tuple(warnings))
    try:
        data: dict[str, Any] = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        warn(f"Modèle d'export « {file} » illisible (ce n'est pas du texte UTF-8) : l'export garde la mise en page par défaut.")
        return ExportTemplate(source=file, warnings=tuple(warnings))
    except tomllib.TOMLDecodeError as err:
        at = re.search(r"line (\d+), column (\d+)", str(err))
        where = f", ligne {at.group(1)}, colonne {at.group(2)}" if at else ""
        warn(
            f"Modèle d'export « {file} » invalide (ce n'est pas du TOML correct{where}) : "
            "l'export garde la mise en page par défaut."
        )
        return ExportTemplate(source=file, warnings=tuple(warnings))
    base = file.parent
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in KEYS:
            warn(f"Modèle d'export « {file} » : clé « {key} » inconnue, ignorée (clés connues : {', '.join(KEYS)}).")
            continue
        if not isinstance(value, str) or not value.strip():
            warn(f"Modèle d'export « {file} » : la clé « {key} » attend un texte non vide ; elle est ignorée.")
            continue
        value = value.strip()
        if key == "logo":
            logo_path = base / value
            found = _read_logo(logo_path)
            if isinstance(found, str):
                warn(f"Modèle d'export « {file} » : logo « {logo_path} » inutilisable ({found}) ; l'export se fait sans logo.")
            else:
                values["logo"] = found
        elif key in ("font_file", "font_file_bold"):
            font_path = base / value
            reason = _check_font(font_path)
            if reason:
                warn(
                    f"Modèle d'export « {file} » : police « {font_path} » inutilisable ({reason}) ; "
                    "le PDF garde la police par défaut."
                )
            else:
                values[key] = font_path
        elif key == "heading_colour":
            match = _COLOUR.fullmatch(value)
            if match is None:
                warn(
                    f"Modèle d'export « {file} » : couleur « {value} » invalide (attendu « #RRGGBB », "
                    "par exemple « #1F4E79 ») ; les titres gardent la couleur par défaut."
                )
            else:
                values[key] = match.group(1).upper()
        else:
            values[key] = " ".join(value.split())
    return ExportTemplate(**values, source=file, warnings=tuple(warnings))
