/**
 * Dial policy benchmark: how long one attempt's decision takes (read the target through the
 * dial plan, decide every reading, the strictest stands), for generated spellings of numbers in
 * the US, Poland and the UK, with 100,000 numbers on the internal list. The decision sits between
 * the agent's click and the INVITE, so its p95 is held against a 1 ms floor; the peer figure is
 * libphonenumber's own parse-and-validate of the plain E.164 number (the least any gate does).
 *
 *   npx tsx tests/bench/policy-bench.ts              # 20,000 decisions
 *   npx tsx tests/bench/policy-bench.ts --n 5000
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { ComplianceService } from '../../electron/core/compliance/compliance-service.js';
import { DialPolicy } from '../../electron/core/compliance/dial-policy.js';
import { openSqliteStore } from '../../electron/core/data/sqlite/store.js';
import { campaignSchema, defaultDispositions } from '../../shared/campaign.js';
import { defaultDialPlan } from '../../shared/dial-plan.js';
import { mulberry32 } from '../support/prng.js';
import { spell } from '../support/spellings.js';

const argv = process.argv.slice(2);
const nAt = argv.indexOf('--n');
const N = nAt >= 0 ? Number(argv[nAt + 1]) : 20_000;
const FLOOR_P95_MS = 1;

const dir = mkdtempSync(join(tmpdir(), 'ringside-policy-bench-'));
const store = openSqliteStore(join(dir, 'ringside.db'));
const script = { coldStart: 'a', warmStart: 'a', steps: [{ id: 'a', title: 'Hello', text: 'Hello' }] };
const campaigns = await Promise.all(
  ['US', 'PL', 'GB'].map((c) =>
    store.campaigns.save(campaignSchema.parse({ name: `Survey ${c}`, kind: 'survey', defaultCountry: c, dispositions: defaultDispositions, script })),
  ),
);
const current = campaigns[0]!;
const compliance = new ComplianceService({
  store,
  dataDir: dir,
  currentCampaignId: () => current.id,
  defaultCountry: async () => 'US',
  emit: () => undefined,
  log: { info: () => undefined, warn: () => undefined },
  now: () => Date.parse('2026-11-25T16:00:00Z'),
});
compliance.init();
const plan = { ...defaultDialPlan('US'), outsideLinePrefixes: ['9'], featureCodes: ['*67', '*82', '#31#'] };
const policy = new DialPolicy({
  compliance,
  store,
  account: () => ({ dialPlan: plan, domain: 'pbx.example.com', team: [], monitorCodes: [] }),
  currentCampaignId: () => current.id,
  dispositionRequired: () => false,
});

const rand = mulberry32(11);
const numbers: string[] = [];
const prefixes = { US: ['+1212', '+1305', '+1415', '+1617'], PL: ['+4822', '+4812', '+4860'], GB: ['+4420', '+44161'] } as const;
while (numbers.length < 2000) {
  const country = (['US', 'PL', 'GB'] as const)[numbers.length % 3]!;
  const p = prefixes[country][Math.floor(rand() * prefixes[country].length)]!;
  const digits = Array.from({ length: (country === 'US' ? 12 : country === 'PL' ? 12 : 13) - p.length }, () => Math.floor(rand() * 10)).join('');
  const parsed = parsePhoneNumberFromString(`${p}${digits}`);
  if (parsed?.isValid()) numbers.push(parsed.number);
}
// 100,000 numbers on the internal list, among them every tenth of the test numbers.
const dnc = Array.from({ length: 100_000 }, (_, i) => `+4860${String(1_000_000 + i).slice(-7)}`);
await store.dnc.addMany([...dnc, ...numbers.filter((_, i) => i % 10 === 0)], 'bench', Date.now());
const ctx = { plan, domain: 'pbx.example.com', countries: ['US', 'PL', 'GB'] };
const targets = Array.from({ length: N }, (_, i) => spell(rand, numbers[i % numbers.length]!, ctx));

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

// Warm-up (JIT, metadata, the holiday cache), then measure.
for (let i = 0; i < 500; i++) await policy.preview({ target: targets[i]!, path: 'manual', leadId: null });
const times: number[] = [];
let blocked = 0;
let readings = 0;
const t0 = performance.now();
for (const target of targets) {
  const a = performance.now();
  const { permit } = await policy.preview({ target, path: 'manual', leadId: null });
  times.push(performance.now() - a);
  if (!permit.allowed) blocked++;
  readings += permit.decision.target?.readings.length ?? 0;
}
const total = performance.now() - t0;
const peer: number[] = [];
for (let i = 0; i < N; i++) {
  const a = performance.now();
  parsePhoneNumberFromString(numbers[i % numbers.length]!)?.isValid();
  peer.push(performance.now() - a);
}
const fmt = (ms: number): string => `${(ms * 1000).toFixed(0)} µs`;
console.log(
  `dial policy: ${N} generated spellings (${(readings / N).toFixed(2)} readings each, ${blocked} refused), internal list of ${dnc.length.toLocaleString('en-US')} numbers`,
);
console.log(`| figure | policy decision | peer: libphonenumber parse + isValid of the E.164 | floor |`);
console.log(`|---|---|---|---|`);
console.log(`| p50 | ${fmt(quantile(times, 0.5))} | ${fmt(quantile(peer, 0.5))} | |`);
console.log(
  `| p95 | ${fmt(quantile(times, 0.95))} | ${fmt(quantile(peer, 0.95))} | ≤ ${FLOOR_P95_MS} ms: ${quantile(times, 0.95) <= FLOOR_P95_MS ? 'met' : 'not met'} |`,
);
console.log(`| decisions / s | ${Math.round(N / (total / 1000)).toLocaleString('en-US')} | | |`);
await store.close();
rmSync(dir, { recursive: true, force: true });
