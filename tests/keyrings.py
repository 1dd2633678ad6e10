"""Keyring backends for tests, through keyring's own plugin API (``keyring.set_keyring``).

A headless test machine has no keyring; these are real backends that keep entries in memory
(or refuse, as a locked or broken keyring does), so ``login``, ``logout`` and the runs that
read the keyring are tested through the ``keyring`` library itself.
"""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.compat import properties
from keyring.errors import KeyringLocked, PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    """Entries in a dict, for one test (never chosen by keyring on its own)."""

    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("tests set this keyring explicitly")

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.entries:
            raise PasswordDeleteError(username)
        del self.entries[(service, username)]


class LockedKeyring(MemoryKeyring):
    """A keyring that refuses every operation, as a locked desktop keyring does."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("the keyring is locked; secret: hunter2")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("the keyring is locked")
