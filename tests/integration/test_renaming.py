"""Renaming a market maker or a trader firm (revision 0026, ``rename_account``): the new name is held to a
creation's rules and to one name per account across both kinds, its own name in other case is no collision, the
history reads under the new name, and a refusal changes nothing and is about the name typed."""

from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from sqlalchemy import text

from core import entities, market_makers
from core.audit import list_tickets
from core.entities import create_entity, get_trader_firm
from core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from core.market_makers import create_market_maker, get_market_maker
from core.renaming import rename_market_maker, rename_trader_firm
from tests.helpers import snapshot
from tests.lockstep import STEP_SECONDS, sessions


def lp(db, actors, name="Atlas Liquidity"):
    return create_market_maker(db, name, "LIQUIDITY_PROVIDER", actors.admin.id).id


def firm(db, actors, name="Borealis Trading"):
    return create_entity(db, name, actors.admin.id).id


KINDS = [
    pytest.param(lp, rename_market_maker, market_makers.NAME_FIELD, "market maker", id="market maker"),
    pytest.param(firm, rename_trader_firm, entities.NAME_FIELD, "trader firm", id="trader firm"),
]


def test_a_renamed_market_maker_reads_under_its_new_name_and_its_ticket_says_both(db, actors):
    mm_id = lp(db, actors)

    renamed = rename_market_maker(db, mm_id, "  Atlas   Carbon Liquidity ", actors.admin.id)

    assert (renamed.previous, renamed.name) == ("Atlas Liquidity", "Atlas Carbon Liquidity")
    assert get_market_maker(db, mm_id, user_id=actors.admin.id).name == "Atlas Carbon Liquidity"
    (ticket,) = [t for t in list_tickets(db, user_id=actors.admin.id).rows if t.ticket_id == renamed.ticket_id]
    assert (ticket.action, ticket.entity_type, ticket.entity_id) == ("RENAME_MARKET_MAKER", "market_maker", mm_id)
    assert ticket.before_state == {"name": "Atlas Liquidity"}
    assert ticket.after_state == {"name": "Atlas Carbon Liquidity"}


def test_a_renamed_trader_firm_reads_under_its_new_name(db, actors):
    entity_id = firm(db, actors)

    renamed = rename_trader_firm(db, entity_id, "Borealis Trading AG", actors.admin.id)

    assert get_trader_firm(db, entity_id, user_id=actors.admin.id).name == "Borealis Trading AG"
    assert renamed.previous == "Borealis Trading"


@pytest.mark.parametrize(("create", "rename", "field", "noun"), KINDS)
def test_its_own_name_in_other_case_is_no_collision(db, actors, create, rename, field, noun):
    account_id = create(db, actors, "atlas liquidity")

    renamed = rename(db, account_id, "Atlas Liquidity", actors.admin.id)

    assert renamed.name == "Atlas Liquidity"


@pytest.mark.parametrize(("create", "rename", "field", "noun"), KINDS)
@pytest.mark.parametrize(
    ("holder", "holder_noun"), [(lp, "market maker"), (firm, "trader firm")], ids=["held by a mm", "held by a firm"]
)
def test_a_name_another_account_of_either_kind_holds_is_refused_under_the_name(
    db, actors, create, rename, field, noun, holder, holder_noun
):
    account_id = create(db, actors, "Cedar Carbon")
    holder(db, actors, "Juniper Carbon")
    before = snapshot(db)

    with pytest.raises(Conflict) as refused:
        rename(db, account_id, "juniper  carbon", actors.admin.id)

    assert refused.value.message == f'A {holder_noun} named "Juniper Carbon" already exists'
    assert refused.value.field == field
    assert snapshot(db) == before


@pytest.mark.parametrize(("create", "rename", "field", "noun"), KINDS)
@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("   ", "is required"),
        ("Cedar\tCarbon", "cannot contain a tab"),
        ("Cedar\u200bCarbon", "ZERO WIDTH SPACE"),
        ("x" * 201, "at most 200 characters"),
        (" Cedar  Carbon", 'It is named "Cedar Carbon" already: type the new name'),
    ],
    ids=["blank", "tab", "invisible", "too long", "the same name"],
)
def test_a_name_a_creation_would_refuse_is_refused_under_the_name_and_changes_nothing(
    db, actors, create, rename, field, noun, typed, said
):
    account_id = create(db, actors, "Cedar Carbon")
    before = snapshot(db)

    with pytest.raises(ValidationError) as refused:
        rename(db, account_id, typed, actors.admin.id)

    assert said in refused.value.message
    assert refused.value.field == field
    assert snapshot(db) == before


@pytest.mark.parametrize(("create", "rename", "field", "noun"), KINDS)
@pytest.mark.parametrize("who", ["analyst", "trader"])
def test_only_admins_rename_and_the_database_refuses_anyone_else_too(db, actors, create, rename, field, noun, who):
    account_id = create(db, actors)
    before = snapshot(db)
    kind = "mm" if noun == "market maker" else "e"

    with pytest.raises(PermissionDenied):
        rename(db, account_id, "Someone Else", getattr(actors, who).id)
    with pytest.raises(Exception, match=f"rename {noun}s"):  # called past core, the function asks itself
        db.execute(
            text(f"SELECT rename_account({':id' if kind == 'mm' else 'NULL'}, {':id' if kind == 'e' else 'NULL'}, "
                 "'Someone Else', :by)"),
            {"id": account_id, "by": getattr(actors, who).id},
        )  # fmt: skip
    db.rollback()

    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        (" ", "A market maker needs a name of 1 to 200 characters"),
        ("Cedar\tCarbon", "Market maker name cannot contain control characters"),
    ],
)
def test_the_database_refuses_a_name_core_would_refuse_when_called_past_core(db, actors, typed, said):
    mm_id = lp(db, actors, "Cedar Carbon")

    with pytest.raises(Exception, match=said):
        db.execute(text("SELECT rename_account(:id, NULL, :n, :by)"), {"id": mm_id, "n": typed, "by": actors.admin.id})
    db.rollback()

    assert get_market_maker(db, mm_id, user_id=actors.admin.id).name == "Cedar Carbon"


def test_an_account_that_does_not_exist_is_not_found(db, actors):
    with pytest.raises(NotFound, match="Market maker 999999 does not exist"):
        rename_market_maker(db, 999_999, "Nobody", actors.admin.id)


def test_a_rename_waits_for_a_creation_of_the_same_name_and_is_refused_after_it(db, actors, database_url):
    mm_id = lp(db, actors, "Cedar Carbon")
    with sessions(database_url, "creation") as (observer, creation), ThreadPoolExecutor(1) as pool:
        creation.run("BEGIN")
        creation.run("SELECT create_entity(%s, %s)", ("Juniper Carbon", actors.admin.id))
        rename_pid = db.connection().connection.driver_connection.info.backend_pid
        # the rename holds the market maker's row and waits on the name's lock, which the creation holds
        rename = pool.submit(rename_market_maker, db, mm_id, "juniper carbon", actors.admin.id)
        observer.until_waiting(SimpleNamespace(pid=rename_pid, name="rename"), rename)
        creation.run("COMMIT")

        with pytest.raises(Conflict) as refused:
            rename.result(timeout=STEP_SECONDS)

    assert refused.value.message == 'A trader firm named "Juniper Carbon" already exists'
    assert get_market_maker(db, mm_id, user_id=actors.admin.id).name == "Cedar Carbon"
