// Who acts for whom: naming a stand-in or an authorised person, cancelling it, and reading who covers whom now.
import type { EntityManager } from '@mikro-orm/postgresql';
import { insertAudit } from '../audit/insert-audit.ts';
import { pgTextArray } from '../db/pg-array.ts';
import { LixiaoError } from '../errors.ts';
import type { DelegationKind } from '../entities/delegation.ts';

export interface Covered {
  delegationId: number;
  /** the person whose work is covered */
  personId: number;
  name: string;
  kind: DelegationKind;
  endsAt: Date | null;
}

export interface Cover {
  delegationId: number;
  /** the person who covers */
  personId: number;
  name: string;
  kind: DelegationKind;
  endsAt: Date | null;
}

export interface GrantRequest {
  fromPersonId: number;
  /** null only for `away` (休假: away with nobody named) */
  toPersonId: number | null;
  kind: DelegationKind;
  /** required for a stand-in (代理 … 到 DATE) and an absence; an authorisation lasts until cancelled */
  endsAt?: Date | null;
  startsAt?: Date;
  /** who named it, for the audit trail: the person's name, or `admin` */
  by: string;
  byPersonId?: number | null;
}

/**
 * A stand-in and an absence both say "this person is away until …": one replaces the other, so a person is at most
 * once away, covered or not.
 */
export const ABSENCE: readonly DelegationKind[] = ['stand_in', 'away'];
const replaces = (kind: DelegationKind): readonly DelegationKind[] => (ABSENCE.includes(kind) ? ABSENCE : [kind]);

export class DelegationError extends LixiaoError {
  constructor(
    readonly code: 'self' | 'no_one' | 'no_end' | 'ends_in_past' | 'bad_date' | 'too_far',
    message: string,
  ) {
    super(message);
  }
}

/** "Active at `at`" (an SQL expression for the instant) for the delegation aliased `d`: started, not ended early, not past its end. */
export const activeAt = (d: string, at: string) =>
  `${d}.ended_at is null and ${d}.starts_at <= ${at} and (${d}.ends_at is null or ${d}.ends_at > ${at})`;
const ACTIVE = activeAt('d', '?::timestamptz');

/**
 * Names `toPersonId` to act for `fromPersonId`. A new delegation of the same kind from the same person replaces the
 * open one (one stand-in at a time keeps "who covers whom" unambiguous for digests and nudges). Audited.
 */
export async function grantDelegation(em: EntityManager, req: GrantRequest, now = new Date()): Promise<number> {
  if (req.fromPersonId === req.toPersonId)
    throw new DelegationError('self', '不能指定自己 (cannot delegate to oneself)');
  if ((req.kind === 'away') !== (req.toPersonId === null))
    throw new DelegationError('no_one', '代理需要指定一位代理人 (a stand-in or authorisation names someone)');
  if (ABSENCE.includes(req.kind) && !req.endsAt)
    throw new DelegationError('no_end', '代理需要结束日期 (a stand-in needs an end date)');
  if (req.endsAt && req.endsAt <= now)
    throw new DelegationError('ends_in_past', '结束日期已过 (the end date has passed)');
  return em.transactional(async (t) => {
    await t.execute(
      `update delegation set ended_at = ?::timestamptz, ended_by = ? where from_person_id = ? and kind = any(?::text[]) and ended_at is null`,
      [now.toISOString(), req.by, req.fromPersonId, pgTextArray(replaces(req.kind))],
    );
    const inserted = await t.execute<{ id: number }[]>(
      `insert into delegation (from_person_id, to_person_id, kind, starts_at, ends_at, created_by)
       values (?, ?, ?, ?::timestamptz, ?::timestamptz, ?) returning id`,
      [
        req.fromPersonId,
        req.toPersonId,
        req.kind,
        (req.startsAt ?? now).toISOString(),
        req.endsAt ? req.endsAt.toISOString() : null,
        req.by,
      ],
    );
    const id = inserted[0]!.id;
    await insertAudit(
      t,
      { actorPersonId: req.byPersonId ?? null, actorLabel: req.by, action: `delegation.${req.kind}`, stepKey: null },
      [
        {
          outcome: 'applied',
          studentId: null,
          detail: { delegationId: id, from: req.fromPersonId, to: req.toPersonId, endsAt: req.endsAt ?? null },
        },
      ],
    );
    return id;
  });
}

/**
 * Cancels `fromPersonId`'s open delegations of `kind` (取消代理 ends a stand-in or an absence: either way they are
 * back; 取消授权); returns how many ended. Audited.
 */
export async function endDelegations(
  em: EntityManager,
  req: { fromPersonId: number; kind: DelegationKind; by: string; byPersonId?: number | null },
  now = new Date(),
): Promise<number> {
  return em.transactional(async (t) => {
    const ended = await t.execute<{ id: number }[]>(
      `update delegation set ended_at = ?::timestamptz, ended_by = ? where from_person_id = ? and kind = any(?::text[]) and ended_at is null returning id`,
      [now.toISOString(), req.by, req.fromPersonId, pgTextArray(replaces(req.kind))],
    );
    if (ended.length)
      await insertAudit(
        t,
        {
          actorPersonId: req.byPersonId ?? null,
          actorLabel: req.by,
          action: `delegation.${req.kind}.end`,
          stepKey: null,
        },
        [{ outcome: 'applied', studentId: null, detail: { from: req.fromPersonId, ended: ended.map((e) => e.id) } }],
      );
    return ended.length;
  });
}

/** Active delegations on one side of `personId`, each with the person on the other side. */
async function activeAcross(
  em: EntityManager,
  mine: 'to_person_id' | 'from_person_id',
  personId: number,
  now: Date,
): Promise<Covered[]> {
  const theirs = mine === 'to_person_id' ? 'from_person_id' : 'to_person_id';
  const at = now.toISOString();
  const rows = await em.execute<
    { id: number; person_id: number; name: string; kind: DelegationKind; ends_at: Date | null }[]
  >(
    `select d.id, d.${theirs} as person_id, p.name, d.kind, d.ends_at
       from delegation d join person p on p.id = d.${theirs}
      where d.${mine} = ? and ${ACTIVE} order by d.id`,
    [personId, at, at],
  );
  return rows.map((r) => ({
    delegationId: r.id,
    personId: r.person_id,
    name: r.name,
    kind: r.kind,
    endsAt: r.ends_at,
  }));
}

/** The people whose work `personId` covers at `now` (whom they stand in for, or are authorised by). */
export function coveredBy(em: EntityManager, personId: number, now = new Date()): Promise<Covered[]> {
  return activeAcross(em, 'to_person_id', personId, now);
}

/** Who covers `personId` at `now` (their stand-in, their authorised person), for routing digests and nudges. */
export function coversOf(em: EntityManager, personId: number, now = new Date()): Promise<Cover[]> {
  return activeAcross(em, 'from_person_id', personId, now);
}

/** How a decision taken for someone else is signed: "王五（代 张三）" for a stand-in, "张三（受李老师授权）" for an authorisation. */
export function actingLabel(actorName: string, covered: { name: string; kind: DelegationKind }): string {
  if (covered.kind === 'stand_in') return `${actorName}（代 ${covered.name}）`;
  return `${actorName}（受${covered.name.slice(0, 1)}老师授权）`;
}
