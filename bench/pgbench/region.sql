-- The region's roll-up: its cities, then in one read transaction each
-- city's month rows of the running tallies summed, the row-level-security
-- setting pointed at each city in turn.
SELECT * FROM tenant WHERE kind = 'city' ORDER BY division_code;
BEGIN;
SELECT set_config('app.tenant_id', :city1, true);
SELECT gift_kind, CAST(SUM(fen) AS BIGINT), CAST(SUM(gifts) AS BIGINT) FROM donation_tally
  WHERE tenant_id = :city1 AND year = :year AND month > 0 GROUP BY 1;
SELECT set_config('app.tenant_id', :city2, true);
SELECT gift_kind, CAST(SUM(fen) AS BIGINT), CAST(SUM(gifts) AS BIGINT) FROM donation_tally
  WHERE tenant_id = :city2 AND year = :year AND month > 0 GROUP BY 1;
SELECT set_config('app.tenant_id', :city3, true);
SELECT gift_kind, CAST(SUM(fen) AS BIGINT), CAST(SUM(gifts) AS BIGINT) FROM donation_tally
  WHERE tenant_id = :city3 AND year = :year AND month > 0 GROUP BY 1;
COMMIT;
