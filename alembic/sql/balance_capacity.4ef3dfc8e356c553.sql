-- balance_capacity: the most one account may hold of one asset (available + locked), read from the DDL itself: the
-- narrowest of the numeric columns a balance lives in (balances.available and .locked, a market maker's eur_balance,
-- a ledger row's balance_after), so the rule follows the tables if one is ever widened. check_deposit refuses a
-- deposit past it in a sentence; without it, the deposit failed on a column's overflow ("A number is too large").
CREATE OR REPLACE FUNCTION balance_capacity(p_asset asset_type)
RETURNS numeric
LANGUAGE sql
STABLE
AS $$
    -- a numeric(p, s) column holds up to 10^(p-s) - 10^-s; certificates are whole units
    SELECT CASE WHEN p_asset = 'EUR' THEN min(c.most) ELSE trunc(min(c.most)) END
      FROM (SELECT round(10::numeric ^ (((a.atttypmod - 4) >> 16) - ((a.atttypmod - 4) & 65535))
                         - 10::numeric ^ (-((a.atttypmod - 4) & 65535)), 2) AS most
              FROM pg_attribute a
             WHERE (a.attrelid, a.attname) IN (('balances'::regclass, 'available'), ('balances'::regclass, 'locked'),
                                               ('market_maker_clients'::regclass, 'eur_balance'),
                                               ('asset_transactions'::regclass, 'balance_after'))) c;
$$;
