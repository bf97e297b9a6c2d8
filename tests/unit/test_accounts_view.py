"""The Users and Trader Firms pages' pure helpers: the rows of the users table."""

from datetime import UTC, datetime

import pandas as pd

from core.enums import Role
from core.user_accounts import UserAccount
from ui.accounts_view import FIRM_PX_PER_CHAR, users_column_config, users_frame
from ui.grids import text_column_px

NOW = datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


def user(user_id: int, username: str, role: Role, **fields: object) -> UserAccount:
    return UserAccount(
        id=user_id, username=username, role=role, entity_id=None, is_active=True, created_at=NOW, **fields
    )


def test_a_cell_a_user_has_nothing_for_holds_no_value_rather_than_an_empty_text():
    admin = user(1, "admin", Role.ADMIN)
    trader = user(2, "trader", Role.TRADER, entity_name="Trader Firm", last_login_at=NOW, reads_like=("T.rader",))

    rows = users_frame([admin, trader]).set_index("username")

    # no firm, reading like nobody's, never signed in: each reads NO_VALUE in the table, where "" read blank
    assert rows.loc["admin", ["firm", "reads_like", "last_login_at"]].isna().all()
    assert (rows.loc["trader", "firm"], rows.loc["trader", "reads_like"]) == ("Trader Firm", "T.rader")
    assert rows.loc["trader", "last_login_at"] == pd.Timestamp(NOW)


def test_the_firm_column_is_as_wide_as_the_firms_named_beside_users_with_none():
    users = [user(1, "admin", Role.ADMIN), user(2, "trader", Role.TRADER, entity_name="Demo Trading GmbH")]

    config = users_column_config(users)

    assert config["firm"]["width"] == text_column_px("Trader firm", ["Demo Trading GmbH"], FIRM_PX_PER_CHAR)
