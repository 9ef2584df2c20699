-- An official's donation totals for a year: overall, by organization, by
-- channel and by month.
BEGIN;
SELECT set_config('app.tenant_id', ':tenant', true);
SELECT gift_kind, CAST(SUM(amount_fen) AS BIGINT), COUNT(*) FROM donation
  WHERE tenant_id = ':tenant' AND status = 'confirmed' AND received_on >= ':from' AND received_on < ':to' GROUP BY 1;
SELECT organization_id, gift_kind, CAST(SUM(amount_fen) AS BIGINT), COUNT(*) FROM donation
  WHERE tenant_id = ':tenant' AND status = 'confirmed' AND received_on >= ':from' AND received_on < ':to' GROUP BY 1, 2;
SELECT channel, CAST(SUM(amount_fen) AS BIGINT), COUNT(*) FROM donation
  WHERE tenant_id = ':tenant' AND status = 'confirmed' AND gift_kind = 'money'
    AND received_on >= ':from' AND received_on < ':to' GROUP BY 1;
SELECT to_char(received_on, 'YYYY-MM'), gift_kind, CAST(SUM(amount_fen) AS BIGINT), COUNT(*) FROM donation
  WHERE tenant_id = ':tenant' AND status = 'confirmed' AND received_on >= ':from' AND received_on < ':to' GROUP BY 1, 2;
COMMIT;
