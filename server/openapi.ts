import { z } from "zod";
import { DEFAULT_MAX_PROMPT_CHARS, generationRequestSchema } from "../core/schemas/request.js";
import {
  AcceptedSchema, AssetSchema, CompositionViewSchema, EditBody, EditPlanListSchema, EditPlanSchema, GenerationListSchema,
  GenerationViewSchema, ProgressEventSchema, ProblemSchema, RejectBody, RevertBody, VersionListSchema,
} from "./schemas.js";

type Json = Record<string, unknown>;

const components = (maxPromptChars: number): Record<string, { schema: z.ZodType; io: "input" | "output" }> => ({
  GenerationRequest: { schema: generationRequestSchema({ maxPromptChars }), io: "input" },
  Accepted: { schema: AcceptedSchema, io: "output" },
  Generation: { schema: GenerationViewSchema, io: "output" },
  GenerationList: { schema: GenerationListSchema, io: "output" },
  EditRequest: { schema: EditBody, io: "input" },
  EditPlan: { schema: EditPlanSchema, io: "output" },
  RejectRequest: { schema: RejectBody, io: "input" },
  RevertRequest: { schema: RevertBody, io: "input" },
  Composition: { schema: CompositionViewSchema, io: "output" },
  VersionList: { schema: VersionListSchema, io: "output" },
  Problem: { schema: ProblemSchema, io: "output" },
  Asset: { schema: AssetSchema, io: "output" },
  EditPlanList: { schema: EditPlanListSchema, io: "output" },
  ProgressEvent: { schema: ProgressEventSchema, io: "output" },
});

/** Examples shown by /docs and used by try-it-out. */
const EXAMPLES = {
  ad: {
    summary: "A 30 s ad with brand colours and a CTA",
    value: {
      pipeline: "ad",
      prompt: "30s ad for an oat-milk cold brew called Oatly Chill, playful, Gen Z",
      duration_s: 30,
      aspect_ratio: "9:16",
      brand: { name: "Oatly Chill", colors: ["#1E3A8A", "#F59E0B"], cta: { text: "Shop now", duration_s: 3 } },
      options: { video_model: "local" },
    },
  },
  music: {
    summary: "A music video cut on the song's bars (upload the song first: POST /api/v1/assets)",
    value: { pipeline: "music_video", prompt: "neon synthwave night drive, 80s film grain", aspect_ratio: "16:9", audio: { url: "asset_…" } },
  },
  accepted: {
    value: { id: "gen_01J9Z8", status: "queued", links: { self: "/api/v1/generations/gen_01J9Z8", events: "/api/v1/generations/gen_01J9Z8/events", cancel: "/api/v1/generations/gen_01J9Z8/cancel" } },
  },
  edit: { value: { instruction: "swap the second and third scenes and end on the logo", apply_immediately: false } },
  revert: { value: { version: 1 } },
  problem: {
    value: { type: "about:blank", title: "Invalid request", status: 400, detail: "body.duration_s: an ad lasts 15–60 seconds", errors: [{ path: "body.duration_s", message: "an ad lasts 15–60 seconds" }] },
  },
  events: {
    value: 'retry: 2000\n\nid: 3\nevent: stage\ndata: {"stage":"plan","percent":10,"type":"stage","at":"2026-12-03T09:00:01.000Z"}\n\nid: 9\nevent: clip_done\ndata: {"clip_id":"clip_…","scene_id":"scene_2","type":"clip_done","at":"2026-12-03T09:00:14.000Z"}\n\n',
  },
};

type Component = keyof ReturnType<typeof components>;
const ref = (name: Component) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: Component) => ({ content: { "application/json": { schema: ref(name) } } });
const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ref("Problem"), examples: { invalid: EXAMPLES.problem } } } });
const withExamples = (name: Component, examples: Record<string, { summary?: string; value: unknown }>) => ({ content: { "application/json": { schema: ref(name), examples } } });
const idParam = (name: string, pattern: string) => ({ name, in: "path", required: true, schema: { type: "string", pattern } });
const genId = idParam("id", "^gen_");
const compId = idParam("id", "^comp_");
const editId = idParam("edit_id", "^edit_");
const errors = { "400": problem("Invalid input: `errors` names each field path"), "404": problem("Unknown id") };

