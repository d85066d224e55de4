// `lixiao import students|staff|list ...`: all-or-nothing imports with every bad row reported.
import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import { basename } from 'node:path';
import { importStudents } from '../../../src/imports/students.ts';
import { importStaff } from '../../../src/imports/staff.ts';
import { importList } from '../../../src/imports/lists.ts';
import { UsageError, type CliContext } from '../context.ts';
import { readUtf8 } from '../read-input.ts';

export async function importCommand(ctx: CliContext, argv: string[]): Promise<void> {
  const [kind, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      step: { type: 'string' },
      mode: { type: 'string' },
      season: { type: 'string' },
      'over-return': { type: 'boolean' },
    },
  });
  const file = positionals[0];
  if (kind !== 'students' && kind !== 'staff' && kind !== 'list')
    throw new UsageError('import what? students, staff or list');
  if (!file || positionals.length > 1) throw new UsageError(`import ${kind} takes one FILE.csv`);
  if (kind !== 'students' && values.season) throw new UsageError('--season goes with import students');
  if (kind === 'list' && !values.step) throw new UsageError('import list needs --step KEY');
  if (kind === 'list' && values.mode !== 'block' && values.mode !== 'pass')
    throw new UsageError('import list needs --mode block or --mode pass');
  if (values['over-return'] && !(kind === 'list' && values.mode === 'pass'))
    throw new UsageError('--over-return goes with import list --mode pass');
  const text = await readUtf8(file);
  const name = basename(file);
  if (kind === 'students') {
    const s = await importStudents(await ctx.em(), ctx.wf, text, name, {
      season: values.season,
      timeZone: ctx.config.timezone,
      onProgress: (done, total) => ctx.progress(`imported ${done}/${total} students`),
    });
    ctx.out(`${name}: ${s.rows} students (${s.created} new, ${s.updated} updated) in season ${s.season}`);
    // Steps the workflow added since these students were imported, not created where the final step has passed.
    for (const h of s.heldBack)
      ctx.out(`  not created ${h.studentNo} ${h.stepKey}: ${h.passedStep} has passed (revoke it first to require it)`);
  } else if (kind === 'staff') {
    const s = await importStaff(await ctx.em(), ctx.wf, text, name);
    ctx.out(
      `${name}: ${s.people} people; ${s.added} assignments added, ${s.removed} removed, ${s.unchanged} unchanged`,
    );
  } else {
    const mode = values.mode as 'block' | 'pass';
    const s = await importList(await ctx.em(), ctx.wf, {
      step: values.step!,
      mode,
      text,
      file: name,
      actorLabel: `cli:${userInfo().username}`,
      overReturn: values['over-return'],
    });
    ctx.out(
      mode === 'block'
        ? `${name}: ${s.listed} listed, ${s.blocked} held pending, ${s.passed} others passed`
        : `${name}: ${s.listed} listed, ${s.passed} passed`,
    );
    for (const k of s.kept) ctx.out(`  kept ${k.studentNo}: ${k.status}${k.decidedBy ? ` by ${k.decidedBy}` : ''}`);
    for (const c of s.conflicts)
      ctx.out(
        `  conflict ${c.studentNo}: returned by ${c.returnedBy ?? 'someone'} at ${c.returnedAt ?? '?'}${c.reason ? `: ${c.reason}` : ''} (pass it with --over-return)`,
      );
  }
}
