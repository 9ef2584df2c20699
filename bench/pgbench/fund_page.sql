-- The fund page's reads, as the service makes them, in one read-only
-- transaction under the city's row-level security (the city's id is
-- cached by the server, so it is not looked up here either).
\set n random(1, 1000)
BEGIN;
SELECT set_config('app.tenant_id', :tenant, true);
SELECT fund_id AS fund FROM bench_pick WHERE n = :n \gset
SELECT * FROM charity_fund WHERE tenant_id = :tenant AND id = :fund;
SELECT to_char(decided_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month, purpose, SUM(amount_fen)
  FROM disbursement WHERE tenant_id = :tenant AND fund_id = :fund AND status IN ('approved', 'paid') GROUP BY 1, 2;
SELECT * FROM disbursement WHERE tenant_id = :tenant AND fund_id = :fund AND status IN ('approved', 'paid')
  ORDER BY id DESC LIMIT 21;
SELECT * FROM donation WHERE tenant_id = :tenant AND fund_id = :fund AND entry = 'gift' AND status = 'confirmed'
  ORDER BY id DESC LIMIT 21;
SELECT * FROM donation WHERE tenant_id = :tenant AND reverses_id IN (
  SELECT id FROM donation WHERE tenant_id = :tenant AND fund_id = :fund AND entry = 'gift' AND status = 'confirmed'
  ORDER BY id DESC LIMIT 21);
COMMIT;
