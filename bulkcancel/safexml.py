"""One hardened lxml parser for every XML document bulkcancel receives.

No entity is resolved, no DTD is loaded, nothing is fetched from the network, libxml2 keeps
its size limits (``huge_tree=False``), and a document is refused before parsing when it is
larger than a cap or declares a DOCTYPE (the door to XXE and billion-laughs attacks).
"""

from __future__ import annotations

import re
import threading

from lxml import etree

MAX_XML_BYTES = 1_000_000

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class XMLRejected(ValueError):
    """A received document was not parsed: too big, unsafe or not well-formed XML."""

    def __init__(self, reason: str, body: bytes) -> None:
        super().__init__(f"{reason}: {snippet(body)}")
        self.reason = reason


def snippet(body: bytes, limit: int = 120) -> str:
    """A short, printable, escaped excerpt of a body for a message or the journal."""
    text = body[:limit].decode("utf-8", errors="replace")
    text = text.encode("unicode_escape").decode("ascii")
    return text + ("…" if len(body) > limit else "")


_local = threading.local()


def _parser() -> etree.XMLParser:
    """This thread's parser (building one costs more than parsing a small reply)."""
    parser: etree.XMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = _new_parser()
    return parser


def _new_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(body: bytes, max_bytes: int = MAX_XML_BYTES) -> etree._Element:
    """Parse ``body`` safely or raise XMLRejected; never resolves or fetches anything."""
    if len(body) > max_bytes:
        raise XMLRejected(f"reply larger than {max_bytes} bytes", body)
    if _DOCTYPE.search(body):
        raise XMLRejected("reply declares a DOCTYPE or entity", body)
    if not body.strip():
        raise XMLRejected("empty reply", body)
    try:
        root = etree.fromstring(body, _parser())
    except etree.XMLSyntaxError as exc:
        raise XMLRejected(f"not well-formed XML ({exc.msg})", body) from None
    if root is None:
        raise XMLRejected("no document element", body)
    if next(root.iter(etree.Entity), None) is not None:  # only entity nodes: no element proxies
        raise XMLRejected("reply contains an entity reference", body)
    return root


def local_name(element: etree._Element) -> str:
    """The tag without its namespace."""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def child_texts(parent: etree._Element) -> dict[str, str]:
    """Local name -> stripped text of each direct child (the first one wins)."""
    texts: dict[str, str] = {}
    for child in parent:
        tag = child.tag
        if isinstance(tag, str):
            texts.setdefault(tag.rpartition("}")[2], (child.text or "").strip())
    return texts
