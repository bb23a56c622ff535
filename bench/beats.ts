import { join } from "node:path";
import { analyzeAudioFile } from "../tools/audio/analyze.js";
import { decodeArgs } from "../tools/audio/decode.js";
import { runFfmpeg } from "../tools/ffmpeg/run.js";
import { drumArgs } from "../tools/audio/synth.js";
import { median, round, timeIt } from "./stats.js";

export interface BeatFigures {
  s_per_audio_min: number;
  audio_s: number;
  runs: number;
  bpm_found: number | null;
  bpm_true: number;
  input: string;
  /**
   * FFmpeg alone decoding the same file with the same arguments (a fresh process, stdout read
   * to the end and dropped), median of `runs`, per audio minute: the part of the figure no
   * analyser can remove on this machine, measured in the same run.
   */
  decode_floor_s_per_min: number;
}

const BPM = 124;

/**
 * analyzeAudioFile (decode with FFmpeg + tempo, beats and bars in TypeScript) on a
 * synthesised song saved the way uploads arrive: AAC in MP4, 44.1 kHz stereo. The song is
 * a drum pattern at a known tempo with a chord pad and pink noise under it. Wall seconds
 * per minute of audio, median of `runs`.
 */
export async function measureBeats(o: { dir: string; seconds: number; runs: number }): Promise<BeatFigures> {
  const drums = join(o.dir, "drums.wav");
  const song = join(o.dir, "song.m4a");
  await runFfmpeg(drumArgs({ bpm: BPM, durationS: o.seconds, noise: 0.05, sampleRate: 44100 }, drums), { timeoutS: 300 });
  await runFfmpeg(
    [
      "-v", "error",
      "-i", drums,
      "-f", "lavfi", "-i", `sine=frequency=110:sample_rate=44100:duration=${o.seconds}`,
      "-f", "lavfi", "-i", `sine=frequency=164.81:sample_rate=44100:duration=${o.seconds}`,
      "-filter_complex", "[1:a]volume=0.12[a1];[2:a]volume=0.08[a2];[0:a][a1][a2]amix=inputs=3:normalize=0,aformat=channel_layouts=stereo[a]",
      "-map", "[a]", "-c:a", "aac", "-b:a", "160k", "-ar", "44100", song,
    ],
    { timeoutS: 300 },
  );
  const times: number[] = [];
  const floor: number[] = [];
  let bpm: number | null = null;
  let duration = o.seconds;
  for (let r = 0; r < o.runs; r++) {
    const t = await timeIt(() => analyzeAudioFile(song));
    times.push(t.s);
    bpm = t.value.bpm;
    duration = t.value.duration_s;
    floor.push((await timeIt(() => runFfmpeg(decodeArgs(song, { sampleRate: 11025 }), { onStdout: () => {}, timeoutS: 300 }))).s);
  }
  return {
    s_per_audio_min: round(median(times) / (duration / 60), 3),
    audio_s: round(duration, 1),
    runs: o.runs,
    bpm_found: bpm === null ? null : round(bpm, 1),
    bpm_true: BPM,
    input: "AAC 160 kb/s, 44.1 kHz stereo .m4a: drums at a steady tempo, a two-note pad, pink noise",
    decode_floor_s_per_min: round(median(floor) / (duration / 60), 3),
  };
}
