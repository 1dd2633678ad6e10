"""Where Retailer API v10 requests go, and the client credentials they carry.

``--env production``: ``https://api.bol.com`` and ``https://login.bol.com/token``. ``--env
test``: bol's static demo endpoints (``/retailer-demo/...``, ``/shared-demo/...``) on the same
hosts, a smoke test of credentials and shapes only. No ``--env``: the simulator in-process.
``--base-url`` replaces the API root (production paths beneath it); ``--login-url`` the
token endpoint, which otherwise stays bol's, except for a ``--base-url`` on loopback (a
``bulkcancel simulate``), whose own ``/token`` is used.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bulkcancel.errors import ConfigError, CredentialsError
from bulkcancel.i18n import Text
from bulkcancel.targets import Api, Environment, Target, check_url, is_loopback

PRODUCTION_URL = "https://api.bol.com"
LOGIN_URL = "https://login.bol.com/token"
DEMO_URL = "http://retailer-simulator.invalid"  # never resolved: the demo runs in-process over ASGI

# The simulator's own client (not a real bol account): the demo and a loopback --base-url use it.
DEMO_CLIENT_ID = "bulkcancel-demo-client"
DEMO_CLIENT_SECRET = "bulkcancel-demo-secret-not-a-real-one"  # noqa: S105 (a published demo value)


@dataclass(frozen=True)
class ClientCredentials:
    """A retailer's client id and secret; the secret never shows in a repr or a log line."""

    client_id: str
    client_secret: str = field(repr=False)

    def __repr__(self) -> str:
        return f"ClientCredentials(client_id={self.client_id!r}, client_secret=<hidden>)"

    @property
    def seller_ref(self) -> str:
        """The journal's name for this account: the API and a hash of the client id."""
        return "retailer-" + hashlib.sha256(self.client_id.encode()).hexdigest()[:16]

    @property
    def secrets(self) -> tuple[str, ...]:
        """What must never reach a log line, an output or a file."""
        return (self.client_secret,)


def _target(
    name: Environment, base_url: str, login_url: str, *, in_process: bool = False, demo: bool = False
) -> Target:
    return Target(
        name,
        base_url,
        in_process,
        api=Api.RETAILER,
        login_url=login_url,
        demo_paths=demo,
        production_url=PRODUCTION_URL,
    )


def resolve_target(env: Environment | None, base_url: str | None, login_url: str | None = None) -> Target:
    """The target for ``--env``, ``--base-url`` and ``--login-url``; no choice means the simulator."""
    login = check_url(login_url, "--login-url") if login_url else None
    if base_url:
        base = check_url(base_url)
        host = urlsplit(base).hostname or ""
        return _target(env or Environment.CUSTOM, base, login or (f"{base}/token" if is_loopback(host) else LOGIN_URL))
    if env in (None, Environment.DEMO):
        return _target(Environment.DEMO, DEMO_URL, login or f"{DEMO_URL}/token", in_process=True)
    if env is Environment.TEST:
        return _target(Environment.TEST, PRODUCTION_URL, login or LOGIN_URL, demo=True)
    if env is Environment.PRODUCTION:
        return _target(Environment.PRODUCTION, PRODUCTION_URL, login or LOGIN_URL)
    raise ConfigError(Text("--env {env}: choose one of {choices}", env=env, choices=", ".join(Environment.choices())))


def has_credentials(environ: Mapping[str, str] | None = None) -> bool:
    """Whether BOL_CLIENT_ID or BOL_CLIENT_SECRET is set (``--api`` is chosen from it)."""
    env = os.environ if environ is None else environ
    return bool(env.get("BOL_CLIENT_ID", "").strip() or env.get("BOL_CLIENT_SECRET", "").strip())


def load_credentials(target: Target, environ: Mapping[str, str] | None = None) -> ClientCredentials:
    """BOL_CLIENT_ID / BOL_CLIENT_SECRET; the simulator's client for the demo and a bare loopback URL."""
    if target.in_process:
        return ClientCredentials(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
    env = os.environ if environ is None else environ
    client_id = env.get("BOL_CLIENT_ID", "").strip()
    secret = env.get("BOL_CLIENT_SECRET", "").strip()
    if client_id and secret:
        return ClientCredentials(client_id, secret)
    if target.name is Environment.CUSTOM and not (client_id or secret):
        return ClientCredentials(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
    missing = " and ".join(
        name for name, value in (("BOL_CLIENT_ID", client_id), ("BOL_CLIENT_SECRET", secret)) if not value
    )
    raise CredentialsError(
        Text(
            "{missing} not set: export the client id and secret of your bol Retailer API account "
            "(seller dashboard: Settings > API settings), or store them once with `bulkcancel login "
            "--api retailer`",
            missing=missing,
        )
    )
