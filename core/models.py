"""Pydantic records that core returns (read from database rows)."""

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from core.enums import AssetType, MarketMakerType, OrderSide, Role, TransactionType


class Record(BaseModel):
    model_config = ConfigDict(from_attributes=True, frozen=True)


class User(Record):
    id: int
    username: str
    role: Role
    entity_id: int | None
    is_active: bool
    created_at: datetime
    last_login_at: datetime | None = None
    # signed in with a password someone else made (a new account, an admin's reset): until they choose their own,
    # core and SQL refuse them everything else
    must_change_password: bool = False


class ChangedUser(User):
    """A user as a deactivation or a reactivation left them, with the ticket that change wrote."""

    ticket_id: str


class Entity(Record):
    id: int
    name: str
    created_at: datetime


class CreatedEntity(Entity):
    """A trader firm as its creation left it, with the ticket the creation wrote (CREATE_ENTITY)."""

    ticket_id: str


class TraderFirm(Entity):
    """A trader firm (entity) with available and locked per asset, and how many of its traders are active."""

    eur_available: Decimal = Decimal(0)
    eur_locked: Decimal = Decimal(0)
    cea_available: Decimal = Decimal(0)
    cea_locked: Decimal = Decimal(0)
    eua_available: Decimal = Decimal(0)
    eua_locked: Decimal = Decimal(0)
    active_traders: int = 0

    def available(self, asset: AssetType | str) -> Decimal:
        return getattr(self, f"{str(asset).lower()}_available")

    def locked(self, asset: AssetType | str) -> Decimal:
        return getattr(self, f"{str(asset).lower()}_locked")


class AssetBalance(Record):
    asset: AssetType
    available: Decimal
    locked: Decimal

    @property
    def total(self) -> Decimal:
        return self.available + self.locked


class MarketMaker(Record):
    id: int
    name: str
    mm_type: MarketMakerType
    side: OrderSide  # the one side it trades (SQL: market_maker_side)
    eur_balance: Decimal
    is_active: bool
    created_by: int
    created_at: datetime
    updated_at: datetime
    eur_available: Decimal = Decimal(0)
    eur_locked: Decimal = Decimal(0)
    cea_available: Decimal = Decimal(0)
    cea_locked: Decimal = Decimal(0)
    eua_available: Decimal = Decimal(0)
    eua_locked: Decimal = Decimal(0)
    open_orders: int = 0
    held_assets: tuple[AssetType, ...] = ()  # what it is funded with and trades (SQL: market_maker_assets)

    def available(self, asset: AssetType | str) -> Decimal:
        return getattr(self, f"{str(asset).lower()}_available")

    def locked(self, asset: AssetType | str) -> Decimal:
        return getattr(self, f"{str(asset).lower()}_locked")

    @property
    def balances(self) -> dict[AssetType, AssetBalance]:
        return {a: AssetBalance(asset=a, available=self.available(a), locked=self.locked(a)) for a in AssetType}

    @property
    def shown_balances(self) -> list[AssetBalance]:
        """What a person should see: what it trades, and every other asset it holds (an asset holder's EUR
        from selling, a liquidity provider's certificates from buying)."""
        return [b for a, b in self.balances.items() if a in self.held_assets or b.available or b.locked]


class CreatedMarketMaker(MarketMaker):
    """A market maker as its creation left it, with the ticket the creation wrote (CREATE_MARKET_MAKER): the audit
    log's, and the one the ledger row of each initial deposit carries."""

    ticket_id: str


class ChangedMarketMaker(MarketMaker):
    """A market maker as a deactivation or a reactivation left it, with the ticket that change wrote."""

    ticket_id: str


class LedgerEntry(Record):
    id: int
    balance_id: int
    market_maker_id: int | None
    entity_id: int | None
    asset: AssetType
    transaction_type: TransactionType
    amount: Decimal
    available_before: Decimal
    available_after: Decimal
    locked_before: Decimal
    locked_after: Decimal
    balance_before: Decimal
    balance_after: Decimal
    reference_type: str | None
    reference_id: int | None
    ticket_id: str | None
    created_by: int | None
    created_at: datetime


class MarketMakerLedgerEntry(LedgerEntry):
    """A market maker's ledger row with the order it comes from: a lock's or unlock's own, a fill's (the market
    maker's order of the trade), None for an admin's deposit or withdrawal (its ticket says it)."""

    order_id: int | None = None


class LedgerProblem(Record):
    balance_id: int
    transaction_id: int | None
    problem: str
    expected: Decimal
    actual: Decimal
