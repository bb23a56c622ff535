import { isDeepStrictEqual } from "node:util";
import type { ModelRef, Prediction } from "./schema.js";

/**
 * After a POST /predictions that failed ambiguously (5xx, reset connection, our timeout),
 * the prediction may exist and be billed anyway. Replicate's API documents no idempotency
 * key, so before creating again we look at the newest page of GET /v1/predictions (100
 * predictions, newest first; each listed with its model, version, input, source and
 * created_at) for one that we could have created: same model (and version when pinned),
 * source "api", created no earlier than our first attempt minus a clock-skew allowance, every
 * input field we sent equal, and not already claimed by another clip of this provider.
 *
 * What this cannot see: a prediction that has not reached the listing yet, or one pushed off
 * the first page by more than 100 newer predictions on the account. Then we create again and
 * may pay twice; the caller still gets exactly one prediction id, and further matches found
 * later are cancelled. If the clip deadline passes while a create is still ambiguous, nothing
 * is cancelled: we never learned an id.
 */

export interface CreateFingerprint {
  model: ModelRef;
  /** The input as sent. */
  input: Record<string, unknown>;
  /** Clock time (ms) of the first create attempt. */
  since: number;
  /** Allowance for the difference between our clock and Replicate's (ms). */
  skewMs: number;
}

/** Whether `p` could be the prediction our create made. `p.input` may be missing from a listing: null then. */
export function matchesCreate(p: Prediction, f: CreateFingerprint): boolean | null {
  if (p.source !== undefined && p.source !== "api") return false;
  if (f.model.version) {
    if (p.version !== f.model.version) return false;
  } else if (p.model !== f.model.slug) {
    return false;
  }
  const created = p.created_at ? Date.parse(p.created_at) : NaN;
  if (!Number.isFinite(created) || created < f.since - f.skewMs) return false;
  if (!p.input) return null;
  const sent = JSON.parse(JSON.stringify(f.input)) as Record<string, unknown>;
  return Object.entries(sent).every(([k, v]) => isDeepStrictEqual(p.input![k], v));
}

export interface RecoveryDeps {
  /** The newest page of predictions. */
  list(): Promise<Prediction[]>;
  /** One prediction in full, for listings that leave `input` out. */
  get(id: string): Promise<Prediction>;
}

export interface Recovery {
  /** The earliest matching prediction: ours to use. */
  found: Prediction | null;
  /** Further matches: duplicates our retries created, to cancel. */
  duplicates: Prediction[];
}

/** Looks for the prediction an ambiguous create may have made; at most `maxLookups` extra GETs. */
export async function recoverCreated(deps: RecoveryDeps, f: CreateFingerprint, claimed: ReadonlySet<string>, maxLookups = 5): Promise<Recovery> {
  const page = await deps.list();
  const matches: Prediction[] = [];
  let lookups = 0;
  for (const listed of page) {
    if (claimed.has(listed.id)) continue;
    let verdict = matchesCreate(listed, f);
    if (verdict === null && lookups < maxLookups) {
      lookups++;
      verdict = matchesCreate(await deps.get(listed.id), f);
    }
    if (verdict) matches.push(listed);
  }
  matches.sort((a, b) => Date.parse(a.created_at!) - Date.parse(b.created_at!));
  return { found: matches[0] ?? null, duplicates: matches.slice(1) };
}
