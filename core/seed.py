"""Demo data for the embedded database: loaded once, only into an empty database.

Passwords are generated per installation and returned so the caller can print them once.
"""

import secrets
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from core.entities import create_entity, fund_entity
from core.liquidity_service import create_liquidity_for_all
from core.market_makers import create_market_maker
from core.users import create_user

DEMO_USERS = ("admin", "analyst", "trader")
# the depth each book opens with, EUR a side (BID, ASK): a fifth or less of what the market makers hold, so an admin
# trying Create Liquidity still has plenty to place
DEMO_LIQUIDITY = {
    "CEA": (Decimal("100000.00"), Decimal("100000.00")),
    "EUA": (Decimal("150000.00"), Decimal("150000.00")),
}
DEMO_LIQUIDITY_NOTES = "Demo data: the depth both books open with"


def database_is_empty(db: Session) -> bool:
    empty = db.execute(text("SELECT NOT EXISTS (SELECT 1 FROM users)")).scalar_one()
    db.rollback()
    return bool(empty)


def seed_demo_data(db: Session) -> dict[str, str]:
    """Users admin/analyst/trader, two liquidity providers with EUR, two asset holders with CEA and EUA, a trader
    firm with EUR, and depth on both books placed by the admin through Create Liquidity's own service, around the
    reference a book that never traded uses (``CARBON_DEFAULT_PRICES``). Returns ``{username: password}``."""
    passwords = {name: secrets.token_urlsafe(12) for name in DEMO_USERS}
    admin = create_user(db, "admin", passwords["admin"], "ADMIN")
    create_user(db, "analyst", passwords["analyst"], "ANALYST")
    firm = create_entity(db, "Demo Trading GmbH", admin.id)
    create_user(db, "trader", passwords["trader"], "TRADER", entity_id=firm.id)
    fund_entity(db, firm.id, "EUR", Decimal("250000.00"), admin.id)
    for name, eur in (("Atlas Liquidity", "500000.00"), ("Boreal Capital", "350000.00")):
        create_market_maker(db, name, "LIQUIDITY_PROVIDER", admin.id, initial_eur_balance=Decimal(eur))
    for name, cea, eua in (("Cedar Carbon", 40000, 6000), ("Delta Allowances", 25000, 4000)):
        create_market_maker(db, name, "ASSET_HOLDER", admin.id, initial_balances={"CEA": cea, "EUA": eua})
    create_liquidity_for_all(db, DEMO_LIQUIDITY, admin.id, notes=DEMO_LIQUIDITY_NOTES)
    return passwords
