import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { checkUrlShape, guardedLookup, type NetPolicy } from "../net/policy.js";

export interface PostResult {
  status: number;
  /** The first bytes of the answer, for the record. */
  body: string;
}

/**
 * POSTs a JSON body to a URL someone gave us (a webhook receiver), under the same address rules
 * as every download: checked before the request and at every DNS answer, the connection made to
 * the address that was checked; redirects are not followed; a deadline bounds the whole call.
 */
export function postGuarded(url: string, body: string, headers: Record<string, string>, opts: NetPolicy & { timeoutMs?: number } = {}): Promise<PostResult> {
  const target = checkUrlShape(url, opts.allowPrivate, opts.isForbidden);
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<PostResult>((resolve, reject) => {
    const req = send(
      target,
      {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), "user-agent": "reelgraph-webhooks", ...headers },
        lookup: guardedLookup(opts),
        timeout: opts.timeoutMs ?? 10_000,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => {
          if (text.length < 2000) text += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text.slice(0, 2000) }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer from the webhook receiver within ${opts.timeoutMs ?? 10_000} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}
