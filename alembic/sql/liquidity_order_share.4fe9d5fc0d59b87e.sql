-- liquidity_order_share: what one order of a liquidity operation adds to the operation's live state: open (1 while
-- OPEN or PARTIALLY_FILLED), its fills (EUR by side, and certificates), what still rests (its remainder, EUR at its
-- price), and what a withdrawal took back (the remainder of an order cancelled as WITHDRAWAL). The one definition
-- of an operation's fill state: liquidity_order_state shows it per order, and the state kept per operation and
-- per day (adjust_liquidity_state) sums it.
CREATE OR REPLACE FUNCTION liquidity_order_share(o orders)
RETURNS TABLE (open_orders integer, filled_bid_eur numeric, filled_ask_eur numeric, filled_quantity bigint,
               resting_eur numeric, resting_quantity bigint, withdrawn_eur numeric, withdrawn_quantity bigint)
LANGUAGE sql
IMMUTABLE
AS $$
    SELECT (o.status IN ('OPEN', 'PARTIALLY_FILLED'))::integer,
           CASE o.side WHEN 'BUY' THEN o.filled_amount ELSE 0 END,
           CASE o.side WHEN 'SELL' THEN o.filled_amount ELSE 0 END,
           o.filled_quantity,
           CASE WHEN o.status IN ('OPEN', 'PARTIALLY_FILLED') THEN o.remaining_quantity * o.price ELSE 0 END,
           CASE WHEN o.status IN ('OPEN', 'PARTIALLY_FILLED') THEN o.remaining_quantity ELSE 0 END,
           CASE WHEN o.cancel_reason = 'WITHDRAWAL' THEN o.remaining_quantity * o.price ELSE 0 END,
           CASE WHEN o.cancel_reason = 'WITHDRAWAL' THEN o.remaining_quantity ELSE 0 END;
$$;
