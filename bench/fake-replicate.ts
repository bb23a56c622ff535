import { fork } from "node:child_process";
import type { FakeStatus } from "../devkit/fakes/replicate-server.js";
import type { FakeChildMessage, FakeParentMessage } from "./fake-replicate-child.js";

const SCRIPT = new URL("./fake-replicate-child.ts", import.meta.url);

/** The fake Replicate server in its own process (bench/fake-replicate-child.ts). */
export interface FakeReplicateProcess {
  baseUrl: string;
  origin: string;
  /** How many predictions were created. */
  creates(): Promise<number>;
  close(): Promise<void>;
}

export async function startFakeReplicate(o: { clipPath: string; token: string; statuses: FakeStatus[]; predictions: number }): Promise<FakeReplicateProcess> {
  const child = fork(SCRIPT, [], { execArgv: ["--import", "tsx"], env: { ...process.env, REELGRAPH_BENCH_FAKE: JSON.stringify(o) }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const next = <T extends FakeChildMessage["type"]>(type: T) =>
    new Promise<Extract<FakeChildMessage, { type: T }>>((resolve, reject) => {
      const onMessage = (m: FakeChildMessage) => {
        if (m.type !== type) return;
        child.off("message", onMessage);
        resolve(m as Extract<FakeChildMessage, { type: T }>);
      };
      child.on("message", onMessage);
      void exited.then(() => reject(new Error("the fake Replicate process exited")));
    });
  const ready = await next("ready");
  const send = (m: FakeParentMessage) => child.send(m);
  return {
    baseUrl: ready.baseUrl,
    origin: ready.origin,
    creates: async () => {
      const answer = next("creates");
      send({ type: "creates" });
      return (await answer).count;
    },
    close: async () => {
      if (child.exitCode === null) send({ type: "close" });
      await exited;
    },
  };
}
