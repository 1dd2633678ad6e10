"""Credentials kept in the operating system's keyring (``bulkcancel login`` / ``logout``).

Staff never set environment variables: ``bulkcancel login`` stores an API's credentials in
the keyring the ``keyring`` library finds (macOS Keychain, Windows Credential Locker, the
Secret Service on a Linux desktop), one entry per API, and every later run reads them from
there unless the environment holds that API's variables (the environment wins). The entry
is a small JSON object under the service ``bulkcancel`` and the API's name.

A machine without a keyring (a headless server) is a ``KeyringUnavailable``: one line that
says so, never a traceback. ``keyring`` is imported only when the keyring is asked (a run
with the credentials in the environment, and the demo, never load it).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from bulkcancel.errors import ConfigError
from bulkcancel.i18n import N_, Text
from bulkcancel.plaza.signing import ApiKeys
from bulkcancel.retailer.environments import ClientCredentials
from bulkcancel.targets import Api

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

SERVICE = "bulkcancel"

Credentials = ApiKeys | ClientCredentials


class KeyringUnavailable(ConfigError):
    """No keyring on this machine, or it failed: the environment variables are the way left."""


def _backend() -> KeyringBackend:
    """The keyring in use; a ``KeyringUnavailable`` when there is none."""
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        raise KeyringUnavailable(
            Text(
                "no keyring is available on this computer (no Keychain, Credential Locker or Secret Service "
                "was found): set the environment variables instead (see `bulkcancel run --help`)"
            )
        )
    return backend


def keyring_name() -> str:
    """The keyring's name for people ("SecretService Keyring"); a ``KeyringUnavailable`` when none."""
    return str(_backend().name)


_READ = N_("the keyring could not be read ({error}); nothing was changed")
_STORE = N_("the keyring could not store the credentials ({error}); nothing was changed")
_REMOVE = N_("the keyring could not remove the credentials ({error}); nothing was changed")


def _failed(msgid: str, exc: Exception) -> KeyringUnavailable:
    # The type only: a backend's message is its own, and a secret must never ride along in one.
    return KeyringUnavailable(Text(msgid, error=type(exc).__name__))


def _encode(credentials: Credentials) -> str:
    if isinstance(credentials, ClientCredentials):
        return json.dumps({"client_id": credentials.client_id, "client_secret": credentials.client_secret})
    return json.dumps({"public_key": credentials.public, "private_key": credentials.private})


def _decode(api: Api, stored: str) -> Credentials | None:
    """The credentials in an entry; None for an entry that is not ours (then it is as if none were stored)."""
    try:
        data = json.loads(stored)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    names = ("client_id", "client_secret") if api is Api.RETAILER else ("public_key", "private_key")
    first, second = (data.get(name) for name in names)
    if not (isinstance(first, str) and isinstance(second, str) and first.strip() and second.strip()):
        return None
    if api is Api.RETAILER:
        return ClientCredentials(first.strip(), second.strip())
    return ApiKeys(first.strip(), second.strip())


def stored(api: Api) -> Credentials | None:
    """The credentials ``bulkcancel login`` stored for ``api``, or None (also when there is no keyring)."""
    try:
        backend = _backend()
    except KeyringUnavailable:
        return None
    try:
        entry = backend.get_password(SERVICE, api.value)
    except Exception as exc:  # a plugin's failure (locked, D-Bus gone): one line, not a traceback
        raise _failed(_READ, exc) from None
    return _decode(api, entry) if entry else None


def store(api: Api, credentials: Credentials) -> str:
    """Keep ``credentials`` for ``api`` in the keyring (replacing earlier ones); the keyring's name."""
    backend = _backend()
    try:
        backend.set_password(SERVICE, api.value, _encode(credentials))
    except Exception as exc:
        raise _failed(_STORE, exc) from None
    return str(backend.name)


def remove(api: Api) -> bool:
    """Remove the credentials of ``api`` from the keyring; whether there were any."""
    from keyring.errors import PasswordDeleteError

    backend = _backend()
    try:
        if backend.get_password(SERVICE, api.value) is None:
            return False
        backend.delete_password(SERVICE, api.value)
    except PasswordDeleteError:
        return False
    except Exception as exc:
        raise _failed(_REMOVE, exc) from None
    return True
