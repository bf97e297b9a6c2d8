"""Hostile input on every core write: each bad value gets a typed error with a sentence, and changes nothing.

One database serves the whole module (a refusal changes nothing, and each test compares every table before
and after its own call). Every entry point is first called once with its valid arguments, so a refusal
below is caused by the one hostile value, not by a broken baseline.
"""

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session, sessionmaker

from core.audit import list_tickets
from core.entities import create_entity, fund_entity, get_entity
from core.errors import CoreError
from core.liquidity_service import (
    create_liquidity,
    preview_liquidity_creation,
    provision_market_makers,
    withdraw_liquidity,
)
from core.market import get_market_stats, get_order_book, get_recent_trades
from core.market_makers import (
    create_market_maker,
    deactivate_market_maker,
    fund_market_maker,
    get_market_maker,
    withdraw_market_maker,
)
from core.operations import get_operation_detail, list_operations
from core.orders import cancel_order, get_my_orders, get_order, place_order
from core.users import create_user
from tests.helpers import PASSWORD, snapshot
from tests.module_database import cloned_session_factory

SQL_ISH = "1; DROP TABLE users; --"
HUGE = "x" * 1_000_000
NOT_NUMBERS = ["abc", SQL_ISH, "", "  ", None, True, False, [], {}, object(), b"10", "1e30", 10**30]
NOT_FINITE = [float("nan"), "NaN", "-NaN", float("inf"), "Infinity", "-inf", Decimal("NaN"), Decimal("sNaN")]
NOT_POSITIVE = [0, "0", -1, "-0.01", Decimal("-5"), -(10**30)]
EUR_AMOUNTS = [*NOT_NUMBERS, *NOT_FINITE, *NOT_POSITIVE, "10.001", Decimal("0.001"), 0.005, "1e-3"]
NONZERO_HOSTILE_EUR = [
    x for x in EUR_AMOUNTS if not (isinstance(x, int | str) and str(x) == "0")
]  # zero: one side only
# a liquidity target left blank asks for nothing on that side, like zero
HOSTILE_TARGETS = [x for x in NONZERO_HOSTILE_EUR if not (x is None or (isinstance(x, str) and not x.strip()))]
CERTIFICATES = [*NOT_NUMBERS, *NOT_FINITE, *NOT_POSITIVE, "1.5", 1.5, Decimal("0.1"), "1e-1"]
IDS = [0, -1, 10**12, 2**63, 2**64, "abc", SQL_ISH, None, True, 1.5, "1.0", " ", [], {}]
NAMES = [
    *("", "   ", None, 123, True, "x" * 201, HUGE, "a\x00b", "tab\there", "line\nbreak", [], {}),
    "\U0001d403emo",  # a mathematical bold D: it reads as "Demo"
]
ENUMS = [
    "GOLD",
    "",
    None,
    1,
    True,
    SQL_ISH,
    "\uff25\uff35\uff21",  # fullwidth EUA
    "E U A",
    HUGE,
]


@dataclass(frozen=True)
class World:
    admin: int
    analyst: int
    trader: int
    entity: int
    other_trader: int
    other_entity: int
    lp: int
    ah: int
    trader_order: int  # resting, of the trader's entity
    other_order: int  # resting, of the other entity
    mm_order: int  # resting, of the asset holder
    operation: int  # a liquidity operation with resting orders


@pytest.fixture(scope="module")
def factory(pg_admin_url: str, template_name: str) -> Iterator[sessionmaker[Session]]:
    with cloned_session_factory(pg_admin_url, template_name) as session_factory:
        yield session_factory


