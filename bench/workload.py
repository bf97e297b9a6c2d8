"""The write mix that the concurrency test and the soak run drive from many threads at once.

``seed_world`` creates market makers, trader firms and their users; ``Worker.step`` performs one random
write through core (place/cancel as traders and admins, funding, market maker creation, and the liquidity
tools once they exist) and records how it ended: done, refused with a typed error, or broken (a raw error,
or a deadlock/serialization failure that leaked through as a Conflict).
"""

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from core.entities import create_entity, fund_entity
from core.errors import Conflict, CoreError
from core.market_makers import create_market_maker, deactivate_market_maker, fund_market_maker
from core.orders import cancel_order, get_my_orders, place_order
from core.users import create_user

try:  # the liquidity tools land in their own issue; the mix uses them once they exist
    from core import liquidity_service
except ImportError:  # pragma: no cover - depends on what has landed
    liquidity_service = None

PASSWORD = "workload password"
CERTIFICATES = ("EUA", "CEA")
MID = {"EUA": Decimal("80.00"), "CEA": Decimal("14.00")}
DEADLOCK_STATES = {"40P01": "deadlock", "40001": "serialization failure"}


@dataclass(frozen=True)
class World:
    admin_ids: tuple[int, ...]  # several, so liquidity creation is not all held back by one admin's rate limit
    trader_ids: tuple[int, ...]
    entity_ids: tuple[int, ...]
    provider_ids: tuple[int, ...]  # liquidity providers: EUR, BUY
    holder_ids: tuple[int, ...]  # asset holders: certificates, SELL


def seed_world(
    db: Session, firms: int = 4, makers_per_type: int = 2, prefix: str = "w", admins_count: int = 3
) -> World:
    """Admins, ``firms`` funded trader firms with one trader each, funded market makers of both types."""
    admin = create_user(db, f"{prefix}-admin", PASSWORD, "ADMIN")
    traders, entities = [], []
    for i in range(firms):
        entity = create_entity(db, f"{prefix} Firm {i}", admin.id)
        fund_entity(db, entity.id, "EUR", Decimal("5000000"), admin.id)
        for cert in CERTIFICATES:
            fund_entity(db, entity.id, cert, 50_000, admin.id)
        traders.append(create_user(db, f"{prefix}-trader-{i}", PASSWORD, "TRADER", entity_id=entity.id).id)
        entities.append(entity.id)
    providers = [
        create_market_maker(db, f"{prefix} LP {i}", "LIQUIDITY_PROVIDER", admin.id, initial_eur_balance=5_000_000).id
        for i in range(makers_per_type)
    ]
    holders = [
        create_market_maker(
            db, f"{prefix} AH {i}", "ASSET_HOLDER", admin.id, initial_balances={"EUA": 50_000, "CEA": 50_000}
        ).id
        for i in range(makers_per_type)
    ]
    admins = [admin.id] + [create_user(db, f"{prefix}-admin-{i}", PASSWORD, "ADMIN").id for i in range(1, admins_count)]
    return World(tuple(admins), tuple(traders), tuple(entities), tuple(providers), tuple(holders))


@dataclass
class Tally:
    """How the operations of one worker ended."""

    done: Counter = field(default_factory=Counter)
    refused: Counter = field(default_factory=Counter)  # typed refusals, by error class
    reasons: Counter = field(default_factory=Counter)  # typed refusals, by the start of their message
    deadlocks: int = 0
    serialization_failures: int = 0
    broken: list[str] = field(default_factory=list)  # anything that is not a typed refusal

    def merge(self, other: "Tally") -> None:
        self.done.update(other.done)
        self.refused.update(other.refused)
        self.reasons.update(other.reasons)
        self.deadlocks += other.deadlocks
        self.serialization_failures += other.serialization_failures
        self.broken.extend(other.broken)

    @property
    def operations(self) -> int:
        return sum(self.done.values()) + sum(self.refused.values())


