"""Where a run goes (``targets.py``): plain http only on this machine, no credentials in a URL,
and production recognised however it is named."""

from __future__ import annotations

import pytest

from bulkcancel.errors import ConfigError
from bulkcancel.targets import Api, Environment, Target, check_url, is_loopback


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://plazaapi.bol.com/", "https://plazaapi.bol.com"),
        ("https://api.bol.com", "https://api.bol.com"),
        ("http://127.0.0.1:8000/", "http://127.0.0.1:8000"),
        ("http://localhost:8000", "http://localhost:8000"),
        ("http://[::1]:8000", "http://[::1]:8000"),
        ("http://127.8.9.10", "http://127.8.9.10"),
    ],
)
def test_https_anywhere_and_plain_http_on_this_machine(url: str, kept: str) -> None:
    assert check_url(url) == kept


@pytest.mark.parametrize(
    "url",
    [
        "http://plazaapi.bol.com",  # plain http to bol: keys and customers' data in the clear
        "http://192.168.1.10:8000",
        "http://localhost.example.com",
        "ftp://127.0.0.1",
        "plazaapi.bol.com",
        "https://",
    ],
)
def test_anything_else_is_refused(url: str) -> None:
    with pytest.raises(ConfigError):
        check_url(url)


def test_a_url_with_a_password_is_refused_without_repeating_it() -> None:
    with pytest.raises(ConfigError) as refused:
        check_url("https://seller:hunter2-secret@api.bol.com")
    assert "hunter2-secret" not in str(refused.value) and "seller" not in str(refused.value)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("localhost", True), ("127.0.0.1", True), ("::1", True), ("10.0.0.1", False), ("bol.com", False)],
)
def test_loopback_is_this_machine_only(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(
    ("target", "production"),
    [
        (Target(Environment.PRODUCTION, "https://plazaapi.bol.com"), True),
        (Target(Environment.CUSTOM, "https://plazaapi.bol.com/", production_url="https://plazaapi.bol.com"), True),
        (Target(Environment.CUSTOM, "https://test-plazaapi.bol.com", production_url="https://plazaapi.bol.com"), False),
        (Target(Environment.TEST, "https://test-plazaapi.bol.com", production_url="https://plazaapi.bol.com"), False),
        (
            Target(Environment.CUSTOM, "https://api.bol.com", api=Api.RETAILER, production_url="https://api.bol.com"),
            True,
        ),
        (  # bol's static demo endpoints on the production host: no customer is touched
            Target(
                Environment.DEMO,
                "https://api.bol.com",
                api=Api.RETAILER,
                demo_paths=True,
                production_url="https://api.bol.com",
            ),
            False,
        ),
    ],
)
def test_production_is_recognised_by_name_or_by_its_url(target: Target, production: bool) -> None:
    """Pointing --base-url at bol's production host is production too: it asks for consent."""
    assert target.is_production is production
