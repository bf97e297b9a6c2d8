"""A hypothesis state machine drives core on real PostgreSQL; after every step the books must add up.

The rules create and fund market makers and firms, place and cancel orders as traders and admins (also as the
wrong person), preview, create and withdraw liquidity, and provision market makers. A pure-Python model keeps
each account's holdings (available + locked, per asset), moved only by what core returns: deposits, provisioned
amounts and the fills of each order. After every step the model must equal the database, and
``check_invariants`` (which pins locked to the open orders, hence available too) and ``verify_ledger`` must be
empty. Each example runs on its own clone of one seeded database, so a replayed example meets the same state
and hypothesis draws the same steps (a shared database would make preconditions depend on earlier examples).
"""

import uuid
from collections import defaultdict
from collections.abc import Callable
from contextlib import ExitStack
from decimal import Decimal

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from bench.workload import World, seed_world
from core.db import make_session_factory
from core.entities import fund_entity
from core.errors import CoreError, PermissionDenied
from core.invariants import check_invariants
from core.ledger import verify_ledger
from core.liquidity_service import (
    create_liquidity,
    preview_liquidity_creation,
    provision_market_makers,
    withdraw_liquidity,
)
from core.market_makers import create_market_maker, fund_market_maker
from core.orders import Order, cancel_order, get_order, place_order
from tests.helpers import cloned_database

Account = tuple[str, int]  # ("mm", id) or ("entity", id)
MID = {"EUA": Decimal("80.00"), "CEA": Decimal("14.00")}
MAX_NEW_MAKERS = 2  # per type and example: liquidity is split evenly over all, so more would starve each share

certificates = st.sampled_from(["EUA", "CEA"])
offsets = st.integers(min_value=-40, max_value=40).map(lambda cents: Decimal(cents) / 100)
quantities = st.integers(min_value=1, max_value=12)
eur_amounts = st.integers(min_value=1, max_value=5_000_000).map(lambda cents: Decimal(cents) / 100)
picks = st.integers(min_value=0, max_value=10_000)
# EUR per side: zero (that side left out), or enough for a few market makers to rest a certificate per level
liquidity_targets = st.sampled_from([0, 3_000, 12_000, 40_000])


def database_holdings(db: Session) -> dict[tuple[Account, str], Decimal]:
    rows = db.execute(text("SELECT market_maker_id, entity_id, asset::text, available + locked FROM balances"))
    holdings = {(("mm", mm) if mm is not None else ("entity", e), asset): total for mm, e, asset, total in rows}
    db.rollback()
    return holdings


def owner(order: Order) -> Account:
    return ("mm", order.market_maker_id) if order.market_maker_id is not None else ("entity", order.entity_id)


