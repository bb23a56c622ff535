import { z } from "zod";
import {
  AcceptedSchema, CompositionViewSchema, EditBody, EditPlanSchema, GenerationListSchema, GenerationRequestSchema,
  GenerationViewSchema, ProblemSchema, RejectBody, RevertBody, VersionListSchema,
} from "./schemas.js";

type Json = Record<string, unknown>;

const components: Record<string, { schema: z.ZodType; io: "input" | "output" }> = {
  GenerationRequest: { schema: GenerationRequestSchema, io: "input" },
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
};

const ref = (name: keyof typeof components) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: keyof typeof components) => ({ content: { "application/json": { schema: ref(name) } } });
const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ref("Problem") } } });
const idParam = (name: string, pattern: string) => ({ name, in: "path", required: true, schema: { type: "string", pattern } });
const genId = idParam("id", "^gen_");
const compId = idParam("id", "^comp_");
const editId = idParam("edit_id", "^edit_");
const errors = { "400": problem("Invalid input: `errors` names each field path"), "404": problem("Unknown id") };

/** The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with. */
export function openApiDocument(serverUrl = "/"): Json {
  const schemas: Json = {};
  for (const [name, { schema, io }] of Object.entries(components)) {
    const s = z.toJSONSchema(schema, { io, target: "draft-2020-12", unrepresentable: "any" }) as Json;
    delete s.$schema;
    schemas[name] = s;
  }
  const video = { description: "MP4 (HTTP Range supported)", content: { "video/mp4": { schema: { type: "string", format: "binary" } } } };
  return {
    openapi: "3.1.0",
    info: { title: "reelgraph API", version: "1.0.0", description: "Turns a brief into a finished video, then edits it through reviewable plans." },
    servers: [{ url: serverUrl }],
    components: {
      schemas,
      securitySchemes: { apiKey: { type: "apiKey", in: "header", name: "X-API-Key" }, internalBearer: { type: "http", scheme: "bearer" } },
    },
    paths: {
      "/api/v1/generations": {
        post: {
          summary: "Start a generation",
          parameters: [{ name: "Idempotency-Key", in: "header", schema: { type: "string", maxLength: 200 }, description: "A retried POST with the same key returns the first generation" }],
          requestBody: { required: true, ...json("GenerationRequest") },
          responses: { "202": { description: "Accepted", ...json("Accepted") }, "400": errors["400"], "409": problem("Idempotency-Key reused with another body"), "413": problem("Body too large"), "429": problem("Rate limited") },
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
          responses: { "200": { description: "text/event-stream of stage, clip_started, clip_done, clip_failed, composition_ready, completed, failed… events", content: { "text/event-stream": { schema: { type: "string" } } } }, ...errors },
        },
      },
      "/api/v1/compositions/{id}": { get: { summary: "The current composition", parameters: [compId], responses: { "200": { description: "Composition", ...json("Composition") }, ...errors } } },
      "/api/v1/compositions/{id}/edit": {
        post: {
          summary: "Propose (or apply at once) an edit from a natural-language instruction",
          parameters: [compId],
          requestBody: { required: true, ...json("EditRequest") },
          responses: { "201": { description: "Proposed: confirm or reject it", ...json("EditPlan") }, "202": { description: "Applied; recomposition started", ...json("EditPlan") }, "200": { description: "Rejected, with the reason", ...json("EditPlan") }, "409": problem("Still rendering, or another edit awaits confirmation"), ...errors },
        },
      },
      "/api/v1/compositions/{id}/edits": { get: { summary: "Edit plans of a composition", parameters: [compId], responses: { "200": { description: "Edit plans" }, ...errors } } },
      "/api/v1/compositions/{id}/edits/{edit_id}": { get: { summary: "One edit plan", parameters: [compId, editId], responses: { "200": { description: "Edit plan", ...json("EditPlan") }, ...errors } } },
      "/api/v1/compositions/{id}/edits/{edit_id}/confirm": { post: { summary: "Apply a proposed edit (recomposes)", parameters: [compId, editId], responses: { "202": { description: "Applied", ...json("EditPlan") }, "409": problem("Not proposed"), ...errors } } },
      "/api/v1/compositions/{id}/edits/{edit_id}/reject": { post: { summary: "Drop a proposed edit", parameters: [compId, editId], requestBody: { required: false, ...json("RejectRequest") }, responses: { "200": { description: "Rejected", ...json("EditPlan") }, "409": problem("Not proposed"), ...errors } } },
      "/api/v1/compositions/{id}/versions": { get: { summary: "Versions of a composition", parameters: [compId], responses: { "200": { description: "Versions", ...json("VersionList") }, ...errors } } },
      "/api/v1/compositions/{id}/revert": { post: { summary: "Make an old version current again (as a new version)", parameters: [compId], requestBody: { required: true, ...json("RevertRequest") }, responses: { "201": { description: "The new version", ...json("Composition") }, "409": problem("Still rendering"), ...errors } } },
      "/api/v1/compositions/{id}/video": { get: { summary: "The composition's MP4", parameters: [compId, { name: "version", in: "query", schema: { type: "integer" } }], responses: { "200": video, "206": video, ...errors } } },
      "/api/v1/clips/{id}/video": { get: { summary: "One clip's MP4", parameters: [idParam("id", "^clip_")], responses: { "200": video, "206": video, ...errors } } },
      "/api/v1/assets": {
        post: {
          summary: "Upload a song (raw audio body, or multipart/form-data with a `file` field); returns an asset id for audio.url",
          requestBody: { required: true, content: { "audio/*": { schema: { type: "string", format: "binary" } }, "multipart/form-data": { schema: { type: "object", properties: { file: { type: "string", format: "binary" } } } } } },
          responses: { "201": { description: "{id, bytes, mime}" }, "400": errors["400"], "413": problem("File too large"), "415": problem("Not audio") },
        },
      },
      "/internal/v1/audio-analysis": { post: { summary: "Beat analysis (FFmpeg service)", security: [{ internalBearer: [] }], responses: { "200": { description: "{duration_s, bpm, beats_s, downbeats_s, beats_per_bar, confidence}" }, "401": problem("Missing or wrong token") } } },
      "/internal/v1/process-clips": { post: { summary: "Compose clips into a video (FFmpeg service)", security: [{ internalBearer: [] }], responses: { "202": { description: "{job_id}" }, "401": problem("Missing or wrong token") } } },
      "/internal/v1/processing-complete": { post: { summary: "The FFmpeg service's callback; repeated callbacks change nothing", security: [{ internalBearer: [] }], responses: { "204": { description: "Recorded" }, "401": problem("Missing or wrong token") } } },
    },
  };
}
