/**
 * `npm run lab`: try Ringside with no PBX of your own.
 *
 * Starts, all on 127.0.0.1:
 *   - Kamailio (SIP over WebSocket) on port 5066 (`--port N` or env LAB_SIP_PORT to change),
 *   - a provisioning file for agent1 in .tmp/lab/agent1.json,
 *   - a simulated customer phone (customer1, a real sip.js phone in headless Chromium with a
 *     fake microphone) that rings, auto-answers after 1.5 s and hangs up after 60 s of talk.
 *
 * Type `c` + Enter (or pass `--call-me-in N`) and the customer calls agent1 instead.
 * Ctrl+C stops everything.
 *
 *   npm run lab [-- --port 5070] [-- --call-me-in 10]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_EXECUTABLE, chromiumArgs } from '../support/chromium.js';
import type { CustomerPhone, PhoneEvent, PhoneState } from '../support/customer-phone/phone.js';
import { startKamailio, type KamailioServer } from '../support/kamailio.js';
import { serveDir, type StaticServer } from '../support/static-server.js';
import { bundlePage } from '../support/bundle-page.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const labDir = path.join(repoRoot, '.tmp', 'lab');

const HOST = '127.0.0.1';
const DEFAULT_PORT = 5066;
const AGENT = 'agent1';
const CUSTOMER = 'customer1';
const ANSWER_DELAY_MS = 1_500;
const TALK_LIMIT_MS = 60_000;
const POLL_MS = 250;

// ---------------------------------------------------------------------------------------------
// Output

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: string, s: string): string => (useColor ? `\x1b[${code}m${s}\x1b[0m` : s);
const bold = (s: string) => paint('1', s);
const dim = (s: string) => paint('2', s);
const cyan = (s: string) => paint('36', s);
const yellow = (s: string) => paint('33', s);
const red = (s: string) => paint('31', s);

function clock(): string {
  return new Date().toTimeString().slice(0, 8);
}
function say(msg: string): void {
  console.log(`${dim(clock())} ${msg}`);
}
function customerSays(msg: string): void {
  say(`${cyan('[customer1]')} ${msg}`);
}

class LabError extends Error {}

// ---------------------------------------------------------------------------------------------
// Arguments

interface Options {
  port: number;
  callMeInS: number | null;
}

const USAGE = `Usage: npm run lab [-- --port N] [-- --call-me-in SECONDS]

  --port N            SIP WebSocket port of the lab's Kamailio (default ${DEFAULT_PORT}, or env LAB_SIP_PORT)
  --call-me-in S      the customer calls ${AGENT} after S seconds (type c + Enter to do it any time)
  --help              this text`;

function parseArgs(argv: string[]): Options {
  const opts: Options = { port: DEFAULT_PORT, callMeInS: null };
  const envPort = process.env.LAB_SIP_PORT;
  if (envPort) opts.port = parsePort(envPort, 'LAB_SIP_PORT');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new LabError(`${name} needs a value\n\n${USAGE}`);
      return v;
    };
    switch (name) {
      case '--port':
        opts.port = parsePort(value(), '--port');
        break;
      case '--call-me-in': {
        const v = value();
        const n = Number(v);
        if (!Number.isFinite(n) || n < 0) throw new LabError(`--call-me-in: "${v}" is not a number of seconds`);
        opts.callMeInS = n;
        break;
      }
      case '-h':
      case '--help':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new LabError(`unknown argument "${arg}"\n\n${USAGE}`);
    }
  }
  return opts;
}

function parsePort(v: string, what: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new LabError(`${what}: "${v}" is not a TCP port (1-65535)`);
  return n;
}

/** Fails with a clear message when something already listens on HOST:port. */
async function ensurePortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(
          new LabError(
            `Port ${port} on ${HOST} is already in use (another \`npm run lab\` still running?).\n` +
              `Stop whatever listens there (\`ss -ltnp 'sport = :${port}'\` shows it) or pick another port:\n` +
              `  npm run lab -- --port ${port + 1}      or      LAB_SIP_PORT=${port + 1} npm run lab`,
          ),
        );
      } else if (err.code === 'EACCES') {
        reject(new LabError(`Not allowed to listen on port ${port}; pick a port above 1024 with --port N`));
      } else reject(err);
    });
    srv.listen({ port, host: HOST, exclusive: true }, () => srv.close(() => resolve()));
  });
}

