-- check_order_funds: what a SELL or a LIMIT BUY locks (its certificates; price × quantity EUR), refused (CB402)
-- when its account has less than that available. The one home of the rule: match_order calls it on the balance
-- rows it has locked; the order entry calls it on the rows as they are (core.order_entry.check_order_funds), so
-- what the entry says before a click is what the engine says after it. A MARKET BUY locks what its EUR buys now,
-- which is match_order's walk of the book with that EUR as the budget, not this. The refusal is said in desk words
-- ("Not enough EUA: this sell needs 10, trader firm "Demo" has 3 available"), the one sentence for the entry's
-- note under Quantity and for the engine's answer to a click.
CREATE OR REPLACE FUNCTION check_order_funds(
    p_certificate_type  certificate_type,
    p_side              order_side,
    p_quantity          bigint,
    p_price             numeric,
    p_eur               balances,
    p_certificates      balances
)
RETURNS numeric
LANGUAGE plpgsql
STABLE
AS $$
DECLARE
    v_lock  numeric;
BEGIN
    IF p_side = 'SELL' THEN
        IF p_certificates.available < p_quantity THEN
            PERFORM raise_error('CB402', format(
                'Not enough %s: this sell needs %s, %s has %s available',
                p_certificate_type, to_char(p_quantity, 'FM999,999,999,999,990'), account_label(p_certificates.id),
                to_char(trunc(p_certificates.available), 'FM999,999,999,999,990')));
        END IF;
        RETURN p_quantity;
    END IF;
    v_lock := p_price * p_quantity;
    IF p_eur.available < v_lock THEN
        PERFORM raise_error('CB402', format(
            'Not enough EUR: this buy needs €%s (%s × €%s), %s has €%s available',
            to_char(v_lock, 'FM999,999,999,999,990.00'), to_char(p_quantity, 'FM999,999,999,999,990'),
            to_char(p_price, 'FM999,999,999,990.00'), account_label(p_eur.id),
            to_char(p_eur.available, 'FM999,999,999,999,990.00')));
    END IF;
    RETURN v_lock;
END;
$$;
