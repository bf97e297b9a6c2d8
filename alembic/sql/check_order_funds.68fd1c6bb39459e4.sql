-- check_order_funds: what a SELL or a LIMIT BUY locks (its certificates; price × quantity EUR), refused (CB402)
-- when its account has less than that available. The one home of the rule: match_order calls it on the balance
-- rows it has locked; the order entry calls it on the rows as they are (core.order_entry.check_order_funds), so
-- what the entry says before a click is what the engine says after it. A MARKET BUY locks what its EUR buys now,
-- which is match_order's walk of the book with that EUR as the budget, not this.
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
                'Insufficient %s on %s: this sell needs %s certificates, %s available',
                p_certificate_type, account_label(p_certificates.id), to_char(p_quantity, 'FM999,999,999,999,990'),
                to_char(trunc(p_certificates.available), 'FM999,999,999,999,990')));
        END IF;
        RETURN p_quantity;
    END IF;
    v_lock := p_price * p_quantity;
    IF p_eur.available < v_lock THEN
        PERFORM raise_error('CB402', format(
            'Insufficient EUR on %s: this buy needs €%s (%s × €%s), €%s available',
            account_label(p_eur.id), to_char(v_lock, 'FM999,999,999,999,990.00'),
            to_char(p_quantity, 'FM999,999,999,999,990'), to_char(p_price, 'FM999,999,999,990.00'),
            to_char(p_eur.available, 'FM999,999,999,999,990.00')));
    END IF;
    RETURN v_lock;
END;
$$;
