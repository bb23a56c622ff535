import { allowedAt, EPS, round6, topFrames } from "./lengths.js";
import { ratioDistance, ratioValue, type DurationSpec, type ModelProfile } from "./profile.js";

/**
 * From a shot to the model's exact input: the length rounded up to one the model makes, the
 * aspect ratio / size / resolution it offers nearest to the output, the first frame when
 * chaining, seed and negative prompt when it takes them. Pure: the same profile and shot
 * always give the same input.
 */

export interface ShotRequest {
  prompt: string;
  /** Seconds needed (the shot's request_s); rounded up to a length the model makes. */
  duration_s: number;
  /** Output frame size. */
  width: number;
  height: number;
  /** Image (http(s) URL or data URI) to start the clip from: the previous shot's last frame when chaining. */
  first_frame?: string | null;
  /** Image to end the clip on. */
  last_frame?: string | null;
  negative_prompt?: string | null;
  seed?: number | null;
  /** Ask for generated sound where it can be turned off (default false: reelgraph drops clip audio). */
  sound?: boolean;
}

/** What will be asked of the model, before any input names. */
export interface ChosenRequest {
  /** Seconds the model will make (nominal). */
  duration_s: number;
  /** Value sent for the duration input(s), or null when the model has none. */
  duration: { field: string; value: number | string; fps?: { field: string | null; value: number } } | null;
  resolution: { field: string; value: string; short_side: number } | null;
  aspect: { field: string; value: string; ratio: string } | null;
  size: { field: string; value: string; width: number; height: number } | null;
  /** Width and height inputs in pixels, when the model takes them. */
  dims: { width: { field: string; value: number }; height: { field: string; value: number } } | null;
  /** The clip's expected picture (null parts: unknown, e.g. it follows the first frame). */
  picture: { ratio: string | null; width: number | null; height: number | null };
  warnings: string[];
}

export interface BuiltInput extends ChosenRequest {
  input: Record<string, unknown>;
}

/** A shot cannot be turned into an input for this model (a required image is missing…). */
export class InputBuildError extends Error {
  override readonly name = "InputBuildError";
  constructor(
    readonly model: string,
    readonly field: string,
    message: string,
  ) {
    super(`${model}: ${field}: ${message}`);
  }
}

/** The resolution value whose short side is nearest the output's (ties: the larger), or null. */
export function chooseResolution(profile: ModelProfile, width: number, height: number, allowed?: (value: string) => boolean) {
  const r = profile.frame.resolution;
  if (!r) return null;
  const target = Math.min(width, height);
  const options = r.options.filter((o) => !allowed || allowed(o.value));
  const pool = options.length ? options : r.options;
  return [...pool].sort((a, b) => Math.abs(a.short_side - target) - Math.abs(b.short_side - target) || b.short_side - a.short_side)[0]!;
}