/** The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with. */
export function openApiDocument(opts: { serverUrl?: string; maxPromptChars?: number; apiKeyRequired?: boolean } = {}): Json {
  const serverUrl = opts.serverUrl ?? "/";
  const schemas: Json = {};
  for (const [name, { schema, io }] of Object.entries(components(opts.maxPromptChars ?? DEFAULT_MAX_PROMPT_CHARS))) {
    const s = z.toJSONSchema(schema, { io, target: "draft-2020-12", unrepresentable: "any" }) as Json;
    delete s.$schema;
    schemas[name] = s;
  }
  const video = { description: "MP4 (HTTP Range supported)", content: { "video/mp4": { schema: { type: "string", format: "binary" } } } };
  const jpeg = { description: "JPEG", content: { "image/jpeg": { schema: { type: "string", format: "binary" } } } };
  const doc = {
    openapi: "3.1.0",
    info: {
      title: "reelgraph API",
      version: "1.0.0",
      description:
        "Turns a brief into a finished video, then edits it through reviewable plans. Start a generation, follow it (poll GET /api/v1/generations/{id} or read its server-sent events), then edit its composition. Errors are RFC 9457 problem documents. Requests are rate-limited per client (429 with Retry-After).",
    },
    servers: [{ url: serverUrl }],
    components: {
      schemas,
      securitySchemes: {
        apiKey: { type: "apiKey", in: "header", name: "X-API-Key", description: "REELGRAPH_API_KEY, when the server has one" },
        bearer: { type: "http", scheme: "bearer", description: "The same key as Authorization: Bearer" },
        internalBearer: { type: "http", scheme: "bearer", description: "REELGRAPH_INTERNAL_TOKEN (the FFmpeg service's routes)" },
      },
    },
    paths: {
      "/api/v1/generations": {
        post: {
          summary: "Start a generation",
          parameters: [{ name: "Idempotency-Key", in: "header", schema: { type: "string", maxLength: 200 }, description: "A retried POST with the same key returns the first generation" }],
          requestBody: { required: true, ...withExamples("GenerationRequest", { ad: EXAMPLES.ad, music_video: EXAMPLES.music }) },
          responses: {
            "202": { description: "Accepted: follow it at links.self or links.events", ...withExamples("Accepted", { accepted: EXAMPLES.accepted }) },
            "200": { description: "options.dry_run: {dry_run, estimate (USD per clip and in total, basis, price_source), budget, timeline (with its shots), plan, style, analysis, warnings}; nothing is created, generated or paid", content: { "application/json": { schema: { type: "object" } } } }, "400": errors["400"], "409": problem("Idempotency-Key reused with another body"), "413": problem("Body too large"), "429": problem("Rate limited") },
        },
        get: {
          summary: "List generations",
          parameters: [
            { name: "status", in: "query", schema: { type: "string", enum: ["queued", "running", "awaiting_confirmation", "completed", "failed", "cancelled"] } },
            { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, default: 20 } },
            { name: "cursor", in: "query", schema: { type: "string" } },
          ],
          responses: { "200": { description: "A page", ...json("GenerationList") }, "400": errors["400"] },
        },
      },
      "/api/v1/generations/{id}": { get: { summary: "Read a generation (from the store; cheap to poll)", parameters: [genId], responses: { "200": { description: "The generation", ...json("Generation") }, ...errors } } },
      "/api/v1/generations/{id}/cancel": { post: { summary: "Cancel a queued or running generation", parameters: [genId], responses: { "200": { description: "Cancelled", ...json("Generation") }, "409": problem("Already ended"), ...errors } } },
      "/api/v1/generations/{id}/events": {
        get: {
          summary: "Progress as server-sent events; reconnect with Last-Event-ID to get what was missed",
          parameters: [genId, { name: "Last-Event-ID", in: "header", schema: { type: "string" } }],
          responses: {
            "200": {
              description: "text/event-stream: each event has an `id:` (a sequence number), an `event:` (its type) and a `data:` line holding a ProgressEvent; `: keep-alive` comments every 15 s. The stream stays open; close it when the generation has ended (completed, failed, cancelled).",
              content: { "text/event-stream": { schema: { type: "string", description: "Server-sent events whose data is a ProgressEvent (components.schemas.ProgressEvent)" }, examples: { stream: EXAMPLES.events } } },
            },
            ...errors,
          },
        },
      },
      "/api/v1/compositions/{id}": { get: { summary: "The current composition", parameters: [compId], responses: { "200": { description: "Composition", ...json("Composition") }, ...errors } } },
      "/api/v1/compositions/{id}/edit": {
        post: {
          summary: "Propose (or apply at once) an edit from a natural-language instruction",
          parameters: [compId],
          requestBody: { required: true, ...withExamples("EditRequest", { swap: EXAMPLES.edit }) },
          responses: { "201": { description: "Proposed: confirm or reject it", ...json("EditPlan") }, "202": { description: "Applied; recomposition started", ...json("EditPlan") }, "200": { description: "Rejected, with the reason", ...json("EditPlan") }, "409": problem("Still rendering, or another edit awaits confirmation"), ...errors },
        },
      },
      "/api/v1/compositions/{id}/edits": { get: { summary: "Edit plans of a composition", parameters: [compId], responses: { "200": { description: "Edit plans", ...json("EditPlanList") }, ...errors } } },
      "/api/v1/compositions/{id}/edits/{edit_id}": { get: { summary: "One edit plan", parameters: [compId, editId], responses: { "200": { description: "Edit plan", ...json("EditPlan") }, ...errors } } },
      "/api/v1/compositions/{id}/edits/{edit_id}/confirm": { post: { summary: "Apply a proposed edit (recomposes)", parameters: [compId, editId], responses: { "202": { description: "Applied", ...json("EditPlan") }, "409": problem("Not proposed"), ...errors } } },
      "/api/v1/compositions/{id}/edits/{edit_id}/reject": { post: { summary: "Drop a proposed edit", parameters: [compId, editId], requestBody: { required: false, ...json("RejectRequest") }, responses: { "200": { description: "Rejected", ...json("EditPlan") }, "409": problem("Not proposed"), ...errors } } },
      "/api/v1/compositions/{id}/versions": { get: { summary: "Versions of a composition", parameters: [compId], responses: { "200": { description: "Versions", ...json("VersionList") }, ...errors } } },
      "/api/v1/compositions/{id}/revert": { post: { summary: "Make an old version current again (as a new version)", parameters: [compId], requestBody: { required: true, ...withExamples("RevertRequest", { first: EXAMPLES.revert }) }, responses: { "201": { description: "The new version", ...json("Composition") }, "409": problem("Still rendering"), ...errors } } },
      "/api/v1/compositions/{id}/video": { get: { summary: "The composition's MP4", parameters: [compId, { name: "version", in: "query", schema: { type: "integer" } }], responses: { "200": video, "206": video, ...errors } } },
      "/api/v1/clips/{id}/video": { get: { summary: "One clip's MP4", parameters: [idParam("id", "^clip_")], responses: { "200": video, "206": video, ...errors } } },
      "/api/v1/compositions/{id}/poster": { get: { summary: "A still of a version (JPEG, made by FFmpeg): the composition's poster_url", parameters: [compId, { name: "version", in: "query", schema: { type: "integer" } }], responses: { "200": jpeg, ...errors } } },
      "/api/v1/clips/{id}/thumbnail": { get: { summary: "A still of one clip (JPEG, made by FFmpeg): the clip's thumbnail_url", parameters: [idParam("id", "^clip_")], responses: { "200": jpeg, ...errors } } },
      "/api/v1/assets": {
        post: {
          summary: "Upload a song (raw audio body, or multipart/form-data with a `file` field); returns an asset id for audio.url",
          requestBody: { required: true, content: { "audio/*": { schema: { type: "string", format: "binary" } }, "multipart/form-data": { schema: { type: "object", properties: { file: { type: "string", format: "binary" } } } } } },
          responses: { "201": { description: "Stored", ...json("Asset") }, "400": errors["400"], "413": problem("File too large"), "415": problem("Not audio") },
        },
      },
      "/internal/v1/audio-analysis": { post: { summary: "Beat analysis (FFmpeg service)", security: [{ internalBearer: [] }], responses: { "200": { description: "{duration_s, bpm, beats_s, downbeats_s, beats_per_bar, confidence}" }, "401": problem("Missing or wrong token") } } },
      "/internal/v1/process-clips": { post: { summary: "Compose clips into a video (FFmpeg service)", security: [{ internalBearer: [] }], responses: { "202": { description: "{job_id}" }, "401": problem("Missing or wrong token") } } },
      "/internal/v1/processing-complete": { post: { summary: "The FFmpeg service's callback; repeated callbacks change nothing", security: [{ internalBearer: [] }], responses: { "204": { description: "Recorded" }, "401": problem("Missing or wrong token") } } },
    },
  };
  if (opts.apiKeyRequired) {
    for (const [path, item] of Object.entries(doc.paths)) {
      if (!path.startsWith("/api/v1/")) continue;
      for (const op of Object.values(item as Record<string, Json>)) {
        op.security = [{ apiKey: [] }, { bearer: [] }];
        (op.responses as Json)["401"] = problem("Missing or wrong API key");
      }
    }
  }
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!path.startsWith("/api/v1/")) continue;
    for (const op of Object.values(item as Record<string, Json>)) (op.responses as Json)["429"] ??= problem("Rate limited: wait Retry-After seconds");
  }
  return doc;
}