@pytest.fixture(scope="module")
def world(factory) -> World:
    with factory() as db:
        admin = create_user(db, "admin", PASSWORD, "ADMIN").id
        analyst = create_user(db, "analyst", PASSWORD, "ANALYST").id
        entity = create_entity(db, "Firm", admin).id
        other_entity = create_entity(db, "Other Firm", admin).id
        trader = create_user(db, "trader", PASSWORD, "TRADER", entity_id=entity).id
        other_trader = create_user(db, "other", PASSWORD, "TRADER", entity_id=other_entity).id
        for firm in (entity, other_entity):
            fund_entity(db, firm, "EUR", "100000", admin)
            fund_entity(db, firm, "EUA", 1000, admin)
        lp = create_market_maker(db, "LP", "LIQUIDITY_PROVIDER", admin, initial_eur_balance="100000").id
        ah = create_market_maker(db, "AH", "ASSET_HOLDER", admin, initial_balances={"EUA": 1000, "CEA": 5000}).id
        trader_order = place_order(db, trader, "EUA", "BUY", "LIMIT", 2, "70.00").id
        other_order = place_order(db, other_trader, "EUA", "BUY", "LIMIT", 2, "70.50").id
        mm_order = place_order(db, admin, "EUA", "SELL", "LIMIT", 2, "90.00", market_maker_id=ah).id
        operation = create_liquidity(db, "CEA", "2000", "2000", admin).id
    return World(
        admin,
        analyst,
        trader,
        entity,
        other_trader,
        other_entity,
        lp,
        ah,
        trader_order,
        other_order,
        mm_order,
        operation,
    )


@pytest.fixture
def db(factory) -> Iterator[Session]:
    session = factory()
    yield session
    session.close()


# entry point → (function, valid keyword arguments built from the world)
Call = Callable[..., object]
ENTRY_POINTS: dict[str, tuple[Call, Callable[[World], dict]]] = {
    "create_user": (
        create_user,
        lambda w: {
            "username": f"u{uuid.uuid4().hex[:8]}",
            "password": PASSWORD,
            "role": "TRADER",
            "entity_id": w.entity,
        },
    ),
    "create_entity": (create_entity, lambda w: {"name": f"Firm {uuid.uuid4().hex[:8]}", "created_by_id": w.admin}),
    "fund_entity": (
        fund_entity,
        lambda w: {"entity_id": w.entity, "asset_type": "EUR", "amount": "10.00", "created_by_id": w.admin},
    ),
    "create_market_maker": (
        create_market_maker,
        lambda w: {
            "name": f"MM {uuid.uuid4().hex[:8]}",
            "mm_type": "LIQUIDITY_PROVIDER",
            "created_by_id": w.admin,
            "initial_eur_balance": "10.00",
        },
    ),
    "fund_market_maker": (
        fund_market_maker,
        lambda w: {"mm_id": w.lp, "asset_type": "EUR", "amount": "10.00", "created_by_id": w.admin},
    ),
    "withdraw_market_maker": (
        withdraw_market_maker,
        lambda w: {"mm_id": w.lp, "asset": "EUR", "amount": "10.00", "created_by_id": w.admin},
    ),
    "place_order": (
        place_order,
        lambda w: {
            "placed_by_id": w.trader,
            "certificate_type": "EUA",
            "side": "BUY",
            "order_type": "LIMIT",
            "quantity": 1,
            "price": "60.00",
        },
    ),
    "place_market_maker_order": (
        place_order,
        lambda w: {
            "placed_by_id": w.admin,
            "certificate_type": "EUA",
            "side": "SELL",
            "order_type": "LIMIT",
            "quantity": 1,
            "price": "95.00",
            "market_maker_id": w.ah,
        },
    ),
    "preview_liquidity_creation": (
        preview_liquidity_creation,
        lambda w: {"certificate_type": "CEA", "bid_amount_eur": "1000", "ask_amount_eur": "1000", "user_id": w.admin},
    ),
    "create_liquidity": (
        create_liquidity,
        lambda w: {
            "certificate_type": "CEA",
            # ask only: the bid would be split evenly over every liquidity provider, including the small ones
            # the create_market_maker baseline adds
            "bid_amount_eur": "0",
            "ask_amount_eur": "500",
            "created_by_id": w.admin,
            "notes": "fine",
        },
    ),
    "provision_market_makers": (
        provision_market_makers,
        lambda w: {
            "action": "fund_existing",
            "mm_type": "ASSET_HOLDER",
            "amount": 10,
            "created_by_id": w.admin,
            "mm_ids": [w.ah],
            "certificate_type": "EUA",
        },
    ),
}

