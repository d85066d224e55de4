// `lixiao import students|staff|list ...`: all-or-nothing imports with every bad row reported, previewed and applied
// as batches (bot/cli/batch-flow.ts).
import { parseArgs } from 'node:util';
import { basename } from 'node:path';
import { importStudents } from '../../../src/imports/students.ts';
import { importStaff } from '../../../src/imports/staff.ts';
import { importList, type ListMode } from '../../../src/imports/lists.ts';
import { UsageError, type CliContext } from '../context.ts';
import { readImportFile } from '../read-input.ts';
import { BATCH_OPTIONS, operator, previewThenApply } from '../batch-flow.ts';

const MODES = ['block', 'pass'];

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
      replace: { type: 'boolean' },
      'new-college': { type: 'string', multiple: true },
      ...BATCH_OPTIONS,
    },
  });
  const file = positionals[0];
  if (kind !== 'students' && kind !== 'staff' && kind !== 'list')
    throw new UsageError('import what? students, staff or list (lixiao import --help)');
  if (!file || positionals.length > 1) throw new UsageError(`import ${kind} takes one FILE (.csv or .xlsx)`);
  if (kind !== 'students' && values.season) throw new UsageError('--season goes with import students');
  if (kind !== 'students' && values['new-college']) throw new UsageError('--new-college goes with import students');
  if (kind !== 'staff' && values.replace) throw new UsageError('--replace goes with import staff');
  if (kind === 'list' && !values.step) throw new UsageError('import list needs --step KEY');
  if (kind === 'list' && !values.mode) throw new UsageError('import list needs --mode block or --mode pass');
  if (kind === 'list' && !MODES.includes(values.mode!))
    throw new UsageError(`"${values.mode}" is not a mode; use --mode block or --mode pass`);
  if (values['over-return'] && !(kind === 'list' && values.mode === 'pass'))
    throw new UsageError('--over-return goes with import list --mode pass');
  const name = basename(file);
  const { input, sha256 } = await readImportFile(file, name);
  const flags = values;

  if (kind === 'students') {
    await previewThenApply(ctx, flags, {
      kind: 'import.students',
      title: `import students ${name}`,
      run: (em) =>
        importStudents(em, ctx.wf, input, name, {
          season: values.season,
          timeZone: ctx.config.timezone,
          newColleges: values['new-college'],
          onProgress: (done, total) => ctx.progress(`students ${done}/${total}`),
        }),
      headline: (s) => [
        `  season ${s.season}: ${s.rows} students in the file (${s.created} new, ${s.updated} on file)`,
      ],
      // Steps the workflow added since these students were imported, not created where the final step has passed.
      details: (s) =>
        s.heldBack.map(
          (h) =>
            `  not created ${h.studentNo} ${h.stepKey}: ${h.passedStep} has passed (revoke it first to require it)`,
        ),
      applied: (s) => `${name}: ${s.rows} students (${s.created} new, ${s.updated} updated) in season ${s.season}`,
    });
  } else if (kind === 'staff') {
    await previewThenApply(ctx, flags, {
      kind: 'import.staff',
      title: `import staff ${name}${values.replace ? ' --replace' : ''}`,
      run: (em) => importStaff(em, ctx.wf, input, name, { replace: values.replace }),
      headline: (s) => [
        `  ${s.people} people in the file; ${s.added} assignments to add, ${s.removed} to end, ${s.unchanged} unchanged`,
        ...(values.replace
          ? ['  --replace: every active assignment the file does not list is ENDED (listed below)']
          : ['  without --replace, no assignment is ended']),
      ],
      applied: (s) =>
        `${name}: ${s.people} people; ${s.added} assignments added, ${s.removed} removed, ${s.unchanged} unchanged`,
    });
  } else {
    const mode = values.mode as ListMode;
    await previewThenApply(ctx, flags, {
      kind: `list.${mode}`,
      title: `import list --step ${values.step} --mode ${mode} ${name}`,
      run: (em) =>
        importList(em, ctx.wf, {
          step: values.step!,
          mode,
          text: input,
          file: name,
          sha256,
          actorLabel: operator(),
          overReturn: values['over-return'],
        }),
      headline: (s) => [
        mode === 'block'
          ? `  >>> ${s.stepName} (${values.step}) block list: ${s.passed} students will PASS ${s.stepName}; ${s.blocked} listed stay pending <<<`
          : `  >>> ${s.stepName} (${values.step}) pass list: ${s.passed} students will PASS ${s.stepName} <<<`,
        ...s.foreignReasons.map(
          (f) => `  warning: ${f.studentNo}'s reason "${f.reason}" reads like ${f.office}'s, not ${s.stepName}'s`,
        ),
      ],
      details: (s) => [
        ...s.kept.map((k) => `  kept ${k.studentNo}: ${k.status}${k.decidedBy ? ` by ${k.decidedBy}` : ''}`),
        ...s.conflicts.map(
          (c) =>
            `  conflict ${c.studentNo}: returned by ${c.returnedBy ?? 'someone'} at ${c.returnedAt ?? '?'}${c.reason ? `: ${c.reason}` : ''} (pass it with --over-return)`,
        ),
      ],
      applied: (s) =>
        mode === 'block'
          ? `${name}: ${s.listed} listed, ${s.blocked} held pending, ${s.passed} others passed`
          : `${name}: ${s.listed} listed, ${s.passed} passed`,
    });
  }
}
