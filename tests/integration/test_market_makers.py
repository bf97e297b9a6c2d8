"""Market makers: creation, funding, listing, deactivation, and every refusal leaving the database unchanged."""

from decimal import Decimal

import pytest
from sqlalchemy import text

from core import market_makers
from core.enums import AssetType, MarketMakerType
from core.errors import Conflict, DatabaseUnavailable, NotFound, PermissionDenied, ValidationError
from core.ledger import verify_ledger
from core.market_makers import (
    NAME_FIELD,
    check_market_maker_creation,
    check_new_market_maker,
    create_market_maker,
    deactivate_market_maker,
    fund_market_maker,
    get_market_maker,
    get_market_maker_ledger,
    get_market_makers,
    reactivate_market_maker,
)
from core.orders import place_order
from tests.helpers import snapshot
from tests.trading import fund_trader


def test_liquidity_provider_is_created_with_its_initial_eur(db, actors):
    mm = create_market_maker(
        db, "LP One", "LIQUIDITY_PROVIDER", actors.admin.id, initial_eur_balance=Decimal("1000.50")
    )

    assert mm.id > 0
    assert mm.mm_type is MarketMakerType.LIQUIDITY_PROVIDER
    assert mm.eur_available == Decimal("1000.50")
    assert mm.eur_balance == Decimal("1000.50")
    assert verify_ledger(db) == []


def test_asset_holder_is_created_with_certificates(db, actors):
    mm = create_market_maker(
        db, "AH One", MarketMakerType.ASSET_HOLDER, actors.admin.id, initial_balances={"CEA": 500, "EUA": "20"}
    )

    assert (mm.cea_available, mm.eua_available, mm.eur_available) == (500, 20, 0)
    ledger = get_market_maker_ledger(db, mm.id, user_id=actors.admin.id)
    assert sorted(e.asset for e in ledger) == [AssetType.CEA, AssetType.EUA]
    assert all(e.ticket_id and e.ticket_id.startswith("TKT-") for e in ledger)


def test_each_ledger_row_of_a_fill_names_the_market_maker_s_order_and_each_lock_its_order(db, actors):
    lp = create_market_maker(db, "LP One", "LIQUIDITY_PROVIDER", actors.admin.id, initial_eur_balance="1000")
    bid = place_order(db, actors.admin.id, "CEA", "BUY", "LIMIT", 10, "10.00", market_maker_id=lp.id)
    fund_trader(db, actors, cea=4)

    sold = place_order(db, actors.trader.id, "CEA", "SELL", "MARKET", 4)

    (trade_id,) = db.execute(text("SELECT id FROM trades WHERE sell_order_id = :s"), {"s": sold.id}).scalars()
    rows = {
        (e.transaction_type.value, e.asset.value): (e.reference_type, e.reference_id, e.order_id)
        for e in get_market_maker_ledger(db, lp.id, user_id=actors.admin.id)
    }
    assert rows[("LOCK", "EUR")] == ("order", bid.id, bid.id)
    assert rows[("TRADE_DEBIT", "EUR")] == ("trade", trade_id, bid.id)  # its own order, not the trader's
    assert rows[("TRADE_CREDIT", "CEA")] == ("trade", trade_id, bid.id)
    assert rows[("DEPOSIT", "EUR")][2] is None  # an admin's: its ticket says it


def test_a_creation_returns_the_ticket_it_wrote_which_its_initial_deposits_carry(db, actors):
    mm = create_market_maker(
        db, "AH One", MarketMakerType.ASSET_HOLDER, actors.admin.id, initial_balances={"CEA": 500, "EUA": "20"}
    )
    unfunded = create_market_maker(db, "LP Zero", "LIQUIDITY_PROVIDER", actors.admin.id)

    written = db.execute(
        text("SELECT entity_id, ticket_id FROM ticket_logs WHERE action = 'CREATE_MARKET_MAKER' ORDER BY id")
    ).all()
    assert written == [(mm.id, mm.ticket_id), (unfunded.id, unfunded.ticket_id)]
    ledger = get_market_maker_ledger(db, mm.id, user_id=actors.admin.id)
    assert {e.ticket_id for e in ledger} == {mm.ticket_id}
    assert get_market_maker(db, mm.id, user_id=actors.admin.id).model_dump() == mm.model_dump(exclude={"ticket_id"})


