/**
 * Chromium launcher for tests, benchmarks and the lab demo.
 *
 * Uses Debian's /usr/bin/chromium through playwright-core (never a downloaded browser).
 * Fake media devices are enabled so getUserMedia works without prompts; by default
 * Chromium's fake microphone produces a short beep every second. Pass
 * `fakeAudioFile` (a WAV file) to capture from a file instead.
 *
 * WebRTC media must stay on loopback: run under tests/tools/netns.sh (loopback-only network
 * namespace); `--allow-loopback-in-peer-connection` is what lets Chromium gather 127.0.0.1
 * candidates there.
 */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_EXECUTABLE = '/usr/bin/chromium';

/** The fixed set of Chromium flags every test browser is started with. */
export const CHROMIUM_FLAGS: readonly string[] = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  // Chromium leaves the loopback interface out of WebRTC's network list by default, so inside a
  // loopback-only network namespace (tests/tools/netns.sh) no ICE candidate would be gathered
  // at all. This makes 127.0.0.1 host candidates appear.
  '--allow-loopback-in-peer-connection',
]);

export interface LaunchChromiumOptions {
  /** WAV file used as the fake microphone (`--use-file-for-fake-audio-capture`). */
  fakeAudioFile?: string;
  /** Defaults to true. */
  headless?: boolean;
}

/** Full argument list for the given options. */
export function chromiumArgs(opts: LaunchChromiumOptions = {}): string[] {
  const args = [...CHROMIUM_FLAGS];
  if (opts.fakeAudioFile) args.push(`--use-file-for-fake-audio-capture=${opts.fakeAudioFile}`);
  return args;
}

export async function launchChromium(opts: LaunchChromiumOptions = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_EXECUTABLE,
    headless: opts.headless ?? true,
    args: chromiumArgs(opts),
  });
}
