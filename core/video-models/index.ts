/**
 * Video models as data, and the pure functions the plan, generate, compose and edit nodes
 * use with them: shots that fit a model, the exact input for a shot, a check of that input
 * against the model's schema, the cost, and how a clip is reframed to the output.
 */
export * from "./profile.js";
export * from "./openapi.js";
export * from "./lengths.js";
export * from "./shots.js";
export * from "./request.js";
export * from "./validate.js";
export * from "./cost.js";
export * from "./reframe.js";
export * from "./from-schema.js";