def test_funding_adds_to_available_and_writes_one_ledger_row_with_a_ticket(db, actors):
    mm = create_market_maker(db, "LP", "LIQUIDITY_PROVIDER", actors.admin.id, initial_eur_balance=100)

    entry = fund_market_maker(db, mm.id, "EUR", Decimal("0.01"), actors.admin.id)

    assert (entry.balance_before, entry.balance_after) == (Decimal("100.00"), Decimal("100.01"))
    assert entry.ticket_id.startswith("TKT-")
    assert get_market_maker(db, mm.id, user_id=actors.admin.id).eur_balance == Decimal("100.01")
    assert verify_ledger(db) == []


def test_listing_filters_by_type(db, actors):
    create_market_maker(db, "LP", "LIQUIDITY_PROVIDER", actors.admin.id)
    create_market_maker(db, "AH", "ASSET_HOLDER", actors.admin.id)

    assert [m.name for m in get_market_makers(db, "LIQUIDITY_PROVIDER", user_id=actors.admin.id)] == ["LP"]
    assert [m.name for m in get_market_makers(db, MarketMakerType.ASSET_HOLDER, user_id=actors.admin.id)] == ["AH"]
    assert len(get_market_makers(db, user_id=actors.admin.id)) == 2


def test_deactivation_retires_a_market_maker_without_open_orders_and_says_its_ticket(db, actors):
    mm = create_market_maker(db, "LP", "LIQUIDITY_PROVIDER", actors.admin.id)

    retired = deactivate_market_maker(db, mm.id, actors.admin.id)

    assert retired.is_active is False
    assert (
        retired.ticket_id
        == db.execute(
            text("SELECT ticket_id FROM ticket_logs WHERE action = 'DEACTIVATE_MARKET_MAKER' AND entity_id = :m"),
            {"m": mm.id},
        ).scalar_one()
    )
    assert get_market_makers(db, include_inactive=False, user_id=actors.admin.id) == []


@pytest.mark.parametrize(
    ("mm_type", "asset", "amount", "error", "fragment"),
    [
        ("LIQUIDITY_PROVIDER", "CEA", 10, ValidationError, "funded with EUR only, not CEA"),
        ("ASSET_HOLDER", "EUR", 10, ValidationError, "funded with CEA/EUA only, not EUR"),
        ("LIQUIDITY_PROVIDER", "EUR", 0, ValidationError, "greater than zero"),
        ("LIQUIDITY_PROVIDER", "EUR", -5, ValidationError, "greater than zero"),
        ("LIQUIDITY_PROVIDER", "EUR", "NaN", ValidationError, "finite"),
        ("LIQUIDITY_PROVIDER", "EUR", float("inf"), ValidationError, "finite"),
        ("LIQUIDITY_PROVIDER", "EUR", "2000000000000", ValidationError, "maximum"),
        ("LIQUIDITY_PROVIDER", "EUR", "10.001", ValidationError, "2 decimals"),
        ("ASSET_HOLDER", "CEA", "1.5", ValidationError, "whole units"),
        ("ASSET_HOLDER", "GOLD", 1, ValidationError, "Unknown asset type"),
        ("ASSET_HOLDER", "CEA", "ten", ValidationError, "must be a number"),
    ],
)
def test_bad_funding_is_refused_and_changes_nothing(db, actors, mm_type, asset, amount, error, fragment):
    mm = create_market_maker(db, "MM", mm_type, actors.admin.id)
    before = snapshot(db)

    with pytest.raises(error, match=fragment):
        fund_market_maker(db, mm.id, asset, amount, actors.admin.id)

    assert snapshot(db) == before


def test_funding_an_unknown_market_maker_is_not_found(db, actors):
    before = snapshot(db)

    with pytest.raises(NotFound, match="does not exist"):
        fund_market_maker(db, 999_999, "EUR", 10, actors.admin.id)

    assert snapshot(db) == before


