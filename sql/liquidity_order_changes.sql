-- liquidity_order_changes: the changes of liquidity orders handed over by track_order_changes, as signed shares
-- (liquidity_order_share): each order's new state counted in (sign 1), its old state counted out (sign -1), with
-- its operation's book, creator and UTC day of creation. adjust_liquidity_state sums them per operation, per day
-- and per market maker.
CREATE OR REPLACE FUNCTION liquidity_order_changes(p_new orders[], p_old orders[])
RETURNS TABLE (operation_id bigint, market_maker_id bigint, side order_side, day date,
               certificate_type certificate_type, created_by bigint, sign integer, open_orders integer,
               filled_bid_eur numeric, filled_ask_eur numeric, filled_quantity bigint, resting_eur numeric,
               resting_quantity bigint, withdrawn_eur numeric, withdrawn_quantity bigint)
LANGUAGE sql
STABLE
AS $$
    SELECT (c.o).liquidity_operation_id, (c.o).market_maker_id, (c.o).side, (lo.created_at AT TIME ZONE 'UTC')::date,
           lo.certificate_type, lo.created_by, c.sign, s.*
      FROM (SELECT 1 AS sign, n AS o FROM unnest(p_new) n
            UNION ALL
            SELECT -1, o FROM unnest(p_old) o) c
      JOIN liquidity_operations lo ON lo.id = (c.o).liquidity_operation_id
     CROSS JOIN LATERAL liquidity_order_share(c.o) s;
$$;
