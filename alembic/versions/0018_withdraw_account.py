"""An admin withdraws EUR or certificates out of a market maker (or an entity): withdraw_account, the mirror of
fund_account, with its ledger row (WITHDRAWAL, which the ledger's CHECK already knows) and a WITHDRAW_ACCOUNT
ticket (ticket actions are free text: no type or constraint to extend). Only what is available can leave; a
deactivated market maker's funds can be returned.

What an amount may be (positive, EUR in cents, whole certificates) is written once, in invalid_amount_reason:
apply_balance_changes checks every movement with it (inlined into its set-based scan), refuse_invalid_amount refuses
with it, and apply_balance_change becomes apply_balance_changes for one row (the checks, what each movement type does
to available and locked, and the ledger row were written in both). What fund_account and withdraw_account
share is written once too: lock_account_balance (exactly one account, its balance row locked, or not found) and
apply_ticketed_change (the ticket with the balance before and after, then the ledger row). amount_text writes an
amount in a message as the app does (€1,000.50, 5,000 CEA).

Revision ID: 0018
Revises: 0017
"""

from alembic import op
from core.sql_files import install_sql

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

SQL_PINS: dict[str, str] = {
    "invalid_amount_reason.sql": "0158b31fa82ad871",
    "refuse_invalid_amount.sql": "bba353d71767a216",
    "apply_balance_changes.sql": "ae40b7a7959578bf",
    "apply_balance_change.sql": "91c32684755dfd04",
    "amount_text.sql": "79687ad447269bbc",
    "lock_account_balance.sql": "9c5855fafabd0355",
    "apply_ticketed_change.sql": "bab7150a13a89125",
    "fund_account.sql": "eb83235da806bda0",
    "withdraw_account.sql": "d622b426d703b595",
}


def upgrade() -> None:
    install_sql(op.get_bind(), SQL_PINS)


def downgrade() -> None:
    install_sql(op.get_bind(), {"apply_balance_change.sql": "958f04fd340da343"})  # as 0001 installed it
    install_sql(op.get_bind(), {"apply_balance_changes.sql": "a0c1de45c463c9b6"})  # as 0003 installed it
    install_sql(op.get_bind(), {"fund_account.sql": "c7bf25e82c0d5ab6"})  # as 0007 installed it
    op.execute(
        "DROP FUNCTION withdraw_account(bigint, bigint, asset_type, numeric, bigint), "
        "apply_ticketed_change(balances, transaction_type, numeric, text, bigint), "
        "lock_account_balance(bigint, bigint, asset_type, text), "
        "amount_text(asset_type, numeric), refuse_invalid_amount(asset_type, numeric), "
        "invalid_amount_reason(asset_type, numeric)"
    )
