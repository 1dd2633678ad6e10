"""Where a run goes, for either API: the environment, the URLs, and the rule for plain http.

A ``Target`` is what ``--api``, ``--env``, ``--base-url`` and ``--login-url`` resolve to
(``plaza/environments.py`` and ``retailer/environments.py`` know their APIs' URLs). Every
later step asks the target, not the options: whether it is production, where the tokens
come from, whether bol's demo paths are used.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from bulkcancel.errors import ConfigError
from bulkcancel.i18n import Text


class Environment(StrEnum):
    """demo: the embedded simulator; test and production: bol's; custom: a ``--base-url``."""

    DEMO = "demo"
    TEST = "test"
    PRODUCTION = "production"
    CUSTOM = "custom"

    @classmethod
    def choices(cls) -> tuple[str, ...]:
        """The names ``--env`` accepts (custom comes from ``--base-url``)."""
        return (cls.DEMO.value, cls.TEST.value, cls.PRODUCTION.value)


class CredentialSource(StrEnum):
    """Where a run's credentials came from (people are told this; the credentials never)."""

    ENVIRONMENT = "environment"  # the API's environment variables (they win when set)
    KEYRING = "keyring"  # what ``bulkcancel login`` stored in the operating system's keyring
    DEMO = "demo"  # the simulator's published demo values (the demo, a ``bulkcancel simulate``)


class Api(StrEnum):
    """The bol API a run speaks (``--api``)."""

    PLAZA = "plaza"  # Plaza API v2: HMAC-signed XML, the API bulkcancel was first built for
    RETAILER = "retailer"  # Retailer API v10: OAuth2 client credentials, JSON

    @property
    def label(self) -> str:
        """The API's name for people."""
        return "Plaza API v2" if self is Api.PLAZA else "Retailer API v10"


@dataclass(frozen=True)
class Target:
    """The environment a run talks to."""

    name: Environment
    base_url: str
    in_process: bool = False
    api: Api = Api.PLAZA
    login_url: str = ""  # the token endpoint (Retailer API only)
    demo_paths: bool = False  # bol's static demo endpoints: /retailer-demo/..., /shared-demo/...
    production_url: str = ""  # the API's production root: pointing --base-url there is production too

    @property
    def is_production(self) -> bool:
        """Whether the user chose production (or points at its URL): real customers."""
        if self.name is Environment.PRODUCTION:
            return True
        return bool(self.production_url) and self.base_url.rstrip("/") == self.production_url and not self.demo_paths


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine (localhost, 127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str, option: str = "--base-url") -> str:
    """``url`` without a trailing slash; plain http is refused unless the host is loopback."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigError(Text("{option} {url!r} is not an http(s) URL; use e.g. https://host", option=option, url=url))
    if parts.username is not None or parts.password is not None:
        # Never print it back: the URL holds a secret. Keys come from the environment only.
        raise ConfigError(
            Text(
                "{option} holds a user name or password (user:password@host); remove it: credentials come "
                "from the environment only, never from the command line",
                option=option,
            )
        )
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ConfigError(
            Text(
                "{option} {url!r} uses plain http to a remote host; use https (plain http is only allowed "
                "on loopback, e.g. http://127.0.0.1:8000)",
                option=option,
                url=url,
            )
        )
    return url.rstrip("/")
