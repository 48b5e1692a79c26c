import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import ffmpegInstaller from "@ffmpeg-installer/ffmpeg";
import { parseProbeOutput, stderrTail, type MediaProbe } from "./ffmpeg-probe";

/** The static ffmpeg build from @ffmpeg-installer/ffmpeg (2018, with libx264); no ffprobe ships with it. */
export const FFMPEG_PATH: string = ffmpegInstaller.path;

const DEFAULT_TIMEOUT_MS = 120_000;
// ffmpeg can print a line per frame; keep only the end, which holds the reason for a failure.
const STDERR_KEEP_CHARS = 64 * 1024;

export class FfmpegError extends Error {
  constructor(
    message: string,
    readonly details: { exitCode: number | null; signal: string | null; timedOut: boolean; stderr: string },
  ) {
    super(message);
    this.name = "FfmpegError";
  }
}

export interface RunFfmpegOptions {
  timeoutMs?: number;
  /** Exit codes that count as success; probing exits 1 because it names no output. */
  okExitCodes?: readonly number[];
}

/**
 * Runs ffmpeg with an argument array (never a shell, so no file name or
 * value is ever interpreted), no stdin, a hard time limit (SIGKILL), and
 * stderr captured for the error message.
 */
export function runFfmpeg(args: readonly string[], options: RunFfmpegOptions = {}): Promise<{ stderr: string }> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const okExitCodes = options.okExitCodes ?? [0];
  return new Promise((resolve, reject) => {
    const child = spawn(FFMPEG_PATH, ["-hide_banner", "-nostdin", ...args], { stdio: ["ignore", "ignore", "pipe"], shell: false });
    let stderr = "";
    let timedOut = false;
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk;
      if (stderr.length > STDERR_KEEP_CHARS * 2) stderr = stderr.slice(-STDERR_KEEP_CHARS);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new FfmpegError(`ffmpeg could not be started: ${error.message}`, { exitCode: null, signal: null, timedOut: false, stderr }));
    });
    child.on("close", (exitCode, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(new FfmpegError(`ffmpeg took longer than ${timeoutMs} ms and was stopped`, { exitCode, signal, timedOut, stderr }));
      } else if (exitCode !== null && okExitCodes.includes(exitCode)) {
        resolve({ stderr });
      } else {
        reject(new FfmpegError(`ffmpeg failed (exit ${exitCode ?? signal}): ${stderrTail(stderr)}`, { exitCode, signal, timedOut, stderr }));
      }
    });
  });
}

/**
 * What ffmpeg sees in a file. `demuxer` should always be given for untrusted
 * input (see container-sniff.ts). A file ffmpeg cannot open at all yields a
 * probe with no format; the caller decides what that means.
 */
export async function probeMedia(file: string, options: { demuxer?: string; timeoutMs?: number } = {}): Promise<MediaProbe & { stderr: string }> {
  const args = [...(options.demuxer ? ["-f", options.demuxer] : []), "-protocol_whitelist", "file", "-i", file];
  // With no output named ffmpeg exits 1 after printing the input summary; a broken input also exits 1.
  const { stderr } = await runFfmpeg(args, { timeoutMs: options.timeoutMs ?? 30_000, okExitCodes: [0, 1] });
  return { ...parseProbeOutput(stderr), stderr };
}

/** A private temporary directory for one ffmpeg job, removed afterwards whatever happens. */
export async function withTempDir<T>(prefix: string, work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), `shotlane-${prefix}-`));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
