"""Rendering helpers for the Trader Firms and Users pages: records in, tables and labels out (display only)."""

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import streamlit as st

from core.enums import AssetType, Role
from core.models import TraderFirm
from core.user_accounts import UserAccount
from core.wording import a_or_an, listed
from ui.format import NO_VALUE, amount_text, md_escape
from ui.grids import text_column_px
from ui.market_makers_view import name_column_width, short_name
from ui.metrics import Metric

STATUS_ACTIVE, STATUS_INACTIVE = "Active", "Inactive"
# a user who has not yet replaced the one-time password an admin made for them (at their next sign-in)
STATUS_ONE_TIME = "One-time password"
ONE_TIME_HELP = "Signs in with the password an admin made, then chooses their own before anything else opens"
STATUS_LOCKED = "Locked"
LOCKED_HELP = "too many failed sign-ins, refused until the lock lifts (Reset password lifts it)"
# the Status column fits the tags of the user who has most ("Active", "Locked", "One-time password": 256 px): left
# to the grid, it was measured on the rows first drawn and cut "One-time password" to "One-tir" at 1,280 px. Always
# that wide, it pushed Trader firm and Created out of sight at 1,280 px once "Reads like" showed, beside rows all
# "Active". A tag takes about 7 px a character and 12 px of pill and gap; the column's padding 16 px; its header,
# with the help icon, at least 96 px
STATUS_COLUMN_PX = 256
STATUS_COLUMN_MIN_PX = 96
# Username, Reads like and Trader firm are as wide as their longest text (and their header) needs, up to
# NAME_COLUMN_MAX_PX: left to the grid, a firm's name was cut at 1,280 px ("Demo Trading G…") once the other columns
# took their room, and the grid keeps the width it measured first. A firm's name, in capitals too, takes more than the
# market makers' 6.5 px a character (Demo Trading GmbH measured 122 px: 7.2 a character); a username, mostly small
# letters and dots, less (desk.assistant.long: 5.9)
FIRM_PX_PER_CHAR = 7.5
ROLE_FILTERS: dict[str, Role | None] = {
    "All": None,
    "Admins": Role.ADMIN,
    "Analysts": Role.ANALYST,
    "Traders": Role.TRADER,
}
FIRM_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "active_traders",
    *(f"{a.value.lower()}_{part}" for a in AssetType for part in ("available", "locked")),
    "created_at",
)
USER_COLUMNS: tuple[str, ...] = (
    "id",
    "username",
    "reads_like",
    "role",
    "firm",
    "status",
    "last_login_at",
    "created_at",
)
# what "reads like" means, as SQL's username_key has it (claim_username's rule), and why it matters
READS_LIKE_RULE = "the same letters and digits in the same order, whatever the case and the '.', '_' and '-'"
READS_LIKE_WHY = (
    "added before such names were refused (new ones are): an audit line or a sign-in naming one may be taken for the "
    "other"
)
READS_LIKE_HELP = f"Usernames that read alike: {READS_LIKE_RULE}. {READS_LIKE_WHY[0].upper()}{READS_LIKE_WHY[1:]}"


def firms_frame(firms: Sequence[TraderFirm]) -> pd.DataFrame:
    """One row per firm: its balances (certificates as whole units) and active traders."""
    rows = [
        {
            "id": f.id,
            "name": f.name,
            "active_traders": f.active_traders,
            **{
                f"{a.value.lower()}_{part}": getattr(f, f"{a.value.lower()}_{part}")
                for a in AssetType
                for part in ("available", "locked")
            },
            "created_at": f.created_at,
        }
        for f in firms
    ]
    frame = pd.DataFrame(rows, columns=list(FIRM_COLUMNS))
    for column in FIRM_COLUMNS:
        if column.startswith(("cea_", "eua_")):
            frame[column] = frame[column].astype("Int64")
    return frame