def _sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of the database error a typed error was translated from, if any."""
    cause = exc.__cause__ or exc.__context__
    orig = getattr(cause, "orig", None)
    return getattr(orig, "sqlstate", None)


def _reason(message: str) -> str:
    """A refusal's message without its numbers and names, so alike refusals count together."""
    words = [w for w in message.split() if not any(c.isdigit() for c in w) and '"' not in w]
    return " ".join(words)[:70]


class Worker:
    """One thread's share of the mix: its own session and random stream."""

    def __init__(self, db: Session, world: World, seed: int, name_prefix: str) -> None:
        self.db = db
        self.world = world
        self.rng = random.Random(seed)
        self.prefix = name_prefix
        self.created = 0
        self.retiring: list[int] = []  # market makers this worker created, deactivated later
        self.tally = Tally()
        self.operations: list[tuple[int, Callable[[], str]]] = [
            (30, self.trader_limit_order),
            (6, self.trader_market_order),
            (12, self.trader_cancel),
            (14, self.market_maker_order),
            (6, self.market_maker_cancel),
            (5, self.fund),
            (1, self.new_market_maker),
            (1, self.deactivate_market_maker),
        ]
        if liquidity_service is not None:
            self.operations += [(3, self.liquidity_create), (2, self.liquidity_withdraw), (1, self.provision)]

    def step(self) -> None:
        weights = [w for w, _ in self.operations]
        operation = self.rng.choices([op for _, op in self.operations], weights)[0]
        try:
            kind = operation()
        except Conflict as exc:
            state = _sqlstate(exc)
            if state == "40P01":
                self.tally.deadlocks += 1
            elif state == "40001":
                self.tally.serialization_failures += 1
            else:
                self._refused(exc)
        except CoreError as exc:
            self._refused(exc)
            if not exc.message:
                self.tally.broken.append(f"{operation.__name__}: {type(exc).__name__} without a message")
        except Exception as exc:  # a raw error: the point of the mix is that none ever happens
            self.tally.broken.append(f"{operation.__name__}: {type(exc).__name__}: {exc}"[:500])
            self.db.rollback()
        else:
            self.tally.done[kind] += 1

    def _refused(self, exc: CoreError) -> None:
        self.tally.refused[type(exc).__name__] += 1
        self.tally.reasons[_reason(exc.message)] += 1

    # --- operations: each returns the name it is counted under ---------------------------------------------

    def _price(self, cert: str) -> Decimal:
        return MID[cert] + Decimal(self.rng.randint(-15, 15)) / 100

    def trader_limit_order(self) -> str:
        cert = self.rng.choice(CERTIFICATES)
        side = self.rng.choice(("BUY", "SELL"))
        place_order(
            self.db,
            self.rng.choice(self.world.trader_ids),
            cert,
            side,
            "LIMIT",
            self.rng.randint(1, 8),
            self._price(cert),
        )
        return "trader limit order"

    def trader_market_order(self) -> str:
        cert = self.rng.choice(CERTIFICATES)
        place_order(
            self.db,
            self.rng.choice(self.world.trader_ids),
            cert,
            self.rng.choice(("BUY", "SELL")),
            "MARKET",
            self.rng.randint(1, 5),
        )
        return "trader market order"

    def trader_cancel(self) -> str:
        trader = self.rng.choice(self.world.trader_ids)
        mine = get_my_orders(self.db, trader, ("OPEN", "PARTIALLY_FILLED"))
        if not mine:
            return "trader cancel (nothing open)"
        cancel_order(self.db, self.rng.choice(mine).id, trader)
        return "trader cancel"

    def market_maker_order(self) -> str:
        cert = self.rng.choice(CERTIFICATES)
        if self.rng.random() < 0.5:
            mm, side = self.rng.choice(self.world.provider_ids), "BUY"
        else:
            mm, side = self.rng.choice(self.world.holder_ids), "SELL"
        place_order(
            self.db,
            self.rng.choice(self.world.admin_ids),
            cert,
            side,
            "LIMIT",
            self.rng.randint(1, 8),
            self._price(cert),
            market_maker_id=mm,
        )
        return "market maker order"

    def market_maker_cancel(self) -> str:
        mine = get_my_orders(self.db, self.rng.choice(self.world.admin_ids), ("OPEN", "PARTIALLY_FILLED"))
        mine = [o for o in mine if o.market_maker_id is not None]
        if not mine:
            return "market maker cancel (nothing open)"
        cancel_order(self.db, self.rng.choice(mine).id, self.rng.choice(self.world.admin_ids))
        return "market maker cancel"

    def fund(self) -> str:
        admin = self.rng.choice(self.world.admin_ids)
        if self.rng.random() < 0.5:
            fund_entity(
                self.db,
                self.rng.choice(self.world.entity_ids),
                self.rng.choice(("EUR", *CERTIFICATES)),
                self.rng.randint(1, 1000),
                admin,
            )
            return "fund entity"
        if self.rng.random() < 0.5:
            fund_market_maker(self.db, self.rng.choice(self.world.provider_ids), "EUR", Decimal("1000.55"), admin)
        else:
            fund_market_maker(
                self.db, self.rng.choice(self.world.holder_ids), self.rng.choice(CERTIFICATES), 100, admin
            )
        return "fund market maker"

    def new_market_maker(self) -> str:
        self.created += 1
        # mostly empty asset holders: liquidity is split evenly over every active provider and every holder with
        # stock, so a crowd of small new ones would starve each share
        kind = "LIQUIDITY_PROVIDER" if self.rng.random() < 0.2 else "ASSET_HOLDER"
        initial = {"initial_eur_balance": 1000} if kind == "LIQUIDITY_PROVIDER" else {}
        mm = create_market_maker(
            self.db, f"{self.prefix} new {self.created}", kind, self.rng.choice(self.world.admin_ids), **initial
        )
        self.retiring.append(mm.id)
        return "create market maker"

    def deactivate_market_maker(self) -> str:
        if not self.retiring:
            return "deactivate market maker (none to retire)"
        mm = self.retiring.pop(0)
        try:
            deactivate_market_maker(self.db, mm, self.rng.choice(self.world.admin_ids))
        except CoreError:
            self.retiring.append(mm)  # e.g. it still has open orders: retire it later
            raise
        return "deactivate market maker"

    def liquidity_create(self) -> str:
        cert = self.rng.choice(CERTIFICATES)
        liquidity_service.create_liquidity(
            self.db,
            cert,
            Decimal(self.rng.randint(0, 40) * 100),
            Decimal(self.rng.randint(1, 40) * 100),
            self.rng.choice(self.world.admin_ids),
        )
        return "create liquidity"

    def liquidity_withdraw(self) -> str:
        admin = self.rng.choice(self.world.admin_ids)
        operations = liquidity_service.get_liquidity_operations(self.db, limit=3, user_id=admin)
        if not operations:
            return "withdraw liquidity (none yet)"
        liquidity_service.withdraw_liquidity(self.db, self.rng.choice(operations).id, admin)
        return "withdraw liquidity"

    def provision(self) -> str:
        admin = self.rng.choice(self.world.admin_ids)
        if self.rng.random() < 0.8:
            liquidity_service.provision_market_makers(
                self.db,
                "fund_existing",
                "LIQUIDITY_PROVIDER",
                Decimal("20000.01"),
                admin,
                mm_ids=list(self.world.provider_ids),
            )
            return "provision (fund existing)"
        result = liquidity_service.provision_market_makers(
            self.db, "create_new", "ASSET_HOLDER", 500, admin, count=2, certificate_type=self.rng.choice(CERTIFICATES)
        )
        self.retiring.extend(m.id for m in result.market_makers)
        return "provision (create new)"
