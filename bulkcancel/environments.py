"""Where a run goes: the closed set of environments a user can choose (``--env``)."""

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
