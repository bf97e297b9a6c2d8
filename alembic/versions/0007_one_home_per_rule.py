"""One home per rule: what each kind of market maker trades and holds, the price tick of each book, and the
longest note, each written once in SQL and read by everything else; admin-only writes check the admin.

Revision ID: 0007
Revises: 0006
"""

from alembic import op
from core.sql_files import install_sql

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# the tick is a property of the book, as on every exchange: €0.01 unless a later revision changes it
MARKETS = """
ALTER TABLE markets ADD COLUMN price_tick numeric(18, 2) NOT NULL DEFAULT 0.01
    CONSTRAINT markets_price_tick_positive CHECK (price_tick > 0);
"""

SQL_PINS: dict[str, str] = {
    "market_maker_side.sql": "120c2daaf17f8557",
    "order_asset.sql": "e83ec556bacbf355",
    "market_maker_assets.sql": "97991663ebf69099",
    "order_balance_id.sql": "a81025115207b19e",
    "price_tick.sql": "04ddd9b2618ac25a",
    "notes_max_length.sql": "4f093c777ca609fd",
    "refuse_funding_outside_trade.sql": "d3b7464fcecd5a78",
    "market_maker_balances.sql": "f6c024160a4b04e0",
    # admin-only writes check the admin themselves (require_admin), and ask the rule instead of spelling it
    "fund_account.sql": "c7bf25e82c0d5ab6",
    "create_market_maker.sql": "76f4a79575c84f4e",
    "provision_market_makers.sql": "3246d2cfbaadfbff",
    "create_entity.sql": "93ecab96620678ae",
    "deactivate_market_maker.sql": "1fa02f28252a8e7e",
}

# the notes CHECK reads the same function core reads
NOTES = """
ALTER TABLE liquidity_operations DROP CONSTRAINT liquidity_operations_notes_check,
    ADD CONSTRAINT liquidity_operations_notes_check CHECK (length(notes) <= notes_max_length());
"""


def upgrade() -> None:
    op.execute(MARKETS)
    install_sql(op.get_bind(), SQL_PINS)
    op.execute(NOTES)


def downgrade() -> None:
    op.execute(
        "ALTER TABLE liquidity_operations DROP CONSTRAINT liquidity_operations_notes_check, "
        "ADD CONSTRAINT liquidity_operations_notes_check CHECK (length(notes) <= 2000)"
    )
    install_sql(op.get_bind(), {"order_balance_id.sql": "a2e9f7f1062f909b"})  # as 0002 installed it
    op.execute(
        "DROP FUNCTION notes_max_length(), price_on_tick(certificate_type, numeric), price_tick(certificate_type), "
        "market_maker_assets(market_maker_type), order_asset(order_side, certificate_type), "
        "market_maker_side(market_maker_type)"
    )
    op.execute("ALTER TABLE markets DROP COLUMN price_tick")
