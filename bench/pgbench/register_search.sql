-- The public register searched by a word of the name: a page of active
-- organizations with their open supervision listings, in one statement
-- (the service takes two: the page, then the listings of its ids).
\set n random(1, 1000)
BEGIN;
SELECT set_config('app.tenant_id', ':tenant', true);
SELECT word FROM bench_pick WHERE n = :n \gset
WITH page AS (
  SELECT * FROM organization
  WHERE tenant_id = ':tenant' AND status = 'active' AND name LIKE '%' || ':word' || '%'
  ORDER BY id LIMIT 21)
SELECT p.*, l.list FROM page p
  LEFT JOIN supervision_listing l
    ON l.tenant_id = p.tenant_id AND l.organization_id = p.id AND l.removed_on IS NULL
  ORDER BY p.id;
COMMIT;
