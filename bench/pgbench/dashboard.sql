-- An official's donation totals for a year, as the service reads them from
-- the running tallies: the campaign and channel rows summed, the month rows
-- (which also give the overall figures), the top 20 organizations ranked by
-- the database with the count of all of them (the sums ranked first, names
-- joined only for those that reach the 20th sum), and the campaigns' names.
BEGIN;
SELECT set_config('app.tenant_id', :tenant, true);
SELECT campaign_id, channel, gift_kind, CAST(SUM(fen) AS BIGINT), CAST(SUM(gifts) AS BIGINT)
  FROM donation_tally WHERE tenant_id = :tenant AND year = :year AND month = 0
    AND organization_id = '00000000-0000-0000-0000-000000000000' GROUP BY 1, 2, 3;
SELECT year, month, gift_kind, fen, gifts FROM donation_tally WHERE tenant_id = :tenant AND year = :year AND month > 0;
WITH sums AS (
  SELECT tenant_id, organization_id,
         CAST(SUM(CASE WHEN gift_kind = 'money' THEN fen ELSE 0 END) AS BIGINT) AS money_fen,
         CAST(SUM(CASE WHEN gift_kind = 'goods' THEN fen ELSE 0 END) AS BIGINT) AS goods_fen,
         CAST(SUM(gifts) AS BIGINT) AS gifts, CAST(COUNT(*) OVER () AS BIGINT) AS organizations
    FROM donation_tally WHERE tenant_id = :tenant AND month = 0
      AND organization_id <> '00000000-0000-0000-0000-000000000000' AND year = :year
    GROUP BY tenant_id, organization_id)
SELECT sums.organization_id, o.name, sums.money_fen, sums.goods_fen, sums.gifts, sums.organizations
  FROM sums JOIN organization o ON o.tenant_id = sums.tenant_id AND o.id = sums.organization_id
  WHERE sums.money_fen >= COALESCE((SELECT money_fen FROM sums ORDER BY money_fen DESC LIMIT 1 OFFSET 19),
                                   -9223372036854775808)
  ORDER BY sums.money_fen DESC, o.name LIMIT 20;
SELECT id, name FROM campaign WHERE tenant_id = :tenant AND id IN (
  SELECT campaign_id FROM donation_tally WHERE tenant_id = :tenant AND year = :year AND month = 0);
COMMIT;
