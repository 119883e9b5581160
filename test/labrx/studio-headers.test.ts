import test from 'ava';
import { request } from 'node:http';
import { startStudio } from 'labrx';

// Every studio HTTP response carries a Content-Security-Policy and refuses framing (issue #12,
// docs/threat-model.md): the page, its assets, and every refusal (403, 404, 405).

function get(url: string, method = 'GET', headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('every response, refusals included, has a CSP with frame-ancestors none and X-Frame-Options DENY', async (t) => {
  const studio = await startStudio({ target: 'sim://?seed=1' });
  t.teardown(() => studio.close());
  const base = `http://127.0.0.1:${studio.port}`;
  const cases: [string, string, number, Record<string, string>?][] = [
    ['/', 'GET', 200],
    ['/index.html', 'HEAD', 200],
    [`/assets/app.js?token=${studio.token}`, 'GET', 200],
    ['/assets/app.js', 'GET', 403],
    [`/assets/nothing.js?token=${studio.token}`, 'GET', 404],
    [`/assets/app.js?token=${studio.token}`, 'POST', 405],
    ['/', 'GET', 403, { host: `evil.example:${studio.port}` }],
  ];
  for (const [path, method, status, headers] of cases) {
    const r = await get(base + path, method, headers);
    const what = `${method} ${path.replace(studio.token, '<token>')}`;
    t.is(r.status, status, what);
    t.is(r.headers['x-frame-options'], 'DENY', what);
    const csp = String(r.headers['content-security-policy']);
    t.regex(csp, /frame-ancestors 'none'/, what);
    t.regex(csp, /default-src 'none'/, what);
    t.is(r.headers['x-content-type-options'], 'nosniff', what);
  }
  // the page's own policy lets only its own scripts run
  const page = await get(`${base}/`);
  t.regex(String(page.headers['content-security-policy']), /script-src 'self' 'sha256-/);
});
