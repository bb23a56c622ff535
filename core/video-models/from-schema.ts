import { inputProperties, typesOf, type InputSchema, type JsonSchema } from "./openapi.js";
import { ModelProfileSchema, type DurationSpec, type FieldRef, type FrameSpec, type ModelProfile, type Source } from "./profile.js";

/**
 * Profiles from a model's published Input schema. `profileFromSchema` maps a model we know
 * nothing about by input names and types; `refineProfile` lines a catalog profile up with the
 * schema of the version actually run (renamed inputs, changed lists). Both say in `warnings`
 * what they could not map. Pure.
 */

export interface Mapped {
  profile: ModelProfile;
  warnings: string[];
}

/** The model's schema cannot be used at all (no prompt input, a required input we cannot fill). */
export class SchemaMappingError extends Error {
  override readonly name = "SchemaMappingError";
  constructor(
    readonly model: string,
    readonly field: string,
    message: string,
  ) {
    super(`${model}: ${field}: ${message}`);
  }
}

const NAMES = {
  prompt: ["prompt", "text_prompt", "prompt_text", "input_prompt", "video_prompt", "text", "caption"],
  duration: ["duration", "seconds", "duration_seconds", "video_duration", "duration_s", "duration_sec", "duration_in_seconds", "clip_duration", "num_seconds", "length", "video_length"],
  frames: ["num_frames", "number_of_frames", "frames", "frame_count", "n_frames", "video_frames", "num_video_frames", "video_length", "length"],
  fps: ["frames_per_second", "fps", "frame_rate", "framerate", "output_fps"],
  width: ["width", "video_width", "output_width"],
  height: ["height", "video_height", "output_height"],
  aspect: ["aspect_ratio", "ratio", "aspect"],
  size: ["size", "dimensions", "video_size"],
  resolution: ["resolution", "quality", "video_resolution"],
  firstFrame: ["first_frame_image", "start_image", "image", "input_image", "init_image", "input_reference", "start_image_url", "first_frame", "image_url", "start_frame", "first_image", "start_frame_image", "input_image_url"],
  lastFrame: ["last_frame_image", "end_image", "last_frame", "end_image_url", "tail_image", "end_frame", "last_image", "end_frame_image"],
  negative: ["negative_prompt", "negative"],
  seed: ["seed"],
  sound: ["generate_audio", "with_audio", "enable_audio", "audio_enabled", "generate_sound", "with_sound", "enable_sound"],
} as const;

/**
 * What an input's own description says it counts: "Number of frames (4k+1)" is a frame count
 * whatever its name (Hunyuan calls it video_length), "Length in seconds" a duration.
 */
const countsFrames = (p: { name: string; schema: JsonSchema }) => /frame/i.test(p.name) || (/\bframes?\b/i.test(p.schema.description ?? "") && !/\bsec(?:ond)?s?\b/i.test(p.schema.description ?? ""));
/** Width and height inputs are multiples of this unless the schema says otherwise (video models work in 16-pixel blocks). */
const ASSUMED_MULTIPLE = 16;

const NAMED_SHAPES: Record<string, string> = { landscape: "16:9", portrait: "9:16", square: "1:1", horizontal: "16:9", vertical: "9:16" };
/** Frame rate assumed for a frame-count input with no rate input. */
const ASSUMED_FPS = 16;
/** Length assumed for a model with no length input; the composer measures the real one. */
const ASSUMED_SECONDS = 5;

type Prop = { name: string; schema: JsonSchema; required: boolean };

