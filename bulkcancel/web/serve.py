"""``bulkcancel serve``: the upload page on loopback, in the foreground until Ctrl-C."""

from __future__ import annotations

import socket
import webbrowser
from collections.abc import Callable
from pathlib import Path

import uvicorn

from bulkcancel.errors import ConfigError
from bulkcancel.journal.store import default_journal_path
from bulkcancel.logs import protect
from bulkcancel.output.labels import credentials_from
from bulkcancel.send.connect import find_credentials
from bulkcancel.settings import Settings
from bulkcancel.targets import is_loopback
from bulkcancel.web.app import Page, build_app, wrap


def page_url(host: str, port: int, token: str) -> str:
    """The address to open: it holds the one-time start-up token."""
    return f"http://{host}:{port}/?token={token}"


def make_page(settings: Settings, max_upload_mb: int, workdir: Path | None = None) -> Page:
    """The page's state; its files go beside the journal unless ``workdir`` says where."""
    folder = workdir or (settings.journal or default_journal_path()).parent / "page"
    return Page(settings, folder, max_upload=max_upload_mb * 1024 * 1024)


def _check_port(host: str, port: int) -> None:
    """Refuse a port something else listens on before printing a link to it."""
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ConfigError(
                f"--port {port}: cannot listen on {host}:{port} ({exc.strerror}); "
                "another program (or another bulkcancel serve) uses it: choose another with --port"
            ) from None


def serve(
    settings: Settings,
    *,
    host: str,
    port: int,
    open_browser: bool,
    max_upload_mb: int,
    say: Callable[[str], None],
    warn: Callable[[str], None],
) -> None:
    """Serve the page until Ctrl-C; the running job is stopped as Ctrl-C stops a CLI run."""
    if not is_loopback(host):
        warn(
            f"serving on {host}: other machines on the network can reach this page (the link's token "
            "still guards it); use the default 127.0.0.1 unless you mean to"
        )
    page = make_page(settings, max_upload_mb)
    found = find_credentials(page.target)  # missing credentials: one line now, not at the first run
    for secret in found.credentials.secrets:
        protect(secret)
    _check_port(host, port)
    hosts = sorted({"127.0.0.1", "localhost", host})
    app = wrap(build_app(page), page, hosts)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    url = page_url("127.0.0.1" if host in ("0.0.0.0", "127.0.0.1") else host, port, page.session.startup_token)  # noqa: S104
    say(f"bulkcancel page: {page.badge} ({page.target.api.label}, {page.target.name.value})")
    say(credentials_from(found.source, "en"))
    say(f"Open: {url}")
    say("Stop with Ctrl-C (a run in progress stops as Ctrl-C stops it: nothing is lost).")
    assert page.runner is not None
    page.runner.start()
    if open_browser:
        webbrowser.open(url)
    try:
        server.run()
    finally:
        page.runner.close()
