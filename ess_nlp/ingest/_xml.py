"""Safe XML parsing for office formats (no entity expansion, no network, no DTD)."""

from __future__ import annotations

from lxml import etree

from ess_nlp.errors import IngestError

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)


def parse_xml(data: bytes, source: str, what: str) -> etree._Element:
    try:
        root = etree.fromstring(data, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else 0
        raise IngestError(source, f"{what} endommagé : XML illisible (ligne {line})") from exc
    if root is None:
        raise IngestError(source, f"{what} endommagé : XML vide")
    return root


def local(tag: object) -> str:
    """Local name of an element tag ("" for comments and processing instructions)."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]
