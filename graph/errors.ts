/** The model's answer could not be used, even after one repair attempt. */
export class LlmOutputError extends Error {
  override readonly name = "LlmOutputError";
  constructor(
    readonly task: string,
    readonly model: string,
    readonly problems: string[],
    options?: { cause?: unknown },
  ) {
    super(`${task}: ${model} gave an unusable answer: ${problems.slice(0, 3).join("; ")}`, options);
  }
}

/** The model API itself failed (network, 4xx/5xx, timeout). */
export class LlmCallError extends Error {
  override readonly name = "LlmCallError";
  constructor(
    readonly task: string,
    readonly model: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${task}: ${model} call failed: ${message}`, options);
  }
}
