import { randomUUID } from "node:crypto";

/**
 * How reelgraph names things and where the API serves its files: one rule each, used by the
 * stores, the graph and the server alike.
 */

const token = (n: number) => randomUUID().replace(/-/g, "").slice(0, n);

export const newGenerationId = (): string => `gen_${token(20)}`;
export const newEditId = (): string => `edit_${token(20)}`;

/** A generation has one composition; its id follows from the generation's. */
export const compositionIdFor = (generationId: string): string => `comp_${generationId.replace(/^gen_/, "")}`;

/** Where the API serves one version of a composition's MP4 (relative to the API's base). */
export const compositionVideoUrl = (compositionId: string, version: number): string => `/api/v1/compositions/${compositionId}/video?version=${version}`;

/** Where the API serves one clip's MP4 (relative to the API's base). */
export const clipVideoUrl = (clipId: string): string => `/api/v1/clips/${clipId}/video`;
