#!/usr/bin/env python3
"""The benchmark's scenarios: the GraphQL request bodies wrk sends (one JSON
document per line) and the variables their pgbench equivalents use.

    scenarios.py bodies OUT_DIR   write OUT_DIR/<scenario>.bodies and the
                                  bench_pick table both sides draw from

The same 1,000 funds, receipts and search words are used by the API run and
the pgbench run (through the bench_pick table), so both do the same work.
"""
import json
import os
import subprocess
import sys

OWNER_URL = os.environ["BENCH_OWNER_URL"]
PICKS = 1000
WORDS = ["助老", "助学", "扶贫", "环保", "助残", "社区服务", "医疗救助", "青少年"]

FUND_PAGE = """query($t: String!, $id: UUID!) { fund(tenant: $t, id: $id) { name raised disbursed balance
 spending { month purpose amount }
 disbursements(first: 20) { edges { node { purpose beneficiaryKind beneficiary amount status } } }
 gifts(first: 20) { edges { node { donor amount giftKind voided } } } } }"""
SEARCH = """query($t: String!, $q: String!) { publicOrganizations(tenant: $t, filter: {search: $q}, first: 20) {
 edges { node { name creditCode kind registeredOn lists } } } }"""
TRACE = """query($t: String!, $r: String!, $c: String!) { traceDonation(tenant: $t, receiptNumber: $r, verificationCode: $c) {
 receiptNumber organizationName fundName allocated unspent gift { donor amount voided }
 uses { purpose beneficiary amount } } }"""
DASHBOARD = """query($y: Int) { donationTotals(year: $y) { overall { money goods gifts }
 byChannel { channel figures { money } } byOrganization { name figures { money } } byMonth { month figures { money gifts } } } }"""
REGION = """query($y: Int) { regionDonationTotals(year: $y) { citySlug cityName figures { money goods gifts } } }"""
RECORD = """mutation($i: DonationInput!) { recordDonation(input: $i) { donation { id receiptNumber } } }"""
# What PostGraphile's generated schema can express of the same reads: the
# fund and its latest disbursements and gifts (no spending aggregates), and
# the trace's gift by receipt number (its allocations would need a second
# round trip: the schema has no relation between them).
PG_FUND_PAGE = """query($t: UUID!, $id: UUID!) { charityFundByTenantIdAndId(tenantId: $t, id: $id) { name raisedFen disbursedFen }
 allDisbursements(condition: {tenantId: $t, fundId: $id}, first: 20, orderBy: ID_DESC) {
  nodes { purpose beneficiaryKind beneficiaryName amountFen status } }
 allDonations(condition: {tenantId: $t, fundId: $id}, first: 20, orderBy: ID_DESC) {
  nodes { donorName disclose amountFen giftKind } } }"""
PG_TRACE = """query($t: UUID!, $r: String!) { allDonations(condition: {tenantId: $t, receiptNumber: $r}) {
 nodes { id amountFen donorName disclose organizationId fundId verificationHash } } }"""


def psql(sql):
    out = subprocess.run(["psql", OWNER_URL, "-Atq", "-F", "\t", "-c", sql], check=True, capture_output=True, text=True)
    return [line.split("\t") for line in out.stdout.splitlines() if line]


def write(path, docs):
    with open(path, "w", encoding="utf-8") as f:
        for doc in docs:
            f.write(json.dumps(doc, ensure_ascii=False) + "\n")


def bodies(out):
    year = int(psql("SELECT extract(year FROM now())::int - 1")[0][0])
    funds = [r[0] for r in psql(
        "SELECT f.id FROM charity_fund f JOIN tenant t ON t.id = f.tenant_id WHERE t.slug = 'liuzhou' "
        f"ORDER BY md5(f.id::text) LIMIT {PICKS}")]
    receipts = [r[0] for r in psql(
        "SELECT d.receipt_number FROM donation d JOIN tenant t ON t.id = d.tenant_id "
        "WHERE t.slug = 'liuzhou' AND d.fund_id IS NOT NULL AND d.receipt_number IS NOT NULL "
        f"ORDER BY md5(d.id::text) LIMIT {PICKS}")]
    words = [WORDS[i % len(WORDS)] for i in range(PICKS)]
    # The pgbench scripts look their inputs up here by :n, as wrk cycles.
    psql("DROP TABLE IF EXISTS bench_pick")
    psql("CREATE TABLE bench_pick (n int PRIMARY KEY, fund_id uuid, receipt text, word text)")
    rows = ",".join(
        f"({i + 1}, '{funds[i % len(funds)]}', '{receipts[i % len(receipts)]}', '{words[i]}')" for i in range(PICKS))
    psql(f"INSERT INTO bench_pick VALUES {rows}")
    psql("GRANT SELECT ON bench_pick TO shanlian_app")
    # recordDonation gives to a fund of the signed-in staff member's charity,
    # made here if it has none, so the gift locks and updates a fund.
    fund_of_staff = (
        "SELECT f.id FROM charity_fund f JOIN app_user u ON u.organization_id = f.organization_id "
        "AND u.tenant_id = f.tenant_id WHERE u.username = 'liuzhou.org_staff' ORDER BY f.id LIMIT 1")
    if not psql(fund_of_staff):
        psql("INSERT INTO charity_fund (tenant_id, id, organization_id, name, community, street, district, raised_fen, "
             "disbursed_fen, created_by, created_at) SELECT u.tenant_id, gen_random_uuid(), u.organization_id, "
             "'压测社区慈善基金', '压测社区', '压测街道', '城中区', 0, 0, u.id, now() FROM app_user u "
             "WHERE u.username = 'liuzhou.org_staff'")
    staff_fund = psql(fund_of_staff)
    gift = {"giftKind": "money", "amount": "100.00", "channel": "wechat_pay", "donorKind": "individual",
            "donorName": "压测捐赠人", "disclose": False, "fundId": staff_fund[0][0]}
    write(f"{out}/record_donation.bodies", [{"query": RECORD, "variables": {"i": gift}}])
    write(f"{out}/fund_page.bodies", [{"query": FUND_PAGE, "variables": {"t": "liuzhou", "id": f}} for f in funds])
    write(f"{out}/register_search.bodies", [{"query": SEARCH, "variables": {"t": "liuzhou", "q": w}} for w in words])
    write(f"{out}/trace.bodies",
          [{"query": TRACE, "variables": {"t": "liuzhou", "r": r, "c": "DEMOCODE"}} for r in receipts])
    tenant = psql("SELECT id FROM tenant WHERE slug = 'liuzhou'")[0][0]
    write(f"{out}/fund_page.pg.bodies", [{"query": PG_FUND_PAGE, "variables": {"t": tenant, "id": f}} for f in funds])
    write(f"{out}/trace.pg.bodies", [{"query": PG_TRACE, "variables": {"t": tenant, "r": r}} for r in receipts])
    write(f"{out}/dashboard.bodies", [{"query": DASHBOARD, "variables": {"y": year}}])
    write(f"{out}/region.bodies", [{"query": REGION, "variables": {"y": year}}])
    print(json.dumps({"year": year, "funds": len(funds), "receipts": len(receipts), "staff_fund": bool(staff_fund)}))


if __name__ == "__main__":
    if sys.argv[1:2] == ["bodies"]:
        bodies(sys.argv[2])
    else:
        sys.exit(__doc__)
