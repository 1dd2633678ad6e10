"""``bulkcancel serve``: the upload page on loopback, in the foreground until Ctrl-C.

The socket listens before the link is printed or the browser opened. The browser is opened
on a private local file (0600, in the page's 0700 folder) that forwards to the link, so the
one-time token is never in a process's arguments; the file goes once the token is used.
"""

from __future__ import annotations

import html
import os
import socket
import webbrowser
from collections.abc import Callable
from pathlib import Path

import uvicorn

from bulkcancel.errors import ConfigError
from bulkcancel.i18n import Text
from bulkcancel.journal.store import default_journal_path
from bulkcancel.logs import protect
from bulkcancel.output.labels import CREDENTIALS
from bulkcancel.send.connect import find_credentials
from bulkcancel.settings import Settings
from bulkcancel.targets import is_loopback
from bulkcancel.web.app import Page, build_app, wrap
from bulkcancel.web.uploads import new_id


def page_url(host: str, port: int, root: str, token: str) -> str:
    """The address to open: the page's random root and the one-time start-up token."""
    return f"http://{host}:{port}{root}/?token={token}"


def make_page(settings: Settings, max_upload_mb: int, workdir: Path | None = None) -> Page:
    """The page's state; its files go beside the journal unless ``workdir`` says where."""
    folder = workdir or (settings.journal or default_journal_path()).parent / "page"
    return Page(settings, folder, max_upload=max_upload_mb * 1024 * 1024)


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on ``host:port`` (connections wait in its backlog until the server takes them)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise ConfigError(
            Text(
                "--port {port}: cannot listen on {host}:{port} ({strerror}); another program (or another "
                "bulkcancel serve) uses it: choose another with --port",
                port=port,
                host=host,
                strerror=exc.strerror,
            )
        ) from None
    return sock


def write_opener(folder: Path, url: str) -> Path:
    """A private HTML file that forwards the browser to ``url`` (the token stays out of ``ps``)."""
    path = folder / f"_open-{new_id()}.html"
    safe = html.escape(url, quote=True)
    text = (
        f'<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer">'
        f'<meta http-equiv="refresh" content="0;url={safe}"><title>bulkcancel</title>'
        f'<p><a href="{safe}">bulkcancel</a></p>'
    )
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


def serve(
    settings: Settings,
    *,
    host: str,
    port: int,
    open_browser: bool,
    max_upload_mb: int,
    say: Callable[[str], None],
    warn: Callable[[str], None],
    open_url: Callable[[str], object] = webbrowser.open,
) -> None:
    """Serve the page until Ctrl-C; the running job is stopped as Ctrl-C stops a CLI run."""
    if not is_loopback(host):
        warn(
            Text(
                "serving on {host}: other machines on the network can reach this page (the link's token still "
                "guards it); use the default 127.0.0.1 unless you mean to",
                host=host,
            )
        )
    page = make_page(settings, max_upload_mb)
    found = find_credentials(page.target)  # missing credentials: one line now, not at the first run
    page.credentials = found.source
    for secret in found.credentials.secrets:
        protect(secret)
    page.sweep()
    sock = listen(host, port)  # listening from here on: the link below is never refused
    try:
        hosts = sorted({"127.0.0.1", "localhost", host})
        app = wrap(build_app(page), page, hosts)
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
        shown = "127.0.0.1" if host in ("0.0.0.0", "127.0.0.1") else host  # noqa: S104
        url = page_url(shown, sock.getsockname()[1], page.root, page.session.startup_token)
        target = page.target
        say(
            Text(
                "bulkcancel page: {badge} ({api}, {env})", badge=page.badge, api=target.api.label, env=target.name.value
            )
        )
        say(Text(CREDENTIALS[found.source]))
        say(Text("Open: {url}", url=url))
        say(Text("The link works once, for 10 minutes. Stop with Ctrl-C (a run in progress stops as Ctrl-C stops it)."))
        page.jobs.start()
        if open_browser:
            page.opener = write_opener(page.workdir, url)
            open_url(page.opener.as_uri())  # the file's address: no token on any command line
        server.run(sockets=[sock])
    finally:
        page.jobs.close()
        page.token_spent()
        sock.close()