@pytest.mark.parametrize("who", ["analyst", "trader"])
def test_only_admins_manage_market_makers(db, actors, who):
    user = getattr(actors, who)
    mm = create_market_maker(db, "LP", "LIQUIDITY_PROVIDER", actors.admin.id)
    before = snapshot(db)

    with pytest.raises(PermissionDenied, match="Only admins"):
        create_market_maker(db, "Other", "LIQUIDITY_PROVIDER", user.id)
    with pytest.raises(PermissionDenied):
        fund_market_maker(db, mm.id, "EUR", 10, user.id)
    with pytest.raises(PermissionDenied):
        deactivate_market_maker(db, mm.id, user.id)

    assert snapshot(db) == before


def test_a_market_maker_name_mixing_cyrillic_and_latin_in_a_word_is_refused_and_nothing_is_created(db, actors):
    create_market_maker(db, "Atlas Liquidity", "LIQUIDITY_PROVIDER", actors.admin.id)
    before = snapshot(db)

    with pytest.raises(ValidationError) as refused:  # a Cyrillic A first: it reads as the existing Atlas
        create_market_maker(db, "\u0410tlas Liquidity", "LIQUIDITY_PROVIDER", actors.admin.id, "1000")

    assert refused.value.message == (
        'Market maker name "\u0410tlas Liquidity" mixes Cyrillic and Latin letters in "\u0410tlas": '
        "type the word in one alphabet"
    )
    assert snapshot(db) == before


def test_a_market_maker_name_with_a_ligature_is_refused_naming_it_and_nothing_is_created(db, actors):
    before = snapshot(db)

    with pytest.raises(ValidationError) as refused:
        check_new_market_maker("\ufb01rst Carbon", "ASSET_HOLDER")  # what the Create dialog checks before confirming
    with pytest.raises(ValidationError) as refused_again:
        create_market_maker(db, "\ufb01rst Carbon", "ASSET_HOLDER", actors.admin.id, initial_balances={"CEA": 10})

    message = (
        "Market maker name \"\ufb01rst Carbon\": '\ufb01' is a Latin small ligature fi, not a plain 'fi': "
        'type "first Carbon"'
    )
    assert refused.value.message == refused_again.value.message == message
    assert refused_again.value.faults == {NAME_FIELD: message}  # said under the name
    assert snapshot(db) == before


def test_duplicate_names_are_refused_case_insensitively(db, actors):
    create_market_maker(db, "Alpha", "LIQUIDITY_PROVIDER", actors.admin.id)
    before = snapshot(db)

    with pytest.raises(Conflict, match="already exists"):
        create_market_maker(db, "  alpha ", "ASSET_HOLDER", actors.admin.id)

    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("mm_type", "kwargs", "fragment"),
    [
        ("LIQUIDITY_PROVIDER", {"initial_balances": {"CEA": 5}}, "funded with EUR only, not CEA"),
        ("ASSET_HOLDER", {"initial_eur_balance": 5}, "funded with CEA/EUA only, not EUR"),
        ("ASSET_HOLDER", {"initial_balances": {"CEA": 1.5}}, "whole units"),
        ("LIQUIDITY_PROVIDER", {"initial_eur_balance": -1}, "zero or more"),
        ("WHALE", {}, "Unknown market maker type"),
    ],
)
def test_bad_market_maker_creation_is_refused_and_changes_nothing(db, actors, mm_type, kwargs, fragment):
    before = snapshot(db)

    with pytest.raises(ValidationError, match=fragment):
        create_market_maker(db, "New", mm_type, actors.admin.id, **kwargs)

    assert snapshot(db) == before


def test_deactivating_twice_is_a_conflict(db, actors):
    mm = create_market_maker(db, "LP", "LIQUIDITY_PROVIDER", actors.admin.id)
    deactivate_market_maker(db, mm.id, actors.admin.id)

    with pytest.raises(Conflict, match="already deactivated"):
        deactivate_market_maker(db, mm.id, actors.admin.id)
    with pytest.raises(Conflict, match="deactivated and cannot be funded"):
        fund_market_maker(db, mm.id, "EUR", 10, actors.admin.id)


