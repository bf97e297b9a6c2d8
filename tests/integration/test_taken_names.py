"""A name a market maker or a trader firm already has is refused naming the holder as stored ("Acme Carbon"), never
as typed ("acme  carbon"), also when a concurrent creation of the same name got there first (it waits on the name's
lock, then its check sees the first's row); and an account of the other kind's name too (revision 0025): a trader
firm and a market maker of one name read alike in a deposit's toast, the Cash Market and the audit log."""

from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest

from core import entities, market_makers
from core.entities import create_entity
from core.errors import Conflict
from core.market_makers import create_market_maker, deactivate_market_maker
from tests.helpers import snapshot
from tests.lockstep import STEP_SECONDS, sessions


def create_firm(db, name, admin_id):
    return create_entity(db, name, admin_id)


def create_lp(db, name, admin_id):
    return create_market_maker(db, name, "LIQUIDITY_PROVIDER", admin_id)


KINDS = [
    pytest.param(create_lp, "market maker", market_makers.NAME_FIELD, id="market maker"),
    pytest.param(create_firm, "trader firm", entities.NAME_FIELD, id="trader firm"),
]


@pytest.mark.parametrize(("create", "noun", "field"), KINDS)
@pytest.mark.parametrize("typed", ["acme  carbon", "  ACME CARBON ", "Acme\u00a0carbon"])
def test_a_look_alike_name_is_refused_naming_the_one_it_collides_with_as_stored(db, actors, create, noun, field, typed):
    create(db, "Acme Carbon", actors.admin.id)
    before = snapshot(db)

    with pytest.raises(Conflict) as refused:
        create(db, typed, actors.admin.id)

    assert refused.value.message == f'A {noun} named "Acme Carbon" already exists'
    assert refused.value.field == field  # shown under the name typed
    assert snapshot(db) == before


def test_a_name_taken_by_a_deactivated_market_maker_says_where_it_is_listed(db, actors):
    deactivate_market_maker(db, create_lp(db, "Old LP", actors.admin.id).id, actors.admin.id)

    with pytest.raises(Conflict) as refused:
        create_lp(db, "old  lp", actors.admin.id)

    assert refused.value.message == (
        'A market maker named "Old LP" already exists (deactivated: "Show inactive" lists it); choose another name'
    )


FIRM_SQL, LP_SQL = "create_entity(%s, %s)", "create_market_maker(%s, 'LIQUIDITY_PROVIDER', %s)"


@pytest.mark.parametrize(
    ("first_sql", "then", "noun"),
    [(LP_SQL, create_lp, "market maker"), (FIRM_SQL, create_firm, "trader firm"), (FIRM_SQL, create_lp, "trader firm")],
    ids=["market maker", "trader firm", "a market maker named as a firm at once"],
)
def test_a_name_a_concurrent_creation_took_first_is_refused_naming_it_as_stored(
    db, actors, database_url, first_sql, then, noun
):
    with sessions(database_url, "first") as (observer, first), ThreadPoolExecutor(1) as pool:
        first.run("BEGIN")
        first.run(f"SELECT {first_sql}", ("Acme Carbon", actors.admin.id))
        second_pid = db.connection().connection.driver_connection.info.backend_pid
        # it waits on the name's lock, which the first holds until it commits (of either kind: revision 0025)
        second = pool.submit(then, db, "acme carbon", actors.admin.id)
        observer.until_waiting(SimpleNamespace(pid=second_pid, name="second"), second)
        first.run("COMMIT")

        with pytest.raises(Conflict) as refused:
            second.result(timeout=STEP_SECONDS)

    assert refused.value.message == f'A {noun} named "Acme Carbon" already exists'


@pytest.mark.parametrize(
    ("first", "then", "holder", "field"),
    [
        (create_lp, create_firm, "market maker", entities.NAME_FIELD),
        (create_firm, create_lp, "trader firm", market_makers.NAME_FIELD),
    ],
    ids=["a firm named as a market maker", "a market maker named as a firm"],
)
def test_a_trader_firm_and_a_market_maker_never_share_a_name(db, actors, first, then, holder, field):
    first(db, "Atlas Liquidity", actors.admin.id)
    before = snapshot(db)

    with pytest.raises(Conflict) as refused:
        then(db, "atlas  liquidity", actors.admin.id)

    assert refused.value.message == f'A {holder} named "Atlas Liquidity" already exists'
    assert refused.value.field == field  # under the name typed, on the page creating the other kind
    assert snapshot(db) == before
