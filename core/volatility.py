"""Volatility-aware spreads: an EWMA of trade-to-trade log returns (RiskMetrics, λ = 0.94) and the multiplier it
asks of the liquidity levels' offsets. Pure functions, Decimal throughout (σ is a fraction: 0.005 = 0.5 %).

With fewer than ``MIN_TRADES`` trades there is nothing to measure and the multiplier is 1: the design's spreads.
The multiplier is ``clamp(σ / σ_ref, 1, max_multiplier)``: a calm market quotes the design's 0.2/0.4/0.5 %, a
volatile one wider, never narrower.
"""

from collections.abc import Sequence
from decimal import ROUND_CEILING, Decimal, localcontext
from itertools import pairwise

LAMBDA = Decimal("0.94")  # RiskMetrics' daily decay, applied per trade
MIN_TRADES = 10
SIGMA_QUANTUM = Decimal("0.00000001")  # liquidity_operations.volatility is NUMERIC(12,8)
MULTIPLIER_QUANTUM = Decimal("0.0001")  # spread_multiplier is NUMERIC(8,4)


def ewma_volatility(prices: Sequence[Decimal]) -> Decimal | None:
    """σ of the log returns between consecutive trade prices (oldest first), EWMA with λ = 0.94, seeded with the
    first squared return; None with fewer than ``MIN_TRADES`` prices."""
    if len(prices) < MIN_TRADES:
        return None
    with localcontext() as ctx:
        ctx.prec = 34
        variance: Decimal | None = None
        for previous, price in pairwise(prices):
            squared = (Decimal(price) / Decimal(previous)).ln() ** 2
            variance = squared if variance is None else LAMBDA * variance + (1 - LAMBDA) * squared
        assert variance is not None
        return variance.sqrt().quantize(SIGMA_QUANTUM)


def spread_multiplier(sigma: Decimal | None, sigma_reference: Decimal, max_multiplier: Decimal) -> Decimal:
    """``clamp(σ / σ_ref, 1, max_multiplier)``, rounded up to 4 decimals; 1 when σ is unknown."""
    if sigma is None:
        return Decimal(1)
    ratio = (sigma / sigma_reference).quantize(MULTIPLIER_QUANTUM, ROUND_CEILING)
    return min(max(ratio, Decimal(1)), max_multiplier)
