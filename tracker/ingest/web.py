"""Reading a web page: fetch it within a time and a size limit, then hand its bytes to the reader its
type needs (the one a saved file of that type goes to).

Every way a fetch can fail (an address that is not one, no such host, a refused connection, a timeout, a
TLS certificate that cannot be verified, too many redirects, an HTTP error status, a page over the size
cap) is one :class:`InputFileError` naming the address, with a hint. httpx is imported only when a page is
fetched, so ingesting files never loads it.
"""

from __future__ import annotations

import http
import re
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from tracker.errors import InputFileError
from tracker.ingest import reading

if TYPE_CHECKING:
    import httpx

#: Seconds to wait for a connection, and then for each piece of the answer (``tracker ingest --timeout``).
DEFAULT_TIMEOUT = 20.0
#: Redirects followed before giving up (browsers stop at 20; a page moved twice is a lot already).
MAX_REDIRECTS = 10
_HEADERS = {
    # Some government sites refuse clients that do not look like a browser at all.
    "User-Agent": "Mozilla/5.0 (compatible; tracker; plan-versus-outcome tracker)",
    "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9",
}
_URL = re.compile(r"^https?://", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

#: The reader for each media type, named by the file suffix of that type: the same readers files have
#: (``reading.read_file`` says which suffixes it reads; a PDF or a Word file goes there).
MEDIA_SUFFIXES = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "text/x-markdown": ".md",
    "application/pdf": ".pdf",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.ms-works": ".wps",
    "application/kswps": ".wps",
    "application/wps-office.wps": ".wps",
    "application/wps-office.doc": ".doc",
    "application/wps-office.docx": ".docx",
}
#: Types that say nothing of the content: the attachment's file name (or the address) tells instead.
_GENERIC_TYPES = {"", "application/octet-stream", "application/x-download", "application/force-download"}
_GENERIC_TYPES |= {"application/download", "binary/octet-stream", "application/unknown"}


@dataclass(frozen=True)
class Page:
    """What a fetch gave: the address it ended at (after redirects), its type as a file suffix, the
    charset its Content-Type declared, and its bytes."""

    url: str
    suffix: str
    charset: str | None
    data: bytes


def is_url(text: str) -> bool:
    """Whether a command-line argument is a web address (http or https) rather than a path."""
    return bool(_URL.match(text))


def looks_like_url(text: str) -> bool:
    """Whether an argument is an address of any scheme (``ftp://…``): not a path, and not fetched."""
    return bool(_SCHEME.match(text))


def fetch(url: str, *, display_path: str, timeout: float = DEFAULT_TIMEOUT) -> Page:
    """The page at ``url``, read to at most ``reading.MAX_FILE_BYTES`` (stopped there, never read whole).

    Raises:
        InputFileError: the address is not valid, or the page cannot be fetched (network, TLS, timeout,
            redirects, HTTP status) or is larger than the cap.
    """
    import httpx  # loaded only by an ingest that fetches

    if _CONTROL.search(url):
        raise InputFileError(shown_url(url), "address holds control characters", "check the address")
    try:
        address = httpx.URL(url)
        if not address.host:
            raise httpx.InvalidURL("no host")
    except (httpx.InvalidURL, ValueError, UnicodeError) as error:
        raise InputFileError(display_path, "not a valid web address", "check the address") from error
    limit = reading.MAX_FILE_BYTES
    settings = httpx.Timeout(timeout)
    try:
        with (
            httpx.Client(
                timeout=settings, follow_redirects=True, max_redirects=MAX_REDIRECTS, headers=_HEADERS
            ) as client,
            client.stream("GET", address) as response,
        ):
            if response.status_code >= 400:
                raise _status_error(display_path, response)
            length = response.headers.get("content-length", "")
            if length.isdigit() and int(length) > limit:
                raise reading.too_large(display_path)
            data = b"".join(_capped(response.iter_bytes(), limit, display_path))
            return Page(
                url=str(response.url),
                suffix=_suffix(response, data),
                charset=response.charset_encoding,
                data=data,
            )
    except (httpx.HTTPError, httpx.StreamError, httpx.InvalidURL) as error:
        raise _network_error(display_path, error, timeout) from error


def shown_url(url: str) -> str:
    """The address as it can be printed: control characters replaced by U+FFFD."""
    return _CONTROL.sub("\ufffd", url)


def _capped(chunks: Iterator[bytes], limit: int, display_path: str) -> Iterator[bytes]:
    """The chunks of a body (decompressed: a small gzip bomb counts at its real size), until they pass
    ``limit`` bytes, where the download stops."""
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise reading.too_large(display_path)
        yield chunk


def read_page(page: Page, display_path: str) -> reading.RawText:
    """The text of a fetched page, read by its type as a file of that suffix is (``reading.read_data``:
    a PDF or Word attachment by their readers); a text type's Content-Type charset comes first, see
    ``reading.decode_bytes``.

    Raises:
        InputFileError: the page cannot be read (as for a file), or its type is none tracker reads.
    """
    if not page.suffix:
        raise InputFileError(
            display_path,
            "the address gives no document (its type says neither a page nor a file type)",
            "give the address of a web page or of a document file",
        )
    declared = [(page.charset, "header")] if page.charset and page.suffix in reading.TEXT_SUFFIXES else []
    return reading.read_data(page.data, page.suffix, display_path, declared)


