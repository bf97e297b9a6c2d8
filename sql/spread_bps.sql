-- mid_price and spread_bps: the mid of a book and its spread in basis points of that mid,
-- (ask − bid) / mid × 10,000, written once for the snapshot, its rollups and every read. NULL unless the book
-- has both a bid and an ask. The mid of two cent prices is exact to a tenth of a cent. The spread is kept to a
-- tenth of a basis point (0.001 % of mid): as fine as anyone quotes a spread, and coarse enough that a day of
-- snapshots holds a few dozen distinct spreads, which keeps the median over a month a read of a few thousand rows.
CREATE OR REPLACE FUNCTION mid_price(p_best_bid numeric, p_best_ask numeric)
RETURNS numeric
LANGUAGE sql
IMMUTABLE
AS $$
    SELECT round((p_best_bid + p_best_ask) / 2, 3);
$$;

CREATE OR REPLACE FUNCTION spread_bps(p_best_bid numeric, p_best_ask numeric)
RETURNS numeric
LANGUAGE sql
IMMUTABLE
AS $$
    SELECT round((p_best_ask - p_best_bid) / mid_price(p_best_bid, p_best_ask) * 10000, 1);
$$;