export function profileFromSchema(model: string, schema: InputSchema, source: Source, version: string | null = null): Mapped {
  const props = inputProperties(schema);
  const byName = new Map(props.map((p) => [p.name, p]));
  const used = new Set<string>();
  const warnings: string[] = [];
  const find = (names: readonly string[], accept: (p: Prop) => boolean = () => true): Prop | null => {
    for (const n of names) {
      const p = byName.get(n);
      if (p && !used.has(n) && accept(p)) {
        used.add(n);
        return p;
      }
    }
    return null;
  };
  const ref = (p: Prop): FieldRef => ({ field: p.name, aliases: [] });
  const isString = (p: Prop) => typesOf(p.schema).length === 0 || typesOf(p.schema).includes("string");
  const isNumeric = (p: Prop) => typesOf(p.schema).some((t) => t === "integer" || t === "number") || (p.schema.enum ?? []).every((v) => numeric(v) !== null);

  const prompt = find(NAMES.prompt, isString);
  if (!prompt) throw new SchemaMappingError(model, "prompt", `no text prompt input among ${props.map((p) => p.name).join(", ") || "(none)"}`);

  const duration = mapDuration(find, isNumeric, warnings);
  const frame = mapFrame(find, warnings);
  const firstFrame = find(NAMES.firstFrame, isString);
  const lastFrame = find(NAMES.lastFrame, isString);
  const negative = find(NAMES.negative, isString);
  const seed = find(NAMES.seed, (p) => typesOf(p.schema).includes("integer"));
  const sound = find(NAMES.sound, (p) => typesOf(p.schema).includes("boolean"));

  const unfillable = props.filter((p) => !used.has(p.name) && p.required && p.schema.default === undefined);
  if (unfillable.length) throw new SchemaMappingError(model, unfillable[0]!.name, `required input${unfillable.length > 1 ? "s" : ""} ${unfillable.map((p) => p.name).join(", ")} cannot be mapped`);
  const leftOut = props.filter((p) => !used.has(p.name)).map((p) => p.name);
  if (leftOut.length) warnings.push(`${model}: inputs left at the model's defaults: ${leftOut.join(", ")}`);

  const profile = ModelProfileSchema.parse({
    model,
    version,
    title: model,
    source: { ...source, note: source.note ?? "mapped from the model's OpenAPI Input schema by input names and types" },
    prompt: ref(prompt),
    duration,
    frame,
    first_frame: firstFrame ? { ...ref(firstFrame), required: firstFrame.required } : null,
    last_frame: lastFrame ? ref(lastFrame) : null,
    negative_prompt: negative ? ref(negative) : null,
    seed: seed ? ref(seed) : null,
    sound: sound ? { input: ref(sound), default: sound.schema.default === true } : null,
    fixed_inputs: {},
    price: { basis: "unknown", note: "Replicate's API publishes no price; none is kept for models found by schema discovery" },
    notes: [],
  });
  return { profile, warnings };
}

function mapDuration(find: (names: readonly string[], accept?: (p: Prop) => boolean) => Prop | null, isNumeric: (p: Prop) => boolean, warnings: string[]): DurationSpec {
  const frames = find(NAMES.frames, (p) => typesOf(p.schema).includes("integer") && !p.schema.enum?.length && countsFrames(p));
  if (frames) {
    const fps = find(NAMES.fps, isNumeric);
    let [minF, maxF] = bounds(frames.schema);
    const defaultFrames = numeric(frames.schema.default);
    const published = maxF !== null;
    if (maxF === null && defaultFrames !== null && defaultFrames > 0) {
      // Only the default is published: never more than it, fewer when a shot is shorter.
      warnings.push(`${frames.name}: no largest frame count published; clips ask for at most the default ${defaultFrames}`);
      maxF = defaultFrames;
      minF ??= 1;
    }
    if (minF !== null && maxF !== null) {
      const step = frameStep(frames.schema, published ? null : defaultFrames);
      const [minFps, maxFps] = fps ? bounds(fps.schema) : [null, null];
      const fpsDefault = numeric(fps?.schema.default) ?? ASSUMED_FPS;
      if (!fps) warnings.push(`${frames.name}: no frame-rate input; assuming ${ASSUMED_FPS} fps`);
      const lo = minFps ?? fpsDefault;
      const hi = maxFps ?? fpsDefault;
      const fpsValues = (fps?.schema.enum ?? []).map(numeric).filter((v): v is number => v !== null && v > 0);
      return {
        kind: "frames",
        frames: { field: frames.name, aliases: [] },
        min_frames: minF,
        max_frames: maxF,
        fps: fps && minFps !== null ? { field: fps.name, aliases: [] } : null,
        min_fps: lo,
        max_fps: hi,
        ...(fpsValues.length ? { fps_values: fpsValues } : {}),
        smooth_fps: Math.min(hi, Math.max(lo, 16)),
        ...(step ? { frames_step: step.step, frames_offset: step.offset } : {}),
      };
    }
    warnings.push(`${frames.name}: frame count without bounds; not used`);
  }
  const d = find(NAMES.duration, (p) => !countsFrames(p) && (isNumeric(p) || spelledLengths(p.schema.enum ?? []) !== null));
  if (!d) {
    warnings.push(`no duration input: assuming ${ASSUMED_SECONDS} s clips (the composer measures the real length)`);
    return { kind: "fixed", seconds: ASSUMED_SECONDS };
  }
  const types = typesOf(d.schema);
  const valueType = types.includes("integer") ? "integer" : types.includes("number") ? "number" : "string";
  const field = { field: d.name, aliases: [] };
  if (d.schema.enum?.length) {
    const values = d.schema.enum.map(numeric).filter((v): v is number => v !== null && v > 0);
    if (values.length) return { kind: "enum", input: field, values, value_type: valueType, confidence: "schema" };
    // Lengths spelled out ("5s", "10 seconds"): the seconds for planning, the exact value to send.
    const spelled = spelledLengths(d.schema.enum);
    if (spelled) return { kind: "enum", input: field, values: Object.keys(spelled).map(Number), value_type: "string", labels: spelled, confidence: "schema" };
  }
  let [min, max] = bounds(d.schema);
  if (min === null && max !== null && valueType !== "string") {
    warnings.push(`${d.name}: no shortest length published; assuming 1 s`);
    min = 1;
  }
  if (min !== null && max !== null && valueType !== "string") {
    return { kind: "range", input: field, min: Math.max(min, valueType === "integer" ? 1 : 0.5), max, step: valueType === "integer" ? 1 : 0.5, value_type: valueType };
  }
  const def = numeric(d.schema.default);
  if (def !== null && def > 0) {
    warnings.push(`${d.name}: only the default ${def} s is published; every clip asks for it`);
    return { kind: "enum", input: field, values: [def], value_type: valueType, confidence: "default_only" };
  }
  warnings.push(`${d.name}: no allowed values published; assuming ${ASSUMED_SECONDS} s clips`);
  return { kind: "fixed", seconds: ASSUMED_SECONDS };
}

