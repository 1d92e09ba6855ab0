/**
 * The long fault run (`npm run test:faults`): each server fault several times against a real
 * Kamailio, with the 60 s freeze the short test in `npm test` shortens to 5 s. Prints each
 * figure next to its goal (registered ≤ 2 s after the server answers again) and exits non-zero
 * when a goal is missed or an agent was not paused while the line was down.
 */
import { startKamailio } from '../support/kamailio.js';
import { formatFigure, freezeAndThaw, killAndRestart, sleepAndWake, type FaultFigure } from '../support/server-faults.js';

const ROUNDS = Number(process.env.FAULT_ROUNDS ?? 3);
const FREEZE_MS = Number(process.env.FAULT_FREEZE_MS ?? 60_000);
const GOAL_MS = 2000;

async function main(): Promise<void> {
  const sip = await startKamailio();
  const figures: FaultFigure[] = [];
  try {
    for (let i = 0; i < ROUNDS; i++) {
      figures.push(await killAndRestart(sip, 5000));
      figures.push(await sleepAndWake(sip));
    }
    // One long freeze with the default keep-alive, one with a short one.
    figures.push(await freezeAndThaw(sip, FREEZE_MS, 15));
    figures.push(await freezeAndThaw(sip, FREEZE_MS, 5));
  } finally {
    await sip.stop();
  }
  let missed = 0;
  for (const f of figures) {
    const ok = f.backMs <= GOAL_MS && f.pausedMeanwhile && f.availableAfter;
    if (!ok) missed += 1;
    console.log(`${ok ? 'ok  ' : 'MISS'} ${formatFigure(f, GOAL_MS)}`);
  }
  const backs = figures.map((f) => f.backMs).sort((a, b) => a - b);
  console.log(
    `faults: ${figures.length} runs, registered again after median ${backs[Math.floor(backs.length / 2)]} ms, worst ${backs.at(-1)} ms (goal ≤ ${GOAL_MS} ms); ${missed} missed`,
  );
  process.exit(missed === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
