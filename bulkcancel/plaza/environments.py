"""Where requests go: demo (the embedded simulator), bol's test and production, or a URL."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from urllib.parse import urlsplit

from bulkcancel.environments import Environment
from bulkcancel.errors import ConfigError, CredentialsError
from bulkcancel.plaza.signing import DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY, ApiKeys

PRODUCTION_URL = "https://plazaapi.bol.com"
TEST_URL = "https://test-plazaapi.bol.com"
DEMO_URL = "http://simulator.invalid"  # never resolved: the demo runs in-process over ASGI


@dataclass(frozen=True)
class Target:
    """The environment a run talks to."""

    name: Environment
    base_url: str
    in_process: bool = False

    @property
    def is_production(self) -> bool:
        """Whether the user chose production (or points at its URL): real customers."""
        return self.name is Environment.PRODUCTION or self.base_url.rstrip("/") == PRODUCTION_URL


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(url: str) -> str:
    """``url`` without a trailing slash; plain http is refused unless the host is loopback."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigError(f"--base-url {url!r} is not an http(s) URL; use e.g. https://host")
    if parts.username is not None or parts.password is not None:
        # Never print it back: the URL holds a secret. Keys come from the environment only.
        raise ConfigError(
            "--base-url holds a user name or password (user:password@host); remove it: "
            "credentials come from the environment only, never from the command line"
        )
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ConfigError(
            f"--base-url {url!r} uses plain http to a remote host; use https "
            "(plain http is only allowed on loopback, e.g. http://127.0.0.1:8000)"
        )
    return url.rstrip("/")


def resolve_target(env: Environment | None, base_url: str | None) -> Target:
    """The target for ``--env`` and ``--base-url``; no choice means the demo simulator."""
    if base_url:
        return Target(name=env or Environment.CUSTOM, base_url=check_base_url(base_url))
    if env in (None, Environment.DEMO):
        return Target(name=Environment.DEMO, base_url=DEMO_URL, in_process=True)
    if env is Environment.TEST:
        return Target(name=Environment.TEST, base_url=TEST_URL)
    if env is Environment.PRODUCTION:
        return Target(name=Environment.PRODUCTION, base_url=PRODUCTION_URL)
    raise ConfigError(f"--env {env}: choose one of {', '.join(Environment.choices())}")


def load_keys(target: Target, environ: dict[str, str] | None = None) -> ApiKeys:
    """Keys from BOL_PUBLIC_KEY / BOL_PRIVATE_KEY; the demo falls back to bol's sample keys."""
    if target.in_process:
        return ApiKeys(DEMO_PUBLIC_KEY, DEMO_PRIVATE_KEY)
    env = os.environ if environ is None else environ
    public = env.get("BOL_PUBLIC_KEY", "").strip()
    private = env.get("BOL_PRIVATE_KEY", "").strip()
    if public and private:
        return ApiKeys(public, private)
    if target.name is Environment.CUSTOM and not (public or private):
        return ApiKeys(DEMO_PUBLIC_KEY, DEMO_PRIVATE_KEY)
    missing = " and ".join(
        name for name, value in (("BOL_PUBLIC_KEY", public), ("BOL_PRIVATE_KEY", private)) if not value
    )
    raise CredentialsError(
        f"{missing} not set: export your Plaza API keys for the {target.name} environment "
        "(the keys are read from the environment only, never from the command line)"
    )