class BooksMachine(RuleBasedStateMachine):
    """Set by the test before running: how to clone the seeded database, and the seeded world."""

    clone_database: Callable[[], tuple[Engine, Callable[[], None]]]
    world: World

    def __init__(self) -> None:
        super().__init__()
        self.engine, self.drop_database = self.clone_database()
        self.db = make_session_factory(self.engine)()
        self.model: dict[tuple[Account, str], Decimal] = defaultdict(Decimal, database_holdings(self.db))
        self.owners: dict[int, Account] = {}
        self.orders: list[int] = []
        self.operations: list[int] = []
        self.providers = list(self.world.provider_ids)
        self.holders = list(self.world.holder_ids)
        self.new_providers = 0
        self.new_holders = 0
        self.admin = self.world.admin_ids[0]
        self.trader_entities = dict(zip(self.world.trader_ids, self.world.entity_ids, strict=True))

    def teardown(self) -> None:
        self.db.close()
        self.engine.dispose()
        self.drop_database()

    # --- helpers ---------------------------------------------------------------------------------------------

    def attempt(self, call):
        """Run a core call; a typed refusal changes nothing (the invariant below checks the database agrees)."""
        try:
            result = call()
        except CoreError as refused:
            assert refused.message, "a refusal must say why"
            event(f"refused: {type(refused).__name__}")
            return None
        event(f"done: {type(result).__name__}")
        return result

    def owner_of(self, order_id: int) -> Account:
        if order_id not in self.owners:
            self.owners[order_id] = owner(get_order(self.db, order_id, user_id=self.admin))
        return self.owners[order_id]

    def settle(self, order: Order) -> None:
        """Move holdings by the fills core reports for a new order."""
        self.owners[order.id] = owner(order)
        self.orders.append(order.id)
        cert = order.certificate_type.value
        if order.fills:
            event("an order traded")
        for fill in order.fills:
            buyer, seller = self.owner_of(fill.buy_order_id), self.owner_of(fill.sell_order_id)
            self.model[buyer, "EUR"] -= fill.price * fill.quantity
            self.model[seller, "EUR"] += fill.price * fill.quantity
            self.model[seller, cert] -= fill.quantity
            self.model[buyer, cert] += fill.quantity

    # --- rules -----------------------------------------------------------------------------------------------

    @precondition(lambda self: self.new_providers < MAX_NEW_MAKERS)
    @rule(amount=eur_amounts)
    def create_a_liquidity_provider(self, amount: Decimal) -> None:
        mm = self.attempt(
            lambda: create_market_maker(
                self.db, f"LP {uuid.uuid4().hex[:10]}", "LIQUIDITY_PROVIDER", self.admin, initial_eur_balance=amount
            )
        )
        if mm is not None:
            self.new_providers += 1
            self.providers.append(mm.id)
            self.model[("mm", mm.id), "EUR"] += amount

    @precondition(lambda self: self.new_holders < MAX_NEW_MAKERS)
    @rule(cea=st.integers(0, 5000), eua=st.integers(0, 500))
    def create_an_asset_holder(self, cea: int, eua: int) -> None:
        mm = self.attempt(
            lambda: create_market_maker(
                self.db,
                f"AH {uuid.uuid4().hex[:10]}",
                "ASSET_HOLDER",
                self.admin,
                initial_balances={"CEA": cea, "EUA": eua},
            )
        )
        if mm is not None:
            self.new_holders += 1
            self.holders.append(mm.id)
            self.model[("mm", mm.id), "CEA"] += cea
            self.model[("mm", mm.id), "EUA"] += eua

    @rule(pick=picks, cert=certificates, cents=st.integers(1, 10_000_000))
    def fund_a_market_maker(self, pick: int, cert: str, cents: int) -> None:
        mm = (self.providers + self.holders)[pick % (len(self.providers) + len(self.holders))]
        asset = "EUR" if mm in self.providers else cert
        amount = Decimal(cents) / 100 if asset == "EUR" else Decimal(cents % 1000 + 1)
        if self.attempt(lambda: fund_market_maker(self.db, mm, asset, amount, self.admin)) is not None:
            self.model[("mm", mm), asset] += amount

    @rule(pick=picks, asset=st.sampled_from(["EUR", "CEA", "EUA"]), units=st.integers(1, 100_000))
    def fund_a_firm(self, pick: int, asset: str, units: int) -> None:
        entity = self.world.entity_ids[pick % len(self.world.entity_ids)]
        amount = Decimal(units) if asset != "EUR" else Decimal(units * 10)
        if self.attempt(lambda: fund_entity(self.db, entity, asset, amount, self.admin)) is not None:
            self.model[("entity", entity), asset] += amount

    @rule(
        pick=picks,
        cert=certificates,
        side=st.sampled_from(["BUY", "SELL"]),
        limit=st.booleans(),
        quantity=quantities,
        offset=offsets,
        post_only=st.booleans(),
    )
    def a_trader_places_an_order(
        self, pick: int, cert: str, side: str, limit: bool, quantity: int, offset: Decimal, post_only: bool
    ) -> None:
        trader = self.world.trader_ids[pick % len(self.world.trader_ids)]
        price = MID[cert] + offset if limit else None
        order = self.attempt(
            lambda: place_order(
                self.db,
                trader,
                cert,
                side,
                "LIMIT" if limit else "MARKET",
                quantity,
                price,
                post_only=post_only and limit,
            )
        )
        if order is not None:
            assert order.entity_id == self.trader_entities[trader]
            self.settle(order)

    @rule(pick=picks, cert=certificates, quantity=quantities, offset=offsets)
    def an_admin_places_a_market_maker_order(self, pick: int, cert: str, quantity: int, offset: Decimal) -> None:
        makers = [(mm, "BUY") for mm in self.providers] + [(mm, "SELL") for mm in self.holders]
        mm, side = makers[pick % len(makers)]
        order = self.attempt(
            lambda: place_order(
                self.db, self.admin, cert, side, "LIMIT", quantity, MID[cert] + offset, market_maker_id=mm
            )
        )
        if order is not None:
            assert order.market_maker_id == mm
            self.settle(order)

    @precondition(lambda self: self.orders)
    @rule(pick=picks, actor=picks)
    def someone_cancels_an_order(self, pick: int, actor: int) -> None:
        order_id = self.orders[pick % len(self.orders)]
        people = [self.admin, *self.world.trader_ids]
        who = people[actor % len(people)]
        kind, account = self.owner_of(order_id)
        entitled = (kind == "mm" and who == self.admin) or (
            kind == "entity" and self.trader_entities.get(who) == account
        )
        try:
            cancelled = cancel_order(self.db, order_id, who)
        except PermissionDenied:
            assert not entitled, f"user {who} was refused cancelling order {order_id} it may cancel"
        except CoreError:
            pass  # e.g. already filled or cancelled
        else:
            assert entitled, f"user {who} cancelled order {order_id} of {kind} {account}"
            assert cancelled.status == "CANCELLED"
            assert cancelled.locked_amount == 0

    @rule(cert=certificates, bid=liquidity_targets, ask=liquidity_targets)
    def an_admin_previews_liquidity(self, cert: str, bid: int, ask: int) -> None:
        self.attempt(lambda: preview_liquidity_creation(self.db, cert, bid, ask, user_id=self.admin))

    @rule(pick=picks, cert=certificates, bid=liquidity_targets, ask=liquidity_targets)
    def an_admin_creates_liquidity(self, pick: int, cert: str, bid: int, ask: int) -> None:
        admin = self.world.admin_ids[pick % len(self.world.admin_ids)]  # several: each has a rate limit
        operation = self.attempt(lambda: create_liquidity(self.db, cert, bid, ask, admin))
        if operation is not None:
            assert operation.actual_bid_liquidity_eur <= operation.target_bid_liquidity_eur
            assert operation.actual_ask_liquidity_eur <= operation.target_ask_liquidity_eur
            self.operations.append(operation.id)
            self.orders.extend(operation.orders_created)

    @precondition(lambda self: self.operations)
    @rule(pick=picks)
    def an_admin_withdraws_liquidity(self, pick: int) -> None:
        self.attempt(lambda: withdraw_liquidity(self.db, self.operations[pick % len(self.operations)], self.admin))

    @rule(cents=st.integers(1_000, 10_000_000))
    def an_admin_tops_up_every_provider(self, cents: int) -> None:
        amount = Decimal(cents) / 100
        result = self.attempt(
            lambda: provision_market_makers(
                self.db, "fund_existing", "LIQUIDITY_PROVIDER", amount, self.admin, mm_ids=self.providers
            )
        )
        if result is not None:
            assert sum(m.amount for m in result.market_makers) == amount
            for funded in result.market_makers:
                self.model[("mm", funded.id), "EUR"] += funded.amount

    @precondition(lambda self: self.new_holders < MAX_NEW_MAKERS)
    @rule(cert=certificates, units=st.integers(1, 3000), count=st.integers(1, 3))
    def an_admin_provisions_new_asset_holders(self, cert: str, units: int, count: int) -> None:
        result = self.attempt(
            lambda: provision_market_makers(
                self.db, "create_new", "ASSET_HOLDER", units, self.admin, count=count, certificate_type=cert
            )
        )
        if result is not None:
            assert sum(m.amount for m in result.market_makers) == units
            self.new_holders += len(result.market_makers)
            for created in result.market_makers:
                self.holders.append(created.id)
                self.model[("mm", created.id), cert] += created.amount

    # --- after every step ------------------------------------------------------------------------------------

    @invariant()
    def the_model_equals_the_database(self) -> None:
        actual = database_holdings(self.db)
        expected = {key: value for key, value in self.model.items() if key in actual or value != 0}
        assert {k: v for k, v in actual.items() if k in expected or v != 0} == expected

    @invariant()
    def the_books_are_healthy(self) -> None:
        assert check_invariants(self.db) == []
        assert verify_ledger(self.db) == []


def test_random_sequences_of_every_write_keep_the_model_and_the_invariants(pg_admin_url, template_name):
    with cloned_database(pg_admin_url, template_name, prefix="sm_seed") as seeded_url:
        seed_engine = create_engine(seeded_url)
        with make_session_factory(seed_engine)() as db:
            BooksMachine.world = seed_world(db, firms=3, makers_per_type=2, prefix="sm", admins_count=4)
        seed_engine.dispose()  # a template database must have no connections while it is cloned
        seeded = make_url(seeded_url).database

        def clone_database() -> tuple[Engine, Callable[[], None]]:
            clone = ExitStack()
            url = clone.enter_context(cloned_database(pg_admin_url, seeded, prefix="sm"))
            return create_engine(url), clone.close

        BooksMachine.clone_database = staticmethod(clone_database)
        run_state_machine_as_test(
            BooksMachine,
            settings=settings(
                max_examples=20,
                stateful_step_count=20,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            ),
        )
