"""The Create Liquidity page (AppTest): market, inputs, preview dialog with its plan and shortfalls,
provisioning from the dialog, execution and its result."""

from decimal import Decimal

import pytest
from sqlalchemy import text

from core import liquidity_service, provisioning
from core.config import get_settings
from core.enums import Role
from core.errors import Conflict
from core.liquidity_service import create_liquidity, get_liquidity_operations
from core.market_makers import deactivate_market_maker, fund_market_maker, get_market_maker_ledger, get_market_makers
from tests.helpers import snapshot
from tests.liquidity_helpers import count_rows, make_holders, make_providers
from tests.ui.conftest import drawn, field_errors, linkable, refusal_under, texts
from ui.liquidity_view import REFUSED_SHORTFALL_MOVED, SHORTFALL_MOVED
from ui.navigation import PAGES

PAGE = "pages/create_liquidity.py"


def _preview(at, bid: str, ask: str, cert: str = "EUA", notes: str = ""):
    """Typed into the targets form and submitted (a value typed into a form and not submitted is not read)."""
    at.segmented_control(key="liq_cert").set_value(cert).run()
    at.text_input(key="liq_bid").set_value(bid)
    at.text_input(key="liq_ask").set_value(ask)
    at.text_input(key="liq_notes").set_value(notes)
    return at.button(key="liq_preview").click().run()


def _new_market_makers_typed(at, count: str, amount: str | None = None):
    """A BID preview of €1,000 (short of funds beside a provider holding €100.00), Provision set to create ``count``
    new market makers with ``amount`` (or the amount it suggests), typed and not yet sent."""
    _preview(at, "1000", "0")
    at.segmented_control(key="liq_prov_action_BUY").set_value("create_new").run()
    if amount is not None:
        at.text_input(key="liq_prov_amount_BUY_create_new").set_value(amount)
    at.text_input(key="liq_prov_count_BUY").set_value(count)
    return at


def test_the_page_shows_the_market_and_what_the_market_makers_hold(open_app, db, actors):
    make_providers(db, actors.admin, 2, eur="1000.00")
    make_holders(db, actors.admin, 1, certificates=70, cert="EUA")

    at = open_app(actors.admin, PAGE)

    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Reference price"] == "€81.00"
    assert metrics["Best bid"] == "—" and metrics["Mid"] == "—"
    assert metrics["LP EUR available"] == "€2,000.00"
    assert metrics["AH EUA available"] == "70 EUA"  # with its unit, as on Market Makers
    assert any("Configured default" in c for c in texts(at.caption))


def test_preview_opens_a_dialog_with_the_plan_per_side_and_per_market_maker(open_app, db, actors):
    make_providers(db, actors.admin, 2)
    make_holders(db, actors.admin, 2, cert="EUA")
    at = open_app(actors.admin, PAGE)

    at = _preview(at, "10000", "8000")

    assert not at.exception
    assert not at.error
    headline = {m.label: m.value for m in at.metric}
    assert headline["Orders"] == "12"
    frames = [f.value for f in at.dataframe]
    levels = [f for f in frames if "level" in f.columns]
    assert [list(f["level"]) for f in levels] == [[1, 2, 3], [1, 2, 3]]
    per_mm = [f for f in frames if "budget" in f.columns]
    assert [list(f["name"]) for f in per_mm] == [["LP 1", "LP 2"], ["AH 1", "AH 2"]]
    assert sum(per_mm[0]["budget"]) == Decimal("10000.00")
    assert at.button(key="liq_execute").disabled is False


def test_market_makers_too_poor_for_an_even_share_are_named_under_the_plan_and_it_executes(open_app, db, actors):
    make_providers(db, actors.admin, 2, eur="600000.00")
    make_providers(db, actors.admin, 1, eur="100.00", prefix="Poor LP")
    make_holders(db, actors.admin, 2, cert="EUA")
    make_holders(db, actors.admin, 2, certificates=3, cert="EUA", prefix="Poor AH")

    at = _preview(open_app(actors.admin, PAGE), "600000", "8000")

    assert not at.exception and not at.error
    per_mm = [f.value for f in at.dataframe if "budget" in f.value.columns]
    assert [list(f["name"]) for f in per_mm] == [["LP 1", "LP 2"], ["AH 1", "AH 2"]]
    captions = texts(at.caption)
    assert any(c.startswith("1 liquidity provider left out: **Poor LP 1** holds €100.00, less than") for c in captions)
    assert any(c.startswith("2 asset holders left out, each holding less than an even share of ") for c in captions)
    (left_out,) = [f.value for f in at.dataframe if list(f.value.columns) == ["name", "available"]]
    assert list(left_out["name"]) == ["Poor AH 1", "Poor AH 2"] and list(left_out["available"]) == ["3 EUA"] * 2
    assert at.button(key="liq_execute").disabled is False


