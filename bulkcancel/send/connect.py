"""Open the API backend for a run: which API, where, with which credentials.

``--api`` picks Plaza v2 or the Retailer API v10; without it the credentials in the
environment decide (Retailer API when only BOL_CLIENT_ID/BOL_CLIENT_SECRET are set, Plaza
when only Plaza keys are, an error when both are), and the demo stays Plaza. The demo runs
the API's simulator in-process over ASGI (no socket, nothing reaches bol).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import httpx

from bulkcancel.backend import CancellationBackend
from bulkcancel.environments import Environment
from bulkcancel.errors import ConfigError
from bulkcancel.plaza import environments as plaza_env
from bulkcancel.plaza.client import PlazaClient
from bulkcancel.plaza.signing import ApiKeys
from bulkcancel.retailer import environments as retailer_env
from bulkcancel.retailer.client import RetailerClient
from bulkcancel.retailer.documents import MAX_JSON_BYTES
from bulkcancel.retailer.environments import ClientCredentials
from bulkcancel.safexml import MAX_XML_BYTES
from bulkcancel.targets import Api, Target
from bulkcancel.transport import Exchange, HttpxExchange, Timeouts

Credentials = ApiKeys | ClientCredentials


def demo_scenario_path() -> Path:
    """The scenario the demo runs against (a copy is in samples/)."""
    return Path(str(resources.files("bulkcancel.simulator").joinpath("demo-scenario.json")))


def _plaza_keys_set(environ: dict[str, str] | os._Environ[str]) -> bool:
    return bool(environ.get("BOL_PUBLIC_KEY", "").strip() or environ.get("BOL_PRIVATE_KEY", "").strip())


def choose_api(
    api: Api | None,
    env: Environment | None,
    base_url: str | None,
    environ: dict[str, str] | None = None,
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
            "both Retailer API credentials (BOL_CLIENT_ID/BOL_CLIENT_SECRET) and Plaza keys "
            "(BOL_PUBLIC_KEY/BOL_PRIVATE_KEY) are set: choose one with --api retailer or --api plaza"
        )
    return Api.RETAILER if retailer else Api.PLAZA


def resolve(
    api: Api | None,
    env: Environment | None,
    base_url: str | None,
    login_url: str | None = None,
    environ: dict[str, str] | None = None,
) -> Target:
    """The target of a run."""
    chosen = choose_api(api, env, base_url, environ)
    if chosen is Api.RETAILER:
        return retailer_env.resolve_target(env, base_url, login_url)
    if login_url:
        raise ConfigError("--login-url is for the Retailer API (--api retailer); Plaza signs each request instead")
    return plaza_env.resolve_target(env, base_url)


def load_credentials(target: Target, environ: dict[str, str] | None = None) -> Credentials:
    """The credentials for ``target`` from the environment (a CredentialsError names what is missing)."""
    if target.api is Api.RETAILER:
        return retailer_env.load_credentials(target, environ)
    return plaza_env.load_keys(target, environ)


def _demo_exchange(api: Api, scenario: Path | None, timeout: float) -> Exchange:
    """The API's simulator in-process, with the demo scenario (imported only for the demo)."""
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