def _suffix(response: httpx.Response, data: bytes) -> str:
    """The page's type as a file suffix: by its Content-Type, else (a download without a type) by the
    attachment's file name or the address, else HTML when the bytes look like markup."""
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if media in MEDIA_SUFFIXES:
        return MEDIA_SUFFIXES[media]
    named = _named_suffix(response)
    if media in _GENERIC_TYPES:
        if named:
            return named
        return ".html" if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<" else ""
    if media.startswith("text/"):
        return ".txt"
    # Another type (an image, an archive): its usual suffix, so the reader says it is not one it reads.
    return named or _MEDIA_GUESSES.get(media, f".{media.rpartition('/')[2]}" if "/" in media else "")


_MEDIA_GUESSES = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "application/zip": ".zip"}
_MEDIA_GUESSES |= {"application/json": ".json", "application/rtf": ".rtf", "application/ofd": ".ofd"}


def _named_suffix(response: httpx.Response) -> str:
    """The suffix of the attachment's file name (Content-Disposition), else of the address's last segment."""
    disposition = response.headers.get("content-disposition")
    if disposition:
        message = Message()
        message["content-disposition"] = disposition
        name = message.get_filename()
        if name:
            return PurePosixPath(name).suffix.lower()
    return PurePosixPath(unquote(urlsplit(str(response.url)).path)).suffix.lower()


def _status_error(display_path: str, response: httpx.Response) -> InputFileError:
    code = response.status_code
    try:
        reason = response.reason_phrase or http.HTTPStatus(code).phrase
    except ValueError:
        reason = ""
    problem = f"HTTP {code} {shown_url(reason)}".strip()
    if code in (404, 410):
        hint = "check the address: the page is not there, or has moved"
    elif code in (401, 403, 451):
        hint = "the site refuses tracker: open the page in a browser, save it as .html and ingest that file"
    elif code == 429:
        hint = "the site limits how often it answers: try again later"
    elif code >= 500:
        hint = "the site failed: try again later, or save the page from a browser and ingest the file"
    else:
        hint = "check the address"
    return InputFileError(display_path, problem, hint)


def _network_error(display_path: str, error: Exception, timeout: float) -> InputFileError:
    """One line for a failed fetch, from httpx's exception and the OS or TLS error beneath it."""
    import httpx

    seconds = f"{timeout:g} s"
    more_time = "give it more time with --timeout SECONDS, or try again later"
    if isinstance(error, httpx.ConnectTimeout):
        return InputFileError(display_path, f"no connection within {seconds} (timed out)", more_time)
    if isinstance(error, httpx.TimeoutException):
        return InputFileError(display_path, f"the site sent nothing for {seconds} (timed out)", more_time)
    if isinstance(error, httpx.TooManyRedirects):
        return InputFileError(
            display_path,
            f"more than {MAX_REDIRECTS} redirects",
            "open the address in a browser and give the address it ends at",
        )
    if isinstance(error, httpx.UnsupportedProtocol):
        return InputFileError(
            display_path, "redirected to an address that is not http or https", "check the address"
        )
    cause = _root_cause(error)
    if isinstance(cause, ssl.SSLCertVerificationError):
        return InputFileError(
            display_path,
            f"the site's TLS certificate cannot be verified ({cause.verify_message or cause.reason})",
            "open the page in a browser, save it as .html and ingest that file",
        )
    if isinstance(cause, ssl.SSLError):
        return InputFileError(
            display_path,
            f"TLS handshake failed ({cause.reason or cause})",
            "check that the address starts with the right http:// or https://",
        )
    if isinstance(cause, socket.gaierror):
        return InputFileError(display_path, "host not found (DNS)", "check the address and the network")
    if isinstance(cause, ConnectionRefusedError):
        return InputFileError(
            display_path, "connection refused", "check the address and port; the site may be down"
        )
    if isinstance(error, httpx.RemoteProtocolError):
        return InputFileError(display_path, "the site broke off its answer", "try again later")
    if isinstance(error, httpx.DecodingError):
        return InputFileError(display_path, "the site's answer cannot be decompressed", "try again later")
    if isinstance(cause, OSError) and cause.strerror:
        return InputFileError(
            display_path, f"cannot fetch ({cause.strerror})", "check the address and the network"
        )
    return InputFileError(
        display_path, f"cannot fetch ({type(error).__name__})", "check the address and the network"
    )


def _root_cause(error: BaseException) -> BaseException:
    """The innermost exception of the chain httpx and httpcore raise from (an ``OSError`` or ``SSLError``)."""
    seen = {id(error)}
    while (inner := error.__cause__ or error.__context__) is not None and id(inner) not in seen:
        seen.add(id(inner))
        error = inner
    return error
