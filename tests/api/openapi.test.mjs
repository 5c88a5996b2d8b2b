// docs/openapi.yaml against the server: every documented route is served,
// answers only with documented status codes, and every route in the Kore
// configuration is documented. The document is read with a small line-based
// reader (no YAML dependency) that relies on the layout the document keeps:
// under `paths:` a path is indented 2 spaces, a method 4, `responses:` 6 and
// a status code 8.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { api, BASE, login, tokenFor, unique } from '../lib/api.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOC_TEXT = readFileSync(ROOT + 'docs/openapi.yaml', 'utf8');
const CONF_TEXT = readFileSync(ROOT + 'conf/parley.conf.in', 'utf8');
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const CATCH_ALLS = ['^/api/.*$', '^/.*$'];

// The routes that exist today (API.md "System" and "Accounts and sessions").
const REQUIRED = [
  'GET /healthz',
  'POST /api/v1/auth/register',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/logout',
  'GET /api/v1/me',
  'PATCH /api/v1/me',
  'GET /api/v1/me/tokens',
  'POST /api/v1/me/tokens',
  'DELETE /api/v1/me/tokens/{id}',
  'PATCH /api/v1/admin/users/{handle}',
];

const unquote = (s) => s.replace(/^(['"])(.*)\1$/, '$2');

// -> {paths: Map(path -> Map(method -> {responses: [code], line})),
//     components: Map(section -> Set(name))}
function readOpenApi(text) {
  const paths = new Map();
  const components = new Map();
  let top = null, path = null, op = null, inResponses = false, section = null;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\s+#.*$/, '').trimEnd();
    if (line.trim() === '' || line.trim().startsWith('#')) return;
    const indent = line.length - line.trimStart().length;
    const key = line.trim().match(/^([^:]+):(?:\s|$)/)?.[1];
    if (indent === 0) {
      top = key ?? null;
      path = op = section = null;
      inResponses = false;
      return;
    }
    if (top === 'paths') {
      if (indent === 2 && key) {
        path = unquote(key);
        assert.ok(path.startsWith('/'), `line ${i + 1}: path key ${key} must start with /`);
        assert.ok(!paths.has(path), `line ${i + 1}: ${path} listed twice`);
        paths.set(path, new Map());
        op = null;
        inResponses = false;
      } else if (indent === 4 && key && path) {
        op = null;
        inResponses = false;
        if (METHODS.includes(key)) {
          op = { responses: [], line: i + 1 };
          paths.get(path).set(key, op);
        }
      } else if (indent === 6 && key && op) {
        inResponses = key === 'responses';
      } else if (indent === 8 && key && op && inResponses) {
        op.responses.push(unquote(key));
      }
    } else if (top === 'components') {
      if (indent === 2 && key) {
        section = key;
        components.set(section, new Set());
      } else if (indent === 4 && key && section) {
        components.get(section).add(key);
      }
    }
  });
  return { paths, components };
}

// -> [{pattern, handler, regex: RegExp, line}] in configuration order.
function readRoutes(text) {
  const routes = [];
  text.split('\n').forEach((raw, i) => {
    const m = raw.match(/^\s*route\s+(\S+)\s+(\S+)\s*$/);
    if (!m) return;
    const [, pattern, handler] = m;
    // Kore 4.1: a path starting with '/' is exact, anything else a regex.
    const regex = pattern.startsWith('/')
      ? new RegExp('^' + pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '$')
      : new RegExp(pattern);
    routes.push({ pattern, handler, regex, line: i + 1 });
  });
  return routes;
}

// '^/api/v1/me/tokens/[^/]+$' -> '/api/v1/me/tokens/{}'; exact paths as they are.
function routeTemplate(pattern) {
  if (pattern.startsWith('/')) return pattern;
  const body = pattern.replace(/^\^/, '').replace(/\$$/, '');
  const t = body.replaceAll('[^/]+', '{}').replaceAll('[0-9]+', '{}').replaceAll('[a-z]+', '{}');
  assert.ok(/^[A-Za-z0-9_/{}.-]*$/.test(t) && !t.includes('.*'),
    `route ${pattern}: cannot map this regex onto an OpenAPI path`);
  return t;
}

const normalise = (p) => p.replace(/\{[^}]+\}/g, '{}');

