import { EDIT_SYSTEM, renderEditPrompt, type EditPromptInput } from "../../../prompts/edit.js";
import type { StructuredModel } from "../../ports.js";
import { LlmOutputError } from "../../errors.js";
import type { EditInterpretation } from "../../ports.js";
import { checkOperations, repairOperations } from "./checks.js";
import { ModelEditAnswerSchema, toEditOperations, type ModelEditAnswer } from "./schema.js";

/**
 * The model interpreter: one structured call whose answer is checked against the timeline.
 * An inconsistent plan goes back once with its problems listed; if the second answer still
 * has problems, the deterministic repairs (ids for "scene 2", one target per move…) are
 * tried, and whatever remains rejects the instruction.
 */

/** Problems with an answer, phrased for the model; empty when it can be applied. */
export function answerProblems(answer: ModelEditAnswer, input: EditPromptInput): string[] {
  if (answer.rejection !== null) return [];
  if (!answer.operations.length) return ["there are no operations and no rejection: give the operations, or say in rejection why it cannot be done"];
  return checkOperations(toEditOperations(answer), input.timeline);
}

export interface ModelInterpretOptions {
  timeoutMs?: number;
  maxRetries?: number;
}

/** Interprets with the model; `repaired` lists the problems the repair round fixed. */
export async function interpretWithModel(
  model: StructuredModel,
  input: EditPromptInput,
): Promise<EditInterpretation & { repaired: string[] }> {
  let checks = 0;
  const check = (answer: ModelEditAnswer): string[] => {
    checks += 1;
    const problems = answerProblems(answer, input);
    if (checks === 1 || !problems.length) return problems;
    const fixed = repairOperations(toEditOperations(answer), input.timeline);
    return checkOperations(fixed.ops, input.timeline);
  };
  let answer: ModelEditAnswer;
  let repaired: string[];
  try {
    const result = await model.generate({
      task: "edit",
      schema: ModelEditAnswerSchema,
      system: EDIT_SYSTEM,
      prompt: renderEditPrompt(input),
      check,
    });
    answer = result.value;
    repaired = result.repaired;
  } catch (error) {
    if (!(error instanceof LlmOutputError)) throw error;
    return {
      operations: [],
      warnings: [],
      rejection: `the model's edit did not fit the timeline, even after one correction: ${error.problems.join("; ")}`,
      repaired: error.problems,
    };
  }
  if (answer.rejection !== null) return { operations: [], warnings: answer.warnings, rejection: answer.rejection, repaired };
  const fixed = repairOperations(toEditOperations(answer), input.timeline);
  return { operations: fixed.ops, warnings: [...answer.warnings, ...fixed.repairs], rejection: null, repaired };
}
