// A keep-alive HTTP client for the benchmark's load thread: POST exact bytes, read the answer's status and bytes.
import http from 'node:http';

export function keepAliveAgent(maxSockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets });
}

/**
 * POST exact bytes (a signed body must reach the server unchanged); the answer's status and bytes, undecoded: a run's
 * 2,400 answers of 20 KB kept as text would fill the load thread's heap and its collector would pause the sending.
 */
export function postBytes(
  agent: http.Agent,
  url: URL,
  headers: Record<string, string>,
  data: Buffer,
): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-length': String(data.length), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}
