-- An official's donation totals for a year, as the service reads them from
-- the running tallies: the campaign and channel rows summed, the month rows
-- (which also give the overall figures), the top 20 organizations ranked by
-- the database with the count of all of them, and the campaigns' names.
BEGIN;
SELECT set_config('app.tenant_id', :tenant, true);
SELECT campaign_id, channel, gift_kind, CAST(SUM(fen) AS BIGINT), CAST(SUM(gifts) AS BIGINT)
  FROM donation_tally WHERE tenant_id = :tenant AND year = :year AND month = 0
    AND organization_id = '00000000-0000-0000-0000-000000000000' GROUP BY 1, 2, 3;
SELECT year, month, gift_kind, fen, gifts FROM donation_tally WHERE tenant_id = :tenant AND year = :year AND month > 0;
SELECT t.organization_id, o.name,
       CAST(SUM(CASE WHEN t.gift_kind = 'money' THEN t.fen ELSE 0 END) AS BIGINT) AS money_fen,
       CAST(SUM(CASE WHEN t.gift_kind = 'goods' THEN t.fen ELSE 0 END) AS BIGINT) AS goods_fen,
       CAST(SUM(t.gifts) AS BIGINT), CAST(COUNT(*) OVER () AS BIGINT)
  FROM donation_tally t JOIN organization o ON o.tenant_id = t.tenant_id AND o.id = t.organization_id
  WHERE t.tenant_id = :tenant AND t.year = :year AND t.month = 0
    AND t.organization_id <> '00000000-0000-0000-0000-000000000000'
  GROUP BY t.organization_id, o.name ORDER BY money_fen DESC, o.name LIMIT 20;
SELECT id, name FROM campaign WHERE tenant_id = :tenant AND id IN (
  SELECT campaign_id FROM donation_tally WHERE tenant_id = :tenant AND year = :year AND month = 0);
COMMIT;
