-- settle_trade: one fill between a BUY and a SELL order at p_price, settled at once and exactly.
-- Four ledger legs (buyer EUR locked → seller, seller certificates locked → buyer), a trades row, and the
-- buyer's price improvement (a LIMIT BUY filling below its limit) unlocked. Internal: the caller holds
-- the book lock and the row locks of both owners' EUR and certificate balances.
CREATE OR REPLACE FUNCTION settle_trade(
    p_buy_order_id   bigint,
    p_sell_order_id  bigint,
    p_price          numeric,
    p_quantity       bigint,
    p_aggressor      order_side,
    p_created_by     bigint
)
RETURNS trades
LANGUAGE plpgsql
AS $$
DECLARE
    b          orders;
    s          orders;
    t          trades;
    v_cost     numeric := p_price * p_quantity;
    v_refund   numeric;
    v_cert     asset_type;
BEGIN
    SELECT * INTO b FROM orders WHERE id = p_buy_order_id;
    SELECT * INTO s FROM orders WHERE id = p_sell_order_id;
    v_cert := b.certificate_type::text::asset_type;
    -- a resting BUY trades at its own price; only a LIMIT aggressor can fill below its limit
    v_refund := CASE WHEN b.order_type = 'LIMIT' THEN (b.price - p_price) * p_quantity ELSE 0 END;

    INSERT INTO trades (certificate_type, price, quantity, buy_order_id, sell_order_id, aggressor_side)
    VALUES (b.certificate_type, p_price, p_quantity, b.id, s.id, p_aggressor)
    RETURNING * INTO t;

    PERFORM apply_balance_change(balance_id_for(b.market_maker_id, b.entity_id, 'EUR'), 'TRADE_DEBIT', v_cost,
                                 'trade', t.id, NULL, p_created_by);
    PERFORM apply_balance_change(balance_id_for(s.market_maker_id, s.entity_id, 'EUR'), 'TRADE_CREDIT', v_cost,
                                 'trade', t.id, NULL, p_created_by);
    PERFORM apply_balance_change(balance_id_for(s.market_maker_id, s.entity_id, v_cert), 'TRADE_DEBIT', p_quantity,
                                 'trade', t.id, NULL, p_created_by);
    PERFORM apply_balance_change(balance_id_for(b.market_maker_id, b.entity_id, v_cert), 'TRADE_CREDIT', p_quantity,
                                 'trade', t.id, NULL, p_created_by);
    IF v_refund > 0 THEN
        PERFORM apply_balance_change(balance_id_for(b.market_maker_id, b.entity_id, 'EUR'), 'UNLOCK', v_refund,
                                     'trade', t.id, NULL, p_created_by);
    END IF;

    -- locked_amount keeps equal to what each order still holds
    UPDATE orders
       SET filled_quantity = filled_quantity + p_quantity,
           locked_amount = locked_amount - CASE side WHEN 'BUY' THEN v_cost + v_refund ELSE p_quantity END,
           status = CASE WHEN filled_quantity + p_quantity = quantity THEN 'FILLED'
                         ELSE 'PARTIALLY_FILLED' END::order_status,
           updated_at = now()
     WHERE id IN (b.id, s.id);
    RETURN t;
END;
$$;