function mapFrame(find: (names: readonly string[], accept?: (p: Prop) => boolean) => Prop | null, warnings: string[]): FrameSpec {
  const frame: FrameSpec = { aspect: null, size: null, resolution: null, dims: null, native: { ratio: null, short_side: null } };
  const choices = (p: Prop): string[] => (p.schema.enum?.length ? p.schema.enum : p.schema.default !== undefined ? [p.schema.default] : []).filter((v): v is string => typeof v === "string");
  const confidence = (p: Prop) => (p.schema.enum?.length ? ("schema" as const) : ("default_only" as const));

  const size = find(NAMES.size, (p) => choices(p).some((v) => pixels(v) !== null));
  if (size) {
    const options = choices(size).flatMap((v) => {
      const px = pixels(v);
      return px ? [{ value: v, ...px }] : [];
    });
    frame.size = { input: { field: size.name, aliases: [] }, options, confidence: confidence(size) };
  }
  const aspect = find(NAMES.aspect, (p) => choices(p).some((v) => shapeOf(v) !== null));
  if (aspect) {
    const options = choices(aspect).flatMap((v) => {
      const ratio = shapeOf(v);
      return ratio ? [{ value: v, ratio }] : [];
    });
    const skipped = choices(aspect).filter((v) => shapeOf(v) === null);
    if (skipped.length) warnings.push(`${aspect.name}: values not understood as a picture shape: ${skipped.join(", ")}`);
    if (!aspect.schema.enum?.length) warnings.push(`${aspect.name}: only the default ${String(aspect.schema.default)} is published`);
    frame.aspect = { input: { field: aspect.name, aliases: [] }, options, confidence: confidence(aspect), ignored_with_first_frame: false };
  }
  const resolution = find(NAMES.resolution, (p) => choices(p).some((v) => shortSide(v) !== null || pixels(v) !== null));
  if (resolution) {
    const asPixels = choices(resolution).every((v) => pixels(v) !== null);
    if (asPixels && !frame.size) {
      frame.size = { input: { field: resolution.name, aliases: [] }, options: choices(resolution).map((v) => ({ value: v, ...pixels(v)! })), confidence: confidence(resolution) };
    } else {
      const options = choices(resolution).flatMap((v) => {
        const s = shortSide(v);
        return s ? [{ value: v, short_side: s }] : [];
      });
      if (options.length) frame.resolution = { input: { field: resolution.name, aliases: [] }, options, confidence: confidence(resolution) };
    }
  }
  if (!frame.aspect && !frame.size) {
    const isInteger = (p: Prop) => typesOf(p.schema).some((t) => t === "integer" || t === "number") && !p.schema.enum?.length;
    const width = find(NAMES.width, isInteger);
    const height = width ? find(NAMES.height, isInteger) : null;
    if (width && height) frame.dims = dimsOf(width, height);
    else if (width) warnings.push(`${width.name}: a width input without a height input; left at the model's default`);
  }
  if (!frame.aspect && !frame.size && !frame.dims) warnings.push("no aspect-ratio or size input: the clip's shape is the model's own (reframed to the output)");
  return frame;
}

