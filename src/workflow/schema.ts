// The workflow file format: the steps of a university's departure clearance, validated with zod.
import { z } from 'zod';

export const EXIT_TYPES = ['毕业', '结业', '肄业', '退学'] as const;
export type ExitType = (typeof EXIT_TYPES)[number];

const contact = z.object({
  location: z.string().min(1).optional(),
  phones: z.array(z.string().min(1)).default([]),
});

const step = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_]*$/, 'a step key is lower_snake_case'),
  name: z.string().min(1),
  office: z.string().min(1),
  /** `supervisor`: each student's own supervisor (导师) decides, and the step applies only to students with one on file */
  scope: z.enum(['college', 'school', 'supervisor']),
  duties: z.array(z.string().min(1)).min(1),
  notes: z.string().default(''),
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

export const workflowSchema = z
  .object({
    name: z.string().min(1),
    /** the university's name, as printed on its forms */
    university: z.string().default(''),
    campuses: z.array(z.string().min(1)).min(1),
    steps: z.array(step).min(1),
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
export type Contact = z.infer<typeof contact>;
