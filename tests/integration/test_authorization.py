"""Authorization lives in core: every admin function refuses traders and analysts (whatever the UI shows), every
read beyond one's own data refuses traders, a trader never touches or sees another firm's orders, a deactivated
or unknown user can do nothing, and the admin-only stored functions check the admin themselves."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from core.audit import export_tickets, list_actors, list_ticket_actions, list_ticket_entity_types, list_tickets
from core.entities import create_entity, fund_entity, get_entity, get_entity_balances, list_entities
from core.errors import PermissionDenied
from core.liquidity_service import (
    create_liquidity,
    get_asset_holders,
    get_liquidity_operations,
    get_liquidity_providers,
    preview_liquidity_creation,
    provision_market_makers,
    withdraw_liquidity,
)
from core.market_makers import (
    create_market_maker,
    deactivate_market_maker,
    fund_market_maker,
    get_market_maker,
    get_market_maker_ledger,
    get_market_makers,
    reactivate_market_maker,
    withdraw_market_maker,
)
from core.operations import (
    export_operations,
    get_operation_detail,
    list_operation_creators,
    list_operations,
    operation_daily_stats,
    operation_resting_depth,
)
from core.orders import cancel_order, get_my_orders, get_order, place_order
from core.users import create_user
from tests.helpers import PASSWORD, Actors, make_actors, snapshot
from tests.module_database import cloned_session_factory


@dataclass(frozen=True)
class Scene:
    actors: Actors
    retired_admin: int
    lp: int
    ah: int
    operation: int
    mm_order: int
    trader_order: int
    other_trader: int
    other_order: int
    other_entity: int


@pytest.fixture(scope="module")
def factory(pg_admin_url: str, template_name: str) -> Iterator[sessionmaker[Session]]:
    """One database for the module: every test here either is refused (changes nothing) or adds its own rows."""
    with cloned_session_factory(pg_admin_url, template_name) as session_factory:
        yield session_factory


@pytest.fixture
def db(factory: sessionmaker[Session]) -> Iterator[Session]:
    with factory() as session:
        yield session


@pytest.fixture(scope="module")
def scene(factory: sessionmaker[Session]) -> Scene:
    with factory() as db:
        return _stage(db, make_actors(db))


def _stage(db: Session, actors: Actors) -> Scene:
    admin = actors.admin.id
    retired_admin = create_user(db, "retired", PASSWORD, "ADMIN").id
    db.execute(text("UPDATE users SET is_active = false WHERE id = :id"), {"id": retired_admin})
    db.commit()
    lp = create_market_maker(db, "LP", "LIQUIDITY_PROVIDER", admin, initial_eur_balance=Decimal("50000")).id
    ah = create_market_maker(db, "AH", "ASSET_HOLDER", admin, initial_balances={"CEA": 5000, "EUA": 500}).id
    operation = create_liquidity(db, "CEA", "2000", "2000", admin).id
    mm_order = place_order(db, admin, "EUA", "SELL", "LIMIT", 5, "90.00", market_maker_id=ah).id
    fund_entity(db, actors.entity.id, "EUR", "10000", admin)
    trader_order = place_order(db, actors.trader.id, "EUA", "BUY", "LIMIT", 2, "70.00").id
    other_firm = create_entity(db, "Other Firm", admin)
    fund_entity(db, other_firm.id, "EUR", "10000", admin)
    other_trader = create_user(db, "other", PASSWORD, "TRADER", entity_id=other_firm.id).id
    other_order = place_order(db, other_trader, "EUA", "BUY", "LIMIT", 3, "71.00").id
    return Scene(
        actors, retired_admin, lp, ah, operation, mm_order, trader_order, other_trader, other_order, other_firm.id
    )


ADMIN_FUNCTIONS: dict[str, Callable[[Session, Scene, int], object]] = {
    "create an entity": lambda db, s, who: create_entity(db, "Sneaky Firm", who),
    "fund an entity": lambda db, s, who: fund_entity(db, s.actors.entity.id, "EUR", "1000000", who),
    "create a market maker": lambda db, s, who: create_market_maker(db, "Sneaky MM", "LIQUIDITY_PROVIDER", who),
    "fund a market maker": lambda db, s, who: fund_market_maker(db, s.lp, "EUR", "1000", who),
    "withdraw from a market maker": lambda db, s, who: withdraw_market_maker(db, s.ah, "CEA", "1", who),
    "deactivate a market maker": lambda db, s, who: deactivate_market_maker(db, s.lp, who),
    "reactivate a market maker": lambda db, s, who: reactivate_market_maker(db, s.lp, who),
    "place an order for a market maker": lambda db, s, who: place_order(
        db, who, "EUA", "SELL", "LIMIT", 1, "99.00", market_maker_id=s.ah
    ),
    "cancel a market maker's order": lambda db, s, who: cancel_order(db, s.mm_order, who),
    "preview liquidity": lambda db, s, who: preview_liquidity_creation(db, "CEA", "1000", "1000", user_id=who),
    "create liquidity": lambda db, s, who: create_liquidity(db, "CEA", "1000", "1000", who),
    "withdraw liquidity": lambda db, s, who: withdraw_liquidity(db, s.operation, who),
    "provision new market makers": lambda db, s, who: provision_market_makers(
        db, "create_new", "LIQUIDITY_PROVIDER", "1000", who, count=2
    ),
    "provision existing market makers": lambda db, s, who: provision_market_makers(
        db, "fund_existing", "LIQUIDITY_PROVIDER", "1000", who, mm_ids=[s.lp]
    ),
    "list liquidity providers": lambda db, s, who: get_liquidity_providers(db, user_id=who),
    "list asset holders": lambda db, s, who: get_asset_holders(db, "CEA", user_id=who),
    "list liquidity operations": lambda db, s, who: get_liquidity_operations(db, user_id=who),
}


@pytest.mark.parametrize("role", ["trader", "analyst"])
@pytest.mark.parametrize("action", ADMIN_FUNCTIONS)
def test_admin_functions_refuse_traders_and_analysts_and_change_nothing(db, scene, role, action):
    who = getattr(scene.actors, role).id
    before = snapshot(db)

    with pytest.raises(PermissionDenied) as refused:
        ADMIN_FUNCTIONS[action](db, scene, who)

    assert refused.value.message
    assert snapshot(db) == before


@pytest.mark.parametrize("action", ADMIN_FUNCTIONS)
def test_a_deactivated_admin_can_do_nothing(db, scene, action):
    before = snapshot(db)

    with pytest.raises(PermissionDenied, match="active signed-in user"):
        ADMIN_FUNCTIONS[action](db, scene, scene.retired_admin)

    assert snapshot(db) == before


@pytest.mark.parametrize("who", [10**12, 0, -1, None, "admin", True])
def test_an_unknown_or_malformed_acting_user_can_do_nothing(db, scene, who):
    before = snapshot(db)

    for action, call in ADMIN_FUNCTIONS.items():
        with pytest.raises(PermissionDenied):
            call(db, scene, who)
            pytest.fail(f"{action} accepted acting user {who!r}")

    assert snapshot(db) == before


def test_analysts_cannot_trade_cancel_or_list_orders(db, scene):
    analyst = scene.actors.analyst.id
    before = snapshot(db)

    with pytest.raises(PermissionDenied):
        place_order(db, analyst, "EUA", "BUY", "LIMIT", 1, "70.00")
    with pytest.raises(PermissionDenied):
        cancel_order(db, scene.trader_order, analyst)
    with pytest.raises(PermissionDenied):
        get_my_orders(db, analyst)

    assert snapshot(db) == before


def test_a_trader_cannot_cancel_another_firms_order(db, scene):
    before = snapshot(db)

    with pytest.raises(PermissionDenied, match="not an order of your entity"):
        cancel_order(db, scene.other_order, scene.actors.trader.id)

    assert snapshot(db) == before


def test_an_admin_cannot_cancel_a_trader_firms_order(db, scene):
    before = snapshot(db)

    with pytest.raises(PermissionDenied, match="only its traders"):
        cancel_order(db, scene.trader_order, scene.actors.admin.id)

    assert snapshot(db) == before


def test_a_trader_sees_only_its_own_firms_orders(db, scene):
    mine = get_my_orders(db, scene.actors.trader.id)
    theirs = get_my_orders(db, scene.other_trader)

    assert scene.trader_order in {o.id for o in mine}
    assert scene.other_order not in {o.id for o in mine}
    assert {o.entity_id for o in mine} == {scene.actors.entity.id}
    assert {o.id for o in theirs} == {scene.other_order}


def test_traders_of_the_same_firm_see_and_cancel_each_others_orders(db, scene):
    colleague = create_user(db, "colleague", PASSWORD, "TRADER", entity_id=scene.actors.entity.id).id
    order = place_order(db, colleague, "EUA", "BUY", "LIMIT", 1, "60.00").id

    assert order in {o.id for o in get_my_orders(db, scene.actors.trader.id)}
    assert cancel_order(db, order, scene.actors.trader.id).status == "CANCELLED"


# Reads that show more than the caller's own data: admins and analysts only, enforced in core.
READER_FUNCTIONS: dict[str, Callable[[Session, Scene, object], object]] = {
    "list operations": lambda db, s, who: list_operations(db, user_id=who),
    "export operations": lambda db, s, who: export_operations(db, user_id=who),
    "an operation's detail": lambda db, s, who: get_operation_detail(db, s.operation, user_id=who),
    "operation daily stats": lambda db, s, who: operation_daily_stats(db, user_id=who),
    "operation resting depth": lambda db, s, who: operation_resting_depth(db, user_id=who),
    "operation creators": lambda db, s, who: list_operation_creators(db, user_id=who),
    "list tickets": lambda db, s, who: list_tickets(db, user_id=who),
    "export tickets": lambda db, s, who: export_tickets(db, user_id=who),
    "ticket actions": lambda db, s, who: list_ticket_actions(db, user_id=who),
    "ticket object types": lambda db, s, who: list_ticket_entity_types(db, user_id=who),
    "ticket actors": lambda db, s, who: list_actors(db, user_id=who),
    "list market makers": lambda db, s, who: get_market_makers(db, user_id=who),
    "one market maker": lambda db, s, who: get_market_maker(db, s.lp, user_id=who),
    "a market maker's ledger": lambda db, s, who: get_market_maker_ledger(db, s.lp, user_id=who),
    "list trader firms": lambda db, s, who: list_entities(db, user_id=who),
}


@pytest.mark.parametrize("action", READER_FUNCTIONS)
def test_admins_and_analysts_may_read_beyond_their_own_data(db, scene, action):
    for who in (scene.actors.admin.id, scene.actors.analyst.id):
        READER_FUNCTIONS[action](db, scene, who)


@pytest.mark.parametrize("action", READER_FUNCTIONS)
def test_traders_unknown_and_deactivated_users_may_not_read_beyond_their_own_data(db, scene, action):
    for who in (scene.actors.trader.id, scene.retired_admin, 10**12, None, "admin"):
        with pytest.raises(PermissionDenied):
            READER_FUNCTIONS[action](db, scene, who)
            pytest.fail(f"{action} answered acting user {who!r}")


def test_a_trader_reads_its_own_firm_and_its_balances_but_no_other(db, scene):
    trader, firm = scene.actors.trader.id, scene.actors.entity.id
    other_firm = scene.other_entity

    assert get_entity(db, firm, user_id=trader).id == firm
    assert get_entity_balances(db, firm, user_id=trader)
    with pytest.raises(PermissionDenied, match="own firm"):
        get_entity(db, other_firm, user_id=trader)
    with pytest.raises(PermissionDenied, match="own firm"):
        get_entity_balances(db, other_firm, user_id=trader)


# Admin-only stored functions check the admin themselves: calling them directly grants nothing more.
ADMIN_SQL: dict[str, Callable[[Scene], tuple[str, dict]]] = {
    "fund_account": lambda s: ("SELECT fund_account(:mm, NULL, 'EUR', 10, :who)", {"mm": s.lp}),
    "create_market_maker": lambda s: ("SELECT create_market_maker('Direct MM', 'LIQUIDITY_PROVIDER', :who)", {}),
    "create_entity": lambda s: ("SELECT create_entity('Direct Firm', :who)", {}),
    "deactivate_market_maker": lambda s: ("SELECT deactivate_market_maker(:mm, :who)", {"mm": s.lp}),
    "reactivate_market_maker": lambda s: ("SELECT reactivate_market_maker(:mm, :who)", {"mm": s.lp}),
    "withdraw_account": lambda s: ("SELECT withdraw_account(:mm, NULL, 'CEA', 1, :who)", {"mm": s.ah}),
}


@pytest.mark.parametrize("function", ADMIN_SQL)
def test_admin_only_stored_functions_refuse_anyone_but_an_active_admin(db, scene, function):
    sql, params = ADMIN_SQL[function](scene)
    before = snapshot(db)

    for who in (scene.actors.trader.id, scene.actors.analyst.id, scene.retired_admin, 10**12, None):
        with pytest.raises(DBAPIError) as refused:
            db.execute(text(sql), {**params, "who": who})
        db.rollback()
        assert refused.value.orig.sqlstate == "CB403", f"{function} let {who!r} through"

    assert snapshot(db) == before


def test_an_order_is_read_by_its_firm_admins_and_analysts_but_no_other_trader(db, scene):
    for who in (scene.actors.trader.id, scene.actors.admin.id, scene.actors.analyst.id):
        assert get_order(db, scene.trader_order, user_id=who).id == scene.trader_order

    with pytest.raises(PermissionDenied, match="not an order of your entity"):
        get_order(db, scene.other_order, user_id=scene.actors.trader.id)
    with pytest.raises(PermissionDenied):
        get_order(db, scene.trader_order, user_id=scene.retired_admin)
