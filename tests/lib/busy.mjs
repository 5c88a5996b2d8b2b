// Is the server free while a long request runs? Requests on connections of
// their own (never queued behind the long one on a keep-alive connection),
// and /healthz probed over and over until the long request settles. Used
// by the import suites (customer CSV, bookmarks, LDIF): an import runs in
// a thread of its own, so its worker, and Kore's accepting of new
// connections, stay free meanwhile.
import { request } from 'node:http';
import { BASE } from './api.mjs';

// One request on a connection of its own: {status, ms, text}.
export function fresh(method, path, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const req = request(BASE + path, { method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - t, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// Probes GET /healthz every `every` ms, one after the other, until
// `pending` settles: {result (pending's value), probes: [{status, ms}]},
// counting only the probes that were sent while it was pending.
export async function probeWhile(pending, every = 100) {
  let settled = false;
  const done = pending.finally(() => { settled = true; });
  const probes = [];
  while (!settled) {
    const h = await fresh('GET', '/healthz');
    probes.push({ status: h.status, ms: h.ms });
    await new Promise((res) => setTimeout(res, every));
  }
  return { result: await done, probes };
}
