import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SETTINGS } from "../../graph/configuration.js";

/** Every setting reelgraph reads is listed in .env.example and in the README's configuration table. */
describe("settings are documented", () => {
  const env = readFileSync(new URL("../../.env.example", import.meta.url), "utf8");
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  it.each(SETTINGS.map((s) => s.name))("%s", (name) => {
    expect(env, ".env.example").toMatch(new RegExp(`^#?\\s*${name}=`, "m"));
    // A row may name siblings by their ending: `REELGRAPH_X_A` / `…_B`.
    const parts = name.split("_");
    const named = readme.includes(`\`${name}\``) || parts.slice(1).some((_, i) => readme.includes(`\`…_${parts.slice(i + 1).join("_")}\``));
    expect(named, `README.md names ${name}`).toBe(true);
  });
});
