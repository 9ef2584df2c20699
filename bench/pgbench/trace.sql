-- A donor's trace by receipt number and code: the gift, then the
-- disbursements its allocations paid for.
\set n random(1, 1000)
BEGIN;
SELECT set_config('app.tenant_id', :tenant, true);
SELECT receipt FROM bench_pick WHERE n = :n \gset
SELECT id AS gift, organization_id AS org, fund_id AS fund FROM donation
  WHERE tenant_id = :tenant AND receipt_number = :receipt
    AND verification_hash = encode(sha256('DEMOCODE'), 'hex') \gset
SELECT * FROM donation WHERE tenant_id = :tenant AND reverses_id = :gift;
SELECT name FROM organization WHERE tenant_id = :tenant AND id = :org;
SELECT name FROM charity_fund WHERE tenant_id = :tenant AND id = :fund;
SELECT a.amount_fen, d.purpose, d.beneficiary_kind, d.beneficiary_name, d.decided_at
  FROM allocation a JOIN disbursement d ON d.tenant_id = a.tenant_id AND d.id = a.disbursement_id
  WHERE a.tenant_id = :tenant AND a.donation_id = :gift;
COMMIT;