// ---------------------------------------------------------------------------------------------
// Resources, stopped in reverse order on Ctrl+C, SIGTERM or any error

const cleanups: { name: string; fn: () => Promise<unknown> }[] = [];
let stopping: Promise<void> | null = null;

function onCleanup(name: string, fn: () => Promise<unknown>): void {
  cleanups.push({ name, fn });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([p, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms).unref())]);
}

function shutdown(code: number): Promise<void> {
  stopping ??= (async () => {
    for (const { name, fn } of cleanups.reverse()) {
      try {
        if (process.env.LAB_DEBUG) say(dim(`stopping ${name}`));
        await withTimeout(fn(), 5_000);
      } catch (err) {
        console.error(dim(`(stopping ${name}: ${err instanceof Error ? err.message : String(err)})`));
      }
    }
    cleanups.length = 0;
    if (code === 0) say('Lab stopped.');
    process.exit(code);
  })();
  return stopping;
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    console.log('');
    say('Stopping the lab…');
    void shutdown(0);
  });
}
process.on('uncaughtException', (err) => fail(err));
process.on('unhandledRejection', (err) => fail(err));

function fail(err: unknown): void {
  if (stopping) return;
  const msg = err instanceof LabError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
  console.error(`\n${red('lab error:')} ${msg}`);
  void shutdown(1);
}

// ---------------------------------------------------------------------------------------------
// Customer phone

async function buildCustomerPage(): Promise<string> {
  return bundlePage({
    entry: path.join(here, 'customer-entry.ts'),
    html: path.join(repoRoot, 'tests/support/customer-phone/index.html'),
    outDir: path.join(labDir, 'customer-phone'),
    script: 'phone.js',
    sourcemap: true,
  });
}

type Phone = <T>(fn: (phone: CustomerPhone) => T | Promise<T>) => Promise<T>;

function phoneOn(page: Page): Phone {
  return <T>(fn: (phone: CustomerPhone) => T | Promise<T>) => page.evaluate(`(${fn.toString()})(window.phone)`) as Promise<T>;
}

/** Prints what the customer phone does, hangs up after the talk limit. */
class Watcher {
  private lastEventKey: string | null = null;
  private establishedAt: number | null = null;
  private hungUpByLab = false;
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private lastRegistered = true;
  private ringingReported = false;
  /** A call ended unanswered in this batch, with no reason reported (yet). */
  private endedUnanswered = false;

  constructor(private readonly phone: Phone) {}

