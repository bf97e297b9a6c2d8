"""Whatever a person typed is shown as typed, on every page, in a real browser: a firm, market makers, notes and a
pause reason that look like Markdown links, emphasis, colours, bare URLs and e-mail addresses never become any."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from core.kill_switch import pause_liquidity
from core.liquidity_policies import run_policy, save_policy
from core.liquidity_service import create_liquidity
from core.market_makers import create_market_maker
from tests.e2e.conftest import open_as

LINKY = "[pwn](http://example.invalid/x) *loud* :red[alarm] www.example.invalid ops@example.invalid"
LP, AH, FIRM = f"LP {LINKY}", f"AH {LINKY}", f"Firm {LINKY}"
NOTES, REASON = f"Notes {LINKY}", f"Reason {LINKY}"


@pytest.fixture
def hostile_world(db, actors):
    db.execute(text("UPDATE entities SET name = :n WHERE id = :e"), {"n": FIRM, "e": actors.entity.id})
    db.commit()
    admin = actors.admin.id
    create_market_maker(db, LP, "LIQUIDITY_PROVIDER", admin, initial_eur_balance=Decimal("500000"))
    create_market_maker(db, AH, "ASSET_HOLDER", admin, initial_balances={"CEA": 20000, "EUA": 5000})
    create_liquidity(db, "EUA", "20000", "20000", admin, notes=NOTES)
    save_policy(
        db,
        "CEA",
        user_id=admin,
        bid_depth_eur=Decimal("10000"),
        ask_depth_eur=Decimal("10000"),
        notes=NOTES,
        enabled=True,
    )
    run_policy(db, "CEA", user_id=admin)
    pause_liquidity(db, user_id=admin, reason=REASON)


def assert_nothing_became_markup(page) -> None:
    page.wait_for_timeout(1500)  # the page has run: fragments and tables drawn
    expect(page.locator('a[href*="example.invalid"]')).to_have_count(0)
    expect(page.locator('a[href^="mailto:"]')).to_have_count(0)
    for markup in ("em", "strong"):  # *loud* stays two asterisks around a word, never emphasis of its own
        expect(
            page.locator(f"[data-testid=stMarkdownContainer] {markup}", has_text=re.compile("^loud$"))
        ).to_have_count(0)
    expect(page.locator("[data-testid=stException]")).to_have_count(0)


ADMIN_PAGES = (  # each page an admin opens, and a typed name it must show as typed (None: the sidebar's alone)
    ("market-makers", "AH [pwn]"),  # the detail of the first market maker by name
    ("operations", None),
    ("liquidity-policies", "Notes [pwn]"),
    ("create-liquidity", None),
    ("cash-market", None),
)


def test_an_admin_reads_every_typed_name_as_typed_on_every_page(hostile_world, actors, app_server, page):
    open_as(page, app_server, actors.admin.username)

    for path, shows in ADMIN_PAGES:  # one sign-in: it lasts across the pages' URLs
        page.goto(f"{app_server.url}/{path}")

        page.get_by_text("Sign out").wait_for()
        assert_nothing_became_markup(page)
        shown = page.locator("p")  # rendered text (a grid's cells sit in a hidden accessibility layer)
        expect(shown.filter(has_text="Reason [pwn]").first).to_be_visible()  # the kill switch, in the sidebar
        if shows:
            expect(shown.filter(has_text=shows).first).to_be_visible()


def test_a_trader_reads_its_firms_name_as_typed(hostile_world, actors, app_server, page):
    open_as(page, app_server, actors.trader.username)

    page.get_by_text(f"Trading for {FIRM}").wait_for()

    assert_nothing_became_markup(page)
