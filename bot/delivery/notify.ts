// Turns changes into notices and queues each for the platforms on which its person can be reached.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Task } from 'graphile-worker';
import { combinedStudentNotice, noticesFor, type Deps } from '../../handlers/index.ts';
import { deliver, type DeliveryPlatform } from '../../src/delivery/deliver.ts';
import { holdStudentNotices, takeStudentNotices } from '../../src/delivery/notice-queue.ts';
import type { ChangeListener } from '../../src/queue/worker.ts';

/**
 * `windowSec` > 0: a student's notices wait that long and go as one message (a morning of passes is one notice, not
 * eleven, and the platforms' quotas go further); an office's "ready for you" notice goes at once. 0: each at once.
 */
export function notifyListener(deps: Deps, platforms: DeliveryPlatform[], windowSec: number): ChangeListener {
  return async ({ changes }) => {
    const em = deps.orm.em.fork() as EntityManager;
    const notices = await noticesFor(deps, changes);
    if (windowSec <= 0) return void (await deliver(em, platforms, notices));
    await em.transactional(async (t) => {
      await deliver(
        t as EntityManager,
        platforms,
        notices.filter((n) => !n.about),
      );
      await holdStudentNotices(
        t as EntityManager,
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
    await deps.orm.em.fork().transactional(async (t) => {
      const em = t as EntityManager;
      const held = await takeStudentNotices(em, personId);
      const notice = held.length ? await combinedStudentNotice(deps, em, personId, held) : null;
      if (notice) await deliver(em, platforms, [notice]);
    });
  };
}
