"""Where requests go: demo (the embedded simulator), bol's test and production, or a URL."""

from __future__ import annotations

import os
from collections.abc import Mapping

from bulkcancel.errors import ConfigError, CredentialsError
from bulkcancel.i18n import Text
from bulkcancel.plaza.signing import DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY, ApiKeys
from bulkcancel.targets import Api, Environment, Target, check_url

PRODUCTION_URL = "https://plazaapi.bol.com"
TEST_URL = "https://test-plazaapi.bol.com"
DEMO_URL = "http://simulator.invalid"  # never resolved: the demo runs in-process over ASGI


def _target(name: Environment, base_url: str, *, in_process: bool = False) -> Target:
    return Target(name, base_url, in_process, api=Api.PLAZA, production_url=PRODUCTION_URL)


def resolve_target(env: Environment | None, base_url: str | None) -> Target:
    """The target for ``--env`` and ``--base-url``; no choice means the demo simulator."""
    if base_url:
        return _target(env or Environment.CUSTOM, check_url(base_url))
    if env in (None, Environment.DEMO):
        return _target(Environment.DEMO, DEMO_URL, in_process=True)
    if env is Environment.TEST:
        return _target(Environment.TEST, TEST_URL)
    if env is Environment.PRODUCTION:
        return _target(Environment.PRODUCTION, PRODUCTION_URL)
    raise ConfigError(Text("--env {env}: choose one of {choices}", env=env, choices=", ".join(Environment.choices())))


def load_keys(target: Target, environ: Mapping[str, str] | None = None) -> ApiKeys:
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
        Text(
            "{missing} not set: export your Plaza API keys for the {name} environment (or store them "
            "once with `bulkcancel login --api plaza`; never on the command line)",
            missing=missing,
            name=target.name,
        )
    )
