import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { inputSchemaOf, ModelSchema, ModelVersionSchema, type InputSchema, type ModelVersion } from "../../core/video-models/openapi.js";
import type { Clock } from "../http/clock.js";
import { ReplicateRequestError } from "./errors.js";
import type { ModelRef } from "./schema.js";
import { withRetries, type CallBudget, type ReplicateTransport } from "./transport.js";

/**
 * A model's published Input schema, read from Replicate (`GET /v1/models/{owner}/{name}` for
 * the latest version, `…/versions/{id}` for a pinned one) through the provider's transport,
 * and cached in memory and on disk: a pinned version's schema never changes, the latest
 * version's is trusted for `ttlMs`.
 */

export const SchemaRecordSchema = z.object({
  model: z.string().describe("owner/name"),
  version: z.string().nullable().describe("The version id the schema belongs to"),
  pinned: z.boolean().describe("Whether the reference named this version (never expires)"),
  url: z.string().describe("API path it was read from"),
  fetched_at: z.string().describe("ISO time it was read"),
  schema: z.object({ input: z.looseObject({}), components: z.record(z.string(), z.looseObject({})) }).describe("Input schema and its components"),
});
export interface SchemaRecord {
  model: string;
  version: string | null;
  pinned: boolean;
  url: string;
  fetched_at: string;
  schema: InputSchema;
}

export interface SchemaSource {
  get(ref: ModelRef, budget: CallBudget): Promise<SchemaRecord>;
}

export interface SchemaSourceOptions {
  transport: ReplicateTransport;
  clock: Clock;
  /** Folder for the disk cache (e.g. `<data dir>/replicate-schemas`); memory only when unset. */
  cacheDir?: string;
  /** How long the latest version's schema is trusted (ms, default 24 h). */
  ttlMs?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function createSchemaSource(o: SchemaSourceOptions): SchemaSource {
  const memory = new Map<string, SchemaRecord>();
  const inFlight = new Map<string, Promise<SchemaRecord>>();
  const ttl = o.ttlMs ?? DAY_MS;
  const fresh = (r: SchemaRecord) => r.pinned || o.clock.now() - Date.parse(r.fetched_at) < ttl;
  const fileFor = (ref: ModelRef) => (o.cacheDir ? join(o.cacheDir, `${ref.owner}__${ref.name}${ref.version ? `@${ref.version}` : ""}.json`) : null);

  async function fetchRecord(ref: ModelRef, budget: CallBudget): Promise<SchemaRecord> {
    const target = { operation: "schema" as const, predictionId: null };
    let version: ModelVersion | null;
    let url: string;
    if (ref.version) {
      url = `/models/${ref.slug}/versions/${ref.version}`;
      version = await withRetries(budget, target, () => o.transport.once(target, budget, (c) => c.models.versions.get(ref.owner, ref.name, ref.version!, { signal: budget.signal }), ModelVersionSchema));
    } else {
      url = `/models/${ref.slug}`;
      const model = await withRetries(budget, target, () => o.transport.once(target, budget, (c) => c.models.get(ref.owner, ref.name, { signal: budget.signal }), ModelSchema));
      version = model.latest_version ?? null;
    }
    const schema = version ? inputSchemaOf(version) : null;
    if (!schema) {
      throw new ReplicateRequestError(`Replicate publishes no input schema for ${ref.slug}${ref.version ? `:${ref.version}` : ""}`, {
        ...budget.scope,
        operation: "schema",
        predictionId: null,
        httpStatus: null,
        predictionStatus: null,
        providerMessage: version ? "openapi_schema has no components.schemas.Input" : "the model has no public version",
      });
    }
    return { model: ref.slug, version: version!.id, pinned: Boolean(ref.version), url, fetched_at: new Date(o.clock.now()).toISOString(), schema };
  }

  /** The record from the disk cache, else from Replicate (then written to the disk cache). */
  async function load(ref: ModelRef, key: string, budget: CallBudget): Promise<SchemaRecord> {
    const file = fileFor(ref);
    const onDisk = file ? await readRecord(file) : null;
    if (onDisk && fresh(onDisk)) {
      memory.set(key, onDisk);
      return onDisk;
    }
    const record = await fetchRecord(ref, budget);
    memory.set(key, record);
    if (file) await writeRecord(file, record);
    return record;
  }

  return {
    async get(ref, budget) {
      const key = `${ref.slug}:${ref.version ?? ""}`;
      const cached = memory.get(key);
      if (cached && fresh(cached)) return cached;
      // Clips of many runs start together: one read of the disk cache (or one GET, and one
      // write) serves them all, none of it blocking the event loop.
      let pending = inFlight.get(key);
      if (!pending) {
        pending = load(ref, key, budget).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      return pending;
    },
  };
}

async function readRecord(file: string): Promise<SchemaRecord | null> {
  try {
    const parsed = SchemaRecordSchema.safeParse(JSON.parse(await readFile(file, "utf8")));
    return parsed.success ? (parsed.data as SchemaRecord) : null;
  } catch {
    return null;
  }
}

/** Written whole or not at all: a crash mid-write leaves the old file (or none). */
async function writeRecord(file: string, record: SchemaRecord): Promise<void> {
  try {
    await mkdir(join(file, ".."), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(record));
    await rename(tmp, file);
  } catch {
    // the cache is an optimisation: a read-only data dir only costs a GET next time
  }
}
