/**
 * A TCP relay in front of Kamailio that can turn its open connections into black holes: the
 * sockets stay open on both sides and nothing flows, as a laptop's connection is after sleep or
 * behind a NAT that forgot it. New connections are relayed normally.
 */
import net from 'node:net';

export interface BlackholeProxy {
  /** ws://127.0.0.1:PORT, to use as the account's server. */
  wsUrl: string;
  /** Open relayed connections. */
  open(): number;
  /** Every open connection stops passing data (in both directions) without closing. */
  blackhole(): void;
  close(): Promise<void>;
}

export async function startBlackholeProxy(targetPort: number): Promise<BlackholeProxy> {
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket; dead: boolean }>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    const pair = { client, upstream, dead: false };
    pairs.add(pair);
    client.on('data', (d) => {
      if (!pair.dead) upstream.write(d);
    });
    upstream.on('data', (d) => {
      if (!pair.dead) client.write(d);
    });
    const end = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    // A black hole never closes: only a live pair passes a close on.
    client.on('close', () => !pair.dead && end());
    upstream.on('close', () => !pair.dead && end());
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    wsUrl: `ws://127.0.0.1:${port}`,
    open: () => [...pairs].filter((p) => !p.dead).length,
    blackhole() {
      for (const p of pairs) p.dead = true;
    },
    async close() {
      for (const p of pairs) {
        p.client.destroy();
        p.upstream.destroy();
      }
      pairs.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
