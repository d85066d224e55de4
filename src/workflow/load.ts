// Loads and validates a workflow file (JSON or YAML), or the built-in CQU graduate preset.
import { LixiaoError } from '../errors.ts';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { workflowSchema, type Contact, type StepDef, type Workflow } from './schema.ts';
import cquPreset from './cqu-graduate.json' with { type: 'json' };

export class WorkflowError extends LixiaoError {
  readonly code = 'workflow_invalid';
}

export function parseWorkflow(raw: unknown, origin: string): Workflow {
  const parsed = workflowSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new WorkflowError(`invalid workflow ${origin}:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export function loadWorkflow(path?: string): Workflow {
  if (!path) return parseWorkflow(cquPreset, '(built-in CQU graduate preset)');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new WorkflowError(`cannot read workflow file ${path}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new WorkflowError(
      `workflow file ${path} is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${(e as Error).message}`,
    );
  }
  return parseWorkflow(raw, path);
}

export function stepOf(wf: Workflow, key: string): StepDef | undefined {
  return wf.steps.find((s) => s.key === key);
}

/** The contact a student of `campus` should use for a step: the campus's own, else the default. */
export function contactFor(step: StepDef, campus: string | null): Contact | undefined {
  return (campus ? step.contacts[campus] : undefined) ?? step.contacts['default'];
}

/** A step's name in a language: the workflow file's English where it gives one, the Chinese otherwise. */
export function stepName(step: StepDef, lang: 'zh' | 'en'): string {
  return (lang === 'en' && step.en?.name) || step.name;
}

/** A step's texts a student reads (name, office, what to do, notes), in a language, falling back to the Chinese. */
export function stepTexts(step: StepDef, lang: 'zh' | 'en') {
  const en = lang === 'en' ? step.en : undefined;
  return {
    name: en?.name || step.name,
    office: en?.office || step.office,
    duties: step.duties.map((d, i) => ({ zh: d, text: en?.duties[i] || d })),
    notes: en?.notes || step.notes,
  };
}

/** Where a student of `campus` goes for a step, in a language. */
export function locationFor(step: StepDef, campus: string | null, lang: 'zh' | 'en'): string | undefined {
  const key = campus && step.contacts[campus] ? campus : 'default';
  const zh = step.contacts[key]?.location;
  return (zh && lang === 'en' && step.en?.locations[key]) || zh;
}