/** Width and height inputs: their bounds (the tighter of the two), the block size they must be in, the default size. */
function dimsOf(width: Prop, height: Prop): NonNullable<FrameSpec["dims"]> {
  const [wMin, wMax] = bounds(width.schema);
  const [hMin, hMax] = bounds(height.schema);
  const mins = [wMin, hMin].filter((v): v is number => v !== null && v > 0);
  const maxes = [wMax, hMax].filter((v): v is number => v !== null && v > 0);
  const stated = [width.schema, height.schema].flatMap((s) => [s.multipleOf ?? null, multipleIn(s.description)]).filter((v): v is number => v !== null && Number.isInteger(v) && v > 0);
  const dw = numeric(width.schema.default);
  const dh = numeric(height.schema.default);
  return {
    width: { field: width.name, aliases: [] },
    height: { field: height.name, aliases: [] },
    min: mins.length ? Math.ceil(Math.max(...mins)) : null,
    max: maxes.length ? Math.floor(Math.min(...maxes)) : null,
    multiple_of: stated.length ? Math.max(...stated) : ASSUMED_MULTIPLE,
    default: dw !== null && dh !== null && dw > 0 && dh > 0 ? { width: Math.round(dw), height: Math.round(dh) } : null,
  };
}

/** "must be a multiple of 32", "divisible by 8" → the number. */
function multipleIn(description: string | undefined): number | null {
  const m = /(?:multiple of|divisible by)\s+(\d{1,3})\b/i.exec(description ?? "");
  return m ? Number(m[1]) : null;
}

/**
 * The frame counts a model takes: "4k+1" / "8n + 1" or "a multiple of N" in the description;
 * with no bounds published, a default one more than a multiple of 4 (81, 97, 121, 129: video
 * models that compress time four frames at a time) is kept to that form too, which any model takes.
 */
function frameStep(s: JsonSchema, defaultFrames: number | null): { step: number; offset: number } | null {
  const d = s.description ?? "";
  const plus = /\b(\d{1,2})\s*[a-z]\s*\+\s*(\d{1,2})\b/i.exec(d);
  if (plus && Number(plus[1]) > 1) return { step: Number(plus[1]), offset: Number(plus[2]) % Number(plus[1]) };
  const multiple = multipleIn(d);
  if (multiple && multiple > 1) return { step: multiple, offset: 0 };
  if (defaultFrames !== null && Number.isInteger(defaultFrames) && defaultFrames > 4 && defaultFrames % 4 === 1) return { step: 4, offset: 1 };
  return null;
}

/**
 * A catalog profile lined up with the Input schema of the version that will run: each input
 * under the name this version uses (from its aliases), lists narrowed or widened to what the
 * schema publishes, inputs the version lacks dropped. Warnings say what changed.
 */
