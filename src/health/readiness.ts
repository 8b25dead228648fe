// Readiness for the load balancer (GET /readyz): may this replica take traffic? Each check is a real call to a
// dependency, bounded in time, so a hung database or tenant makes the replica "not ready" instead of hanging
// the probe. A check that passed is trusted for a while, so frequent probes do not spend admin-API quota.

export interface ReadinessCheck {
  name: string;
  run(): Promise<void>;
  /** Trust a pass this long before calling the dependency again (default 0: every probe). */
  cacheMs?: number;
}

export interface ReadinessReport {
  ready: boolean;
  checks: { name: string; ok: boolean; error?: string }[];
}

function withTimeout<T>(promise: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class Readiness {
  private readonly passedAt = new Map<string, number>();

  constructor(
    private readonly checks: ReadinessCheck[],
    private readonly options: { timeoutMs?: number; now?: () => number } = {},
  ) {}

  async report(): Promise<ReadinessReport> {
    const now = this.options.now ?? Date.now;
    const results = await Promise.all(
      this.checks.map(async (check) => {
        const passed = this.passedAt.get(check.name);
        if (passed !== undefined && now() - passed < (check.cacheMs ?? 0)) return { name: check.name, ok: true };
        try {
          await withTimeout(check.run(), this.options.timeoutMs ?? 3000, check.name);
          this.passedAt.set(check.name, now());
          return { name: check.name, ok: true };
        } catch (error) {
          this.passedAt.delete(check.name);
          return { name: check.name, ok: false, error: (error as Error).message };
        }
      }),
    );
    return { ready: results.every((r) => r.ok), checks: results };
  }
}
