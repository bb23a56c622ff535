import type { Reelgraph } from "../../app/reelgraph.js";
import { installCreateHook, killOnEvent } from "./crash-points.js";

/**
 * The crash harness inside the server's run thread (startServer's `runThreadSetup`, see
 * test/faults/server-process.ts): the pipelines run here, so the exact crash points are here.
 */
installCreateHook();

export default function setup(): void {}

export function withApp(app: Reelgraph): void {
  killOnEvent(app);
}
