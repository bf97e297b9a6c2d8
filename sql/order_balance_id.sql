-- order_balance_id: the balance row an order's lock lives on: its owner's EUR for a BUY,
-- its owner's certificates of the book for a SELL.
CREATE OR REPLACE FUNCTION order_balance_id(o orders)
RETURNS bigint
LANGUAGE sql
STABLE
AS $$
    SELECT balance_id_for(o.market_maker_id, o.entity_id, order_asset(o.side, o.certificate_type));
$$;
