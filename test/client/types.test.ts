import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generateClientTypes, TYPES_FILE } from "../../scripts/client-types.js";

describe("client/openapi.ts", () => {
  it("is what openapi-typescript makes of the current OpenAPI document (else: npm run client:types)", async () => {
    const want = await generateClientTypes();
    const have = readFileSync(TYPES_FILE, "utf8");
    expect(have === want, "client/openapi.ts is out of date: run npm run client:types").toBe(true);
    expect(have).toContain('"/api/v1/generations/{id}/events"');
  });
});
