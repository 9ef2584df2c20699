// PostGraphile over the benchmark database, as the same non-owner role and
// under the same row-level security as the Shanlian server: the city is the
// `x-tenant` header, set as `app.tenant_id` for each request's transaction.
const http = require("http");
const { postgraphile } = require("postgraphile");

const url = process.env.BENCH_APP_URL;
const port = Number(process.env.BENCH_POSTGRAPHILE_PORT || 18081);

const middleware = postgraphile(url, "public", {
  pgSettings: (req) => ({ "app.tenant_id": req.headers["x-tenant"] || "" }),
  disableDefaultMutations: true,
  dynamicJson: true,
  graphiql: false,
  disableQueryLog: true,
  setofFunctionsContainNulls: false,
  ignoreRBAC: false,
  retryOnInitFail: false,
});

http.createServer(middleware).listen(port, "127.0.0.1", () => {
  console.log(`postgraphile on ${port}`);
});
