import { readFile } from "node:fs/promises";
import { FakeReplicateServer, type FakeStatus } from "../devkit/fakes/replicate-server.js";

/**
 * The fake Replicate of the pipelines bench, in a process of its own (forked by
 * bench/fake-replicate.ts): serving hundreds of pipelines' creates, polls and downloads on the
 * bench's own event loop delayed the bench's status polls, so the figure measured the bench.
 */
interface Options {
  clipPath: string;
  token: string;
  statuses: FakeStatus[];
  predictions: number;
}

export type FakeChildMessage = { type: "ready"; baseUrl: string; origin: string } | { type: "creates"; count: number };
export type FakeParentMessage = { type: "creates" } | { type: "close" };

const o = JSON.parse(process.env.REELGRAPH_BENCH_FAKE ?? "{}") as Options;
const fake = await FakeReplicateServer.start({ video: await readFile(o.clipPath), token: o.token });
fake.scriptNext(...Array.from({ length: o.predictions }, () => ({ statuses: o.statuses })));
const send = (m: FakeChildMessage) => process.send?.(m);
process.on("message", (m: FakeParentMessage) => {
  if (m.type === "creates") send({ type: "creates", count: fake.creates().length });
  if (m.type === "close") void fake.close().finally(() => process.exit(0));
});
process.on("disconnect", () => void fake.close().finally(() => process.exit(0)));
send({ type: "ready", baseUrl: fake.baseUrl, origin: fake.origin });
