// A copy of a pending card rebuilt after some of its students changed (another staff member tapped, a list passed them).
import type { Card, Tone } from '../../cards/index.ts';
import { clearanceItems } from '../../src/reports/pending-for.ts';
import { localDateTime } from '../../src/time.ts';
import { openSession } from '../session.ts';
import type { Caps, Deps } from '../types.ts';
import { ownUndo, pendingRow, todoCard } from '../chat/todo.ts';

/** The person's pending card at `page`, with the rows of `changedIds` it showed marked with what happened to them. */
export async function refreshedPendingCard(
  deps: Deps,
  personId: number,
  page: number,
  changedIds: number[],
  caps: Caps,
): Promise<Card | null> {
  const s = await openSession(deps, { platform: 'console', userId: String(personId) });
  if (!s.me) return null;
  const me = s.me;
  const items = await clearanceItems(s.em, changedIds);
  const decided = items
    .filter((i) => i.status === 'passed' || i.status === 'returned' || i.status === 'not_applicable')
    .map((i) => {
      const row = pendingRow(deps, { ...i, status: 'pending' });
      const label = i.status === 'passed' ? '已通过' : i.status === 'returned' ? '已退回' : '无需办理';
      const tone: Tone = i.status === 'passed' ? 'green' : i.status === 'returned' ? 'orange' : 'grey';
      const by = [i.decidedBy, i.decidedAt ? localDateTime(new Date(i.decidedAt), deps.timeZone) : '']
        .filter(Boolean)
        .join(' ');
      return { row, result: { tone, text: by ? `${label} · ${by}` : label, ...ownUndo(deps, i, me) } };
    });
  return todoCard(deps, s, me, caps, page, decided);
}
