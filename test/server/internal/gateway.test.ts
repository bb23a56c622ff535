import { describe, expect, it } from "vitest";
import { ConfigurationError, loadConfiguration } from "../../../graph/configuration.js";
import { remoteFfmpegFromConfig } from "../../../server/internal/gateway.js";
import { mediaFileUrl } from "../../../tools/ffmpeg-service/http.js";
import { createMediaStore } from "../../../tools/media/store.js";
import { openDb } from "../../../tools/store/sqlite/db.js";
import { memoryLog } from "./helpers.js";

describe("remoteFfmpegFromConfig", () => {
  const deps = { db: openDb(":memory:"), media: createMediaStore("/tmp/reelgraph-gateway-test"), log: memoryLog() };

  it("is null without REELGRAPH_FFMPEG_SERVICE_URL: compose stays in-process", () => {
    expect(remoteFfmpegFromConfig(loadConfiguration({}), deps)).toBeNull();
  });

  it("needs the internal token and the public URL the service calls back to", () => {
    const url = { REELGRAPH_FFMPEG_SERVICE_URL: "http://127.0.0.1:8090" };
    expect(() => remoteFfmpegFromConfig(loadConfiguration({ ...url, REELGRAPH_PUBLIC_URL: "http://127.0.0.1:8080" }), deps)).toThrow(ConfigurationError);
    expect(() => remoteFfmpegFromConfig(loadConfiguration({ ...url, REELGRAPH_INTERNAL_TOKEN: "t" }), deps)).toThrow(/REELGRAPH_PUBLIC_URL/);
    const remote = remoteFfmpegFromConfig(loadConfiguration({ ...url, REELGRAPH_INTERNAL_TOKEN: "t", REELGRAPH_PUBLIC_URL: "http://127.0.0.1:8080" }), deps);
    expect(remote).not.toBeNull();
    expect(typeof remote!.composer.compose).toBe("function");
    expect(typeof remote!.audio.analyze).toBe("function");
  });
});

describe("mediaFileUrl", () => {
  it("maps a file under the media root to the media route, escaping each segment", () => {
    expect(mediaFileUrl("http://gw:8080/", "/data/media", "/data/media/clips/gen 1/clip#1.mp4")).toBe("http://gw:8080/internal/v1/media/clips/gen%201/clip%231.mp4");
  });

  it.each(["/data/other/x.mp4", "/data/media", "/data/media/../secret", "/data/media/.cache/x.mp4"])("refuses %s", (path) => {
    expect(() => mediaFileUrl("http://gw:8080", "/data/media", path)).toThrow(/not under the media folder/);
  });
});