  start(): void {
    this.timer = setInterval(() => void this.poll(), POLL_MS);
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async poll(): Promise<void> {
    if (this.polling || stopping) return;
    this.polling = true;
    try {
      const { state, events } = await this.phone((p) => ({ state: p.state(), events: p.events() }));
      // the page keeps the last 2000 events: continue after the last one printed
      const key = (e: PhoneEvent) => `${e.rel}|${e.type}|${e.detail ?? ''}`;
      let from = 0;
      if (this.lastEventKey !== null) {
        for (let i = events.length - 1; i >= 0; i--) {
          if (key(events[i]) === this.lastEventKey) {
            from = i + 1;
            break;
          }
        }
      }
      const fresh = events.slice(from);
      if (events.length) this.lastEventKey = key(events[events.length - 1]);
      this.endedUnanswered = false;
      for (const e of fresh) this.report(e, state);
      if (this.endedUnanswered) customerSays(`${bold('hung up')} — the call ended before it was answered`);
      this.checkTalkLimit(state);
      if (state.registered !== this.lastRegistered) {
        this.lastRegistered = state.registered;
        customerSays(state.registered ? 'registered again' : yellow('not registered any more'));
      }
    } catch (err) {
      if (!stopping) fail(err);
    } finally {
      this.polling = false;
    }
  }

  private report(e: PhoneEvent, state: PhoneState): void {
    switch (e.type) {
      case 'invite-received':
        customerSays(`${bold('ringing')} — incoming call from ${e.detail || 'unknown'} (answers in ${ANSWER_DELAY_MS / 1000} s)`);
        break;
      case 'busy':
        customerSays(`busy, ${e.detail ?? 'rejected a second call'}`);
        break;
      case 'answer':
        customerSays('answering…');
        break;
      case 'call':
        this.ringingReported = false;
        customerSays(`calling ${e.detail}…`);
        break;
      case 'progress':
        if ((e.detail === '180' || e.detail === '183') && !this.ringingReported) {
          this.ringingReported = true;
          customerSays(`${bold('ringing')} at the agent (${e.detail}) — answer it in Ringside`);
        }
        break;
      case 'rejected': {
        this.endedUnanswered = false;
        const hint = /^(480|404)\b/.test(e.detail ?? '') ? ` — is Ringside running and registered as ${AGENT}?` : '';
        customerSays(yellow(`call not answered: ${e.detail}${hint}`));
        break;
      }
      case 'call-state':
        if (e.detail === 'established') {
          this.establishedAt = Date.now();
          this.hungUpByLab = false;
          customerSays(
            `${bold('answered')} — talking (you should hear the fake microphone's beep every second; hangs up by itself after ${TALK_LIMIT_MS / 1000} s)`,
          );
        } else if (e.detail === 'terminated' && this.establishedAt === null) {
          this.endedUnanswered = !state.byeReceived;
        } else if (e.detail === 'terminated') {
          const talked = this.establishedAt ? ` after ${Math.round((Date.now() - this.establishedAt) / 1000)} s of talk` : '';
          const who = state.byeReceived ? 'the agent hung up' : this.hungUpByLab ? 'the customer hung up' : 'call ended';
          customerSays(`${bold('hung up')} — ${who}${talked}`);
          this.establishedAt = null;
        }
        break;
      case 'hold-done':
        customerSays(`hold ${e.detail}`);
        break;
      case 'reinvite-received':
        customerSays(`re-INVITE from the agent (${e.detail === 'sendonly' || e.detail === 'recvonly' || e.detail === 'inactive' ? 'hold' : 'resume/update'})`);
        break;
      case 'transport-disconnected':
        customerSays(yellow(`lost the connection to Kamailio ${e.detail ?? ''}`));
        break;
      case 'error':
      case 'sip-error':
        customerSays(yellow(`${e.type}: ${e.detail ?? ''}`));
        break;
      default:
        break;
    }
  }

  private checkTalkLimit(state: PhoneState): void {
    if (state.callState !== 'established' || this.establishedAt === null || this.hungUpByLab) return;
    if (Date.now() - this.establishedAt < TALK_LIMIT_MS) return;
    this.hungUpByLab = true;
    customerSays(`${TALK_LIMIT_MS / 1000} s of talk are up, hanging up`);
    this.phone((p) => p.hangup()).catch((err) => customerSays(yellow(`hangup failed: ${String(err)}`)));
  }

  markHangup(): void {
    this.hungUpByLab = true;
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));

  await ensurePortFree(opts.port);
  say(`Starting Kamailio on ${HOST}:${opts.port}…`);
  let kamailio: KamailioServer;
  try {
    kamailio = await startKamailio({ port: opts.port });
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (/ENOENT|spawn/.test(msg) && /kamailio/.test(msg)) {
      throw new LabError(`Kamailio is not installed: apt-get install kamailio kamailio-websocket-modules\n${msg}`);
    }
    throw err;
  }
  onCleanup('Kamailio', () => kamailio.stop());

  const agentAor = `sip:${AGENT}@${kamailio.domain}`;
  const customerAor = `sip:${CUSTOMER}@${kamailio.domain}`;
  await mkdir(labDir, { recursive: true });
  const configPath = path.join(labDir, `${AGENT}.json`);
  await writeFile(
    configPath,
    JSON.stringify({ account: { server: kamailio.wsUrl, aor: agentAor, password: kamailio.users[AGENT], displayName: 'Agent One (lab)' } }, null, 2) + '\n',
  );

