// A keep-alive HTTP client for the benchmark: POST a JSON body, read the JSON answer.
import http from 'node:http';

export interface JsonResponse {
  status: number;
  body: unknown;
}

export function keepAliveAgent(maxSockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets });
}

export function postJson(agent: http.Agent, url: URL, headers: Record<string, string>, payload: unknown): Promise<JsonResponse> {
  return postRaw(agent, url, { 'content-type': 'application/json', ...headers }, Buffer.from(JSON.stringify(payload)));
}

/** POST exact bytes (a signed body must reach the server unchanged). */
export async function postRaw(agent: http.Agent, url: URL, headers: Record<string, string>, data: Buffer): Promise<JsonResponse> {
  const { status, text } = await postText(agent, url, headers, data);
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text for the error message
  }
  return { status, body };
}

/** POST exact bytes; the answer's status and text, unparsed. */
export function postText(agent: http.Agent, url: URL, headers: Record<string, string>, data: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-length': String(data.length), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}
