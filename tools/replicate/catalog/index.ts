import { ModelProfileSchema, type ModelProfile } from "../../../core/video-models/profile.js";
import { CATALOG_DATA } from "./models.js";

/** The catalog, validated once at load: a malformed profile fails at startup, not mid-run. */
export const CATALOG: readonly ModelProfile[] = Object.freeze(
  CATALOG_DATA.map((raw) => {
    const parsed = ModelProfileSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`catalog profile ${raw.model}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    return parsed.data;
  }),
);

const BY_MODEL = new Map(CATALOG.map((p) => [p.model, p]));

/**
 * The default video model: bytedance/seedance-1-lite. It takes any whole-second length from
 * 2 to 12 s, so nearly every scene is one prediction asked at its own length (fewest seconds
 * paid, nothing trimmed away: a 30 s ad asks for about 30 s, where a fixed 6 s model asks for
 * 36 s and a 5/10 s model up to 40 s); it offers 16:9, 9:16 and 1:1 natively (no cropping);
 * it takes a first and a last frame (continuity) and a seed; and it is the lower-priced tier
 * of Seedance, at 480p/720p. Replicate's page states no price for it, so estimates say
 * "unknown" until one is recorded.
 */
export const DEFAULT_VIDEO_MODEL = "bytedance/seedance-1-lite";

/** The catalog profile of `owner/name` (a `:version` suffix is ignored), or null. */
export function catalogProfile(model: string): ModelProfile | null {
  return BY_MODEL.get(model.trim().split(":")[0]!) ?? null;
}
