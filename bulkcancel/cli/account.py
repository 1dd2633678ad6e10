"""``login`` and ``logout``: an API's credentials in the operating system's keyring.

Staff never set environment variables: ``login`` asks for the credentials (the secret with
hidden input) and keeps them in the keyring; every run then uses them, unless the
environment holds the API's variables (the environment wins, and ``login`` says so).
``login --status`` says where each API's credentials come from now. No command prints a
credential.
"""

from __future__ import annotations

import click

from bulkcancel.cli.options import console, console_language, err
from bulkcancel.i18n import N_, gettext
from bulkcancel.targets import Api

_VARIABLES = {
    Api.RETAILER: "BOL_CLIENT_ID/BOL_CLIENT_SECRET",
    Api.PLAZA: "BOL_PUBLIC_KEY/BOL_PRIVATE_KEY",
}
_PASTE = {
    Api.RETAILER: N_("{api}: paste the client id and secret from the seller dashboard (Settings > API settings)."),
    Api.PLAZA: N_("{api}: paste the API keys from the seller dashboard (Settings > API settings)."),
}


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
        err.print(
            gettext(console_language(), "That cannot be it (it is empty or has spaces inside); paste it again."),
            markup=False,
        )


def _status(apis: list[Api]) -> None:
    from bulkcancel.send import keystore
    from bulkcancel.send.connect import in_environment

    lang = console_language()
    try:
        name: str | None = keystore.keyring_name()
    except keystore.KeyringUnavailable:
        name = None
    for api in apis:
        if in_environment(api):
            where = gettext(
                lang,
                "{api}: the environment variables ({names}); they win over the keyring",
                api=api.label,
                names=_VARIABLES[api],
            )
        elif name is not None and keystore.stored(api) is not None:
            where = gettext(
                lang, "{api}: the keyring ({keyring}), stored by bulkcancel login", api=api.label, keyring=name
            )
        else:
            where = gettext(
                lang,
                "{api}: none set: runs on --env test or production stop; `bulkcancel login --api {code}` stores them",
                api=api.label,
                code=api.value,
            )
        console.print(where, markup=False)
    if name is None:
        console.print(
            gettext(
                lang, "No keyring is available on this computer: only the environment variables can hold credentials."
            ),
            markup=False,
        )


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
    lang = console_language()
    name = keystore.keyring_name()  # no keyring: one line now, before anything is typed
    if api is None:
        chosen = click.prompt(
            gettext(lang, "Which API"), type=click.Choice([a.value for a in Api]), default=Api.RETAILER.value
        )
        api = Api(chosen)
    console.print(gettext(lang, _PASTE[api], api=api.label), markup=False)
    credentials: Credentials
    if api is Api.RETAILER:
        client_id = _one_value(gettext(lang, "Client id"), hidden=False)
        credentials = ClientCredentials(client_id, _one_value(gettext(lang, "Client secret"), hidden=True))
    else:
        public = _one_value(gettext(lang, "Public key"), hidden=False)
        credentials = ApiKeys(public, _one_value(gettext(lang, "Private key"), hidden=True))
    name = keystore.store(api, credentials)
    said = gettext(
        lang,
        "Stored the {api} credentials in the keyring ({keyring}). bol has not checked them yet: the first run does. "
        "Remove them with: bulkcancel logout --api {code}",
        api=api.label,
        keyring=name,
        code=api.value,
    )
    console.print(said, markup=False)
    if in_environment(api):
        note = gettext(
            lang,
            "bulkcancel: note: {names} are set in this environment; runs use those while they are set",
            names=_VARIABLES[api],
        )
        err.print(note, markup=False)


@click.command()
@_api_option
def logout(api: Api | None) -> None:
    """Remove the credentials ``login`` stored (one API's, or both when --api is not given)."""
    from bulkcancel.send import keystore
    from bulkcancel.send.connect import in_environment

    lang = console_language()
    for each in [api] if api else list(Api):
        if keystore.remove(each):
            console.print(
                gettext(lang, "Removed the {api} credentials from the keyring.", api=each.label), markup=False
            )
        else:
            console.print(gettext(lang, "The keyring held no {api} credentials.", api=each.label), markup=False)
        if in_environment(each):
            note = gettext(
                lang,
                "bulkcancel: note: {names} are still set in this environment; runs use those",
                names=_VARIABLES[each],
            )
            err.print(note, markup=False)
