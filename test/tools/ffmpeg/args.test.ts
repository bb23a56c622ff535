import { describe, expect, it } from "vitest";
import {
  animaticArgs,
  audioMuxArgs,
  concatArgs,
  concatList,
  fmtS,
  quoteConcatPath,
  segmentArgs,
  timescaleFor,
  videoEncodeArgs,
  X264_HEADER_PARAMS,
  type SegmentSpec,
} from "../../../tools/ffmpeg/args.js";

const FONT = { file: "/fonts/Bold.ttf" };

/** The value that follows a flag, asserting the flag appears exactly once. */
function flag(args: string[], name: string): string {
  const at = args.flatMap((a, i) => (a === name ? [i] : []));
  expect(at, `${name} should appear once`).toHaveLength(1);
  return args[at[0] + 1];
}

function baseSegment(over: Partial<SegmentSpec> = {}): SegmentSpec {
  return {
    input: "/clips/a.mp4",
    sourceInS: 0,
    speed: 1,
    frames: 45,
    fps: 30,
    width: 320,
    height: 180,
    crop: null,
    scale: null,
    pad: null,
    fadeInFrames: 0,
    overlay: null,
    outPath: "/cache/seg.mp4.tmp",
    ...over,
  };
}

describe("shared encoder profile", () => {
  it("pins everything that reaches the stream headers", () => {
    const a = videoEncodeArgs({ fps: 30, crf: 21 });
    expect(flag(a, "-c:v")).toBe("libx264");
    expect(flag(a, "-bf")).toBe("0");
    expect(flag(a, "-x264-params")).toBe(X264_HEADER_PARAMS);
    expect(X264_HEADER_PARAMS).toContain("stitchable=1");
    expect(flag(a, "-pix_fmt")).toBe("yuv420p");
    expect(flag(a, "-video_track_timescale")).toBe("90000");
    expect(flag(a, "-g")).toBe("30");
    expect(flag(a, "-sc_threshold")).toBe("0");
    expect(a).toContain("-an");
  });

  it("only the search effort differs between animatics and segments", () => {
    const anim = animaticArgs({ width: 320, height: 180, fps: 30, frames: 30, colors: ["0x112233", "0x445566"], gradient: { type: "linear", speed: 0.01, seed: 1 }, layers: [], outPath: "/o.mp4" });
    const seg = segmentArgs(baseSegment());
    for (const name of ["-c:v", "-bf", "-x264-params", "-pix_fmt", "-video_track_timescale"]) expect(flag(anim, name)).toBe(flag(seg, name));
    expect(flag(anim, "-preset")).not.toBe(flag(seg, "-preset"));
  });

  it("uses a timescale that holds every frame duration exactly", () => {
    expect(timescaleFor(30)).toBe(90000);
    expect(timescaleFor(24)).toBe(90000);
    expect(timescaleFor(7)).toBe(7000);
    expect(() => timescaleFor(29.97)).toThrow(RangeError);
  });

  it("formats seconds without exponents", () => {
    expect(fmtS(0)).toBe("0");
    expect(fmtS(1.5)).toBe("1.5");
    expect(fmtS(1e-7)).toBe("0");
    expect(fmtS(47 / 30)).toBe("1.566667");
    expect(() => fmtS(-1)).toThrow(RangeError);
  });
});

