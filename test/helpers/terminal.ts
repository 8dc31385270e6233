/** A real terminal for interactive tests (tmux: keys in, screen out). */
import { execFileSync, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export const hasTmux = spawnSync('sh', ['-c', 'command -v tmux']).status === 0;

export class Terminal {
  constructor(readonly name: string) {}
  static start(name: string, command: string[]): Terminal {
    // a tmux server whose last session was just killed is still exiting: a new session
    // started then fails with "server exited unexpectedly"; the next one starts a new server
    for (let attempt = 1; ; attempt++) {
      try {
        execFileSync('tmux', ['new-session', '-d', '-s', name, '-x', '160', '-y', '60', ...command], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
        return new Terminal(name);
      } catch (e) {
        if (attempt >= 5 || !/server exited unexpectedly/.test(String((e as { stderr?: unknown }).stderr ?? e))) throw e;
        execFileSync('sleep', ['0.2']);
      }
    }
  }
  screen(): string {
    return execFileSync('tmux', ['capture-pane', '-p', '-S', '-200', '-t', this.name], { encoding: 'utf8' });
  }
  async waitFor(re: RegExp, timeoutMs = 30000): Promise<string> {
    const t0 = Date.now();
    for (;;) {
      const s = this.screen();
      if (re.test(s)) return s;
      if (Date.now() - t0 > timeoutMs) throw new Error(`screen never matched ${re}:\n${s}`);
      await sleep(100);
    }
  }
  type(line: string): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, '-l', line]);
    execFileSync('tmux', ['send-keys', '-t', this.name, 'Enter']);
  }
  keys(...k: string[]): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, ...k]);
  }
  alive(): boolean {
    return spawnSync('tmux', ['has-session', '-t', this.name]).status === 0;
  }
  kill(): void {
    spawnSync('tmux', ['kill-session', '-t', this.name]);
  }
}
