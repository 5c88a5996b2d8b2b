// Pre-signed webhook deliveries for bench/run.sh's wrk script: one line
// per delivery, "<hex HMAC-SHA256 of the body>\t<body>", each a single new
// inbound message with a distinct external_id ("<run>-<i>"), so that wrk's
// requests are first deliveries, not replays, until the list runs out.
//   node bench/webhook_bodies.mjs SECRET RUN COUNT > bodies.txt
import { createHmac } from 'node:crypto';

const [secret, run, count] = process.argv.slice(2);
const at = new Date().toISOString();
const out = [];
for (let i = 0; i < Number(count); i++) {
  const body = JSON.stringify({ external_id: `${run}-${i}`, direction: 'inbound',
    author: `cust${i % 5000}`, text: 'My deploy is broken again, please help', sent_at: at });
  out.push(createHmac('sha256', secret).update(body).digest('hex') + '\t' + body);
  if (out.length === 10000) { process.stdout.write(out.join('\n') + '\n'); out.length = 0; }
}
if (out.length) process.stdout.write(out.join('\n') + '\n');