describe("animaticArgs", () => {
  const spec = {
    width: 1280,
    height: 720,
    fps: 30,
    frames: 150,
    colors: ["0x1E3A8A", "0xF59E0B"],
    gradient: { type: "radial" as const, speed: 0.008, seed: 42 },
    layers: [{ textFile: "/tmp/title.txt", font: FONT, fontSize: "64*(1+0.12*t/5)", x: "(w-tw)/2", y: "(h-th)/2" }],
    outPath: "/out/clip.mp4.tmp",
  };

  it("draws a small gradient scaled up, text from a file, exact frames", () => {
    const a = animaticArgs(spec);
    expect(a.slice(0, 2)).toEqual(["-f", "lavfi"]);
    const source = flag(a, "-i");
    expect(source).toMatch(/^gradients=s=320x180:r=30:c0=0x1E3A8A:c1=0xF59E0B:n=2:/);
    expect(source).toContain("type=radial");
    expect(source).toContain("seed=42");
    const vf = flag(a, "-vf");
    expect(vf).toMatch(/^scale=w=1280:h=720:flags=bilinear/);
    expect(vf).toContain("textfile=/tmp/title.txt");
    expect(vf).toContain("expansion=none");
    expect(vf).toContain("fontfile=/fonts/Bold.ttf");
    expect(vf).toContain("fontsize=64*(1+0.12*t/5)");
    expect(flag(a, "-frames:v")).toBe("150");
    expect(a[a.length - 1]).toBe("/out/clip.mp4.tmp");
    expect(a[a.length - 3]).toBe("-f");
    expect(a[a.length - 2]).toBe("mp4");
  });

  it("rejects colours that are not 0xRRGGBB and odd sizes", () => {
    expect(() => animaticArgs({ ...spec, colors: ["0x1E3A8A", "red:c1=0x000000"] })).toThrow(RangeError);
    expect(() => animaticArgs({ ...spec, colors: ["0x1E3A8A"] })).toThrow(RangeError);
    expect(() => animaticArgs({ ...spec, width: 321 })).toThrow(RangeError);
    expect(() => animaticArgs({ ...spec, frames: 0 })).toThrow(RangeError);
  });
});