def firms_column_config(names: Iterable[str] = ()) -> dict[str, Any]:
    cert = "%,d"
    locked_help = "Held by open orders"
    available_help = "Available: not held by open orders"
    return {
        "id": None,
        "name": st.column_config.TextColumn("Name", width=name_column_width(names)),
        "active_traders": st.column_config.NumberColumn(
            "Traders", format="%d", width="small", help="Active traders: those who may sign in"
        ),  # "Active traders" was cut to "Active trade" in a small column
        # what is available heads its asset's columns by the asset alone (its help says available), as on Market
        # Makers: the grid sizes a column to its header when that is wider than its figures, and "CEA available"
        # over "0" pushed Created out of view at 1,280 px
        "eur_available": st.column_config.NumberColumn("EUR", format="euro", step=0.01, help=available_help),
        "eur_locked": st.column_config.NumberColumn("EUR locked", format="euro", step=0.01, help=locked_help),
        "cea_available": st.column_config.NumberColumn("CEA", format=cert, help=available_help),
        "cea_locked": st.column_config.NumberColumn("CEA locked", format=cert, help=locked_help),
        "eua_available": st.column_config.NumberColumn("EUA", format=cert, help=available_help),
        "eua_locked": st.column_config.NumberColumn("EUA locked", format=cert, help=locked_help),
        "created_at": st.column_config.DatetimeColumn("Created", format="YYYY-MM-DD", timezone="UTC"),
    }


def firm_metrics(firm: TraderFirm) -> list[Metric]:
    """A firm's balances as its detail shows them: available and locked of every asset."""
    return [
        Metric(f"{a} {part}", amount_text(a, getattr(firm, f"{a.value.lower()}_{part}")))
        for a in AssetType
        for part in ("available", "locked")
    ]


def firm_option(firm: TraderFirm) -> str:
    return f"{short_name(firm.name)} · {firm.active_traders} active trader{'s' if firm.active_traders != 1 else ''}"


def role_word(role: Role | str) -> str:
    return Role(role).value.capitalize()


def users_frame(users: Sequence[UserAccount]) -> pd.DataFrame:
    rows = [
        {
            "id": u.id,
            "username": u.username,
            "reads_like": ", ".join(u.reads_like) or None,  # None: reads like nobody's
            "role": role_word(u.role),
            "firm": u.entity_name,  # None for an admin or an analyst: no firm
            "status": status_tags(u),
            "last_login_at": u.last_login_at,
            "created_at": u.created_at,
        }
        for u in users
    ]
    frame = pd.DataFrame(rows, columns=list(USER_COLUMNS))
    # a column of users who never signed in is all None: as a datetime column each such cell reads NO_VALUE
    frame["last_login_at"] = pd.to_datetime(frame["last_login_at"], utc=True)
    return frame


def status_tags(user: UserAccount) -> list[str]:
    """A user's tags in the Status column: active or not, then locked and one-time password when they are."""
    return (
        [STATUS_ACTIVE if user.is_active else STATUS_INACTIVE]
        + ([STATUS_LOCKED] if user.locked_until else [])
        + ([STATUS_ONE_TIME] if user.must_change_password else [])
    )


def status_column_px(users: Iterable[UserAccount]) -> int:
    """How wide the Status column is drawn: wide enough for the tags of the user of ``users`` who has most."""
    widest = max((sum(7 * len(tag) + 12 for tag in status_tags(u)) for u in users), default=0)
    return max(STATUS_COLUMN_MIN_PX, 16 + widest)


