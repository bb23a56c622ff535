/** One server-sent event as the wire carries it (the WHATWG event-stream format). */
export interface SseMessage {
  /** The `id:` field, when the event had one. */
  id: string | null;
  /** The `event:` field ("message" when absent). */
  event: string;
  /** The `data:` lines, joined with newlines. */
  data: string;
  /** A `retry:` field (milliseconds), when the block carried one. */
  retry: number | null;
}

/**
 * Reads an event stream body into messages: fields per line, a blank line ends an event,
 * comments (`: keep-alive`) are skipped, CRLF and CR line ends are accepted. A block with only
 * `retry:` yields a message with empty data, so the caller learns the delay. Pure apart from
 * reading the stream.
 */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let buf = "";
  let block: { id: string | null; event: string | null; data: string[]; retry: number | null } = fresh();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = buf.search(/\r\n|\r|\n/)) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + (buf.startsWith("\r\n", nl) ? 2 : 1));
        if (line === "") {
          if (block.data.length || block.event !== null || block.id !== null || block.retry !== null)
            yield { id: block.id, event: block.event ?? "message", data: block.data.join("\n"), retry: block.retry };
          block = fresh();
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "data") block.data.push(value);
        else if (field === "event") block.event = value;
        else if (field === "id" && !value.includes("\0")) block.id = value;
        else if (field === "retry" && /^\d+$/.test(value)) block.retry = Number(value);
      }
    }
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => {});
  }
}

function fresh() {
  return { id: null as string | null, event: null as string | null, data: [] as string[], retry: null as number | null };
}
