/**
 * A real Linux TCP in a network namespace of its own, reached through a TUN device: the oracle of the
 * differential tests. `KernelHost.start()` makes the namespace `tcplab-<tag>-<random>` and starts kernel-side.py in
 * it (why a Python helper: see that file); the harness then writes the peer's IPv4 packets to the TUN, reads
 * the kernel's, and makes socket calls. The namespace has only `lo` and the TUN, with a point-to-point route
 * to the peer's address, so nothing the kernel sends can leave it; `close()` deletes it, and a process that
 * exits without closing deletes what it made on the way out.
 */
import { execFile, execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

/** RFC 5737 documentation addresses (TEST-NET-1): they exist only inside the namespace. */
export const LINUX_IP = '192.0.2.1';
export const PEER_IP = '192.0.2.2';

const HELPER = join(__dirname, 'kernel-side.py');

/**
 * Every namespace is named `tcplab-<tag>-<random>`. The tag is the Jest run's (TCPLAB_NETNS_TAG, set by
 * netns-setup.js, whose teardown deletes what a killed worker left behind) or else this process's id.
 */
const NAME_PREFIX = `tcplab-${process.env['TCPLAB_NETNS_TAG'] ?? process.pid}-`;

/** Namespaces this process made and has not deleted yet, deleted at exit if a run is cut short. */
const live = new Set<string>();
process.on('exit', () => {
  for (const ns of live) {
    try {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    } catch {
      // Already gone.
    }
  }
});

/**
 * `ip netns` without blocking the event loop: runs on other namespaces keep their pace meanwhile (a blocked
 * loop delays their steps, and the kernel's timers run on).
 */
const run = promisify(execFile);
function ipNetns(args: string[]): Promise<unknown> {
  return run('ip', args);
}

/** Left in `live` when `ip netns del` fails, so that the exit handler tries again. */
async function deleteNamespace(ns: string): Promise<void> {
  await ipNetns(['netns', 'del', ns]);
  live.delete(ns);
}

/**
 * Why the kernel cannot be the oracle here, or null when it can: these tests need root, `ip netns`, a TUN
 * device, python3 and nftables (nft, for losses) — a CI machine has them, a laptop often does not, and then the suite says so and skips.
 */
/**
 * Why the suite cannot run here, or null. Where it cannot, it is skipped with that reason in its name — except with
 * REQUIRE_LINUX_KERNEL=1 (.ci/run sets it, on machines that can), where the reason is an error: CI cannot pass
 * without having run the kernel suite.
 */
export function kernelSkipReason(): string | null {
  const reason = kernelUnavailable();
  if (reason !== null && process.env['REQUIRE_LINUX_KERNEL'] === '1') throw new Error(`REQUIRE_LINUX_KERNEL=1, but the Linux kernel suite cannot run: ${reason}`);
  return reason;
}

export function kernelUnavailable(): string | null {
  if (process.platform !== 'linux') return `the platform is ${process.platform}, not Linux`;
  if (process.getuid?.() !== 0) return 'not running as root (network namespaces and TUN devices need it)';
  if (!existsSync('/dev/net/tun')) return 'there is no /dev/net/tun';
  for (const [command, args] of [
    ['ip', ['-V']],
    ['python3', ['--version']],
    ['nft', ['--version']],
  ] as const) {
    try {
      execFileSync(command, [...args], { stdio: 'ignore' });
    } catch {
      return `${command} is not installed`;
    }
  }
  const probe = `tcplab-probe-${randomBytes(4).toString('hex')}`;
  try {
    execFileSync('ip', ['netns', 'add', probe], { stdio: 'pipe' });
    execFileSync('ip', ['netns', 'del', probe], { stdio: 'ignore' });
  } catch (e) {
    return `ip netns add failed: ${String((e as { stderr?: Buffer }).stderr ?? e).trim()}`;
  }
  return null;
}

/** A raw IPv4 packet the kernel put on the TUN, with the helper's time in ms; `lost` if nftables lost it on the way (a script's loss). */
export interface KernelPacket {
  t: number;
  bytes: Uint8Array;
  lost: boolean;
}

export interface Reply {
  ok: boolean;
  t: number;
  errno?: string;
  [field: string]: unknown;
}

export class KernelHost {
  readonly packets: KernelPacket[] = [];
  private readonly waiting = new Map<number, (reply: Reply) => void>();
  private nextId = 1;
  private exited: string | null = null;
  /** Called whenever a packet has been added to `packets` (a run waiting for the kernel's answer). */
  onPacket: (() => void) | null = null;

  private constructor(
    readonly namespace: string,
    private readonly helper: ChildProcessWithoutNullStreams,
  ) {}

  static async start(): Promise<KernelHost> {
    const namespace = `${NAME_PREFIX}${randomBytes(4).toString('hex')}`;
    live.add(namespace);
    await ipNetns(['netns', 'add', namespace]);
    const helper = spawn('ip', ['netns', 'exec', namespace, 'python3', HELPER, LINUX_IP, PEER_IP]);
    const host = new KernelHost(namespace, helper);
    let stderr = '';
    helper.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const ready = new Promise<void>((resolve, reject) => {
      createInterface({ input: helper.stdout }).on('line', (line) => {
        const message = JSON.parse(line) as Reply & { ev?: string; id?: number; hex?: string; lost?: boolean };
        if (message.ev === 'ready') resolve();
        else if (message.ev === 'packet') {
          host.packets.push({ t: message.t, bytes: Buffer.from(message.hex!, 'hex'), lost: message.lost === true });
          host.onPacket?.();
        }
        else host.waiting.get(message.id!)?.(message);
      });
      helper.on('exit', (code) => {
        host.exited = `kernel-side.py exited with ${code}: ${stderr.trim()}`;
        reject(new Error(host.exited));
        for (const settle of host.waiting.values()) settle({ ok: false, t: NaN, errno: host.exited });
      });
    });
    try {
      await ready;
    } catch (e) {
      await host.close();
      throw e;
    }
    return host;
  }

  /** One call to the helper (kernel-side.py's `op_<op>`), answered with the helper's time. */
  call(op: string, args: Record<string, unknown> = {}): Promise<Reply> {
    if (this.exited) return Promise.reject(new Error(this.exited));
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, (reply) => {
        this.waiting.delete(id);
        resolve(reply);
      });
      this.helper.stdin.write(`${JSON.stringify({ id, op, ...args })}\n`);
    });
  }

  /** Stop the helper (its sockets die with it) and delete the namespace. */
  async close(): Promise<void> {
    if (this.helper.exitCode === null && this.helper.signalCode === null) {
      const exited = new Promise((resolve) => this.helper.once('exit', resolve));
      this.helper.stdin.end();
      await exited;
    }
    await deleteNamespace(this.namespace);
  }
}
