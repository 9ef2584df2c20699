-- An official's donation totals for a year, as the service reads them from
-- the running tallies: organization, campaign and channel rows summed,
-- the month rows, and the names of the top 20 organizations and of the
-- campaigns shown.
BEGIN;
SELECT set_config('app.tenant_id', :tenant, true);
SELECT organization_id, campaign_id, channel, gift_kind, CAST(SUM(fen) AS BIGINT), CAST(SUM(gifts) AS BIGINT)
  FROM donation_tally WHERE tenant_id = :tenant AND year = :year AND month = 0 GROUP BY 1, 2, 3, 4;
SELECT year, month, gift_kind, fen, gifts FROM donation_tally WHERE tenant_id = :tenant AND year = :year AND month > 0;
SELECT id, name FROM organization WHERE tenant_id = :tenant AND id IN (
  SELECT organization_id FROM donation_tally WHERE tenant_id = :tenant AND year = :year AND month = 0
    AND gift_kind = 'money' ORDER BY fen DESC LIMIT 20);
SELECT id, name FROM campaign WHERE tenant_id = :tenant AND id IN (
  SELECT campaign_id FROM donation_tally WHERE tenant_id = :tenant AND year = :year AND month = 0);
COMMIT;
