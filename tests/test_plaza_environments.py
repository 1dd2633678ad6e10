"""Plaza's environments and keys (``plaza/environments.py``): the demo unless told otherwise,
keys only from the environment, and a missing key is one line naming it."""

from __future__ import annotations

import pytest

from bulkcancel.errors import CredentialsError
from bulkcancel.plaza.environments import PRODUCTION_URL, TEST_URL, load_keys, resolve_target
from bulkcancel.plaza.signing import DEMO_PUBLIC_KEY
from bulkcancel.targets import Environment


def test_no_choice_is_the_embedded_demo_never_bol() -> None:
    target = resolve_target(None, None)
    assert target.name is Environment.DEMO and target.in_process and not target.is_production


@pytest.mark.parametrize(
    ("env", "url", "production"),
    [(Environment.TEST, TEST_URL, False), (Environment.PRODUCTION, PRODUCTION_URL, True)],
)
def test_bols_environments(env: Environment, url: str, production: bool) -> None:
    target = resolve_target(env, None)
    assert (target.base_url, target.in_process, target.is_production) == (url, False, production)


def test_a_base_url_that_is_bols_production_host_is_production() -> None:
    assert resolve_target(None, "https://plazaapi.bol.com/").is_production
    assert not resolve_target(None, "http://127.0.0.1:8000").is_production


def test_keys_come_from_the_environment_trimmed() -> None:
    keys = load_keys(resolve_target(Environment.TEST, None), {"BOL_PUBLIC_KEY": " pub ", "BOL_PRIVATE_KEY": "s3cr3t\n"})
    assert (keys.public, keys.private) == ("pub", "s3cr3t") and "s3cr3t" not in repr(keys)


@pytest.mark.parametrize(
    ("environ", "missing"),
    [
        ({}, "BOL_PUBLIC_KEY and BOL_PRIVATE_KEY"),
        ({"BOL_PUBLIC_KEY": "pub"}, "BOL_PRIVATE_KEY"),
        ({"BOL_PRIVATE_KEY": "priv-secret", "BOL_PUBLIC_KEY": "  "}, "BOL_PUBLIC_KEY"),
    ],
)
@pytest.mark.parametrize("env", [Environment.TEST, Environment.PRODUCTION])
def test_a_missing_key_for_bol_is_one_line_naming_it(env: Environment, environ: dict[str, str], missing: str) -> None:
    with pytest.raises(CredentialsError) as refused:
        load_keys(resolve_target(env, None), environ)
    message = str(refused.value)
    assert message.startswith(f"{missing} not set") and "\n" not in message
    assert "priv-secret" not in message


def test_the_demo_and_a_local_server_without_keys_use_bols_sample_keys() -> None:
    assert load_keys(resolve_target(None, None), {}).public == DEMO_PUBLIC_KEY
    assert load_keys(resolve_target(None, "http://127.0.0.1:8000"), {}).public == DEMO_PUBLIC_KEY


def test_half_a_key_pair_for_a_local_server_is_refused_not_mixed_with_the_sample() -> None:
    with pytest.raises(CredentialsError):
        load_keys(resolve_target(None, "http://127.0.0.1:8000"), {"BOL_PUBLIC_KEY": "pub"})
