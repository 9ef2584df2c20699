-- The public register searched by a word of the name.
\set n random(1, 1000)
BEGIN;
SELECT id FROM tenant WHERE slug = 'liuzhou';
SELECT set_config('app.tenant_id', ':tenant', true);
SELECT word FROM bench_pick WHERE n = :n \gset
SELECT o.*, (SELECT array_agg(l.list) FROM supervision_listing l
             WHERE l.tenant_id = o.tenant_id AND l.organization_id = o.id AND l.removed_on IS NULL)
  FROM organization o
  WHERE o.tenant_id = ':tenant' AND o.status = 'active' AND o.name LIKE '%' || ':word' || '%'
  ORDER BY o.id LIMIT 21;
COMMIT;