// Path parameters: {slug} and an {id} under /questions, /answers and
// /bookmarks name a community, question, answer and bookmark made in
// before(); any other {id} a live post made there too. The others name
// things that always exist or may not.
const SAMPLE = {
  id: '1', question: '1', answer: '1', bookmark: '1', slug: 'openapi-sample',
  handle: 'founder', tag: 'parley', skill: 'go', channel: '1', conversation: '1',
  type: 'post', target: '1',
};
const ID_KIND = [
  ['/api/v1/questions/', 'question'],
  ['/api/v1/answers/', 'answer'],
  ['/api/v1/bookmarks/', 'bookmark'],
  ['/api/v1/customer/channels/', 'channel'],
  ['/api/v1/customer/conversations/', 'conversation'],
];
function concrete(path) {
  const idKind = ID_KIND.find(([prefix]) => path.startsWith(prefix))?.[1] ?? 'id';
  return path.replace(/\{([^}]+)\}/g, (_, name) => {
    const key = name === 'id' ? idKind : name;
    assert.ok(key in SAMPLE, `no sample value for path parameter {${name}}`);
    return SAMPLE[key];
  });
}
// GET routes whose required query parameters the document declares.
const QUERY = { '/api/v1/questions/similar': '?title=OpenAPI+sample', '/api/v1/experts': '?q=go',
  get '/api/v1/customer/linked'() { return `?type=post&id=${SAMPLE.id}`; } };
// Successful answers that are not JSON.
const NOT_JSON = { 'GET /api/v1/bookmarks/export': 'text/html' };

const doc = readOpenApi(DOC_TEXT);
const routes = readRoutes(CONF_TEXT);
const operations = [...doc.paths].flatMap(([path, ops]) =>
  [...ops].map(([method, op]) => ({ path, method, op })));

describe('docs/openapi.yaml: the document', () => {
  test('is OpenAPI 3.0.3 with a non-empty paths section', () => {
    assert.match(DOC_TEXT, /^openapi: 3\.0\.3$/m);
    assert.match(DOC_TEXT, /^info:$/m);
    assert.match(DOC_TEXT, /^paths:$/m);
    assert.ok(doc.paths.size > 0, 'paths found');
    assert.ok(operations.length > 0, 'operations found');
  });

  test('keeps the layout the reader relies on: spaces only, even indentation', () => {
    DOC_TEXT.split('\n').forEach((line, i) => {
      assert.ok(!line.includes('\t'), `line ${i + 1} has a tab`);
      const indent = line.length - line.trimStart().length;
      assert.equal(indent % 2, 0, `line ${i + 1} is indented ${indent} spaces`);
    });
  });

  test('lists at least every route that exists now', () => {
    const listed = new Set(operations.map((o) => `${o.method.toUpperCase()} ${o.path}`));
    for (const r of REQUIRED) assert.ok(listed.has(r), `${r} is missing from docs/openapi.yaml`);
  });

  test('every operation documents its responses as three-digit status codes', () => {
    for (const { path, method, op } of operations) {
      assert.ok(op.responses.length > 0, `${method} ${path} (line ${op.line}) has no responses`);
      for (const code of op.responses) {
        assert.match(code, /^[1-5][0-9][0-9]$/, `${method} ${path}: response key ${code}`);
      }
      assert.ok(op.responses.some((c) => c.startsWith('2')), `${method} ${path}: no success response`);
    }
  });

  test('operations that need a caller document 401; unsafe ones document 403 (CSRF)', () => {
    const open = new Set(['/healthz', '/api/v1/auth/register', '/api/v1/auth/login']);
    for (const { path, method, op } of operations) {
      if (open.has(path)) continue;
      assert.ok(op.responses.includes('401'), `${method} ${path} documents 401`);
      if (method !== 'get' && method !== 'head') {
        assert.ok(op.responses.includes('403'), `${method} ${path} documents 403`);
      }
    }
  });

  test('declares the shared components: Error, User, UserRef, Token, Page and the security schemes', () => {
    const schemas = doc.components.get('schemas') ?? new Set();
    for (const name of ['Error', 'User', 'UserRef', 'Token', 'TokenCreated', 'Page']) {
      assert.ok(schemas.has(name), `components.schemas.${name}`);
    }
    const schemes = doc.components.get('securitySchemes') ?? new Set();
    assert.ok(schemes.size >= 3, 'cookie, CSRF header and bearer schemes');
    assert.match(DOC_TEXT, /in: cookie\n\s+name: parley_session/);
    assert.match(DOC_TEXT, /in: header\n\s+name: X-CSRF-Token/);
    assert.match(DOC_TEXT, /type: http\n\s+scheme: bearer/);
    // The pagination shape and the error envelope's fields.
    assert.match(DOC_TEXT, /required: \[items, next_cursor\]/);
    assert.match(DOC_TEXT, /required: \[code, message, field\]/);
  });

  test('every $ref points at a component the document declares', () => {
    for (const m of DOC_TEXT.matchAll(/\$ref: '#\/components\/([A-Za-z]+)\/([A-Za-z0-9_]+)'/g)) {
      const [, section, name] = m;
      assert.ok(doc.components.get(section)?.has(name), `$ref to missing ${section}/${name}`);
    }
  });
});

