"""XML read safely: defusedxml's streaming parser, no DTD, no entities, errors in words.

Any DOCTYPE is refused (``forbid_dtd``): an entity bomb ("billion laughs") or an external
entity needs one, and no watch or export writes one, so nothing is ever expanded or
fetched. Parse errors become ``WatchFileError``: one that stops on the document's last
line is an incomplete (truncated) file, any other a damaged one.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from athletes.watch_files import errors
from athletes.watch_files.errors import WatchFileError


def local_name(tag: str) -> str:
    """Return a tag without its namespace: ``{http://…}trkpt`` → ``trkpt``."""
    return tag.rpartition("}")[2]


def looks_like_xml(head: bytes) -> bool:
    """Return whether the bytes start like an XML document (after a BOM and blanks)."""
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return text.startswith(b"<")


def root_name(data: bytes) -> str | None:
    """Return the root element's local name, or None when the bytes are not XML.

    Reads only up to the root's start tag. A DTD (which would come before it) is refused.
    """
    try:
        for _event, element in iterparse(io.BytesIO(data), events=("start",), forbid_dtd=True):
            return local_name(element.tag)
    except DefusedXmlException:
        raise WatchFileError(errors.XML_FORBIDDEN) from None
    except (ParseError, ValueError, LookupError):
        return None
    return None


def parse_events(data: bytes, format_name: str) -> Iterator[tuple[str, Element]]:
    """Yield ("start" | "end", element) for the whole document, refusing DTDs and entities.

    Callers clear elements they have finished with, so memory stays small.
    """
    try:
        yield from iterparse(io.BytesIO(data), events=("start", "end"), forbid_dtd=True)
    except DefusedXmlException:
        raise WatchFileError(errors.XML_FORBIDDEN) from None
    except ParseError as error:
        line = error.position[0] if error.position else 0
        if line >= data.count(b"\n") + 1:
            raise WatchFileError(errors.XML_TRUNCATED.format(format=format_name)) from None
        raise WatchFileError(errors.XML_MALFORMED.format(format=format_name, line=line)) from None
