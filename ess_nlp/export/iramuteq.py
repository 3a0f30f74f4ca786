"""Units with their metadata in IRaMuTeQ's corpus format (ALCESTE conventions), so
researchers can cross-check a theme with the Reinert method.

Each unit (a cahier by default) is one text introduced by a star line::

    **** *cahier_c01 *domaine_financer *theme_t4 *territoire_angers *departement_maine_et_loire
    Le texte du cahier…

Rules applied, as IRaMuTeQ requires: a variable is ``*name_modality`` where the name holds only
letters and digits (the first ``_`` separates name and modality) and the modality only
lowercase ASCII letters, digits and ``_`` (accents removed, anything else becomes ``_``); one
modality per variable and text (a cahier with several domains gets its best-scored one in
``*domaine_`` and all of them in ``*domaines_`` joined by ``_``); the text holds no ``*``
(reserved for star lines), no line starting with ``-*`` (thematic lines) and no ``_word_``
forms (read as variables), and is written on lines that start with neither.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence

from ess_nlp.privacy import Masker
from ess_nlp.store import Store, views
from ess_nlp.store.views.territories import territories_frame
from ess_nlp.text import strip_accents

__all__ = ["iramuteq_corpus", "sanitise_modality", "sanitise_name", "sanitise_text"]

_CHUNK = 400


def _ascii(text: str) -> str:
    return strip_accents(str(text).casefold())


def sanitise_name(name: str) -> str:
    """A variable name: lowercase ASCII letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", _ascii(name)) or "var"


def sanitise_modality(value: str) -> str:
    """A modality: lowercase ASCII letters, digits and single ``_``; ``nr`` when empty."""
    out = re.sub(r"[^a-z0-9]+", "_", _ascii(value)).strip("_")
    return out[:60].rstrip("_") or "nr"


def sanitise_text(text: str) -> str:
    """Text safe inside an IRaMuTeQ corpus (see module docstring)."""
    text = str(text).replace("*", " ")
    text = re.sub(r"(?<!\w)_+|_+(?!\w)", " ", text)  # no _forme_ read as a variable
    text = text.replace("_", " ")
    lines = [" ".join(line.split()) for line in re.split(r"\n\s*\n", text)]
    return "\n".join(line.lstrip("-") .strip() for line in lines if line.strip())


def _labels(store: Store, ids: Sequence[str]) -> dict[str, dict[str, list[tuple[str, float]]]]:
    """``{cahier: {facet: [(label, score), ...] best first}}``, by the one label rule
    (:mod:`ess_nlp.store.views.labels`)."""
    out: dict[str, dict[str, list[tuple[str, float]]]] = {}
    for x in views.unit_labels(store.conn, units=list(ids)):
        out.setdefault(x.unit, {}).setdefault(x.facet, []).append((x.label, x.score))
    for facets in out.values():
        for values in facets.values():
            values.sort(key=lambda v: -v[1])
    return out


def iramuteq_corpus(
    store: Store,
    unit_ids: Iterable[str] | None = None,
    *,
    level: str = "cahier",
    mask: bool = True,
    masker: Masker | None = None,
) -> bytes:
    """The corpus of ``unit_ids`` (every unit of ``level`` when None), in source order, as
    UTF-8 text."""
    conn = store.conn
    if unit_ids is None:
        ids = [r[0] for r in conn.execute("SELECT u.id FROM units u WHERE u.level = ? ORDER BY u.source_id, u.ord", (level,))]
    else:
        ids = list(dict.fromkeys(unit_ids))
    rows = []
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        rows += conn.execute(
            "SELECT u.id, u.level, u.cahier_id, u.title, u.text, u.metadata, c.metadata AS cahier_meta, s.format, s.path,"
            " u.source_id, u.ord FROM units u JOIN sources s ON s.id = u.source_id"
            f" LEFT JOIN units c ON c.id = u.cahier_id WHERE u.id IN ({','.join('?' * len(chunk))})",
            chunk,
        ).fetchall()
    rows.sort(key=lambda r: (r["path"], r["ord"]))
    labels = _labels(store, [r["cahier_id"] or r["id"] for r in rows] + [r["id"] for r in rows])
    texts = [r["text"] for r in rows]
    places = territories_frame(store).set_index("cahier").to_dict("index")
    if mask:
        masker = masker or Masker()
        masker.add_keep(
            str(json.loads(r["cahier_meta"] or r["metadata"] or "{}").get("organisation") or "") for r in rows
        )
        texts = masker.mask_many(texts)
    out: list[str] = []
    for n, (r, text) in enumerate(zip(rows, texts, strict=True), start=1):
        meta = {**json.loads(r["cahier_meta"] or "{}"), **json.loads(r["metadata"] or "{}")}
        own = labels.get(r["id"]) or labels.get(r["cahier_id"] or "", {})
        variables = [("cahier", f"{n:04d}"), ("niveau", r["level"])]
        domains = [label for label, _ in own.get("domains", [])]
        if domains:
            variables.append(("domaine", domains[0]))
            if len(domains) > 1:
                variables.append(("domaines", "_".join(domains)))
        themes = [label for label, _ in own.get("themes", [])]
        if themes:
            variables.append(("theme", themes[0]))
            if len(themes) > 1:
                variables.append(("themes", "_".join(themes)))
        place = places.get(r["cahier_id"] or r["id"], {})
        territory = place.get("commune") or place.get("departement") or place.get("region")
        if territory:
            variables.append(("territoire", str(territory)))
        for key, name in (("departement", "departement"), ("region", "region")):  # current régions
            if place.get(key):
                variables.append((name, str(place[key])))
        if meta.get("legal_form"):
            variables.append(("statut", str(meta["legal_form"])))
        variables.append(("format", str(r["format"])))
        star = "**** " + " ".join(f"*{sanitise_name(k)}_{sanitise_modality(v)}" for k, v in variables)
        body = sanitise_text(text)
        if r["title"] and not body.startswith(sanitise_text(r["title"])):
            body = sanitise_text(r["title"]) + "\n" + body
        out += [star, body, ""]
    return "\n".join(out).encode("utf-8")