  say('Starting the simulated customer phone (headless Chromium)…');
  const pageDir = await buildCustomerPage();
  const server: StaticServer = await serveDir(pageDir);
  onCleanup('page server', () => server.close());
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM_EXECUTABLE,
    headless: true,
    args: chromiumArgs(),
    // the lab handles Ctrl+C itself and closes the browser in order
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  onCleanup('Chromium', () => browser.close());
  browser.on('disconnected', () => {
    if (!stopping) fail(new LabError("the customer phone's Chromium exited unexpectedly"));
  });
  const page = await browser.newPage();
  page.on('crash', () => fail(new LabError('the customer phone page crashed')));
  page.on('pageerror', (err) => customerSays(yellow(`page error: ${err.message}`)));
  await page.goto(server.url);
  await page.waitForFunction(() => (window as unknown as { phone?: CustomerPhone }).phone?.ready === true, undefined, { timeout: 15_000 });
  const phone = phoneOn(page);
  await page.evaluate((o) => (window as unknown as { phone: CustomerPhone }).phone.start(o), {
    wsUrl: kamailio.wsUrl,
    aor: customerAor,
    user: CUSTOMER,
    password: kamailio.users[CUSTOMER],
    autoAnswer: true,
    answerDelayMs: ANSWER_DELAY_MS,
    displayName: 'Customer One',
  });
  onCleanup('customer phone', () => phone((p) => p.stop()));

  const watcher = new Watcher(phone);
  watcher.start();
  onCleanup('watcher', async () => watcher.stop());

  const callAgent = async (): Promise<void> => {
    const st = await phone((p) => p.state());
    if (st.callState === 'calling' || st.callState === 'ringing-in' || st.callState === 'established') {
      customerSays(yellow(`already in a call (${st.callState}); type h + Enter to hang it up first`));
      return;
    }
    await page.evaluate((target) => (window as unknown as { phone: CustomerPhone }).phone.call(target), agentAor);
  };
  const safeCallAgent = () => callAgent().catch((err) => customerSays(yellow(`could not call: ${err instanceof Error ? err.message : String(err)}`)));

  const sipPort = opts.port === DEFAULT_PORT ? '' : ` (port ${opts.port})`;
  console.log(`
${bold('Ringside lab is running')}${sipPort} — Kamailio ${kamailio.wsUrl}, customer phone ${CUSTOMER} registered.

${bold('1. Start Ringside')} in another terminal:
     ${cyan(`RINGSIDE_CONFIG=${configPath} npm run start:browser`)}
   and open the RINGSIDE_URL it prints   (or ${cyan(`RINGSIDE_CONFIG=${configPath} npm start`)} for the desktop app).
   Without RINGSIDE_CONFIG, enter the account in Settings:
     Server (ws:// or wss://)   ${kamailio.wsUrl}
     SIP address                ${agentAor}
     Password                   ${kamailio.users[AGENT]}

${bold('2. Call the customer:')} in "Number or SIP address" type   ${cyan(customerAor)}   and press Call.
   (The dial box takes digits or SIP addresses, not bare names.)
   ${CUSTOMER} rings, answers after ${ANSWER_DELAY_MS / 1000} s, sends a beep every second, and hangs up after ${TALK_LIMIT_MS / 1000} s of talk.

${bold('3. Get called:')} type ${bold('c')} + Enter here and ${CUSTOMER} calls ${agentAor}${opts.callMeInS !== null ? ` (also automatically in ${opts.callMeInS} s)` : ' (or start with --call-me-in N)'}.
   Other keys: ${bold('h')} + Enter = customer hangs up, ${bold('q')} + Enter or Ctrl+C = stop the lab.

WebRTC media stays on this machine: run Ringside on the same host as the lab.
What ${CUSTOMER} does is printed below.
`);

  if (opts.callMeInS !== null) {
    const t = setTimeout(() => {
      customerSays(`calling you now (--call-me-in ${opts.callMeInS})`);
      void safeCallAgent();
    }, opts.callMeInS * 1000);
    onCleanup('call timer', async () => clearTimeout(t));
  }

  if (!process.stdin.destroyed) {
    const rl = readline.createInterface({ input: process.stdin, terminal: false });
    onCleanup('stdin', async () => rl.close());
    rl.on('line', (line) => {
      const cmd = line.trim().toLowerCase();
      if (cmd === 'c' || cmd === 'call') void safeCallAgent();
      else if (cmd === 'h' || cmd === 'hangup') {
        watcher.markHangup();
        phone((p) => p.hangup()).catch((err) => customerSays(yellow(`hangup failed: ${String(err)}`)));
      } else if (cmd === 'q' || cmd === 'quit' || cmd === 'exit') {
        say('Stopping the lab…');
        void shutdown(0);
      } else if (cmd === '?' || cmd === 'help') console.log('  c = customer calls you, h = customer hangs up, q = quit');
      else if (cmd) console.log(dim(`  unknown command "${cmd}" — c = call me, h = hang up, q = quit`));
    });
  }
}

main().catch(fail);
