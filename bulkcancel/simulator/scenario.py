"""What the simulated seller's account holds: order items, their states, sellers and keys.

A scenario file is JSON or YAML::

    {
      "default": "open",                       # state of ids the file does not list
      "sellers": [{"public": "...", "private": "...", "seller_id": 1084486}],   # Plaza keys
      "clients": [{"client_id": "...", "secret": "..."}],                       # Retailer API

      "items": [
        {"id": "2012345678", "state": "open", "order_id": "4123456789",
         "cancel_request": true, "fulfilment": "FBR", "ean": "...", "title": "...",
         "quantity": 2, "quantity_shipped": 0, "quantity_cancelled": 0,
         "placed": "2026-11-23T10:15:00+01:00",
         "latest_delivery": "2026-11-25", "exact_delivery": null,
         "expiry": "2026-11-28", "distribution": "RETAILER"},
        {"id": "2012345679", "state": "shipped"}
      ]
    }

States: ``open``, ``shipped``, ``cancelled``, ``unknown`` (bol has no such item). The
promised delivery date is ``exact_delivery`` when the customer chose a day, else
``latest_delivery``; a scenario that names neither gets ``latest_delivery`` two days after
``placed`` (write ``"latest_delivery": null`` for an item bol gives no date), and ``expiry``
defaults to three days after the promised date (bol cancels an item on the third day after
it). ``distribution`` is ``RETAILER`` or ``BOL`` (default ``BOL`` for FBB, else ``RETAILER``).
Quantities: an open item may be partly shipped or cancelled (``quantity_shipped``,
``quantity_cancelled``); a ``shipped`` item counts all of its quantity shipped, and a
``cancelled`` one all that was not shipped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from bulkcancel.errors import ConfigError
from bulkcancel.plaza.signing import DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY
from bulkcancel.retailer.environments import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from bulkcancel.simulator.performance import WeekNumbers, weeks_from

STATES = ("open", "shipped", "cancelled", "unknown")
DISTRIBUTION_PARTIES = ("RETAILER", "BOL")
PLACED = "2026-11-23T10:15:00.000+01:00"
DELIVERY_DAYS = 2  # a default promised date: this many days after the order
EXPIRY_DAYS = 3  # bol cancels an item on the third day after its promised date


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
    placed: str = PLACED
    quantity_shipped: int = 0  # of an open item (partly shipped)
    quantity_cancelled: int = 0  # of an open item (partly cancelled)
    latest_delivery: str | None = None  # ISO date; None: two days after ``placed``; "": bol gives none
    exact_delivery: str = ""  # ISO date, when the customer chose the day
    expiry: str | None = None  # ISO date; None: three days after the promised date
    distribution: str = ""  # RETAILER or BOL; "": BOL for FBB, else RETAILER

    def __post_init__(self) -> None:
        if self.latest_delivery is None:
            placed = _date_of(self.placed)
            self.latest_delivery = (
                "" if self.exact_delivery or placed is None else str(placed + timedelta(DELIVERY_DAYS))
            )
        if self.expiry is None:
            promised = _date_of(self.promised)
            self.expiry = "" if promised is None else str(promised + timedelta(EXPIRY_DAYS))
        if not self.distribution:
            self.distribution = "BOL" if self.fulfilment == "FBB" else "RETAILER"

    @property
    def promised(self) -> str:
        """The promised delivery date: the exact one when the customer chose it, else the latest."""
        return self.exact_delivery or self.latest_delivery or ""

    @property
    def shipped(self) -> int:
        """How many of its units are shipped."""
        return self.quantity if self.state == "shipped" else min(self.quantity_shipped, self.quantity)

    @property
    def cancelled(self) -> int:
        """How many of its units are cancelled."""
        if self.state == "cancelled":
            return self.quantity - self.shipped
        return min(self.quantity_cancelled, self.quantity - self.shipped)


def _date_of(text: str) -> date | None:
    """The calendar date of an ISO date or date-time (its own offset's day)."""
    try:
        return datetime.fromisoformat(text).date() if "T" in text else date.fromisoformat(text[:10])
    except ValueError:
        return None


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
    where = f"scenario item {raw['id']}"
    dates = {key: _iso_date(raw, key, where) for key in ("latest_delivery", "exact_delivery", "expiry")}
    distribution = str(raw.get("distribution") or "").upper()
    if distribution and distribution not in DISTRIBUTION_PARTIES:
        raise ConfigError(f"{where}: distribution {distribution!r} is not one of {DISTRIBUTION_PARTIES}")
    try:
        quantities = {key: int(raw.get(key, default)) for key, default in _QUANTITIES}
    except (TypeError, ValueError):
        raise ConfigError(f"{where}: quantities must be whole numbers") from None
    if quantities["quantity"] < 1 or quantities["quantity_shipped"] < 0 or quantities["quantity_cancelled"] < 0:
        raise ConfigError(f"{where}: quantity must be at least 1, shipped and cancelled at least 0")
    if quantities["quantity_shipped"] + quantities["quantity_cancelled"] > quantities["quantity"]:
        raise ConfigError(f"{where}: more units shipped and cancelled than ordered")
    placed = str(raw.get("placed", PLACED))
    try:
        datetime.fromisoformat(placed)
    except ValueError:
        raise ConfigError(f"{where}: placed {placed!r} is not an ISO date-time") from None
    return ScenarioItem(
        id=str(raw["id"]),
        state=state,
        order_id=str(raw.get("order_id") or f"4{raw['id']}"),
        cancel_request=bool(raw.get("cancel_request", False)),
        fulfilment=str(raw.get("fulfilment", "FBR")).upper(),
        ean=str(raw.get("ean", "8712345678901")),
        title=str(raw.get("title", "Demo article")),
        placed=placed,
        latest_delivery=dates["latest_delivery"] if "latest_delivery" in raw else None,
        exact_delivery=dates["exact_delivery"] or "",
        expiry=dates["expiry"] if "expiry" in raw else None,
        distribution=distribution,
        **quantities,
    )


_QUANTITIES = (("quantity", 1), ("quantity_shipped", 0), ("quantity_cancelled", 0))


def _iso_date(raw: dict[str, Any], key: str, where: str) -> str:
    """An optional ISO date of a scenario item ("" when absent or null)."""
    value = raw.get(key)
    if value is None or value == "":
        return ""
    try:
        return str(date.fromisoformat(str(value)))
    except ValueError:
        raise ConfigError(f"{where}: {key} {value!r} is not a date (YYYY-MM-DD)") from None


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
