// Writes assets/ringtone.wav: a two-tone ring (400 Hz + 450 Hz, on 0.4 s, off 0.2 s,
// on 0.4 s, then silence to 2 s), 8 kHz mono 16-bit PCM. Looped by the incoming-call banner.
// Usage: node renderer/scripts/make-ringtone.mjs
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const RATE = 8000;
const SECONDS = 2;
const samples = new Int16Array(RATE * SECONDS);
const bursts = [
  [0, 0.4],
  [0.6, 1.0],
];
const FADE = 0.01; // seconds of fade in/out, so the bursts do not click

for (const [start, end] of bursts) {
  for (let i = Math.round(start * RATE); i < Math.round(end * RATE); i++) {
    const t = i / RATE;
    const edge = Math.min(1, (t - start) / FADE, (end - t) / FADE);
    const v = 0.5 * (Math.sin(2 * Math.PI * 400 * t) + Math.sin(2 * Math.PI * 450 * t));
    samples[i] = Math.round(v * edge * 0.6 * 32767);
  }
}

const data = Buffer.from(samples.buffer);
const header = Buffer.alloc(44);
header.write('RIFF', 0, 'ascii');
header.writeUInt32LE(36 + data.length, 4);
header.write('WAVE', 8, 'ascii');
header.write('fmt ', 12, 'ascii');
header.writeUInt32LE(16, 16); // fmt chunk size
header.writeUInt16LE(1, 20); // PCM
header.writeUInt16LE(1, 22); // mono
header.writeUInt32LE(RATE, 24);
header.writeUInt32LE(RATE * 2, 28); // byte rate
header.writeUInt16LE(2, 32); // block align
header.writeUInt16LE(16, 34); // bits per sample
header.write('data', 36, 'ascii');
header.writeUInt32LE(data.length, 40);

const out = fileURLToPath(new URL('../../assets/ringtone.wav', import.meta.url));
writeFileSync(out, Buffer.concat([header, data]));
console.log(`wrote ${out} (${44 + data.length} bytes)`);