export function refineProfile(profile: ModelProfile, schema: InputSchema): Mapped {
  const props = new Map(inputProperties(schema).map((p) => [p.name, p]));
  const warnings: string[] = [];
  const p: ModelProfile = structuredClone(profile);
  const locate = (r: FieldRef): Prop | null => {
    for (const name of [r.field, ...r.aliases]) {
      const prop = props.get(name);
      if (prop) {
        if (name !== r.field) warnings.push(`${profile.model}: this version calls ${r.field} "${name}"`);
        r.field = name;
        return prop;
      }
    }
    return null;
  };
  const optional = <T extends FieldRef>(r: T | null, what: string): T | null => {
    if (r && !locate(r)) {
      warnings.push(`${profile.model}: this version has no ${what} input (${r.field}); not used`);
      return null;
    }
    return r;
  };

  if (!locate(p.prompt)) throw new SchemaMappingError(profile.model, p.prompt.field, "this version has no such prompt input");
  const d = p.duration;
  if (d.kind === "enum") {
    const prop = locate(d.input);
    if (!prop) throw new SchemaMappingError(profile.model, d.input.field, "this version has no such duration input");
    const spelled = spelledLengths(prop.schema.enum ?? []);
    if (spelled) {
      d.labels = spelled;
      d.value_type = "string";
    }
    const published = spelled ? Object.keys(spelled).map(Number) : (prop.schema.enum ?? []).map(numeric).filter((v): v is number => v !== null && v > 0);
    if (published.length && !sameSet(published, d.values)) {
      warnings.push(`${profile.model}: this version allows ${d.input.field} ${published.join(", ")} (catalog: ${d.values.join(", ")})`);
      d.values = published;
      d.confidence = "schema";
    }
  } else if (d.kind === "range") {
    const prop = locate(d.input);
    if (!prop) throw new SchemaMappingError(profile.model, d.input.field, "this version has no such duration input");
    const [min, max] = bounds(prop.schema);
    if ((min !== null && min !== d.min) || (max !== null && max !== d.max)) {
      warnings.push(`${profile.model}: this version allows ${d.input.field} ${min ?? d.min}–${max ?? d.max} (catalog: ${d.min}–${d.max})`);
      d.min = Math.max(min ?? d.min, d.value_type === "integer" ? 1 : 0.5);
      d.max = max ?? d.max;
    }
  } else if (d.kind === "frames") {
    const prop = locate(d.frames);
    if (!prop) throw new SchemaMappingError(profile.model, d.frames.field, "this version has no such frame-count input");
    const [min, max] = bounds(prop.schema);
    if (min !== null) d.min_frames = min;
    if (max !== null) d.max_frames = max;
    if (d.fps) {
      const fps = locate(d.fps);
      if (!fps) throw new SchemaMappingError(profile.model, d.fps.field, "this version has no such frame-rate input");
      const [lo, hi] = bounds(fps.schema);
      if (lo !== null) d.min_fps = lo;
      if (hi !== null) d.max_fps = hi;
    }
  }

  const f = p.frame;
  if (f.aspect) {
    const prop = locate(f.aspect.input);
    if (!prop) {
      warnings.push(`${profile.model}: this version has no ${f.aspect.input.field} input; the clip keeps the model's own shape`);
      f.aspect = null;
    } else if (prop.schema.enum?.length) {
      const published = prop.schema.enum.filter((v): v is string => typeof v === "string");
      const kept = f.aspect.options.filter((o) => published.includes(o.value));
      const added = published.filter((v) => !f.aspect!.options.some((o) => o.value === v)).flatMap((v) => (shapeOf(v) ? [{ value: v, ratio: shapeOf(v)! }] : []));
      if (kept.length !== f.aspect.options.length || added.length) warnings.push(`${profile.model}: this version offers ${f.aspect.input.field} ${published.join(", ")}`);
      if (kept.length + added.length) f.aspect = { ...f.aspect, options: [...kept, ...added], confidence: "schema" };
    }
  }
  if (f.resolution) {
    const prop = locate(f.resolution.input);
    if (!prop) {
      warnings.push(`${profile.model}: this version has no ${f.resolution.input.field} input`);
      f.resolution = null;
    } else if (prop.schema.enum?.length) {
      const published = prop.schema.enum.filter((v): v is string => typeof v === "string");
      const kept = f.resolution.options.filter((o) => published.includes(o.value));
      const added = published.filter((v) => !f.resolution!.options.some((o) => o.value === v)).flatMap((v) => (shortSide(v) ? [{ value: v, short_side: shortSide(v)! }] : []));
      if (kept.length !== f.resolution.options.length || added.length) warnings.push(`${profile.model}: this version offers ${f.resolution.input.field} ${published.join(", ")}`);
      if (kept.length + added.length) f.resolution = { ...f.resolution, options: [...kept, ...added], confidence: "schema" };
    }
  }
  if (f.size) {
    const prop = locate(f.size.input);
    if (!prop) {
      warnings.push(`${profile.model}: this version has no ${f.size.input.field} input`);
      f.size = null;
    } else if (prop.schema.enum?.length) {
      const published = prop.schema.enum.filter((v): v is string => typeof v === "string" && pixels(v) !== null);
      if (published.length) f.size = { ...f.size, options: published.map((v) => ({ value: v, ...pixels(v)! })), confidence: "schema" };
    }
  }

  if (f.dims) {
    const w = locate(f.dims.width);
    const h = locate(f.dims.height);
    if (!w || !h) {
      warnings.push(`${profile.model}: this version has no ${!w ? f.dims.width.field : f.dims.height.field} input; the clip keeps the model's own size`);
      f.dims = null;
    } else {
      const fresh = dimsOf({ name: w.name, schema: w.schema, required: w.required }, { name: h.name, schema: h.schema, required: h.required });
      f.dims = { ...f.dims, min: fresh.min ?? f.dims.min, max: fresh.max ?? f.dims.max, default: fresh.default ?? f.dims.default, multiple_of: Math.max(fresh.multiple_of === ASSUMED_MULTIPLE ? 1 : fresh.multiple_of, f.dims.multiple_of) };
    }
  }

  if (p.first_frame) {
    const prop = locate(p.first_frame);
    if (!prop) {
      warnings.push(`${profile.model}: this version has no first-frame input (${p.first_frame.field}); continuity is not possible`);
      p.first_frame = null;
    } else {
      p.first_frame.required = prop.required;
    }
  }
  p.last_frame = optional(p.last_frame, "last-frame");
  p.negative_prompt = optional(p.negative_prompt, "negative prompt");
  p.seed = optional(p.seed, "seed");
  if (p.sound?.input && !locate(p.sound.input)) {
    warnings.push(`${profile.model}: this version has no ${p.sound.input.field} input; its sound cannot be turned off`);
    p.sound = { ...p.sound, input: null };
  }
  for (const name of Object.keys(p.fixed_inputs)) {
    if (!props.has(name)) {
      warnings.push(`${profile.model}: this version has no ${name} input; not sent`);
      delete p.fixed_inputs[name];
    }
  }
  const mapped = new Set(mappedFields(p));
  const unfillable = [...props.values()].filter((x) => x.required && x.schema.default === undefined && !mapped.has(x.name));
  if (unfillable.length) throw new SchemaMappingError(profile.model, unfillable[0]!.name, "required by this version and not known to the catalog profile");
  return { profile: ModelProfileSchema.parse(p), warnings };
}