describe('docs/openapi.yaml against conf/parley.conf.in', () => {
  test('the configuration has routes and ends with the two catch-alls', () => {
    assert.ok(routes.length > CATCH_ALLS.length);
    assert.deepEqual(routes.slice(-2).map((r) => r.pattern), CATCH_ALLS);
  });

  test('every configured route other than the catch-alls has an OpenAPI path', () => {
    const documented = new Set([...doc.paths.keys()].map(normalise));
    for (const r of routes) {
      if (CATCH_ALLS.includes(r.pattern)) continue;
      const t = routeTemplate(r.pattern);
      assert.ok(documented.has(t),
        `conf/parley.conf.in line ${r.line}: route ${r.pattern} (${r.handler}) is not in docs/openapi.yaml`);
    }
  });

  test('every OpenAPI path is claimed by a real route, not by a catch-all', () => {
    for (const path of doc.paths.keys()) {
      const url = concrete(path);
      const first = routes.find((r) => r.regex.test(url));
      assert.ok(first, `${path}: no route matches ${url}`);
      assert.ok(!CATCH_ALLS.includes(first.pattern),
        `${path}: ${url} falls through to the catch-all ${first.pattern}`);
    }
  });
});

// What a served route looks like: JSON (or an empty 204/HEAD answer), and a
// 404 only when the handler itself said not_found.
function assertServed(r, label) {
  if (r.status === 204 || label.startsWith('HEAD ')) return;
  const type = r.headers.get('content-type') ?? '';
  if (r.status < 300 && NOT_JSON[label]) {
    assert.ok(type.startsWith(NOT_JSON[label]), `${label}: content-type ${type}`);
    return;
  }
  assert.ok(type.startsWith('application/json'), `${label}: content-type ${type}, body ${r.text.slice(0, 200)}`);
  assert.ok(r.body !== null && typeof r.body === 'object', `${label}: a JSON body`);
  if (r.status >= 400) {
    assert.ok(r.body.error && typeof r.body.error.code === 'string', `${label}: error envelope in ${r.text}`);
    assert.notEqual(r.body.error.message, 'No such API route.', `${label}: the route is not served`);
  }
  if (r.status === 404) assert.equal(r.body.error.code, 'not_found', `${label}: ${r.text}`);
}

