-- check_order: what an order must be before it may enter a book, whatever the book holds (raises CB400):
-- exactly one owning account, whole certificates from 1, a limit price above zero on the book's tick
-- (price_on_tick), a quantity, price and value within max_amount(), no price on a market order, post-only only
-- on a limit order. place_order and enter_order check it before they take any lock, so a malformed order is
-- refused at once and never queued.
CREATE OR REPLACE FUNCTION check_order(
    p_certificate_type  certificate_type,
    p_order_type        order_type,
    p_quantity          bigint,
    p_price             numeric,
    p_market_maker_id   bigint,
    p_entity_id         bigint,
    p_post_only         boolean
)
RETURNS void
LANGUAGE plpgsql
STABLE
AS $$
BEGIN
    IF (p_market_maker_id IS NULL) = (p_entity_id IS NULL) THEN
        PERFORM raise_error('CB400', 'An order belongs to exactly one account: a market maker or an entity');
    END IF;
    IF p_quantity IS NULL OR p_quantity < 1 THEN
        PERFORM raise_error('CB400', format('Quantity must be a whole number of certificates, at least 1, got %s',
                                            p_quantity));
    END IF;
    IF p_order_type = 'LIMIT' AND NOT price_on_tick(p_certificate_type, p_price) THEN
        PERFORM raise_error('CB400', format('A limit order needs a price above zero in steps of €%s, got %s',
                                            price_tick(p_certificate_type), coalesce(p_price::text, 'none')));
    END IF;
    -- within the maximum a person may ask for (max_amount), in core's words (core.validation, core.orders)
    IF p_quantity > max_amount() THEN  -- (a test before the call: the hot path pays one comparison)
        PERFORM refuse_amount_above_maximum('Quantity', p_certificate_type::text::asset_type, p_quantity);
    END IF;
    IF p_price > max_amount() THEN
        PERFORM raise_error('CB400', format('Price %s is above the maximum price of €%s', p_price,
                                            to_char(max_amount(), 'FM999,999,999,999,999,990')));
    END IF;
    IF p_price * p_quantity > max_amount() THEN
        PERFORM raise_error('CB400', format('Order value %s is above the maximum of €%s accepted in one order',
            amount_text('EUR', p_price * p_quantity), to_char(max_amount(), 'FM999,999,999,999,999,990')));
    END IF;
    IF p_order_type = 'MARKET' AND p_price IS NOT NULL THEN
        PERFORM raise_error('CB400', 'A market order takes no price: it trades at the best prices in the book');
    END IF;
    IF p_post_only AND p_order_type = 'MARKET' THEN
        PERFORM raise_error('CB400', 'Post-only orders must be limit orders: a market order always trades at once');
    END IF;
END;
$$;
