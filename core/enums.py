"""The vocabularies shared by Python and PostgreSQL (the enum types in the schema carry the same values)."""

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "ADMIN"
    ANALYST = "ANALYST"
    TRADER = "TRADER"


class MarketMakerType(StrEnum):
    ASSET_HOLDER = "ASSET_HOLDER"  # holds CEA/EUA, places SELL orders
    LIQUIDITY_PROVIDER = "LIQUIDITY_PROVIDER"  # holds EUR, places BUY orders


class AssetType(StrEnum):
    EUR = "EUR"
    CEA = "CEA"
    EUA = "EUA"

    @property
    def is_certificate(self) -> bool:
        return self is not AssetType.EUR


class CertificateType(StrEnum):
    CEA = "CEA"
    EUA = "EUA"


class OrderSide(StrEnum):
    BUY = "BUY"
    SELL = "SELL"


class OrderType(StrEnum):
    LIMIT = "LIMIT"
    MARKET = "MARKET"


class OrderStatus(StrEnum):
    OPEN = "OPEN"
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    FILLED = "FILLED"
    CANCELLED = "CANCELLED"


class TransactionType(StrEnum):
    DEPOSIT = "DEPOSIT"
    WITHDRAWAL = "WITHDRAWAL"
    LOCK = "LOCK"
    UNLOCK = "UNLOCK"
    TRADE_DEBIT = "TRADE_DEBIT"
    TRADE_CREDIT = "TRADE_CREDIT"