# entry point → parameter → hostile values
HOSTILE: dict[str, dict[str, list]] = {
    "create_user": {
        "username": [*NAMES, SQL_ISH, "Ωmega 🚀", "ab"],
        "password": [None, "", "short", 12345678, HUGE, [], True],
        "role": [*ENUMS, "SUPERUSER", "admin; drop"],
        "entity_id": IDS,
    },
    "create_entity": {"name": NAMES, "created_by_id": IDS},
    "fund_entity": {"entity_id": IDS, "asset_type": ENUMS, "amount": EUR_AMOUNTS, "created_by_id": IDS},
    "create_market_maker": {
        "name": NAMES,
        "mm_type": ENUMS,
        "initial_eur_balance": [*NOT_FINITE, "-1", "10.001", "1e30", "abc", SQL_ISH, True, [], {}],
        "created_by_id": IDS,
    },
    "fund_market_maker": {"mm_id": IDS, "asset_type": ENUMS, "amount": EUR_AMOUNTS, "created_by_id": IDS},
    "withdraw_market_maker": {"mm_id": IDS, "asset": ENUMS, "amount": EUR_AMOUNTS, "created_by_id": IDS},
    "place_order": {
        "certificate_type": ENUMS,
        "side": ENUMS,
        "order_type": ENUMS,
        "quantity": CERTIFICATES,
        "price": EUR_AMOUNTS,
        "placed_by_id": IDS,
        "market_maker_id": [0, -1, 10**12, "abc", SQL_ISH, True, 1.5],
        "post_only": ["yes", 1, None, SQL_ISH],
    },
    "place_market_maker_order": {"market_maker_id": IDS[:-4], "quantity": CERTIFICATES, "price": EUR_AMOUNTS},
    "preview_liquidity_creation": {
        "certificate_type": ENUMS,
        "bid_amount_eur": HOSTILE_TARGETS,
        "ask_amount_eur": HOSTILE_TARGETS,
        "user_id": IDS,
    },
    "create_liquidity": {
        "certificate_type": ENUMS,
        "bid_amount_eur": HOSTILE_TARGETS,
        "ask_amount_eur": HOSTILE_TARGETS,
        "created_by_id": IDS,
        "notes": [HUGE, "a\x00b", 42, [], {}],
        "idempotency_key": ["", "   ", "k" * 201, 42, [], {}],
    },
    "provision_market_makers": {
        "action": ["", None, "delete_all", SQL_ISH, 1],
        "mm_type": ENUMS,
        "amount": CERTIFICATES,
        "created_by_id": IDS,
        "mm_ids": [[0], [-1], [10**12], ["abc"], [SQL_ISH], [None], [True], "1", 5, [1.5]],
        "certificate_type": ENUMS,
        "count": [0, -1, 10**6, "abc", 1.5],
    },
}


