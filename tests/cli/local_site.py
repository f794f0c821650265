"""A web site on 127.0.0.1 for the tests of ``tracker ingest URL``: never the internet.

Each test puts the pages it needs in ``site.pages`` (path -> :class:`Page`); the server answers from
there in a thread of its own, on a port the system picks.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Page:
    """One answer: status, headers, body (a callable makes it change on every request), and how the
    server misbehaves (``delay`` seconds before answering, ``endless`` data after the body)."""

    body: bytes | Callable[[], bytes] = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    endless: bool = False


@dataclass
class Site:
    port: int
    pages: dict[str, Page] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


class _Handler(BaseHTTPRequestHandler):
    site: Site

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        self.site.requests.append(self.path)
        page = self.site.pages.get(self.path)
        if page is None:
            self.send_error(404, "Not Found")
            return
        if page.delay:
            time.sleep(page.delay)
        body = page.body() if callable(page.body) else page.body
        try:
            self.send_response(page.status)
            for name, value in page.headers.items():
                self.send_header(name, value)
            if "Content-Length" not in page.headers and not page.endless:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            while page.endless:  # until the client hangs up
                self.wfile.write(b"<p>" + "推进养老服务。".encode() * 1000 + b"</p>\n")
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the signature of http.server
        return None


def serve(monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    """A local site for the time of a test (a fixture's body: ``yield from serve(monkeypatch)``), with the proxy settings of the environment out of the way (they would send requests
    for 127.0.0.1 elsewhere)."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    state = Site(port=server.server_address[1])
    server.RequestHandlerClass = type("Handler", (_Handler,), {"site": state})
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="local-site", daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (connections to it are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
