// The doctor's public URL checks: the URL people and platforms are given reaches this service, over HTTPS.
import type { Config } from '../../src/config.ts';
import { area, fetchJson, reasonOf, type CheckResult } from './check.ts';

const u = area('public URL');

export async function publicUrlChecks(config: Config): Promise<CheckResult[]> {
  const base = config.publicUrl;
  const results: CheckResult[] = [];
  const platforms = Boolean(config.feishu || config.wecom);
  if (base.startsWith('https://')) results.push(u.pass('HTTPS', base));
  else if (platforms)
    results.push(
      u.fail(
        'HTTPS',
        `LIXIAO_PUBLIC_URL is ${base}: links in cards (the supervisor form) and the platforms' callbacks would travel unencrypted`,
        'put TLS in front (nginx, the campus gateway) and set LIXIAO_PUBLIC_URL=https://<host>',
      ),
    );
  else
    results.push(
      u.warn(
        'HTTPS',
        `${base}: fine for the local console, not for a deployment`,
        'set LIXIAO_PUBLIC_URL=https://<host> once the service is behind TLS',
      ),
    );
  try {
    const res = await fetchJson(`${base}/healthz`);
    results.push(
      res.location
        ? u.fail(
            'reachable',
            `${base}/healthz redirects to ${res.location}`,
            'set LIXIAO_PUBLIC_URL to the address it redirects to: callbacks must be answered there, not redirected',
          )
        : res.status === 200 && res.body?.ok === true
          ? u.pass('reachable', `${base}/healthz answers from this machine`)
          : u.fail(
              'reachable',
              `${base}/healthz answered ${res.status} ${res.text.slice(0, 120)}: not this service`,
              'point the proxy or load balancer at the service (HOST / PORT), or correct LIXIAO_PUBLIC_URL',
            ),
    );
  } catch (e) {
    results.push(
      u.fail(
        'reachable',
        `${base}/healthz: ${reasonOf(e)}`,
        'start the service, and check the DNS name, the proxy and the firewall between this machine and the URL',
      ),
    );
  }
  return results;
}
