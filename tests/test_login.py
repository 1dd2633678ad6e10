"""``login`` / ``logout``: credentials in the keyring; the environment wins; the source is said, never the value.

In-process (CliRunner) with real ``keyring`` backends set through keyring's plugin API
(``tests/keyrings.py``), and runs against the simulators on loopback that accept only the
stored credentials, so a run that used anything else fails.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import keyring
import pytest
from click.testing import CliRunner, Result
from keyring.backends import fail

from bulkcancel.cli import cli
from bulkcancel.errors import CredentialsError
from bulkcancel.plaza.signing import ApiKeys
from bulkcancel.retailer.environments import ClientCredentials
from bulkcancel.send import keystore
from bulkcancel.send.connect import find_credentials, resolve
from bulkcancel.simulator.scenario import OAuthClient, Scenario, ScenarioItem, Seller
from bulkcancel.targets import Api, CredentialSource, Environment
from tests.conftest import Served, read_results, write_csv
from tests.keyrings import LockedKeyring, MemoryKeyring

CLIENT_ID = "staff-client-7f3a"
CLIENT_SECRET = "s3cr3t-Retailer-Value-91b2"
PUBLIC = "PUBLIC-KEY-OF-STAFF-0042"
PRIVATE = "private-key-of-staff-very-secret-0042"


def cli_run(*args: str, input: str = "", env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input, env={"BULKCANCEL_DEBUG": "1", **(env or {})})


def entries() -> dict[tuple[str, str], str]:
    backend = keyring.get_keyring()
    assert isinstance(backend, MemoryKeyring)
    return backend.entries


def sheet(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "week.csv",
        [["OrderItemId", "ReasonCode", "DateTime"], ["2012345601", "OUT_OF_STOCK", "30-11-2026 09:00"]],
    )


def scenario() -> Scenario:
    return Scenario(
        items={"2012345601": ScenarioItem(id="2012345601", state="open")},
        clients=(OAuthClient(CLIENT_ID, CLIENT_SECRET),),
        sellers=(Seller(PUBLIC, PRIVATE),),
    )


def test_login_stores_retailer_credentials_with_the_secret_typed_unseen(tmp_path: Path) -> None:
    result = cli_run("login", "--api", "retailer", input=f"{CLIENT_ID}\n{CLIENT_SECRET}\n")
    assert result.exit_code == 0, result.output
    assert json.loads(entries()[("bulkcancel", "retailer")]) == {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    assert CLIENT_SECRET not in result.output  # hidden input: the typed secret is not echoed
    assert "Stored the Retailer API v10 credentials in the keyring" in result.output
    assert "bulkcancel logout --api retailer" in result.output


def test_login_asks_which_api_and_stores_plaza_keys() -> None:
    result = cli_run("login", input=f"plaza\n{PUBLIC}\n{PRIVATE}\n")
    assert result.exit_code == 0, result.output
    assert PRIVATE not in result.output
    assert keystore.stored(Api.PLAZA) == ApiKeys(PUBLIC, PRIVATE)
    assert keystore.stored(Api.RETAILER) is None


def test_login_asks_again_for_an_empty_or_spaced_value() -> None:
    result = cli_run("login", "--api", "retailer", input=f"{CLIENT_ID}\nhalf a paste\n{CLIENT_SECRET}\n")
    assert result.exit_code == 0, result.output
    assert "paste it again" in result.output
    assert keystore.stored(Api.RETAILER) == ClientCredentials(CLIENT_ID, CLIENT_SECRET)


def test_a_run_uses_the_keyring_and_says_so_without_showing_the_secret(
    tmp_path: Path, serve_retailer: Callable[..., Served]
) -> None:
    served = serve_retailer(scenario())
    cli_run("login", "--api", "retailer", input=f"{CLIENT_ID}\n{CLIENT_SECRET}\n")
    path = sheet(tmp_path)
    ran = cli_run("run", str(path), "--env", "test", "--base-url", served.url, "--quiet", "--yes")
    assert ran.exit_code == 0, ran.output
    assert "Credentials: from the keyring of this computer (bulkcancel login)" in ran.output
    assert served.cancelled_ids() == ["2012345601"]
    assert CLIENT_SECRET not in ran.output
    results = tmp_path / "week-results.xlsx"
    assert CLIENT_SECRET.encode() not in results.read_bytes()
    assert [row["Status"] for row in read_results(results)] == ["CANCELLED"]


def test_the_environment_wins_over_the_keyring(tmp_path: Path, serve_retailer: Callable[..., Served]) -> None:
    served = serve_retailer(scenario())
    keystore.store(Api.RETAILER, ClientCredentials(CLIENT_ID, CLIENT_SECRET))
    wrong = {"BOL_CLIENT_ID": "someone-else", "BOL_CLIENT_SECRET": "not-the-secret"}
    ran = cli_run("run", str(sheet(tmp_path)), "--env", "test", "--base-url", served.url, "--quiet", env=wrong)
    assert ran.exit_code == 2  # the simulator knows only the stored client: the environment's were used
    assert served.cancelled_ids() == []
    found = find_credentials(resolve(Api.RETAILER, Environment.PRODUCTION, None), wrong)
    assert found.source is CredentialSource.ENVIRONMENT
    assert found.credentials == ClientCredentials("someone-else", "not-the-secret")


def test_json_output_names_the_source_of_plaza_keys_from_the_keyring(
    tmp_path: Path, serve: Callable[..., Served]
) -> None:
    served = serve(scenario())
    keystore.store(Api.PLAZA, ApiKeys(PUBLIC, PRIVATE))
    ran = cli_run("run", str(sheet(tmp_path)), "--env", "test", "--base-url", served.url, "--json", "--yes")
    assert ran.exit_code == 0, ran.output
    data = json.loads(ran.stdout.strip().splitlines()[-1])
    assert (data["api"], data["credentials"]) == ("plaza", "keyring")
    assert PRIVATE not in ran.output


def test_the_api_is_chosen_from_the_keyring_when_the_environment_has_none() -> None:
    keystore.store(Api.RETAILER, ClientCredentials(CLIENT_ID, CLIENT_SECRET))
    assert resolve(None, Environment.PRODUCTION, None, environ={}).api is Api.RETAILER
    keystore.store(Api.PLAZA, ApiKeys(PUBLIC, PRIVATE))
    ran = cli_run("run", "missing.csv", "--env", "production")
    assert ran.exit_code == 2
    assert "choose one with --api" in ran.output


def test_a_local_simulator_url_gets_the_demo_values_never_the_keyrings() -> None:
    keystore.store(Api.RETAILER, ClientCredentials(CLIENT_ID, CLIENT_SECRET))
    found = find_credentials(resolve(Api.RETAILER, None, "http://127.0.0.1:9"), {})
    assert found.source is CredentialSource.DEMO
    assert found.credentials.secrets != (CLIENT_SECRET,)


def test_missing_credentials_name_both_ways(tmp_path: Path) -> None:
    with pytest.raises(CredentialsError, match="bulkcancel login --api retailer"):
        find_credentials(resolve(Api.RETAILER, Environment.PRODUCTION, None), {})
    ran = cli_run("run", str(sheet(tmp_path)), "--api", "plaza", "--env", "test", "--quiet")
    assert ran.exit_code == 2
    assert "bulkcancel login --api plaza" in ran.output
    assert "Traceback" not in ran.output


def test_logout_removes_one_api_or_both() -> None:
    keystore.store(Api.RETAILER, ClientCredentials(CLIENT_ID, CLIENT_SECRET))
    keystore.store(Api.PLAZA, ApiKeys(PUBLIC, PRIVATE))
    one = cli_run("logout", "--api", "plaza")
    assert one.exit_code == 0
    assert "Removed the Plaza API v2 credentials" in one.output
    assert keystore.stored(Api.PLAZA) is None and keystore.stored(Api.RETAILER) is not None
    both = cli_run("logout")
    assert both.exit_code == 0
    assert "Removed the Retailer API v10 credentials" in both.output
    assert "The keyring held no Plaza API v2 credentials." in both.output
    assert entries() == {}


def test_status_says_where_each_apis_credentials_come_from() -> None:
    keystore.store(Api.PLAZA, ApiKeys(PUBLIC, PRIVATE))
    result = cli_run("login", "--status", env={"BOL_CLIENT_ID": CLIENT_ID, "BOL_CLIENT_SECRET": CLIENT_SECRET})
    assert result.exit_code == 0
    assert "Plaza API v2: the keyring (" in result.output
    assert "Retailer API v10: the environment variables (BOL_CLIENT_ID/BOL_CLIENT_SECRET)" in result.output
    for value in (CLIENT_ID, CLIENT_SECRET, PUBLIC, PRIVATE):
        assert value not in result.output
    assert entries()[("bulkcancel", "plaza")]  # --status changed nothing


def test_login_notes_that_set_environment_variables_win() -> None:
    result = cli_run(
        "login", "--api", "plaza", input=f"{PUBLIC}\n{PRIVATE}\n", env={"BOL_PUBLIC_KEY": "x", "BOL_PRIVATE_KEY": "y"}
    )
    assert result.exit_code == 0
    assert "BOL_PUBLIC_KEY/BOL_PRIVATE_KEY are set in this environment" in result.stderr


def test_no_keyring_on_the_machine_is_one_clear_line() -> None:
    keyring.set_keyring(fail.Keyring())
    for args in (["login", "--api", "retailer"], ["logout"]):
        result = cli_run(*args, input=f"{CLIENT_ID}\n{CLIENT_SECRET}\n")
        assert result.exit_code == 2
        lines = result.stderr.strip().splitlines()
        assert lines == [lines[0]] and lines[0].startswith("bulkcancel: error: no keyring is available")
        assert "Client id" not in result.output  # said before anything is typed
    status = cli_run("login", "--status")
    assert status.exit_code == 0
    assert "No keyring is available on this computer" in status.output
    with pytest.raises(CredentialsError):  # a run without a keyring: the missing credentials, not a keyring error
        find_credentials(resolve(Api.PLAZA, Environment.TEST, None), {})


def test_a_locked_keyring_is_one_line_without_its_message() -> None:
    keyring.set_keyring(LockedKeyring())
    result = cli_run("login", "--api", "plaza", input=f"{PUBLIC}\n{PRIVATE}\n")
    assert result.exit_code == 2
    assert "the keyring could not store the credentials (KeyringLocked)" in result.stderr
    ran = cli_run("run", "x.csv", "--api", "plaza", "--env", "test")
    assert ran.exit_code == 2
    assert "the keyring could not be read (KeyringLocked)" in ran.stderr
    assert "hunter2" not in ran.output + ran.stderr


def test_an_entry_that_is_not_ours_counts_as_none() -> None:
    entries()[("bulkcancel", "retailer")] = "not json"
    entries()[("bulkcancel", "plaza")] = json.dumps({"public_key": "only one"})
    assert keystore.stored(Api.RETAILER) is None
    assert keystore.stored(Api.PLAZA) is None


def test_the_keyring_lines_in_dutch() -> None:
    keyring.set_keyring(fail.Keyring())
    result = cli_run("login", "--api", "plaza", env={"LANG": "nl_NL.UTF-8", "LC_ALL": "", "LANGUAGE": ""})
    assert result.exit_code == 2
    assert "er is geen sleutelhanger op deze computer" in result.stderr
    keyring.set_keyring(LockedKeyring())
    ran = cli_run(
        "run", "x.csv", "--api", "plaza", "--env", "test", env={"LANG": "nl_NL.UTF-8", "LC_ALL": "", "LANGUAGE": ""}
    )
    assert "de sleutelhanger kon niet worden gelezen (KeyringLocked)" in ran.stderr
