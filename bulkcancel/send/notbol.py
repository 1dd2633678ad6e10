"""The one line a person reads when a server that is not bol answered (``backend.NotBol``)."""

from __future__ import annotations

from bulkcancel.backend import Foreign, NotBol


def _what(answer: NotBol) -> str:
    media = answer.media_type or "no Content-Type"
    size = f"{answer.size:,} bytes"
    match answer.why:
        case Foreign.EMPTY:
            return f"HTTP {answer.http_status} with an empty body ({media})"
        case Foreign.HTML:
            return f"HTTP {answer.http_status} with an HTML page ({media}, {size})"
        case Foreign.DOCTYPE:
            return f"HTTP {answer.http_status} with a document type declaration ({media}, {size})"
        case Foreign.TOO_LARGE:
            over = f"over {answer.size - 1:,} bytes"
            return f"HTTP {answer.http_status} with a body larger than any of bol's ({media}, {over})"
        case Foreign.MEDIA_TYPE:
            return f"HTTP {answer.http_status} in {media}, not one of bol's media types ({size})"
        case Foreign.SHAPE:
            return f"HTTP {answer.http_status} in {media} that is not a document bol sends for this request ({size})"


def not_bol_line(origin: str, answer: NotBol) -> str:
    """``http://host:port answered HTTP 200 with an HTML page (text/html, 5,120 bytes): not an answer bol gives``."""
    return f"{origin} answered {_what(answer)}: not an answer bol gives"