def test_a_small_target_is_split_over_fewer_market_makers_saying_why_the_others_are_not_needed(open_app, db, actors):
    make_providers(db, actors.admin, 3)
    make_holders(db, actors.admin, 3, cert="EUA")

    at = _preview(open_app(actors.admin, PAGE), "1000", "0")  # over 3 a share (€333.33) rests nothing at €80

    assert not at.exception and not at.error and not field_errors(at)
    (per_mm,) = [f.value for f in at.dataframe if "budget" in f.value.columns]
    assert list(per_mm["name"]) == ["LP 1", "LP 2"] and list(per_mm["budget"]) == [Decimal("500.00")] * 2
    assert (
        "1 liquidity provider more could fund a share but is not needed: €1,000.00 rests one whole certificate at "
        "every level over 2 liquidity providers at most."
    ) in texts(at.caption)
    assert at.button(key="liq_execute").disabled is False


def test_both_targets_too_small_to_plan_are_refused_under_their_fields_at_once(open_app, db, actors):
    make_providers(db, actors.admin, 1)
    make_holders(db, actors.admin, 1, cert="EUA")

    at = _preview(open_app(actors.admin, PAGE), "1", "1")

    assert not at.exception and not at.error
    assert [e.split(" at each")[0] for e in field_errors(at)] == [
        "BID liquidity of €1.00 cannot rest one whole certificate",
        "ASK liquidity of €1.00 cannot rest one whole certificate",
    ]  # the ASK's refusal came only once the BID was fixed
    assert not [m for m in at.metric if m.label == "Orders"]
    assert count_rows(db, "orders") == 0


def test_a_shortfall_is_explained_and_provisioning_from_the_dialog_fixes_it(open_app, db, actors):
    make_providers(db, actors.admin, 1)
    at = open_app(actors.admin, PAGE)
    at = _preview(at, "1000", "8000")

    assert any("No active asset holders" in t for t in texts(at.error))
    assert at.button(key="liq_execute").disabled is True
    assert at.text_input(key="liq_prov_amount_SELL_create_new").value != ""

    at.button(key="liq_prov_submit_SELL").click().run()
    at.button(key="liq_prov_confirm_SELL").click().run()

    assert not at.exception
    (holder,) = [m for m in get_market_makers(db, user_id=actors.admin.id) if m.mm_type.value == "ASSET_HOLDER"]
    (deposit,) = get_market_maker_ledger(db, holder.id, user_id=actors.admin.id)
    assert any(deposit.ticket_id in t for t in texts(at.toast)), texts(at.toast)  # the ticket its ledger shows
    assert at.button(key="liq_execute").disabled is False


def test_the_provisioning_amount_follows_a_new_shortfall_instead_of_keeping_the_last_ones(open_app, db, actors):
    make_providers(db, actors.admin, 1, eur="100.00")
    at = open_app(actors.admin, PAGE)
    at = _preview(at, "1000", "0")
    first = at.text_input(key="liq_prov_amount_BUY_fund_existing").value
    at.text_input(key="liq_prov_amount_BUY_fund_existing").set_value("7.00").run()  # typed, for this shortfall

    at = _preview(at, "2000", "0")  # a new shortfall, twice the size

    amount = at.text_input(key="liq_prov_amount_BUY_fund_existing").value
    assert amount != first and amount != "7.00"
    assert any(f"€{amount}" in c for c in texts(at.caption) if c.startswith("Suggested"))  # grouped alike