def _label(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 30 else f"{text[:20]}…({len(text)} chars)"


def _case(entry: str, param: str, value: object) -> object:
    return pytest.param(entry, param, value, id=f"{entry}-{param}-{_label(value)}")


CASES = [
    _case(entry, param, value)
    for entry, params in HOSTILE.items()
    for param, values in params.items()
    for value in values
]


def assert_refused_cleanly(db: Session, call: Callable[[], object]) -> CoreError:
    before = snapshot(db)

    with pytest.raises(CoreError) as refused:
        call()

    assert type(refused.value) is not CoreError, f"untyped refusal: {refused.value.message}"
    assert refused.value.message.strip(), "a refusal must say why"
    assert "refused the operation" not in refused.value.message, "a raw database error leaked through"
    assert snapshot(db) == before
    return refused.value


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_every_entry_point_accepts_its_valid_baseline(db, world, entry):
    function, valid = ENTRY_POINTS[entry]

    assert function(db, **valid(world)) is not None


@pytest.mark.parametrize(("entry", "param", "value"), CASES)
def test_a_hostile_value_is_refused_with_a_typed_error_and_changes_nothing(db, world, entry, param, value):
    function, valid = ENTRY_POINTS[entry]
    kwargs = {**valid(world), param: value}
    if entry == "provision_market_makers" and param == "count":
        kwargs = {**kwargs, "action": "create_new", "mm_ids": None}

    assert_refused_cleanly(db, lambda: function(db, **kwargs))


FOREIGN: dict[str, Callable[[Session, World], object]] = {
    "cancel an unknown order": lambda db, w: cancel_order(db, 10**12, w.trader),
    "cancel another entity's order": lambda db, w: cancel_order(db, w.other_order, w.trader),
    "cancel a market maker's order as a trader": lambda db, w: cancel_order(db, w.mm_order, w.trader),
    "cancel a trader's order as an admin": lambda db, w: cancel_order(db, w.trader_order, w.admin),
    "cancel with an SQL-ish id": lambda db, w: cancel_order(db, SQL_ISH, w.trader),
    "withdraw an unknown operation": lambda db, w: withdraw_liquidity(db, 10**12, w.admin),
    "withdraw with a string id": lambda db, w: withdraw_liquidity(db, "abc", w.admin),
    "withdraw with a huge id": lambda db, w: withdraw_liquidity(db, 2**64, w.admin),
    "deactivate an unknown market maker": lambda db, w: deactivate_market_maker(db, 10**12, w.admin),
    "fund an unknown market maker": lambda db, w: fund_market_maker(db, 10**12, "EUR", 1, w.admin),
    "fund an unknown entity": lambda db, w: fund_entity(db, 10**12, "EUR", 1, w.admin),
    "withdraw from an unknown market maker": lambda db, w: withdraw_market_maker(db, 10**12, "EUR", 1, w.admin),
    "withdraw one more than a market maker has available": lambda db, w: withdraw_market_maker(
        db, w.ah, "EUA", get_market_maker(db, w.ah, user_id=w.admin).eua_available + 1, w.admin
    ),
    "a trader orders for a market maker": lambda db, w: place_order(
        db, w.trader, "EUA", "SELL", "LIMIT", 1, "99", w.ah
    ),
    "an admin orders for an unknown market maker": lambda db, w: place_order(
        db, w.admin, "EUA", "SELL", "LIMIT", 1, "99", 10**12
    ),
    "a market order with a price": lambda db, w: place_order(db, w.trader, "EUA", "BUY", "MARKET", 1, "80"),
    "a limit order without a price": lambda db, w: place_order(db, w.trader, "EUA", "BUY", "LIMIT", 1),
    "an order worth more than the maximum": lambda db, w: place_order(
        db, w.trader, "EUA", "BUY", "LIMIT", 10**9, "9999"
    ),
    "an order worth more than the firm holds": lambda db, w: place_order(
        db, w.trader, "EUA", "BUY", "LIMIT", 10**6, "99"
    ),
    "a liquidity provider selling": lambda db, w: place_order(db, w.admin, "EUA", "SELL", "LIMIT", 1, "99", w.lp),
    "fund an asset holder with EUR": lambda db, w: fund_market_maker(db, w.ah, "EUR", 10, w.admin),
    "provision a market maker twice": lambda db, w: provision_market_makers(
        db, "fund_existing", "ASSET_HOLDER", 10, w.admin, mm_ids=[w.ah, w.ah], certificate_type="EUA"
    ),
    "provision an asset holder as a provider": lambda db, w: provision_market_makers(
        db, "fund_existing", "LIQUIDITY_PROVIDER", 10, w.admin, mm_ids=[w.ah]
    ),
    "provision an unknown market maker": lambda db, w: provision_market_makers(
        db, "fund_existing", "LIQUIDITY_PROVIDER", 10, w.admin, mm_ids=[10**12]
    ),
    "a trader user for an unknown entity": lambda db, w: create_user(db, "ghost", PASSWORD, "TRADER", 10**12),
    "an entity name taken in another case": lambda db, w: create_entity(db, "  FIRM ", w.admin),
    "a market maker name taken in another case": lambda db, w: create_market_maker(
        db, "lp", "LIQUIDITY_PROVIDER", w.admin
    ),
}


@pytest.mark.parametrize("what", FOREIGN)
def test_unknown_or_foreign_targets_are_refused_and_change_nothing(db, world, what):
    assert_refused_cleanly(db, lambda: FOREIGN[what](db, world))


def test_an_idempotency_key_reused_for_other_amounts_is_refused_and_changes_nothing(db, world):
    create_liquidity(db, "CEA", "0", "500", world.admin, idempotency_key="hostile-key")

    assert_refused_cleanly(
        db, lambda: create_liquidity(db, "CEA", "0", "600", world.admin, idempotency_key="hostile-key")
    )


@pytest.mark.parametrize("name", ["Ωμέγα 🚀", SQL_ISH, "O'Brien & Söhne \\ %_", "名前", "x" * 200])
def test_names_that_look_hostile_but_are_legitimate_round_trip_exactly(db, world, name):
    entity = create_entity(db, name, world.admin)
    market_maker = create_market_maker(db, f"{name[:190]} MM", "ASSET_HOLDER", world.admin)  # never a firm's name

    assert get_entity(db, entity.id, user_id=world.admin).name == name
    assert get_market_maker(db, market_maker.id, user_id=world.admin).name == f"{name[:190]} MM"


# each read is called as the world's admin: (db, value, admin id)
READS: dict[str, tuple[Callable[[Session, object, int], object], list]] = {
    "order book depth": (lambda db, v, _: get_order_book(db, "EUA", depth=v), [0, -1, 10**9, "abc", None, True, 1.5]),
    "recent trades limit": (lambda db, v, _: get_recent_trades(db, "EUA", limit=v), [0, -1, 10**9, SQL_ISH, None]),
    "market stats certificate": (lambda db, v, _: get_market_stats(db, v), ENUMS),
    "order by id": (lambda db, v, admin: get_order(db, v, user_id=admin), IDS),
    "operation detail by id": (lambda db, v, admin: get_operation_detail(db, v, user_id=admin), IDS),
    "operations filters": (
        lambda db, v, admin: list_operations(db, v, user_id=admin),
        [
            {"ticket_search": SQL_ISH},
            {"ticket_search": "x" * 31},
            {"page": 0},
            {"page_size": 10**6},
            {"date_from": "2026-02-30"},
            {"date_from": "2026-03-02", "date_to": "2026-03-01"},
            {"bogus": 1},
            {"created_by": -1},
            {"certificate_type": "GOLD"},
            {"sort": SQL_ISH},
            "not a mapping",
            42,
        ],
    ),
    "ticket filters": (
        lambda db, v, admin: list_tickets(db, v, user_id=admin),
        [
            {"action": "a\x00b"},
            {"ticket_id": "x" * 31},
            {"entity_id": 0},
            {"actor_id": -5},
            {"page": 10**9},
            {"bogus": 1},
            {"date_to": "yesterday"},
            42,
        ],
    ),
}

READ_CASES = [
    pytest.param(name, value, id=f"{name}-{_label(value)}") for name, (_, values) in READS.items() for value in values
]


@pytest.mark.parametrize(("read", "value"), READ_CASES)
def test_a_hostile_read_parameter_is_refused_with_a_typed_error(db, world, read, value):
    call, _ = READS[read]

    assert_refused_cleanly(db, lambda: call(db, value, world.admin))


ID_TAKERS: dict[str, Callable[[Session, World, object], object]] = {
    "cancel_order order id": lambda db, w, v: cancel_order(db, v, w.trader),
    "cancel_order acting user": lambda db, w, v: cancel_order(db, w.trader_order, v),
    "withdraw_liquidity operation id": lambda db, w, v: withdraw_liquidity(db, v, w.admin),
    "withdraw_liquidity acting user": lambda db, w, v: withdraw_liquidity(db, w.operation, v),
    "deactivate_market_maker id": lambda db, w, v: deactivate_market_maker(db, v, w.admin),
    "deactivate_market_maker acting user": lambda db, w, v: deactivate_market_maker(db, w.lp, v),
    "get_my_orders user": lambda db, w, v: get_my_orders(db, v),
}

ID_CASES = [pytest.param(name, value, id=f"{name}-{_label(value)}") for name in ID_TAKERS for value in IDS]


@pytest.mark.parametrize(("call", "value"), ID_CASES)
def test_a_hostile_id_is_refused_by_every_function_taking_one(db, world, call, value):
    assert_refused_cleanly(db, lambda: ID_TAKERS[call](db, world, value))


@pytest.mark.parametrize(
    "status",
    [
        *[s for s in ENUMS if isinstance(s, str)],
        ["OPEN", "GOLD"],
        1,
        True,
    ],
    ids=_label,
)
def test_a_hostile_status_filter_is_refused(db, world, status):
    assert_refused_cleanly(db, lambda: get_my_orders(db, world.trader, status))
