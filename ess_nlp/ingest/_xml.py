"""Safe XML parsing for office formats.

Defused as :mod:`defusedxml` does it: no external entity, no network, no DTD loaded, and a
document that declares entities (the "billion laughs" expansion bomb) is refused outright
rather than parsed with its entities left unexpanded. Elements nested deeper than
``Limits.max_nesting_depth`` are refused (libxml2 itself stops at 256 levels unless the limit
is raised above that).
"""

from __future__ import annotations

from lxml import etree

from ess_nlp.errors import IngestError
from ess_nlp.ingest._limits import DEFAULT_LIMITS, Limits, check_depth

_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "remove_comments": True,
    "remove_pis": True,
}
_PARSER = etree.XMLParser(huge_tree=False, **_OPTIONS)
_HUGE_PARSER = etree.XMLParser(huge_tree=True, **_OPTIONS)
_LIBXML_MAX_DEPTH = 256


def parse_xml(data: bytes, source: str, what: str, limits: Limits = DEFAULT_LIMITS) -> etree._Element:
    parser = _PARSER if limits.max_nesting_depth < _LIBXML_MAX_DEPTH else _HUGE_PARSER
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        if "depth" in str(exc).lower():
            check_depth(_LIBXML_MAX_DEPTH + 1, source, limits, "éléments XML")
        if "entity" in str(exc).lower() and b"<!ENTITY" in data[:65536]:
            raise _entities(source, what) from exc
        line = exc.position[0] if exc.position else 0
        raise IngestError(source, f"{what} endommagé : XML illisible (ligne {line})") from exc
    if root is None:
        raise IngestError(source, f"{what} endommagé : XML vide")
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise _entities(source, what)
    check_depth(xml_depth(root), source, limits, "éléments XML")
    return root


def _entities(source: str, what: str) -> IngestError:
    return IngestError(
        source,
        f"{what} suspect : son XML déclare des entités (possible bombe d'expansion « billion laughs »), "
        "il n'a pas été lu ; enregistrez à nouveau le document depuis votre traitement de texte",
    )


def xml_depth(root: etree._Element) -> int:
    """How deep elements nest under ``root`` (computed without recursion)."""
    deepest = 0
    stack = [(root, 0)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in element)
    return deepest


def local(tag: object) -> str:
    """Local name of an element tag ("" for comments and processing instructions)."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]
