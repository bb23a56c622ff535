/** Where a composition failed. */
export type ComposeStage = "input" | "probe" | "plan" | "segment" | "concat" | "audio" | "verify" | "finalize";

export interface ComposeErrorContext {
  stage: ComposeStage;
  scene_id?: string;
  clip_id?: string;
  /** The file being read or written, when there is one. */
  path?: string;
}

/** A composition that could not be made, with the stage and scene it failed at. */
export class ComposeError extends Error {
  override readonly name = "ComposeError";
  readonly stage: ComposeStage;
  readonly scene_id: string | undefined;
  constructor(
    message: string,
    readonly context: ComposeErrorContext,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.stage = context.stage;
    this.scene_id = context.scene_id;
  }
}