def users_column_config(users: Iterable[UserAccount] = ()) -> dict[str, Any]:
    """The columns of the Users table of ``users``; "Reads like" only when the username of one of them reads like
    another's. The names are as wide as the longest needs (``text_column_px``)."""
    users = list(users)
    look_alikes = any(u.reads_like for u in users)
    frame = users_frame(users)
    names = {
        "username": text_column_px("Username", frame["username"]),
        "reads_like": text_column_px("Reads like", frame["reads_like"].dropna()),
        "firm": text_column_px("Trader firm", frame["firm"].dropna(), FIRM_PX_PER_CHAR),
    }
    return {
        "id": None,
        "username": st.column_config.TextColumn("Username", width=names["username"]),
        "reads_like": (
            st.column_config.TextColumn("Reads like", help=READS_LIKE_HELP, width=names["reads_like"])
            if look_alikes
            else None
        ),
        "role": st.column_config.TextColumn("Role", width="small"),
        "firm": st.column_config.TextColumn("Trader firm", width=names["firm"]),
        "status": st.column_config.MultiselectColumn(
            "Status",
            options=[STATUS_ACTIVE, STATUS_INACTIVE, STATUS_LOCKED, STATUS_ONE_TIME],
            color=["#e2e8f0", "#fde68a", "#fecaca", "#bfdbfe"],
            width=status_column_px(users),
            help=f"{STATUS_LOCKED}: {LOCKED_HELP}. {STATUS_ONE_TIME}: {ONE_TIME_HELP[0].lower()}{ONE_TIME_HELP[1:]}.",
        ),
        "last_login_at": st.column_config.DatetimeColumn(
            "Last sign-in (UTC)", format="YYYY-MM-DD HH:mm", timezone="UTC", help=f"{NO_VALUE}: never signed in"
        ),
        "created_at": st.column_config.DatetimeColumn("Created", format="YYYY-MM-DD", timezone="UTC"),
    }


def locked_text(user: UserAccount) -> str | None:
    """Until when a user's name is locked after too many failed sign-ins, "Locked until 14:05 UTC" (with the day
    when it is not today's); None when it is not locked."""
    if user.locked_until is None:
        return None
    until = user.locked_until.astimezone(UTC)
    day = "" if until.date() == datetime.now(UTC).date() else f"{until:%Y-%m-%d} "
    return f"Locked until {day}{until:%H:%M} UTC"


def link_hidden_by_role(users: Iterable[UserAccount], said: str | None, role_choice: str | None) -> str | None:
    """Why a link's user (``said``: their id, as the URL said it) is not shown, when the Role filter hides them, in
    the words a note about a link says it (``ui.url_state.link_note``): "is analyst, an analyst, hidden by the Role
    filter Traders"; None when they are none of ``users`` (the note says the link's user is not offered)."""
    linked = next((u for u in users if said is not None and str(u.id) == said.strip()), None)
    if linked is None or ROLE_FILTERS.get(str(role_choice)) in (None, linked.role):
        return None
    role = a_or_an(role_word(linked.role).lower())
    return f"is {short_name(linked.username)}, {role}, hidden by the Role filter {role_choice}"


def user_option(user: UserAccount) -> str:
    """How a user reads in a selectbox: username, role, firm, and if switched off, that."""
    firm = f" · {short_name(user.entity_name)}" if user.entity_name else ""
    return f"{user.username} · {role_word(user.role)}{firm}{'' if user.is_active else ' (inactive)'}"


def reads_like_text(user: UserAccount) -> str | None:
    """Whom a user's username reads like, as Markdown showing each name as typed: 'Reads like "trader"' (None:
    nobody's)."""
    if not user.reads_like:
        return None
    quoted = [f'"{md_escape(name)}"' for name in user.reads_like]
    return f"Reads like {listed(quoted)}"


def look_alike_groups(users: Iterable[UserAccount]) -> list[tuple[str, ...]]:
    """The usernames that read alike, group by group ("T.rader", "trader"), each in the order the list shows them."""
    groups = {tuple(sorted((u.username, *u.reads_like), key=str.lower)) for u in users if u.reads_like}
    return sorted(groups, key=lambda g: g[0].lower())


def look_alikes_notice(users: Iterable[UserAccount]) -> str | None:
    """The Users page's notice of usernames reading alike, a line per group, each name as typed (Markdown-escaped);
    None when every name reads apart."""
    groups = look_alike_groups(users)
    if not groups:
        return None
    lines = [listed([f"**{md_escape(name)}**" for name in group]) + " read alike" for group in groups]
    return "  \n".join([*lines, f"Each group's names have {READS_LIKE_RULE}. They were {READS_LIKE_WHY}."])
