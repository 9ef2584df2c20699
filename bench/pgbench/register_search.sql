-- The public register searched by a word of the name (or the start of a
-- credit code), as the service asks it: a page of active organizations in
-- id order, then their open supervision listings, here joined in one
-- statement. The same predicate as the service's, so the planner picks the
-- same plan: the primary key in id order, stopping at the 21st match.
\set n random(1, 1000)
BEGIN;
SELECT set_config('app.tenant_id', :tenant, true);
SELECT word FROM bench_pick WHERE n = :n \gset
WITH page AS (
  SELECT * FROM organization
  WHERE tenant_id = :tenant
    AND (name LIKE '%' || :word || '%' ESCAPE '\' OR credit_code LIKE :word || '%' ESCAPE '\')
    AND status = 'active'
  ORDER BY id LIMIT 21)
SELECT p.*, l.list FROM page p
  LEFT JOIN supervision_listing l
    ON l.tenant_id = p.tenant_id AND l.organization_id = p.id AND l.removed_on IS NULL
  ORDER BY p.id;
COMMIT;
