"""Open the API backend for a run: which API, where, with which credentials.

``--api`` picks Plaza v2 or the Retailer API v10; without it the credentials decide
(Retailer API when only BOL_CLIENT_ID/BOL_CLIENT_SECRET are set, Plaza when only Plaza keys
are, an error when both are; with neither in the environment, the same rule over what
``bulkcancel login`` stored in the keyring), and the demo stays Plaza. The demo runs the
API's simulator in-process over ASGI (no socket, nothing reaches bol).

Credentials come from the environment when it holds the API's variables (the environment
wins), else from the keyring, else (the demo, a ``bulkcancel simulate`` on loopback) the
simulator's published demo values; ``CredentialSource`` says which, for the page and the
command line to show (never the credentials themselves).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from bulkcancel.backend import CancellationBackend
from bulkcancel.errors import ConfigError
from bulkcancel.i18n import Text
from bulkcancel.plaza import environments as plaza_env
from bulkcancel.plaza.client import PlazaClient
from bulkcancel.plaza.signing import ApiKeys
from bulkcancel.retailer import environments as retailer_env
from bulkcancel.retailer.client import RetailerClient
from bulkcancel.retailer.documents import MAX_JSON_BYTES
from bulkcancel.retailer.environments import ClientCredentials
from bulkcancel.safexml import MAX_XML_BYTES
from bulkcancel.send import keystore
from bulkcancel.targets import Api, CredentialSource, Environment, Target, is_loopback
from bulkcancel.transport import Exchange, HttpxExchange, Timeouts

Credentials = ApiKeys | ClientCredentials


@dataclass(frozen=True)
class FoundCredentials:
    """Credentials and where they came from."""

    credentials: Credentials
    source: CredentialSource


def demo_scenario_path() -> Path:
    """The scenario the demo runs against (a copy is in samples/)."""
    return Path(str(resources.files("bulkcancel.simulator").joinpath("demo-scenario.json")))


def _plaza_keys_set(environ: Mapping[str, str]) -> bool:
    return bool(environ.get("BOL_PUBLIC_KEY", "").strip() or environ.get("BOL_PRIVATE_KEY", "").strip())


def choose_api(
    api: Api | None,
    env: Environment | None,
    base_url: str | None,
    environ: Mapping[str, str] | None = None,
) -> Api:
    """The API a run speaks: ``--api``, else the one whose credentials are set (the demo: Plaza)."""
    if api is not None:
        return api
    if env in (None, Environment.DEMO) and not base_url:
        return Api.PLAZA
    values = os.environ if environ is None else environ
    retailer, plaza = retailer_env.has_credentials(values), _plaza_keys_set(values)
    if retailer and plaza:
        raise ConfigError(
            Text(
                "both Retailer API credentials (BOL_CLIENT_ID/BOL_CLIENT_SECRET) and Plaza keys "
                "(BOL_PUBLIC_KEY/BOL_PRIVATE_KEY) are set: choose one with --api retailer or --api plaza",
            )
        )
    if not (retailer or plaza) and _keyring_applies(env, base_url):
        retailer, plaza = (keystore.stored(api) is not None for api in (Api.RETAILER, Api.PLAZA))
        if retailer and plaza:
            raise ConfigError(
                Text(
                    "the keyring holds credentials for both the Retailer API and Plaza (bulkcancel login): "
                    "choose one with --api retailer or --api plaza",
                )
            )
    return Api.RETAILER if retailer else Api.PLAZA


def _keyring_applies(env: Environment | None, base_url: str | None) -> bool:
    """Whether the keyring's credentials may be used: not for a bare ``--base-url`` on loopback (a
    ``bulkcancel simulate``, which gets the demo values; ``--env test`` with it says otherwise)."""
    if env not in (None, Environment.CUSTOM) or not base_url:
        return True
    from urllib.parse import urlsplit

    return not is_loopback(urlsplit(base_url).hostname or "")


def resolve(
    api: Api | None,
    env: Environment | None,
    base_url: str | None,
    login_url: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Target:
    """The target of a run."""
    chosen = choose_api(api, env, base_url, environ)
    if chosen is Api.RETAILER:
        return retailer_env.resolve_target(env, base_url, login_url)
    if login_url:
        raise ConfigError(
            Text("--login-url is for the Retailer API (--api retailer); Plaza signs each request instead")
        )
    return plaza_env.resolve_target(env, base_url)


def in_environment(api: Api, environ: Mapping[str, str] | None = None) -> bool:
    """Whether the environment holds any of ``api``'s variables (then they are what a run uses)."""
    environ = os.environ if environ is None else environ
    return retailer_env.has_credentials(environ) if api is Api.RETAILER else _plaza_keys_set(environ)


def find_credentials(target: Target, environ: Mapping[str, str] | None = None) -> FoundCredentials:
    """The credentials for ``target`` and their source: environment, else keyring, else the demo's.

    A CredentialsError names what is missing and both ways to provide it (the last step reaches
    the demo values only for a custom URL: a ``bulkcancel simulate``)."""
    values = os.environ if environ is None else environ
    if target.in_process:
        return FoundCredentials(_from_environment(target, {}), CredentialSource.DEMO)
    if in_environment(target.api, values):
        return FoundCredentials(_from_environment(target, values), CredentialSource.ENVIRONMENT)
    if _keyring_applies(target.name, target.base_url):
        kept = keystore.stored(target.api)
        if kept is not None:
            return FoundCredentials(kept, CredentialSource.KEYRING)
    return FoundCredentials(_from_environment(target, values), CredentialSource.DEMO)


def _from_environment(target: Target, environ: Mapping[str, str]) -> Credentials:
    if target.api is Api.RETAILER:
        return retailer_env.load_credentials(target, environ)
    return plaza_env.load_keys(target, environ)


def load_credentials(target: Target, environ: Mapping[str, str] | None = None) -> Credentials:
    """The credentials for ``target`` (see ``find_credentials``)."""
    return find_credentials(target, environ).credentials


def _demo_exchange(api: Api, scenario: Path | None, timeout: float) -> Exchange:
    """The API's simulator in-process, with the demo scenario (imported only for the demo)."""
    import httpx

    from bulkcancel.simulator import PlazaSimulator, SimulatorConfig, load_scenario
    from bulkcancel.simulator.retailer import RetailerConfig, RetailerSimulator

    loaded = load_scenario(scenario or demo_scenario_path())
    if api is Api.RETAILER:
        app: PlazaSimulator | RetailerSimulator = RetailerSimulator(loaded, RetailerConfig(settle_seconds=0.2))
        return HttpxExchange(httpx.ASGITransport(app=app), MAX_JSON_BYTES, Timeouts.of(timeout))
    app = PlazaSimulator(loaded, SimulatorConfig(settle_seconds=0.2))
    return HttpxExchange(httpx.ASGITransport(app=app), MAX_XML_BYTES, Timeouts.of(timeout))


def open_backend(
    target: Target,
    credentials: Credentials,
    *,
    concurrency: int,
    timeout: float,
    scenario: Path | None = None,
) -> CancellationBackend:
    """A client for ``target``; for the demo, wired to a fresh in-process simulator (no socket)."""
    exchange: Exchange | None = None
    if isinstance(credentials, ClientCredentials):
        if target.in_process:
            exchange = _demo_exchange(Api.RETAILER, scenario, timeout)
        return RetailerClient(target, credentials, exchange=exchange, timeout=timeout, max_connections=concurrency)
    if target.in_process:
        exchange = _demo_exchange(Api.PLAZA, scenario, timeout)
    return PlazaClient(target.base_url, credentials, exchange=exchange, timeout=timeout, max_connections=concurrency)
