-- recordDonation's writes, as one transaction: the caller's account, the
-- organization, the fund locked, the receipt number from the per-year
-- sequence, the gift, the fund's total, the dashboards' running tallies,
-- the audit record extending the chain head, and the receipt email's
-- outbox row. (The audit hash here is
-- SQL's, not the application's canonical one: a benchmark database's chain
-- does not verify after this run.)
\set amount random(100, 200000)
BEGIN;
SELECT set_config('app.tenant_id', :tenant, true);
SELECT * FROM app_user WHERE tenant_id = :tenant AND id = :user;
SELECT * FROM organization WHERE tenant_id = :tenant AND id = :org;
SELECT * FROM charity_fund WHERE tenant_id = :tenant AND id = :fund FOR UPDATE;
INSERT INTO receipt_sequence (tenant_id, organization_id, year, last_number) VALUES (:tenant, :org, 2026, 1)
  ON CONFLICT (tenant_id, organization_id, year) DO UPDATE SET last_number = receipt_sequence.last_number + 1
  RETURNING last_number \gset
INSERT INTO donation (tenant_id, id, organization_id, entry, status, gift_kind, amount_fen, channel, external_reference,
    goods_description, goods_quantity, goods_unit, valuation_basis, donor_kind, donor_name, disclose, fund_id,
    receipt_number, verification_hash, unallocated_fen, received_on, note, recorded_by, confirmed_at, created_at)
  VALUES (:tenant, gen_random_uuid(), :org, 'gift', 'confirmed', 'money', :amount, 'wechat_pay', '', '', '', '', '',
    'individual', '压测捐赠人', false, :fund, 'PGBENCH-2026-' || :last_number, encode(sha256('DEMOCODE'), 'hex'),
    :amount, current_date, '', :user, now(), now());
UPDATE charity_fund SET raised_fen = raised_fen + :amount WHERE tenant_id = :tenant AND id = :fund;
INSERT INTO donation_tally (tenant_id, year, month, organization_id, campaign_id, channel, gift_kind, fen, gifts)
  VALUES
    (:tenant, EXTRACT(YEAR FROM current_date)::int, 0, '00000000-0000-0000-0000-000000000000',
     '00000000-0000-0000-0000-000000000000', 'wechat_pay', 'money', :amount, 1),
    (:tenant, EXTRACT(YEAR FROM current_date)::int, 0, :org,
     '00000000-0000-0000-0000-000000000000', '', 'money', :amount, 1),
    (:tenant, EXTRACT(YEAR FROM current_date)::int, EXTRACT(MONTH FROM current_date)::int,
     '00000000-0000-0000-0000-000000000000', '00000000-0000-0000-0000-000000000000', '', 'money', :amount, 1)
  ON CONFLICT (tenant_id, year, month, organization_id, campaign_id, channel, gift_kind)
  DO UPDATE SET fen = donation_tally.fen + excluded.fen, gifts = donation_tally.gifts + excluded.gifts;
SELECT seq, hash FROM audit_head WHERE tenant_id = :tenant FOR UPDATE \gset
INSERT INTO audit_log (tenant_id, seq, id, occurred_at, actor_kind, actor_user_id, actor_role, organization_id, action,
    entity_type, entity_id, changes, prev_hash, hash)
  VALUES (:tenant, :seq + 1, gen_random_uuid(), now(), 'user', :user, 'org_staff', :org, 'donation.record',
    'donation', 'pgbench', '{}', :hash, encode(sha256((:hash::text || :seq::text)::bytea), 'hex'));
UPDATE audit_head SET seq = seq + 1, hash = encode(sha256((:hash::text || :seq::text)::bytea), 'hex'), updated_at = now()
  WHERE tenant_id = :tenant;
INSERT INTO email_outbox (tenant_id, id, recipient, language, template, subject, text_body, html_body, status, attempts,
    next_attempt_at, created_at)
  VALUES (:tenant, gen_random_uuid(), 'donor@bench.example.org', 'zh-CN', 'donation_receipt', '捐赠票据', '正文',
    '<p>正文</p>', 'pending', 0, now(), now());
COMMIT;
