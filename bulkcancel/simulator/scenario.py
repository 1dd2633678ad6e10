"""What the simulated seller's account holds: order items, their states, sellers and keys.

A scenario file is JSON or YAML::

    {
      "default": "open",                       # state of ids the file does not list
      "sellers": [{"public": "...", "private": "...", "seller_id": 1084486}],   # Plaza keys
      "clients": [{"client_id": "...", "secret": "..."}],                       # Retailer API

      "items": [
        {"id": "2012345678", "state": "open", "order_id": "4123456789",
         "cancel_request": true, "fulfilment": "FBR", "ean": "...", "title": "...",
         "quantity": 1},
        {"id": "2012345679", "state": "shipped"}
      ]
    }

States: ``open``, ``shipped``, ``cancelled``, ``unknown`` (bol has no such item).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bulkcancel.errors import ConfigError
from bulkcancel.plaza.signing import DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY
from bulkcancel.retailer.environments import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from bulkcancel.simulator.performance import WeekNumbers, weeks_from

STATES = ("open", "shipped", "cancelled", "unknown")


@dataclass
class ScenarioItem:
    """One order item the simulated bol knows (or pretends not to)."""

    id: str
    state: str = "open"
    order_id: str = ""
    cancel_request: bool = False
    fulfilment: str = "FBR"
    ean: str = "8712345678901"
    title: str = "Demo article"
    quantity: int = 1
    placed: str = "2026-11-23T10:15:00.000+01:00"


@dataclass(frozen=True)
class Seller:
    """A key pair the simulator accepts."""

    public: str
    private: str = field(repr=False)
    seller_id: int = 1084486
    active: bool = True


@dataclass(frozen=True)
class OAuthClient:
    """Retailer API credentials the simulator accepts."""

    client_id: str
    secret: str = field(repr=False)
    active: bool = True


@dataclass
class Scenario:
    """The simulated account: items by id, the state of unlisted ids, and sellers."""

    items: dict[str, ScenarioItem] = field(default_factory=dict)
    default: str = "open"
    sellers: tuple[Seller, ...] = (Seller(DEMO_PUBLIC_KEY, DEMO_PRIVATE_KEY),)
    clients: tuple[OAuthClient, ...] = (OAuthClient(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),)
    cancellation_weeks: tuple[WeekNumbers, ...] = ()  # the performance indicator's numbers (performance.py)

    def item(self, item_id: str) -> ScenarioItem:
        """The item with this id, created in the default state when the scenario omits it."""
        found = self.items.get(item_id)
        if found is None:
            found = ScenarioItem(id=item_id, state=self.default, order_id=f"4{item_id}")
            self.items[item_id] = found
        return found


@dataclass(frozen=True)
class SimulatorConfig:
    """Behaviour switches: latency, faults, limits, and how fast processes settle."""

    latency_ms: float = 0.0
    fail_rate: float = 0.0
    drop_rate: float = 0.0
    daily_limit: int = 5000
    window_seconds: float = 86400.0
    orders_per_hour: int = 400
    status_per_hour: int = 50000
    settle_seconds: float = 0.5
    pending_polls: int = 0
    max_skew_seconds: float = 900.0
    seed: int | None = None


def _item(raw: dict[str, Any]) -> ScenarioItem:
    if "id" not in raw:
        raise ConfigError(f"scenario item without an id: {raw!r}")
    state = str(raw.get("state", "open"))
    if state not in STATES:
        raise ConfigError(f"scenario item {raw['id']}: state {state!r} is not one of {STATES}")
    return ScenarioItem(
        id=str(raw["id"]),
        state=state,
        order_id=str(raw.get("order_id") or f"4{raw['id']}"),
        cancel_request=bool(raw.get("cancel_request", False)),
        fulfilment=str(raw.get("fulfilment", "FBR")).upper(),
        ean=str(raw.get("ean", "8712345678901")),
        title=str(raw.get("title", "Demo article")),
        quantity=int(raw.get("quantity", 1)),
        placed=str(raw.get("placed", "2026-11-23T10:15:00.000+01:00")),
    )


def scenario_from_dict(data: dict[str, Any]) -> Scenario:
    """Build a Scenario from parsed JSON/YAML."""
    default = str(data.get("default", "open"))
    if default not in STATES:
        raise ConfigError(f"scenario default {default!r} is not one of {STATES}")
    items = {item.id: item for item in map(_item, data.get("items", []))}
    sellers = (
        tuple(
            Seller(
                str(s["public"]),
                str(s["private"]),
                int(s.get("seller_id", 1084486)),
                bool(s.get("active", True)),
            )
            for s in data.get("sellers", [])
        )
        or Scenario().sellers
    )
    clients = (
        tuple(
            OAuthClient(str(c["client_id"]), str(c["secret"]), bool(c.get("active", True)))
            for c in data.get("clients", [])
        )
        or Scenario().clients
    )
    weeks = weeks_from(data.get("cancellation_weeks"))
    return Scenario(items=items, default=default, sellers=sellers, clients=clients, cancellation_weeks=weeks)


def load_scenario(path: Path) -> Scenario:
    """Read a scenario file; a broken one is a ConfigError naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read scenario {path}: {exc.strerror}") from None
    try:
        if path.suffix.lower() in {".yaml", ".yml"}:
            import yaml

            data = yaml.safe_load(text)
        else:
            data = json.loads(text)
    except Exception as exc:
        raise ConfigError(f"scenario {path} is not valid: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"scenario {path} must be an object with 'items'")
    return scenario_from_dict(data)