/** Length, resolution and picture shape for a shot, without building the input. */
export function chooseRequest(profile: ModelProfile, shot: Pick<ShotRequest, "duration_s" | "width" | "height" | "first_frame">): ChosenRequest {
  if (!(shot.width > 0 && shot.height > 0)) throw new RangeError(`bad frame size ${shot.width}x${shot.height}`);
  if (!(shot.duration_s > 0)) throw new RangeError(`bad duration ${shot.duration_s}`);
  const warnings: string[] = [];
  const d = profile.duration;
  const resolutionFor = (seconds: number | null) =>
    chooseResolution(profile, shot.width, shot.height, d.kind === "enum" && seconds !== null ? (v) => allowedAt(d, seconds, v) : undefined);

  let duration: ChosenRequest["duration"] = null;
  let made: number;
  let resolution = resolutionFor(null);
  switch (d.kind) {
    case "fixed":
      made = d.seconds;
      break;
    case "enum": {
      const near = resolution?.value ?? null;
      const up = [...d.values].sort((a, b) => a - b);
      const atNear = up.filter((v) => allowedAt(d, v, near));
      made = atNear.find((v) => v >= shot.duration_s - EPS) ?? up.find((v) => v >= shot.duration_s - EPS) ?? Math.max(...(atNear.length ? atNear : up));
      if (!allowedAt(d, made, near)) resolution = resolutionFor(made);
      duration = { field: d.input.field, value: d.labels?.[String(made)] ?? typed(made, d.value_type) };
      break;
    }
    case "range": {
      const stepped = Math.ceil((shot.duration_s - d.min) / d.step - EPS) * d.step + d.min;
      made = round6(Math.min(d.max, Math.max(d.min, stepped)));
      duration = { field: d.input.field, value: typed(made, d.value_type) };
      break;
    }
    case "frames": {
      const f = framesFor(d, shot.duration_s);
      made = round6(f.frames / f.fps);
      duration = { field: d.frames.field, value: f.frames, fps: { field: d.fps?.field ?? null, value: f.fps } };
      break;
    }
  }
  if (made < shot.duration_s - EPS) warnings.push(`${profile.model} makes at most ${made} s; ${round6(shot.duration_s)} s was asked for`);

  const out = shot.width / shot.height;
  const f = profile.frame;
  let aspect: ChosenRequest["aspect"] = null;
  let size: ChosenRequest["size"] = null;
  let ratio: string | null = f.native.ratio;
  const shortSide = resolution?.short_side ?? f.native.short_side;
  let width: number | null = null;
  let height: number | null = null;
  if (f.size) {
    const best = [...f.size.options].sort(
      (a, b) => ratioDistance(a.width / a.height, out) - ratioDistance(b.width / b.height, out) || Math.abs(Math.min(a.width, a.height) - Math.min(shot.width, shot.height)) - Math.abs(Math.min(b.width, b.height) - Math.min(shot.width, shot.height)),
    )[0]!;
    size = { field: f.size.input.field, value: best.value, width: best.width, height: best.height };
    width = best.width;
    height = best.height;
    ratio = `${best.width}:${best.height}`;
  }
  if (f.aspect) {
    const best = [...f.aspect.options].sort((a, b) => ratioDistance(ratioValue(a.ratio), out) - ratioDistance(ratioValue(b.ratio), out))[0]!;
    aspect = { field: f.aspect.input.field, value: best.value, ratio: best.ratio };
    ratio = shot.first_frame && f.aspect.ignored_with_first_frame ? null : best.ratio;
  }
  let dims: ChosenRequest["dims"] = null;
  if (f.dims && !f.size && !f.aspect) {
    const px = dimsFor(f.dims, shot.width, shot.height);
    dims = { width: { field: f.dims.width.field, value: px.width }, height: { field: f.dims.height.field, value: px.height } };
    ({ width, height } = px);
    ratio = `${px.width}:${px.height}`;
  }
  if (shot.first_frame && !f.aspect && !f.size && !f.dims && f.native.ratio === null) ratio = null;
  if (ratio && width === null && shortSide) ({ width, height } = pictureSize(ratio, shortSide));
  if (ratio && Math.abs(Math.log(ratioValue(ratio) / out)) > 0.01) {
    warnings.push(`${profile.model} offers ${ratio} nearest to the ${shot.width}x${shot.height} output; the clip is reframed to fit`);
  }
  return {
    duration_s: made,
    duration,
    resolution: resolution && profile.frame.resolution ? { field: profile.frame.resolution.input.field, value: resolution.value, short_side: resolution.short_side } : null,
    aspect,
    size,
    dims,
    picture: { ratio, width, height },
    warnings,
  };
}

