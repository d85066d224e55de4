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
    options: { step: { type: 'string' }, mode: { type: 'string' }, season: { type: 'string' } },
  });
  const file = positionals[0];
  if (kind !== 'students' && kind !== 'staff' && kind !== 'list')
    throw new UsageError('import what? students, staff or list');
  if (!file || positionals.length > 1) throw new UsageError(`import ${kind} takes one FILE.csv`);
  if (kind !== 'students' && values.season) throw new UsageError('--season goes with import students');
  if (kind === 'list' && !values.step) throw new UsageError('import list needs --step KEY');
  if (kind === 'list' && values.mode !== 'block' && values.mode !== 'pass')
    throw new UsageError('import list needs --mode block or --mode pass');
  const text = await readUtf8(file);
  const name = basename(file);
  if (kind === 'students') {
    const s = await importStudents(await ctx.em(), ctx.wf, text, name, {
      season: values.season,
      timeZone: ctx.config.timezone,
      onProgress: (done, total) => ctx.progress(`imported ${done}/${total} students`),
    });
    ctx.out(`${name}: ${s.rows} students (${s.created} new, ${s.updated} updated) in season ${s.season}`);
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
    });
    ctx.out(
      mode === 'block'
        ? `${name}: ${s.listed} listed, ${s.blocked} held pending, ${s.passed} others passed`
        : `${name}: ${s.listed} listed, ${s.passed} passed`,
    );
    for (const k of s.kept) ctx.out(`  kept ${k.studentNo}: ${k.status}${k.decidedBy ? ` by ${k.decidedBy}` : ''}`);
  }
}
