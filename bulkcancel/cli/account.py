"""``login`` and ``logout``: an API's credentials in the operating system's keyring.

Staff never set environment variables: ``login`` asks for the credentials (the secret with
hidden input) and keeps them in the keyring; every run then uses them, unless the
environment holds the API's variables (the environment wins, and ``login`` says so).
``login --status`` says where each API's credentials come from now. No command prints a
credential.
"""

from __future__ import annotations

import click

from bulkcancel.cli.options import console, err
from bulkcancel.targets import Api

_VARIABLES = {
    Api.RETAILER: "BOL_CLIENT_ID/BOL_CLIENT_SECRET",
    Api.PLAZA: "BOL_PUBLIC_KEY/BOL_PRIVATE_KEY",
}
_WHAT = {Api.RETAILER: "client id and secret", Api.PLAZA: "API keys"}


def _api(ctx: click.Context, param: click.Parameter, value: str | None) -> Api | None:
    return Api(value) if value else None


_api_option = click.option(
    "--api",
    type=click.Choice([api.value for api in Api]),
    callback=_api,
    help="retailer (Retailer API v10: client id and secret) or plaza (Plaza v2: public and private key).",
)


def _one_value(label: str, *, hidden: bool) -> str:
    """One credential from the person: not empty, no spaces inside (a paste often brings some)."""
    while True:
        value = str(click.prompt(label, hide_input=hidden, type=str)).strip()
        if value and not any(char.isspace() for char in value):
            return value
        err.print("That cannot be it (it is empty or has spaces inside); paste it again.", markup=False)


def _status(apis: list[Api]) -> None:
    from bulkcancel.send import keystore
    from bulkcancel.send.connect import in_environment

    try:
        name: str | None = keystore.keyring_name()
    except keystore.KeyringUnavailable:
        name = None
    for api in apis:
        if in_environment(api):
            where = f"the environment variables ({_VARIABLES[api]}); they win over the keyring"
        elif name is not None and keystore.stored(api) is not None:
            where = f"the keyring ({name}), stored by bulkcancel login"
        else:
            where = f"none set: runs on --env test or production stop; `bulkcancel login --api {api.value}` stores them"
        console.print(f"{api.label}: {where}", markup=False)
    if name is None:
        console.print("No keyring is available on this computer: only the environment variables can hold credentials.")


@click.command()
@_api_option
@click.option("--status", is_flag=True, help="Say where each API's credentials come from now; change nothing.")
def login(api: Api | None, status: bool) -> None:
    """Store an API's credentials in this computer's keyring (no environment variables needed)."""
    from bulkcancel.plaza.signing import ApiKeys
    from bulkcancel.retailer.environments import ClientCredentials
    from bulkcancel.send import keystore
    from bulkcancel.send.connect import Credentials, in_environment

    if status:
        _status([api] if api else list(Api))
        return
    name = keystore.keyring_name()  # no keyring: one line now, before anything is typed
    if api is None:
        api = Api(click.prompt("Which API", type=click.Choice([a.value for a in Api]), default=Api.RETAILER.value))
    console.print(f"{api.label}: paste the {_WHAT[api]} from the seller dashboard (Settings > API settings).")
    credentials: Credentials
    if api is Api.RETAILER:
        credentials = ClientCredentials(_one_value("Client id", hidden=False), _one_value("Client secret", hidden=True))
    else:
        credentials = ApiKeys(_one_value("Public key", hidden=False), _one_value("Private key", hidden=True))
    name = keystore.store(api, credentials)
    console.print(
        f"Stored the {api.label} credentials in the keyring ({name}). bol has not checked them yet: "
        f"the first run does. Remove them with: bulkcancel logout --api {api.value}",
        markup=False,
    )
    if in_environment(api):
        err.print(
            f"bulkcancel: note: {_VARIABLES[api]} are set in this environment; runs use those while they are set",
            markup=False,
        )


@click.command()
@_api_option
def logout(api: Api | None) -> None:
    """Remove the credentials ``login`` stored (one API's, or both when --api is not given)."""
    from bulkcancel.send import keystore
    from bulkcancel.send.connect import in_environment

    for each in [api] if api else list(Api):
        if keystore.remove(each):
            console.print(f"Removed the {each.label} credentials from the keyring.", markup=False)
        else:
            console.print(f"The keyring held no {each.label} credentials.", markup=False)
        if in_environment(each):
            err.print(
                f"bulkcancel: note: {_VARIABLES[each]} are still set in this environment; runs use those",
                markup=False,
            )