describe("segmentArgs", () => {
  it("a plain slice: seek, bounded read, exact frame count, no copy", () => {
    const a = segmentArgs(baseSegment({ sourceInS: 0.5 }));
    expect(a.indexOf("-ss")).toBeLessThan(a.indexOf("-i"));
    expect(flag(a, "-ss")).toBe("0.5");
    expect(flag(a, "-t")).toBe(fmtS(47 / 30));
    expect(flag(a, "-i")).toBe("/clips/a.mp4");
    expect(flag(a, "-map")).toBe("0:v:0");
    expect(flag(a, "-frames:v")).toBe("45");
    const vf = flag(a, "-vf").split(",");
    expect(vf[0]).toBe("setpts=PTS-STARTPTS");
    expect(vf[1]).toBe("fps=30");
    expect(vf[2]).toBe("tpad=stop_mode=clone:stop_duration=1.5");
    expect(vf).toContain("setsar=1");
    expect(vf.some((f) => f.startsWith("fade") || f.startsWith("drawtext") || f.startsWith("crop") || f.startsWith("pad"))).toBe(false);
    expect(a).not.toContain("copy");
  });

  it("retimes for speed and reads speed × the duration of source", () => {
    const a = segmentArgs(baseSegment({ speed: 2, frames: 30 }));
    expect(flag(a, "-vf")).toMatch(/^setpts=\(PTS-STARTPTS\)\/2,fps=30,/);
    expect(flag(a, "-t")).toBe(fmtS((32 / 30) * 2));
  });

  it("crops, scales and pads to the output, then fades and draws the overlay", () => {
    const a = segmentArgs(
      baseSegment({
        crop: { x: 10, y: 0, w: 100, h: 180 },
        scale: { width: 100, height: 180 },
        pad: { x: 110, y: 0 },
        fadeInFrames: 12,
        overlay: { textFile: "/tmp/cta.txt", font: FONT, fontSize: 16, x: "(w-tw)/2", y: "h-th-h*0.1", enable: "between(n,30,44)", alpha: "min(1,(n-30+0+1)/7)" },
      }),
    );
    const vf = flag(a, "-vf");
    const order = ["crop=100:180:10:0", "scale=w=100:h=180", "pad=320:180:110:0", "setsar=1", "fade=t=in:s=0:n=12", "drawtext="].map((s) => vf.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    expect(vf).toContain("enable=between(n\\,30\\,44)");
    expect(vf).toContain("alpha=min(1\\,(n-30+0+1)/7)");
    expect(vf).toContain("textfile=/tmp/cta.txt");
  });

  it("never fades longer than the segment", () => {
    expect(flag(segmentArgs(baseSegment({ frames: 5, fadeInFrames: 12 })), "-vf")).toContain("fade=t=in:s=0:n=5:");
  });

  it("rejects nonsense", () => {
    expect(() => segmentArgs(baseSegment({ frames: 2.5 }))).toThrow(RangeError);
    expect(() => segmentArgs(baseSegment({ speed: 0 }))).toThrow(RangeError);
    expect(() => segmentArgs(baseSegment({ sourceInS: -1 }))).toThrow(RangeError);
  });
});

describe("concat", () => {
  it("lists each part with its exact duration and cuts long copies half a frame early", () => {
    const list = concatList([
      { path: "/seg/a.mp4", frames: 45, fps: 30 },
      { path: "/clips/b.mp4", frames: 47, fps: 30, cut: true },
    ]);
    expect(list.split("\n")).toEqual([
      "ffconcat version 1.0",
      "file '/seg/a.mp4'",
      "duration 1.5",
      "file '/clips/b.mp4'",
      `outpoint ${fmtS(46.5 / 30)}`,
      `duration ${fmtS(47 / 30)}`,
      "",
    ]);
  });

  it("enters a file at a keyframe and cuts it in the file's own time", () => {
    const list = concatList([{ path: "/clips/c.mp4", frames: 15, fps: 30, inFrame: 30, cut: true }]);
    expect(list.split("\n").slice(1, 5)).toEqual(["file '/clips/c.mp4'", "inpoint 1", `outpoint ${fmtS(44.5 / 30)}`, "duration 0.5"]);
    expect(() => concatList([{ path: "/c.mp4", frames: 15, fps: 30, inFrame: 31 }])).toThrow(RangeError);
  });

  it("quotes paths so that quotes and spaces survive and line breaks are refused", () => {
    expect(quoteConcatPath("/a/it's here.mp4")).toBe("'/a/it'\\''s here.mp4'");
    expect(() => concatList([{ path: "/a\nfile '/etc/passwd'", frames: 1, fps: 30 }])).toThrow();
    expect(() => concatList([])).toThrow(RangeError);
  });

  it("joins with stream copy only", () => {
    const a = concatArgs({ listPath: "/tmp/l.txt", outPath: "/out/v.mp4.tmp", fps: 30 });
    expect(a.slice(0, 6)).toEqual(["-f", "concat", "-safe", "0", "-i", "/tmp/l.txt"]);
    expect(flag(a, "-c")).toBe("copy");
    expect(a).not.toContain("libx264");
    expect(a).not.toContain("-vf");
    expect(flag(a, "-video_track_timescale")).toBe("90000");
  });
});

describe("audioMuxArgs", () => {
  it("copies the video and trims, fades and pads the song to exactly the video", () => {
    const a = audioMuxArgs({ videoPath: "/v.mp4", audioPath: "/song.wav", offsetS: 12.5, durationS: 30, fadeOutS: 2, outPath: "/o.mp4" });
    expect(a.slice(0, 6)).toEqual(["-i", "/v.mp4", "-ss", "12.5", "-i", "/song.wav"]);
    expect(flag(a, "-c:v")).toBe("copy");
    expect(flag(a, "-c:a")).toBe("aac");
    expect(flag(a, "-af")).toBe("atrim=duration=30,asetpts=PTS-STARTPTS,afade=t=out:st=28:d=2,apad=whole_dur=30,atrim=duration=30");
    expect(a).not.toContain("-shortest");
    expect(a.filter((x) => x === "-map")).toHaveLength(2);
  });

  it("leaves the fade out when there is none and never fades past the start", () => {
    expect(flag(audioMuxArgs({ videoPath: "/v", audioPath: "/s", offsetS: 0, durationS: 3, fadeOutS: 0, outPath: "/o" }), "-af")).not.toContain("afade");
    expect(flag(audioMuxArgs({ videoPath: "/v", audioPath: "/s", offsetS: 0, durationS: 3, fadeOutS: 9, outPath: "/o" }), "-af")).toContain("afade=t=out:st=0:d=3");
  });
});