def test_the_amounts_sent_for_one_book_stay_while_both_books_are_shown_and_back(open_app, actors):
    at = _preview(open_app(actors.admin, PAGE), "1000", "0")  # sent (a form's fields are read when it is sent)

    at.segmented_control(key="liq_cert").set_value("Both").run()
    at.segmented_control(key="liq_cert").set_value("EUA").run()

    assert not at.exception
    assert (at.text_input(key="liq_bid").value, at.text_input(key="liq_ask").value) == ("1000", "0")  # were empty


def test_the_provisioning_amount_is_suggested_again_after_switching_the_action_back_and_forth(open_app, db, actors):
    make_providers(db, actors.admin, 1, eur="100.00")
    at = _preview(open_app(actors.admin, PAGE), "1000", "0")
    suggested = at.text_input(key="liq_prov_amount_BUY_fund_existing").value

    at.segmented_control(key="liq_prov_action_BUY").set_value("create_new").run()
    at.segmented_control(key="liq_prov_action_BUY").set_value("fund_existing").run()

    assert at.text_input(key="liq_prov_amount_BUY_fund_existing").value == suggested != ""  # it came back empty


def test_a_provisioning_moves_nothing_until_its_sentence_is_confirmed_and_back_changes_nothing(open_app, db, actors):
    make_providers(db, actors.admin, 2, eur="100.00", prefix="Atlas")
    at = _preview(open_app(actors.admin, PAGE), "1000", "0")
    at.text_input(key="liq_prov_amount_BUY_fund_existing").set_value("1,000")
    before = snapshot(db)

    at.button(key="liq_prov_submit_BUY").click().run()  # Enter in the prefilled field: it deposited at once

    assert not at.exception
    assert snapshot(db) == before
    assert "Deposit **€1,000.00**: Atlas 1 €500.00 and Atlas 2 €500.00?" in texts(at.markdown)
    at.button(key="liq_prov_back_BUY").click().run()
    assert snapshot(db) == before
    assert "liq_prov_confirm_BUY" not in [b.key for b in at.button]

    at.button(key="liq_prov_submit_BUY").click().run()
    at.button(key="liq_prov_confirm_BUY").click().run()

    deposits = db.execute(text("SELECT amount FROM asset_transactions ORDER BY id")).scalars().all()
    db.rollback()
    assert deposits == [Decimal("100.00"), Decimal("100.00"), Decimal("500.00"), Decimal("500.00")]


def test_while_a_provisioning_asks_its_form_is_greyed_holding_what_it_asks_about_and_back_gives_it_back(
    open_app, db, actors
):
    make_providers(db, actors.admin, 1, eur="100.00")
    at = _new_market_makers_typed(open_app(actors.admin, PAGE), "3", "1,500")

    at.button(key="liq_prov_submit_BUY").click().run()

    assert not at.exception
    assert "Create **3 new liquidity providers** with **€1,500.00** in all (€500.00 each)?" in texts(at.markdown)
    # greyed copies of the fields (ui.dialogs.asked_field): a keystroke landing as the question appeared could miss it
    amount = at.text_input(key="liq_prov_amount_BUY_create_new_asked")
    count = at.text_input(key="liq_prov_count_BUY_asked")
    assert (amount.value, count.value) == ("1,500", "3")  # what the question asks about
    assert amount.disabled and count.disabled
    assert at.segmented_control(key="liq_prov_action_BUY").disabled and at.button(key="liq_prov_submit_BUY").disabled

    at.button(key="liq_prov_back_BUY").click().run()

    amount, count = at.text_input(key="liq_prov_amount_BUY_create_new"), at.text_input(key="liq_prov_count_BUY")
    assert (amount.value, count.value) == ("1,500", "3")  # as typed, to change it
    assert not amount.disabled and not count.disabled and not at.button(key="liq_prov_submit_BUY").disabled
    assert "liq_prov_confirm_BUY" not in [b.key for b in at.button]