describe('docs/openapi.yaml against the running server', () => {
  let admin;
  before(async () => {
    const session = await login('founder');
    admin = { session, token: await tokenFor(session, 'openapi test') };
    const post = await api('POST', '/api/v1/posts', { token: admin.token, json: { body: 'OpenAPI sample #parley' } });
    assert.equal(post.status, 201, post.text);
    SAMPLE.id = String(post.body.post.id);
    const slug = `oa-${unique('x').slice(2)}`.replaceAll('_', '-');
    const made = await api('POST', '/api/v1/communities', { token: admin.token, json: { slug, name: 'OpenAPI sample' } });
    assert.equal(made.status, 201, made.text);
    SAMPLE.slug = slug;
    const q = await api('POST', `/api/v1/communities/${slug}/questions`,
      { token: admin.token, json: { title: 'An OpenAPI sample question', body: 'Sample.' } });
    assert.equal(q.status, 201, q.text);
    SAMPLE.question = String(q.body.question.id);
    const a = await api('POST', `/api/v1/questions/${SAMPLE.question}/answers`,
      { token: admin.token, json: { body: 'A sample answer.' } });
    assert.equal(a.status, 201, a.text);
    SAMPLE.answer = String(a.body.answer.id);
    const b = await api('POST', '/api/v1/bookmarks',
      { token: admin.token, json: { url: `https://example.org/${slug}`, title: 'OpenAPI sample' } });
    assert.equal(b.status, 201, b.text);
    SAMPLE.bookmark = String(b.body.bookmark.id);
    const ch = await api('POST', '/api/v1/customer/channels',
      { token: admin.token, json: { name: 'OpenAPI sample', kind: 'other' } });
    assert.equal(ch.status, 201, ch.text);
    SAMPLE.channel = String(ch.body.channel.id);
    const raw = JSON.stringify({ external_id: slug, direction: 'inbound', author: '@sample',
      text: 'OpenAPI sample', sent_at: '2026-01-01T00:00:00Z' });
    const sig = 'sha256=' + createHmac('sha256', ch.body.webhook_secret).update(raw).digest('hex');
    const m = await api('POST', `/api/v1/customer/channels/${SAMPLE.channel}/messages`,
      { raw, contentType: 'application/json', headers: { 'x-parley-signature': sig } });
    assert.equal(m.status, 200, m.text);
    const convs = await api('GET', `/api/v1/customer/conversations?channel=${SAMPLE.channel}`, { token: admin.token });
    assert.equal(convs.body.items.length, 1, convs.text);
    SAMPLE.conversation = String(convs.body.items[0].id);
  });

  for (const { path, method, op } of operations) {
    const label = `${method.toUpperCase()} ${path}`;
    test(`${label} is served (anonymous) with a documented status`, async () => {
      const unsafe = !['get', 'head'].includes(method);
      const r = await api(method.toUpperCase(), concrete(path), unsafe ? { json: {} } : {});
      assertServed(r, label);
      assert.notEqual(r.status, 405, `${label}: the method is documented but answers 405`);
      assert.ok(op.responses.includes(String(r.status)),
        `${label}: status ${r.status} is not among the documented ${op.responses.join(', ')}: ${r.text}`);
    });
  }

  for (const { path, method, op } of operations.filter((o) => o.method === 'get' || o.method === 'head')) {
    const label = `${method.toUpperCase()} ${path}`;
    test(`${label} with a bearer token answers a documented 2xx`, async () => {
      const r = await api(method.toUpperCase(), concrete(path) + (QUERY[path] ?? ''), { token: admin.token });
      assertServed(r, label);
      assert.ok(r.status >= 200 && r.status < 300, `${label}: ${r.status} ${r.text}`);
      assert.ok(op.responses.includes(String(r.status)), `${label}: ${r.status} is not documented`);
    });
  }

  for (const [path, ops] of doc.paths) {
    const documented = [...ops.keys()].map((m) => m.toUpperCase()).sort();
    const other = ['PUT', 'DELETE', 'POST', 'PATCH', 'GET'].find((m) => !documented.includes(m));
    test(`${other} ${path} is 405 with Allow: exactly the documented methods`, async () => {
      const r = await api(other, concrete(path), { token: admin.token });
      assert.equal(r.status, 405, `${other} ${path}: ${r.text}`);
      assert.equal(r.body?.error?.code, 'method_not_allowed', r.text);
      const allow = (r.headers.get('allow') ?? '').split(',').map((s) => s.trim().toUpperCase())
        .filter(Boolean).sort();
      assert.deepEqual(allow, documented, `Allow for ${path}`);
    });
  }

  test('GET /openapi.yaml serves this very document', async () => {
    const res = await fetch(BASE + '/openapi.yaml');
    assert.equal(res.status, 200);
    assert.equal(await res.text(), DOC_TEXT);
  });
});
