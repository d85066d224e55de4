// The doctor's configuration checks: the environment and the workflow, with the messages the service starts with.
import { ConfigError, isLoopback, loadConfig, type Config } from '../../src/config.ts';
import { loadWorkflow, WorkflowError } from '../../src/workflow/load.ts';
import type { Workflow } from '../../src/workflow/schema.ts';
import { area, type CheckResult } from './check.ts';

const c = area('configuration');

export interface LoadedConfig {
  results: CheckResult[];
  config?: Config;
  wf?: Workflow;
}

export function configChecks(env: NodeJS.ProcessEnv): LoadedConfig {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return {
      results: [
        c.fail(
          'environment',
          e.message,
          'correct the variable named (see Configuration in the README); the service refuses to start with this same message',
        ),
      ],
    };
  }
  const results: CheckResult[] = [];
  const platforms = [config.feishu && `feishu (${config.feishu.mode})`, config.wecom && 'wecom'].filter(Boolean);
  results.push(
    c.pass(
      'environment',
      `every variable is valid; chat platforms: ${platforms.length ? platforms.join(', ') : 'none (the local console only)'}`,
    ),
  );
  let wf: Workflow;
  try {
    wf = loadWorkflow(config.workflowPath);
  } catch (e) {
    if (!(e instanceof WorkflowError)) throw e;
    results.push(c.fail('workflow', e.message, 'correct the workflow file LIXIAO_WORKFLOW names'));
    return { results, config };
  }
  results.push(c.pass('workflow', `${wf.name}: ${wf.steps.length} steps, campuses ${wf.campuses.join(', ')}`));
  const unknownSteps = [...new Set(config.apiTokens.values())].filter((k) => !wf.steps.some((s) => s.key === k));
  if (unknownSteps.length)
    results.push(
      c.fail(
        'API tokens',
        `LIXIAO_API_TOKENS names steps the workflow does not have: ${unknownSteps.join(', ')} (steps: ${wf.steps.map((s) => s.key).join(', ')})`,
        'use the step keys of the workflow in LIXIAO_API_TOKENS',
      ),
    );
  else if (config.apiTokens.size)
    results.push(c.pass('API tokens', `tokens for ${[...new Set(config.apiTokens.values())].join(', ')}`));
  if (config.console && (config.databaseUrl || !isLoopback(config.host)))
    results.push(
      c.warn(
        'local console',
        'the local web console is on with a real database: anyone who can reach the port on this machine can act as any student or staff member',
        'set LIXIAO_CONSOLE=off in production',
      ),
    );
  if (config.metrics.on && !config.metrics.token && !isLoopback(config.host))
    results.push(
      c.warn(
        'metrics',
        `GET /metrics is open to anyone who reaches ${config.host}:${config.port}`,
        'set LIXIAO_METRICS_TOKEN (then scrape with Authorization: Bearer <token>), or keep the port private',
      ),
    );
  return { results, config, wf };
}
