// Turns changes into notices and queues each for the platforms on which its person can be reached.
import type { Task } from 'graphile-worker';
import { combinedStudentNotice, noticesFor, type Deps } from '../../handlers/index.ts';
import { deliver, type DeliveryPlatform } from '../../src/delivery/deliver.ts';
import { holdStudentNotices, takeStudentNotices } from '../../src/delivery/notice-queue.ts';
import type { ChangeListener } from '../../src/queue/worker.ts';
import { quietHoursEnd } from '../../handlers/jobs/slots.ts';
import { readCommitted } from '../../src/db/retry.ts';

/** Notices nobody asked for (a step passed at 23:00) wait in the queue until quiet hours end, never dropped. */
const quietUntil = (deps: Deps) =>
  quietHoursEnd(deps.quietHours, deps.now?.() ?? new Date(), deps.timeZone) ?? undefined;

/**
 * `windowSec` > 0: a student's notices wait that long and go as one message (a morning of passes is one notice, not
 * eleven, and the platforms' quotas go further); an office's "ready for you" notice goes at once. 0: each at once.
 * One transaction: a "ready" notice's claim (noticesFor) commits with its sends, so a failed send leaves it unclaimed.
 */
export function notifyListener(deps: Deps, platforms: DeliveryPlatform[], windowSec: number): ChangeListener {
  return async ({ changes, cause }) => {
    const runAt = quietUntil(deps);
    await readCommitted(deps.orm.em.fork(), async (t) => {
      const notices = await noticesFor(deps, changes, cause, t);
      if (windowSec <= 0) return void (await deliver(t, platforms, notices, runAt));
      await deliver(
        t,
        platforms,
        notices.filter((n) => !n.about),
        runAt,
      );
      await holdStudentNotices(
        t,
        notices.flatMap((n) => (n.about ? [{ personId: n.personId, ...n.about }] : [])),
        windowSec,
      );
    });
  };
}

/** The job that sends a student what their window collected, in one transaction with taking it. */
export function studentNoticeTask(deps: Deps, platforms: DeliveryPlatform[]): Task {
  return async (payload) => {
    const { personId } = payload as { personId: number };
    await readCommitted(deps.orm.em.fork(), async (em) => {
      const held = await takeStudentNotices(em, personId);
      const notice = held.length ? await combinedStudentNotice(deps, em, personId, held) : null;
      if (notice) await deliver(em, platforms, [notice], quietUntil(deps));
    });
  };
}
