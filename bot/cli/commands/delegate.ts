// `lixiao delegate …`: an administrator names a stand-in (代理) for someone away, records an absence, ends it, lists them.
import { parseArgs } from 'node:util';
import { DelegationError, endDelegations, grantDelegation } from '../../../src/delegations/delegations.ts';
import { activeDelegations } from '../../../src/delegations/list.ts';
import { parseUntil } from '../../../src/delegations/until.ts';
import { findStaff, PersonLookupError } from '../../../src/people/find-person.ts';
import { localDate } from '../../../src/time.ts';
import { CliError, UsageError, type CliContext } from '../context.ts';
import { operator } from '../batch-flow.ts';
import { table } from '../format.ts';

const USAGE =
  'delegate FROM TO --until YYYY-MM-DD | delegate away FROM --until YYYY-MM-DD | delegate end FROM | delegate list [--json]';
const KIND = { stand_in: '代理', away: '休假', authorised: '授权' } as const;

export async function delegateCommand(ctx: CliContext, argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { until: { type: 'string' }, json: { type: 'boolean' } },
  });
  const [first, ...rest] = positionals;
  const em = await ctx.em();
  const now = new Date();
  const zone = ctx.config.timezone;
  const lastDay = (iso: string) => localDate(new Date(new Date(iso).getTime() - 1), zone);
  // Bad names and dates are input errors (exit 1) and change nothing.
  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (e) {
      if (e instanceof DelegationError || e instanceof PersonLookupError) throw new CliError(e.message);
      throw e;
    }
  };

  if (first === 'list') {
    if (rest.length || values.until) throw new UsageError('delegate list takes only --json');
    const rows = await activeDelegations(em, now);
    if (values.json) return ctx.out(JSON.stringify(rows));
    if (!rows.length) return ctx.out('nobody is away and no delegation is in force');
    return ctx.out(
      table(
        rows.map((r) => ({
          谁: r.from,
          类型: KIND[r.kind],
          代理人: r.to ?? '（无人）',
          至: r.endsAt ? lastDay(r.endsAt) : '取消为止',
          指定者: r.createdBy,
        })),
        ['谁', '类型', '代理人', '至', '指定者'],
      ),
    );
  }
  if (first === 'end') {
    if (rest.length !== 1 || values.until) throw new UsageError('delegate end takes one person: delegate end FROM');
    const from = await guard(() => findStaff(em, rest[0]!));
    const ended = await endDelegations(em, { fromPersonId: from.id, kind: 'stand_in', by: operator() }, now);
    if (!ended) throw new CliError(`${from.name} has no stand-in and is not away`);
    return ctx.out(`${from.name}: stand-in ended (${ended})`);
  }
  const away = first === 'away';
  const names = away ? rest : positionals;
  if (names.length !== (away ? 1 : 2)) throw new UsageError(USAGE);
  if (!values.until) throw new UsageError('delegate needs --until YYYY-MM-DD (the last day, in LIXIAO_TIMEZONE)');
  const until = await guard(() => Promise.resolve(parseUntil(values.until!, zone, now)));
  const from = await guard(() => findStaff(em, names[0]!));
  const to = away ? null : await guard(() => findStaff(em, names[1]!));
  const id = await guard(() =>
    grantDelegation(
      em,
      {
        fromPersonId: from.id,
        toPersonId: to?.id ?? null,
        kind: away ? 'away' : 'stand_in',
        endsAt: until.endsAt,
        by: operator(),
      },
      now,
    ),
  );
  ctx.out(
    to
      ? `${to.name} stands in for ${from.name} through ${until.date} (delegation ${id})`
      : `${from.name} is away through ${until.date}, nobody named (delegation ${id})`,
  );
}