/** The exact input for one prediction. Throws InputBuildError when the model needs an image the shot lacks. */
export function buildInput(profile: ModelProfile, shot: ShotRequest): BuiltInput {
  const chosen = chooseRequest(profile, shot);
  const warnings = [...chosen.warnings];
  const input: Record<string, unknown> = { ...profile.fixed_inputs, [profile.prompt.field]: shot.prompt };
  if (chosen.duration) {
    input[chosen.duration.field] = chosen.duration.value;
    if (chosen.duration.fps?.field) input[chosen.duration.fps.field] = chosen.duration.fps.value;
  }
  if (chosen.resolution) input[chosen.resolution.field] = chosen.resolution.value;
  if (chosen.aspect) input[chosen.aspect.field] = chosen.aspect.value;
  if (chosen.size) input[chosen.size.field] = chosen.size.value;
  if (chosen.dims) {
    input[chosen.dims.width.field] = chosen.dims.width.value;
    input[chosen.dims.height.field] = chosen.dims.height.value;
  }

  if (profile.first_frame) {
    if (shot.first_frame) input[profile.first_frame.field] = shot.first_frame;
    else if (profile.first_frame.required) throw new InputBuildError(profile.model, profile.first_frame.field, "the model needs a first-frame image (it is image-to-video only) and none was given");
  } else if (shot.first_frame) {
    warnings.push(`${profile.model} has no first-frame input; the shot starts fresh`);
  }
  if (shot.last_frame) {
    if (profile.last_frame) input[profile.last_frame.field] = shot.last_frame;
    else warnings.push(`${profile.model} has no last-frame input; the end frame was not sent`);
  }
  if (shot.negative_prompt && profile.negative_prompt) input[profile.negative_prompt.field] = shot.negative_prompt;
  if (shot.seed !== undefined && shot.seed !== null && profile.seed) input[profile.seed.field] = Math.trunc(shot.seed);
  if (profile.sound?.input) input[profile.sound.input.field] = shot.sound ?? false;
  return { ...chosen, warnings, input };
}

/** Frames and rate for a length: the highest rate that reaches it, never below the model's minimum frames. */
function framesFor(d: Extract<DurationSpec, { kind: "frames" }>, seconds: number): { frames: number; fps: number } {
  const rates: number[] = [];
  if (d.fps && d.fps_values?.length) rates.push(...[...d.fps_values].sort((a, b) => b - a));
  else if (d.fps) for (let fps = Math.floor(d.max_fps); fps >= Math.ceil(d.min_fps); fps--) rates.push(fps);
  else rates.push(d.min_fps);
  // A count the model takes: up to its form (4k+1…), or down to the largest one within the bounds.
  const step = d.frames_step ?? 1;
  const offset = (d.frames_offset ?? 0) % step;
  const up = (n: number) => n + ((((offset - n) % step) + step) % step);
  for (const fps of rates) {
    const frames = up(Math.max(d.min_frames, Math.ceil(seconds * fps - EPS)));
    if (frames <= d.max_frames) return { frames, fps };
  }
  return { frames: topFrames(d), fps: rates[rates.length - 1]! };
}

/**
 * Width and height for the output's shape: the model's default pixel count (the output's own
 * when none is published) at the output's ratio, each side a multiple of the model's block,
 * within its bounds (a side at a bound takes the other along, so the shape holds).
 */
export function dimsFor(d: NonNullable<ModelProfile["frame"]["dims"]>, outW: number, outH: number): { width: number; height: number } {
  const ratio = outW / outH;
  const area = d.default ? d.default.width * d.default.height : outW * outH;
  let w = Math.sqrt(area * ratio);
  let h = Math.sqrt(area / ratio);
  const lo = d.min ?? 0;
  const hi = d.max ?? Infinity;
  const scale = Math.min(1, hi / Math.max(w, h));
  w *= scale;
  h *= scale;
  if (Math.min(w, h) < lo) {
    const up = lo / Math.min(w, h);
    w = Math.min(hi, w * up);
    h = Math.min(hi, h * up);
  }
  const m = d.multiple_of;
  const snap = (v: number) => {
    const lowest = Math.ceil(lo / m) * m || m;
    const highest = Number.isFinite(hi) ? Math.floor(hi / m) * m : Infinity;
    return Math.min(highest, Math.max(lowest, Math.round(v / m) * m));
  };
  return { width: snap(w), height: snap(h) };
}

function typed(seconds: number, type: "integer" | "number" | "string"): number | string {
  return type === "string" ? String(seconds) : seconds;
}

/** Pixel size of a ratio at a short side, even numbers. */
export function pictureSize(ratio: string, shortSide: number): { width: number; height: number } {
  const r = ratioValue(ratio);
  const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
  return r >= 1 ? { width: even(shortSide * r), height: even(shortSide) } : { width: even(shortSide), height: even(shortSide / r) };
}
