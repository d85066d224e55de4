// The workflow file format: the steps of a university's departure clearance, validated with zod.
import { z } from 'zod';

export const EXIT_TYPES = ['毕业', '结业', '肄业', '退学'] as const;
export type ExitType = (typeof EXIT_TYPES)[number];

/**
 * A text a student reads: Chinese alone, or `{ "zh": "...", "en": "..." }` so that an English-speaking student reads
 * the university's own English. Parsed into the Chinese text (what every other part of the system keys on) and the
 * English beside it (StepDef.en), so code that knows nothing of languages keeps reading plain strings.
 */
const text = z.union([z.string().min(1), z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict()]);
type Text = z.infer<typeof text>;
const zhOf = (t: Text) => (typeof t === 'string' ? t : t.zh);
const enOf = (t: Text | undefined) => (t && typeof t !== 'string' ? t.en : undefined);

const contact = z.object({
  location: text.optional(),
  phones: z.array(z.string().min(1)).default([]),
});

/** A step's English texts, where the workflow file gives them; a missing one falls back to the Chinese. */
export interface StepEnglish {
  name?: string;
  office?: string;
  /** by index of `duties`; undefined where a duty has no English */
  duties: (string | undefined)[];
  notes?: string;
  /** by campus, as `contacts` */
  locations: Record<string, string | undefined>;
}

const step = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_]*$/, 'a step key is lower_snake_case'),
  name: text,
  office: text,
  /** `supervisor`: each student's own supervisor (导师) decides, and the step applies only to students with one on file */
  scope: z.enum(['college', 'school', 'supervisor']),
  duties: z.array(text).min(1),
  notes: text.default(''),
  /** Contacts per campus; `default` applies to a campus without its own entry. */
  contacts: z.record(z.string(), contact).default({}),
  requires: z.array(z.string()).default([]),
  applies_to: z
    .array(z.enum(EXIT_TYPES))
    .min(1)
    .default([...EXIT_TYPES]),
  /** False for an office whose own system reports through the API (一卡通); its staff may still handle exceptions. */
  staff_use_system: z.boolean().default(true),
  /** Feishu approval center: a task for each handler in scope, or one task for the step (its first handler in scope). */
  approval_tasks: z.enum(['per_handler', 'per_step']).default('per_handler'),
  /** A paper form this step collects, e.g. the supervisor's confirmation. */
  paper_form: z.string().optional(),
});

const localisedStep = step.transform(({ name, office, duties, notes, contacts, ...rest }) => ({
  ...rest,
  name: zhOf(name),
  office: zhOf(office),
  duties: duties.map(zhOf),
  notes: zhOf(notes),
  contacts: Object.fromEntries(
    Object.entries(contacts).map(([k, c]) => [k, { ...c, location: c.location && zhOf(c.location) }]),
  ),
  en: {
    name: enOf(name),
    office: enOf(office),
    duties: duties.map(enOf),
    notes: enOf(notes),
    locations: Object.fromEntries(Object.entries(contacts).map(([k, c]) => [k, enOf(c.location)])),
  },
}));

export const workflowSchema = z
  .object({
    name: z.string().min(1),
    /** the university's name, as printed on its forms */
    university: z.string().default(''),
    campuses: z.array(z.string().min(1)).min(1),
    steps: z.array(localisedStep).min(1),
  })
  .superRefine((wf, ctx) => {
    const keys = new Set<string>();
    wf.steps.forEach((s, i) => {
      if (keys.has(s.key))
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'key'], message: `duplicate step key "${s.key}"` });
      keys.add(s.key);
    });
    wf.steps.forEach((s, i) => {
      for (const r of s.requires) {
        if (!keys.has(r))
          ctx.addIssue({ code: 'custom', path: ['steps', i, 'requires'], message: `requires unknown step "${r}"` });
        if (r === s.key)
          ctx.addIssue({ code: 'custom', path: ['steps', i, 'requires'], message: 'a step cannot require itself' });
      }
      for (const c of Object.keys(s.contacts)) {
        if (c !== 'default' && !wf.campuses.includes(c))
          ctx.addIssue({ code: 'custom', path: ['steps', i, 'contacts', c], message: `unknown campus "${c}"` });
      }
    });
  });

export type Workflow = z.infer<typeof workflowSchema>;
export type StepDef = Workflow['steps'][number];
export type Contact = StepDef['contacts'][string];
