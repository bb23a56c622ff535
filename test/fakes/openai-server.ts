import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fake OpenAI-compatible server on 127.0.0.1 for tests: it answers POST /v1/chat/completions
 * from a script and records every request it receives (method, path, headers, parsed body), so
 * tests assert on what was sent — model name, response_format, messages — not only on what
 * came back. Anything unscripted gets an OpenAI-style error, so a test never passes by accident.
 */

/** One request as the fake received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The JSON body, parsed (null when it was empty or not JSON). */
  body: ChatCompletionBody | null;
}

/** The parts of a chat-completions request body tests look at. */
export interface ChatCompletionBody {
  model?: string;
  messages?: { role: string; content: unknown }[];
  response_format?: { type: string; json_schema?: { name?: string; strict?: boolean; schema?: Record<string, unknown> } };
  tools?: unknown[];
  stream?: boolean;
  [key: string]: unknown;
}

/** What the fake answers to one request. */
export type ScriptedReply =
  | { content: string; finishReason?: "stop" | "length" | "content_filter"; model?: string }
  | { toolCalls: { name: string; arguments: string }[] }
  | { status: number; message: string; type?: string; code?: string };

/** A list answered in order, or a function of the request (and its 0-based index). */
export type Script = ScriptedReply[] | ((request: RecordedRequest, index: number) => ScriptedReply);

export interface FakeOpenAI {
  /** Base URL to give the SDK (ends in /v1). */
  baseURL: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** The chat-completions requests only. */
  chatRequests(): RecordedRequest[];
  close(): Promise<void>;
}

/** Starts the fake on an ephemeral port of 127.0.0.1. */
export async function startFakeOpenAI(script: Script): Promise<FakeOpenAI> {
  const requests: RecordedRequest[] = [];
  let chatIndex = 0;
  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => sendError(res, 500, `fake server failure: ${String(error)}`, "server_error"));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    let body: ChatCompletionBody | null = null;
    try {
      body = raw ? (JSON.parse(raw) as ChatCompletionBody) : null;
    } catch {
      body = null;
    }
    const recorded: RecordedRequest = { method: req.method ?? "", path: (req.url ?? "").split("?")[0]!, headers: { ...req.headers }, body };
    requests.push(recorded);
    if (recorded.method !== "POST" || recorded.path !== "/v1/chat/completions") {
      return sendError(res, 404, `the fake serves POST /v1/chat/completions, not ${recorded.method} ${recorded.path}`, "invalid_request_error");
    }
    if (!body) return sendError(res, 400, "the request body is not JSON", "invalid_request_error");
    if (body.stream) return sendError(res, 400, "streaming is not scripted in this fake", "invalid_request_error");
    const index = chatIndex++;
    const reply = typeof script === "function" ? script(recorded, index) : script[index];
    if (!reply) return sendError(res, 500, `no scripted reply for request #${index + 1}`, "server_error");
    if ("status" in reply) return sendError(res, reply.status, reply.message, reply.type ?? "server_error", reply.code);
    const message =
      "toolCalls" in reply
        ? {
            role: "assistant",
            content: null,
            tool_calls: reply.toolCalls.map((t, i) => ({ id: `call_${index}_${i}`, type: "function", function: { name: t.name, arguments: t.arguments } })),
          }
        : { role: "assistant", content: reply.content };
    const finish = "toolCalls" in reply ? "tool_calls" : (reply.finishReason ?? "stop");
    send(res, 200, {
      id: `chatcmpl-fake-${index + 1}`,
      object: "chat.completion",
      created: 1_700_000_000 + index,
      model: ("model" in reply && reply.model) || body.model || "fake-model",
      choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
      usage: { prompt_tokens: Math.ceil(raw.length / 4), completion_tokens: 50, total_tokens: Math.ceil(raw.length / 4) + 50 },
    });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    chatRequests: () => requests.filter((r) => r.path === "/v1/chat/completions"),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, message: string, type: string, code?: string): void {
  send(res, status, { error: { message, type, param: null, code: code ?? null } });
}