/** Every input name a profile may send. */
export function mappedFields(p: ModelProfile): string[] {
  const d = p.duration;
  const names = [p.prompt.field, ...Object.keys(p.fixed_inputs)];
  if (d.kind === "enum" || d.kind === "range") names.push(d.input.field);
  if (d.kind === "frames") names.push(d.frames.field, ...(d.fps ? [d.fps.field] : []));
  for (const r of [p.frame.aspect?.input, p.frame.size?.input, p.frame.resolution?.input, p.frame.dims?.width, p.frame.dims?.height, p.first_frame, p.last_frame, p.negative_prompt, p.seed, p.sound?.input]) if (r) names.push(r.field);
  return names;
}

function bounds(s: JsonSchema): [number | null, number | null] {
  const min = typeof s.minimum === "number" ? s.minimum : typeof s.exclusiveMinimum === "number" ? s.exclusiveMinimum + 1 : null;
  const max = typeof s.maximum === "number" ? s.maximum : typeof s.exclusiveMaximum === "number" ? s.exclusiveMaximum - 1 : null;
  if (s.enum?.length) {
    const nums = s.enum.map(numeric).filter((v): v is number => v !== null);
    if (nums.length) return [Math.min(...nums), Math.max(...nums)];
  }
  return [min, max];
}

/** Each value of a list of lengths spelled with a unit ("5s", "10 sec", "8 seconds"), by its seconds; null unless every value is one. */
export function spelledLengths(values: unknown[]): Record<string, string> | null {
  if (!values.length) return null;
  const out: Record<string, string> = {};
  for (const v of values) {
    const m = typeof v === "string" ? /^\s*(\d+(?:\.\d+)?)\s*(?:s|secs?|seconds?)\s*$/i.exec(v) : null;
    if (!m || !(Number(m[1]) > 0)) return null;
    out[String(Number(m[1]))] = v as string;
  }
  return out;
}

function numeric(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && /^\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return null;
}

/** "16:9" → "16:9"; "landscape" → "16:9"; anything else → null. */
export function shapeOf(v: string): string | null {
  const s = v.trim().toLowerCase();
  if (/^\d+(\.\d+)?:\d+(\.\d+)?$/.test(s) && !/^0+(\.0+)?:|:0+(\.0+)?$/.test(s)) return s;
  return NAMED_SHAPES[s] ?? null;
}

/** "1280*720" / "1280x720" → pixels. */
export function pixels(v: string): { width: number; height: number } | null {
  const m = /^(\d{2,5})\s*[x*×]\s*(\d{2,5})$/i.exec(v.trim());
  return m ? { width: Number(m[1]), height: Number(m[2]) } : null;
}

/** "720p" → 720, "4k" → 2160. */
export function shortSide(v: string): number | null {
  const s = v.trim().toLowerCase();
  const m = /^(\d{3,4})p$/.exec(s);
  if (m) return Number(m[1]);
  if (s === "4k" || s === "2160p") return 2160;
  if (s === "2k") return 1440;
  return null;
}

function sameSet(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((v) => b.includes(v));
}
