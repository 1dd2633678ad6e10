"""Where a run goes: the closed set of environments a user can choose (``--env``); where its credentials come from."""

from __future__ import annotations

from enum import StrEnum


class Environment(StrEnum):
    """demo: the embedded simulator; test and production: bol's; custom: a ``--base-url``."""

    DEMO = "demo"
    TEST = "test"
    PRODUCTION = "production"
    CUSTOM = "custom"

    @classmethod
    def choices(cls) -> tuple[str, ...]:
        """The names ``--env`` accepts (custom comes from ``--base-url``)."""
        return (cls.DEMO.value, cls.TEST.value, cls.PRODUCTION.value)


class CredentialSource(StrEnum):
    """Where a run's credentials came from (people are told this; the credentials never)."""

    ENVIRONMENT = "environment"  # the API's environment variables (they win when set)
    KEYRING = "keyring"  # what ``bulkcancel login`` stored in the operating system's keyring
    DEMO = "demo"  # the simulator's published demo values (the demo, a ``bulkcancel simulate``)