def test_a_shortfall_moved_by_another_deposit_while_asked_withdraws_the_question_saying_why_and_deposits_nothing(
    open_app, db, actors
):
    atlases = make_providers(db, actors.admin, 2, eur="100.00", prefix="Atlas")
    at = _preview(open_app(actors.admin, PAGE), "1000", "0")
    at.text_input(key="liq_prov_amount_BUY_fund_existing").set_value("1,000")
    at.button(key="liq_prov_submit_BUY").click().run()
    assert "Deposit **€1,000.00**: Atlas 1 €500.00 and Atlas 2 €500.00?" in texts(at.markdown)
    for atlas in atlases:  # another admin, meanwhile: the suggestion (each one's shortfall, evenly) is another
        fund_market_maker(db, atlas.id, "EUR", "300.00", actors.admin.id)
    before = snapshot(db)

    at.button(key="liq_prov_confirm_BUY").click().run()  # the click reads the book again: the shortfall moved

    assert not at.exception
    assert snapshot(db) == before
    assert "liq_prov_confirm_BUY" not in [b.key for b in at.button]
    assert SHORTFALL_MOVED in texts(at.warning)  # it went without a word, the amount typed replaced


def _refused_once(monkeypatch, refusal: Exception) -> None:
    """Core refuses the next provisioning at its deposit (what it found then, as a question fairly asked before), and
    deposits the ones after it."""
    real, calls = provisioning.provision_market_makers, []

    def deposit(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise refusal
        return real(*args, **kwargs)

    monkeypatch.setattr(provisioning, "provision_market_makers", deposit)


def _asked_to_fund_both(at, typed: str = "1,000"):
    at.text_input(key="liq_prov_amount_BUY_fund_existing").set_value(typed)
    return at.button(key="liq_prov_submit_BUY").click().run()


def test_a_provisioning_confirm_refused_gives_the_form_back_as_typed_with_the_refusal_under_it(
    open_app, db, actors, monkeypatch
):
    make_providers(db, actors.admin, 2, eur="100.00", prefix="Atlas")
    at = _asked_to_fund_both(_preview(open_app(actors.admin, PAGE), "1000", "0"))
    _refused_once(monkeypatch, Conflict('Market maker "Atlas 2" is deactivated and cannot be funded'))
    before = snapshot(db)

    at.button(key="liq_prov_confirm_BUY").click().run()

    assert not at.exception
    assert snapshot(db) == before
    assert "liq_prov_confirm_BUY" not in [b.key for b in at.button]  # it still asked to confirm what was refused
    amount = at.text_input(key="liq_prov_amount_BUY_fund_existing")
    assert (amount.value, amount.disabled) == ("1,000", False)  # as typed, to change it
    assert not at.button(key="liq_prov_submit_BUY").disabled
    said = [str(getattr(e, "value", "")) for e in drawn(at._tree)]
    refusal = said.index('Market maker "Atlas 2" is deactivated and cannot be funded')
    assert refusal < next(i for i, t in enumerate(said) if t.startswith("Suggested:"))  # under the form, not below


def test_a_provisioning_refused_at_confirm_and_asked_again_is_sent_again_not_refused_from_memory(
    open_app, db, actors, monkeypatch
):
    make_providers(db, actors.admin, 2, eur="100.00", prefix="Atlas")
    at = _asked_to_fund_both(_preview(open_app(actors.admin, PAGE), "1000", "0"))
    _refused_once(monkeypatch, Conflict('Market maker "Atlas 2" is deactivated and cannot be funded'))
    at.button(key="liq_prov_confirm_BUY").click().run()  # refused; then Atlas 2 is active again

    at.button(key="liq_prov_submit_BUY").click().run()  # the same amount, for the same shortfall, asked again
    at.button(key="liq_prov_confirm_BUY").click().run()

    assert not at.exception
    deposits = db.execute(text("SELECT amount FROM asset_transactions ORDER BY id")).scalars().all()
    db.rollback()
    assert deposits == [Decimal("100.00"), Decimal("100.00"), Decimal("500.00"), Decimal("500.00")]


def test_a_provisioning_confirm_refused_for_a_market_maker_deactivated_meanwhile_says_why_and_what_the_amount_is_now(
    open_app, db, actors, monkeypatch
):
    _, atlas_2 = make_providers(db, actors.admin, 2, eur="100.00", prefix="Atlas")
    at = _asked_to_fund_both(_preview(open_app(actors.admin, PAGE), "1000", "0"))
    real = provisioning.provision_market_makers

    def deposit(*args, **kwargs):  # another admin deactivates Atlas 2 after the run asked, before the deposit
        deactivate_market_maker(db, atlas_2.id, actors.admin.id)
        return real(*args, **kwargs)

    monkeypatch.setattr(provisioning, "provision_market_makers", deposit)
    before = count_rows(db, "asset_transactions")

    at.button(key="liq_prov_confirm_BUY").click().run()

    assert not at.exception
    assert count_rows(db, "asset_transactions") == before
    assert "liq_prov_confirm_BUY" not in [b.key for b in at.button]
    assert 'Market maker "Atlas 2" is deactivated and cannot be funded' in texts(at.error)
    amount = at.text_input(key="liq_prov_amount_BUY_fund_existing").value
    assert amount != "1,000"  # for Atlas 1 alone now, as the note under it says
    assert any(c.startswith(f"Suggested: exactly the shortfall, €{amount}") for c in texts(at.caption))
    assert REFUSED_SHORTFALL_MOVED in texts(at.caption)


def test_a_provisioning_amount_that_is_no_amount_is_refused_under_it_and_provisions_nothing(open_app, db, actors):
    make_providers(db, actors.admin, 1, eur="100.00")
    at = _preview(open_app(actors.admin, PAGE), "1000", "0")
    at.text_input(key="liq_prov_amount_BUY_fund_existing").set_value("abc")

    at.button(key="liq_prov_submit_BUY").click().run()

    assert field_errors(at) == ["Amount of EUR must be a number, got 'abc'"]
    assert not at.error or all("abc" not in e for e in texts(at.error))  # not in a box under the note
    assert count_rows(db, "asset_transactions") == 1  # the provider's initial deposit only


@pytest.mark.parametrize(
    ("count", "why"),
    [
        ("0", "Number of new market makers is a whole number of market makers from 1 to 100, got 0"),
        ("101", "Number of new market makers is a whole number of market makers from 1 to 100, got 101"),
        ("two", "Number of new market makers must be a number, got 'two'"),
    ],
)
def test_a_count_of_new_market_makers_out_of_range_is_refused_in_words_and_provisions_nothing(
    open_app, db, actors, count, why
):
    make_providers(db, actors.admin, 1, eur="100.00")
    at = _new_market_makers_typed(open_app(actors.admin, PAGE), count)
    before = snapshot(db)

    at.button(key="liq_prov_submit_BUY").click().run()  # a number input kept 0 red and sent nothing, unsaid

    assert not at.exception
    assert field_errors(at) == [why]
    assert why.startswith(at.text_input(key="liq_prov_count_BUY").label)  # it names the field as it is labelled
    assert "liq_prov_confirm_BUY" not in [b.key for b in at.button]
    assert snapshot(db) == before


def test_an_amount_and_a_count_both_wrong_are_refused_at_once_each_under_its_field_and_provision_nothing(
    open_app, db, actors
):
    """Only the amount's refusal showed: the count's was learnt once the amount was fixed and sent again."""
    make_providers(db, actors.admin, 1, eur="100.00")
    at = _new_market_makers_typed(open_app(actors.admin, PAGE), "0", "abc")
    before = snapshot(db)

    at.button(key="liq_prov_submit_BUY").click().run()

    assert not at.exception
    assert refusal_under(at, "liq_prov_amount_BUY_create_new") == "Amount of EUR must be a number, got 'abc'"
    assert refusal_under(at, "liq_prov_count_BUY") == (
        "Number of new market makers is a whole number of market makers from 1 to 100, got 0"
    )
    assert len(field_errors(at)) == 2  # each said once, under its own field
    assert "liq_prov_confirm_BUY" not in [b.key for b in at.button]
    assert snapshot(db) == before


def test_notes_longer_than_allowed_are_refused_under_them_at_preview_not_after_confirming(open_app, db, actors):
    make_providers(db, actors.admin, 1)
    at = open_app(actors.admin, PAGE)
    assert at.text_input(key="liq_notes").help == "At most 2,000 characters"  # said before anything is typed

    at = _preview(at, "1000", "0", notes="n" * 5_000)

    assert field_errors(at) == ["Notes: at most 2,000 characters, got 5,000"]
    assert not at.exception and "liq_execute" not in [b.key for b in at.button]  # no preview to confirm
    assert count_rows(db, "orders") == 0


def test_execute_places_the_orders_and_shows_the_ticket_and_amounts(open_app, db, actors):
    make_providers(db, actors.admin, 2)
    make_holders(db, actors.admin, 1, cert="EUA")
    at = open_app(actors.admin, PAGE)
    at = _preview(at, "5000", "5000", notes="morning depth")

    at.button(key="liq_execute").click().run()

    assert not at.exception
    # typed afresh for the next creation: left filled, Preview and Confirm again placed the same orders twice
    assert [at.text_input(key=k).value for k in ("liq_bid", "liq_ask", "liq_notes")] == ["", "", ""]
    assert at.segmented_control(key="liq_cert").value == "EUA"
    (op,) = get_liquidity_operations(db, user_id=actors.admin.id)
    shown = {m.label: m.value for m in at.metric}
    assert shown["Ticket"] == op.ticket_id
    assert shown["Orders created"] == str(len(op.orders_created)) == "9"
    assert shown["BID placed"].startswith(f"€{op.actual_bid_liquidity_eur:,.2f}")
    assert count_rows(db, "orders") == 9


def test_a_refusal_when_confirming_is_shown_open_not_folded_in_the_status_box(open_app, db, actors, monkeypatch):
    monkeypatch.setattr(get_settings(), "liquidity_rate_limit_per_minute", 1)
    make_providers(db, actors.admin, 1)
    create_liquidity(db, "CEA", "1000", "0", actors.admin.id)  # the one creation this minute allows
    at = _preview(open_app(actors.admin, PAGE), "3000", "0")

    at.button(key="liq_execute").click().run()

    (status,) = at.status
    assert (status.label, status.state, status.proto.expanded) == ("Nothing was placed", "error", True)
    assert "at most 1 liquidity creations per minute" in texts(status.error)[0]
    assert count_rows(db, "orders") == 3  # the CEA creation's only


def test_a_plan_that_changed_after_it_was_shown_is_not_placed_until_confirmed_again(open_app, db, actors):
    make_providers(db, actors.admin, 1)
    at = _preview(open_app(actors.admin, PAGE), "3000", "0")
    make_providers(db, actors.admin, 1, prefix="Late LP")  # another admin, while the preview is open

    at.button(key="liq_execute").click().run()

    assert any("The plan changed since it was shown" in w for w in texts(at.warning))
    assert count_rows(db, "orders") == 0
    per_mm = [f.value for f in at.dataframe if "budget" in f.value.columns]
    assert list(per_mm[0]["name"]) == ["LP 1", "Late LP 1"]  # the plan as it stands, to check

    at.button(key="liq_execute").click().run()  # confirmed again

    (op,) = get_liquidity_operations(db, user_id=actors.admin.id)
    assert count_rows(db, "orders") == op.orders_count == 6  # three levels for each of the two


def test_after_executing_the_cash_market_opens_on_the_same_certificate(open_app, db, actors):
    make_providers(db, actors.admin, 1)
    make_holders(db, actors.admin, 1, cert="CEA")
    at = _preview(open_app(actors.admin, PAGE), "2000", "2000", cert="CEA")
    at.button(key="liq_execute").click().run()

    at.switch_page("pages/cash_market.py").run()

    assert not at.exception
    assert at.segmented_control(key="cm_cert").value == "CEA"
    assert len(at.dataframe[0].value) == 3  # the three bid levels just placed


@pytest.mark.parametrize(
    ("bid", "ask", "refusal"),
    [
        ("12.345", "0", "BID liquidity: EUR amounts have at most 2 decimals (cents), got 12.345"),
        ("-100", "0", "BID liquidity must be zero or more, got -100"),
        ("0", "1,5", "ASK liquidity: use a point for decimals, like 14.03 (a comma only groups thousands)"),
        ("", "", "Enter a BID or ASK liquidity amount above zero (one side alone is fine)"),
        ("   ", "", "Enter a BID or ASK liquidity amount above zero (one side alone is fine)"),  # spaces: as empty
        ("€5", "", "BID liquidity of €5.00 cannot rest one whole certificate at each of the 3 levels"),
    ],
)
def test_an_amount_that_is_no_target_is_refused_under_the_fields_without_opening_the_preview(
    open_app, db, actors, bid, ask, refusal
):
    make_providers(db, actors.admin, 1)
    at = open_app(actors.admin, PAGE)

    at = _preview(at, bid, ask)

    assert not at.exception and not at.error
    assert [e[: len(refusal)] for e in field_errors(at)] == [refusal]
    assert not [m for m in at.metric if m.label == "Orders"]  # no preview dialog over the fields
    at.text_input(key="liq_bid").set_value("1000")
    at.text_input(key="liq_ask").set_value("0")
    at.button(key="liq_preview").click().run()
    assert field_errors(at) == []  # gone once the amounts submitted are not what was refused
    assert count_rows(db, "orders") == 0


def test_with_both_books_a_refusal_names_the_book_as_its_field_is_labelled(open_app, db, actors):
    at = open_app(actors.admin, PAGE)
    at.segmented_control(key="liq_cert").set_value("Both").run()
    for key, value in (("liq_bid_CEA", "0"), ("liq_ask_CEA", "1,5"), ("liq_bid_EUA", "0"), ("liq_ask_EUA", "500")):
        at.text_input(key=key).set_value(value)

    at = at.button(key="liq_preview").click().run()

    assert field_errors(at) == [
        "CEA ASK liquidity: use a point for decimals, like 14.03 (a comma only groups thousands)"
    ]
    assert "CEA ASK liquidity (EUR)" in [t.label for t in at.text_input]


def test_with_both_books_every_fault_shows_at_once_under_its_own_field_or_book(open_app, db, actors):
    at = open_app(actors.admin, PAGE)
    at.segmented_control(key="liq_cert").set_value("Both").run()
    at.text_input(key="liq_ask_EUA").set_value("abc")  # the CEA fields left empty

    at = at.button(key="liq_preview").click().run()

    assert refusal_under(at, "liq_ask_EUA") == "EUA ASK liquidity must be a number, got 'abc'"
    assert refusal_under(at, "liq_bid_EUA") is None
    assert field_errors(at) == [
        "Enter a CEA BID or CEA ASK liquidity amount above zero (one side alone is fine)",  # under the CEA row
        "EUA ASK liquidity must be a number, got 'abc'",
    ]


def test_an_ask_target_refused_shows_under_the_ask_field_and_a_bid_one_under_the_bid_field(open_app, db, actors):
    at = open_app(actors.admin, PAGE)

    at = _preview(at, "x", "abc")  # it showed one fault, under the BID field

    assert refusal_under(at, "liq_bid") == "BID liquidity must be a number, got 'x'"
    assert refusal_under(at, "liq_ask") == "ASK liquidity must be a number, got 'abc'"


def test_only_admins_have_the_page_in_their_menu():
    (spec,) = [p for p in PAGES if p.path == PAGE]

    assert spec.roles == (Role.ADMIN,)


def test_both_certificates_are_previewed_and_placed_together(open_app, db, actors):
    make_providers(db, actors.admin, 2)
    make_holders(db, actors.admin, 2, cert="CEA")
    make_holders(db, actors.admin, 2, cert="EUA", prefix="AH EUA")
    at = open_app(actors.admin, PAGE)
    at.segmented_control(key="liq_cert").set_value("Both").run()
    for key, value in (("liq_bid_CEA", "4000"), ("liq_ask_CEA", "3000"), ("liq_bid_EUA", "6000"), ("liq_ask_EUA", "0")):
        at.text_input(key=key).set_value(value)
    at = at.button(key="liq_preview").click().run()

    assert not at.exception and not at.error
    assert [s.value for s in at.subheader if s.value.endswith("book")] == ["CEA book", "EUA book"]
    at.button(key="liq_execute").click().run()

    assert not at.exception
    operations = get_liquidity_operations(db, user_id=actors.admin.id)
    assert sorted(op.certificate_type.value for op in operations) == ["CEA", "EUA"]
    assert any("CEA and EUA books" in s for s in texts(at.success))
    assert [c for c in texts(at.caption) if c.endswith(" book")] == ["CEA book", "EUA book"]  # each block named


def test_a_shortfall_on_either_book_holds_back_both_and_names_the_short_market_makers_as_typed(open_app, db, actors):
    hostile = "Firm [pwn](http://example.invalid/x)"
    make_providers(db, actors.admin, 1)
    make_holders(db, actors.admin, 1, certificates=5, cert="EUA", prefix=hostile)
    make_holders(db, actors.admin, 1, cert="CEA")
    at = open_app(actors.admin, PAGE)
    at.segmented_control(key="liq_cert").set_value("Both").run()
    for key, value in (("liq_bid_CEA", "1000"), ("liq_ask_CEA", "1000"), ("liq_bid_EUA", "0"), ("liq_ask_EUA", "8000")):
        at.text_input(key=key).set_value(value)
    at = at.button(key="liq_preview").click().run()

    assert at.button(key="liq_execute").disabled is True
    assert any(hostile in c for c in texts(at.caption))  # read exactly as typed
    assert not [c for c in at.caption if linkable(str(c.value))]  # and never a link
    assert at.text_input(key="liq_prov_amount_SELL_fund_existing_EUA").value != ""
    assert count_rows(db, "orders") == 0


def test_widening_spreads_is_offered_and_shown_in_the_preview(open_app, db, actors):
    make_providers(db, actors.admin, 1)
    at = open_app(actors.admin, PAGE)
    at.toggle(key="liq_dynamic").set_value(True)

    at = _preview(at, "1000", "0")

    assert not at.exception
    assert any(c.startswith("Design spreads") and "σ n/a" in c for c in texts(at.caption))  # no trades: ×1
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Spread"], metrics["Spread widening"]) == ("BID only", "×1")  # it read "—" beside "Spread × 1"


def _count_planning(monkeypatch) -> list[str]:
    """Every book planned from now on (core.liquidity_service._plan, which every preview and creation goes through)."""
    planned: list[str] = []
    plan = liquidity_service._plan

    def counted_plan(db, cert, *args, **kwargs):
        planned.append(cert.value)
        return plan(db, cert, *args, **kwargs)

    monkeypatch.setattr(liquidity_service, "_plan", counted_plan)
    return planned


def test_a_preview_click_plans_each_book_once_and_the_dialog_shows_that_plan(open_app, db, actors, monkeypatch):
    make_providers(db, actors.admin, 2)
    at = open_app(actors.admin, PAGE)
    planned = _count_planning(monkeypatch)

    at = _preview(at, "10000", "0")

    assert not at.exception and not at.error
    assert planned == ["EUA"]
    assert {m.label: m.value for m in at.metric}["Orders"] == "6"


def test_a_preview_click_on_both_books_plans_each_of_them_once(open_app, db, actors, monkeypatch):
    make_providers(db, actors.admin, 2)
    at = open_app(actors.admin, PAGE)
    at.segmented_control(key="liq_cert").set_value("Both").run()
    for key, value in (("liq_bid_CEA", "4000"), ("liq_ask_CEA", "0"), ("liq_bid_EUA", "6000"), ("liq_ask_EUA", "0")):
        at.text_input(key=key).set_value(value)
    planned = _count_planning(monkeypatch)

    at = at.button(key="liq_preview").click().run()

    assert not at.exception and not at.error
    assert planned == ["CEA", "EUA"]


def test_each_rerun_of_the_open_dialog_plans_afresh_so_it_never_shows_the_plan_it_opened_with(
    open_app, db, actors, monkeypatch
):
    make_providers(db, actors.admin, 1, eur="100.00")
    at = _preview(open_app(actors.admin, PAGE), "1000", "0")  # short: the dialog offers to fund the provider
    planned = _count_planning(monkeypatch)
    make_providers(db, actors.admin, 1, prefix="Late LP")  # another admin, while the preview is open

    at.segmented_control(key="liq_prov_action_BUY").set_value("create_new").run()  # a rerun of the dialog alone

    assert planned == ["EUA"]
    per_mm = [f.value for f in at.dataframe if "budget" in f.value.columns]
    # the plan as it stands now: the late provider carries the side, the €100 one is left out of it
    assert list(per_mm[0]["name"]) == ["Late LP 1"]
    assert any("left out: **LP 1** holds €100.00" in c for c in texts(at.caption))