def test_a_reactivated_market_maker_is_active_again_with_what_it_held_and_a_ticket(db, actors):
    mm = create_market_maker(db, "LP", "LIQUIDITY_PROVIDER", actors.admin.id, initial_eur_balance="500.00")
    deactivate_market_maker(db, mm.id, actors.admin.id)

    back = reactivate_market_maker(db, mm.id, actors.admin.id)

    assert back.is_active is True
    assert back.eur_balance == Decimal("500.00")
    assert [m.name for m in get_market_makers(db, include_inactive=False, user_id=actors.admin.id)] == ["LP"]
    ticket = db.execute(
        text(
            "SELECT ticket_id, actor_id, before_state, after_state FROM ticket_logs"
            " WHERE action = 'REACTIVATE_MARKET_MAKER' AND entity_type = 'market_maker' AND entity_id = :m"
        ),
        {"m": mm.id},
    ).one()
    assert tuple(ticket) == (back.ticket_id, actors.admin.id, {"is_active": False}, {"is_active": True})
    fund_market_maker(db, mm.id, "EUR", "10.00", actors.admin.id)  # refused while it was deactivated
    assert get_market_maker(db, mm.id, user_id=actors.admin.id).eur_balance == Decimal("510.00")


def test_reactivating_an_active_or_unknown_market_maker_is_refused_and_changes_nothing(db, actors):
    mm = create_market_maker(db, "LP", "LIQUIDITY_PROVIDER", actors.admin.id)
    before = snapshot(db)

    with pytest.raises(Conflict, match='Market maker "LP" is active already'):
        reactivate_market_maker(db, mm.id, actors.admin.id)
    with pytest.raises(NotFound, match="does not exist"):
        reactivate_market_maker(db, 10**12, actors.admin.id)

    assert snapshot(db) == before


def _connection_lost_before_the_read_back(monkeypatch):
    """The connection dies right after the write, as the market maker is read back for the answer."""
    original = market_makers._market_maker

    def dying(db, mm_id):
        db.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        return original(db, mm_id)

    monkeypatch.setattr(market_makers, "_market_maker", dying)


def test_a_creation_that_says_nothing_was_changed_changed_nothing(db, actors, monkeypatch):
    _connection_lost_before_the_read_back(monkeypatch)

    with pytest.raises(DatabaseUnavailable, match="nothing was changed"):
        create_market_maker(db, "Ghost", "LIQUIDITY_PROVIDER", actors.admin.id, initial_eur_balance="10.00")

    monkeypatch.undo()
    assert [m.name for m in get_market_makers(db, user_id=actors.admin.id)] == []


def test_a_deactivation_that_says_nothing_was_changed_changed_nothing(db, actors, monkeypatch):
    mm = create_market_maker(db, "LP", "LIQUIDITY_PROVIDER", actors.admin.id)
    _connection_lost_before_the_read_back(monkeypatch)

    with pytest.raises(DatabaseUnavailable, match="nothing was changed"):
        deactivate_market_maker(db, mm.id, actors.admin.id)

    monkeypatch.undo()
    assert get_market_maker(db, mm.id, user_id=actors.admin.id).is_active is True


def test_checking_a_new_market_maker_refuses_a_taken_name_as_creating_it_would_and_creates_nothing(db, actors):
    admin = actors.admin.id
    create_market_maker(db, "Atlas", "LIQUIDITY_PROVIDER", admin)
    before = snapshot(db)

    with pytest.raises(Conflict) as checked:
        check_market_maker_creation(db, " ATLAS ", "LIQUIDITY_PROVIDER", admin, initial_eur_balance="100")
    with pytest.raises(Conflict) as created:
        create_market_maker(db, " ATLAS ", "LIQUIDITY_PROVIDER", admin, initial_eur_balance="100")

    assert checked.value.message == created.value.message == 'A market maker named "Atlas" already exists'
    assert checked.value.field == NAME_FIELD  # shown under the name
    assert snapshot(db) == before
    new = check_market_maker_creation(db, "Boreal", "LIQUIDITY_PROVIDER", admin, initial_eur_balance="100")
    assert (new.name, new.initial) == ("Boreal", {AssetType.EUR: Decimal("100.00")})
    with pytest.raises(PermissionDenied):  # nobody else learns which names exist
        check_market_maker_creation(db, "Atlas", "LIQUIDITY_PROVIDER", actors.analyst.id)
