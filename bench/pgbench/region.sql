-- The region's roll-up: each city's sums, each under its own tenant.
BEGIN;
SELECT set_config('app.tenant_id', ':city1', true);
SELECT gift_kind, CAST(SUM(amount_fen) AS BIGINT), COUNT(*) FROM donation
  WHERE tenant_id = ':city1' AND status = 'confirmed' AND received_on >= ':from' AND received_on < ':to' GROUP BY 1;
SELECT set_config('app.tenant_id', ':city2', true);
SELECT gift_kind, CAST(SUM(amount_fen) AS BIGINT), COUNT(*) FROM donation
  WHERE tenant_id = ':city2' AND status = 'confirmed' AND received_on >= ':from' AND received_on < ':to' GROUP BY 1;
SELECT set_config('app.tenant_id', ':city3', true);
SELECT gift_kind, CAST(SUM(amount_fen) AS BIGINT), COUNT(*) FROM donation
  WHERE tenant_id = ':city3' AND status = 'confirmed' AND received_on >= ':from' AND received_on < ':to' GROUP BY 1;
COMMIT;
