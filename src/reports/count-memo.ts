// Pending counts remembered for a second per scope: every answered tap shows its office's count, which would
// otherwise count the whole open list again on each tap (O(students) in the busiest minutes of the season).
import type { AssignmentScope } from '../decisions/authorize.ts';

interface Entry {
  n: number;
  at: number;
}

export class CountMemo {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs = 1000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The same scopes in any order are one key. */
  static key(assignments: readonly AssignmentScope[]): string {
    return JSON.stringify(
      assignments.map((a) => [a.role, a.stepKey, a.collegeId, a.campus, a.supervisorId ?? null]).sort(),
    );
  }

  async get(assignments: readonly AssignmentScope[], count: () => Promise<number>): Promise<number> {
    const key = CountMemo.key(assignments);
    const e = this.entries.get(key);
    if (e && this.now() - e.at < this.ttlMs) return e.n;
    const n = await count();
    if (this.entries.size > 10_000) this.entries.clear(); // a bound, far above the number of offices and scopes
    this.entries.set(key, { n, at: this.now() });
    return n;
  }

  /** This scope's own passes: its remembered count follows at once (others' passes show within the second). */
  passed(assignments: readonly AssignmentScope[], k: number): void {
    const e = this.entries.get(CountMemo.key(assignments));
    if (e && k > 0) e.n = Math.max(0, e.n - k);
  }
}
