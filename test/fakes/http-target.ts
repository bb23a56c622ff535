import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as the target received it. */
export interface TargetRequest {
  method: string;
  url: string;
  host: string | undefined;
  at: number;
}

export type TargetHandler = (req: IncomingMessage, res: ServerResponse, target: HttpTarget) => void | Promise<void>;

export interface HttpTarget {
  /** http://host:port, with brackets around an IPv6 host. */
  origin: string;
  port: number;
  requests: TargetRequest[];
  close(): Promise<void>;
}

/**
 * A plain HTTP server on a chosen loopback address that records every request before the
 * handler answers: the "internal service" an SSRF must never reach (its `requests` stay
 * empty), or the "public host" that serves files, redirects or stalls. Default answer: 200
 * "secret".
 */
export async function startHttpTarget(host = "127.0.0.1", handler?: TargetHandler, port = 0): Promise<HttpTarget> {
  const requests: TargetRequest[] = [];
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? "", url: req.url ?? "", host: req.headers.host, at: Date.now() });
    if (!handler) {
      res.writeHead(200, { "content-type": "audio/mpeg" });
      res.end("secret");
      return;
    }
    void Promise.resolve(handler(req, res, target)).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  const target: HttpTarget = {
    origin: `http://${host.includes(":") ? `[${host}]` : host}:${actual}`,
    port: actual,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return target;
}
