// The console's mailbox: notices for each person, kept in memory (the console is a single local instance).
import type { Card } from '../../cards/model.ts';
import { noticesFor, type Deps } from '../../handlers/index.ts';
import type { CardSender, ChangeListener } from '../../src/queue/worker.ts';

const KEEP = 100;

export class ConsoleInbox {
  private seq = 0;
  private readonly boxes = new Map<number, { seq: number; card: Card }[]>();
  private readonly delivered = new Set<string>();

  push(personId: number, card: Card, key: string): void {
    if (this.delivered.has(key)) return; // a retried job delivers once
    this.delivered.add(key);
    if (this.delivered.size > 50_000) this.delivered.delete(this.delivered.values().next().value!); // oldest first: a Set keeps insertion order
    const box = this.boxes.get(personId) ?? [];
    box.push({ seq: ++this.seq, card });
    if (box.length > KEEP) box.shift();
    this.boxes.set(personId, box);
  }

  since(personId: number, after: number): { seq: number; card: Card }[] {
    return (this.boxes.get(personId) ?? []).filter((m) => m.seq > after);
  }

  /** The send job's console platform: the card lands in the person's mailbox. */
  sender(): CardSender {
    return (job) => {
      this.push(Number(job.to), job.card as Card, job.key);
      return Promise.resolve();
    };
  }

  /** The job queue calls this for every change; it turns changes into notices for the console's people. */
  listener(deps: Deps): ChangeListener {
    return async ({ changes, cause }) => {
      for (const n of await noticesFor(deps, changes, cause)) this.push(n.personId, n.card, n.key);
    };
  }
}
