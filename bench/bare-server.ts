import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The floor of status_latency: a bare node:http server, in a process of its own like the
 * benchmarked one, answering every request with the same bytes and content type as
 * GET /api/v1/generations/{id} (read once from the file named by BENCH_BARE_BODY). No
 * routing, no middleware, no store: what Node's HTTP and this machine cost per request.
 */
const body = readFileSync(process.env.BENCH_BARE_BODY ?? "");
const server = createServer((_req, res) => {
  res.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "Content-Length": body.length });
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => {
  process.send?.({ type: "ready", url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, pid: process.pid });
});
const stop = () => server.close(() => process.exit(0));
process.on("disconnect", stop);
process.on("SIGTERM", stop);
