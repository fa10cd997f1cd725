/**
 * Bot benchmarks (issue 3), one command: `npm run bench:bot`.
 *
 * (a) One bot turn, frame in → reply recorded by the simulator, against the
 *     loopback floor measured in the same run: one WebSocket frame, one
 *     database write and one HTTP POST.
 * (b) Ticket intake throughput through the bot (one-sentence 报障 from many
 *     customers at once) against raw-driver inserts of the same ticket
 *     documents into the same database with the same concurrency.
 *
 * The desk runs as its own process (`server/main.ts`, roles bot + worker),
 * configured with credentials and endpoints like a production deployment
 * against DingTalk — here the simulator, which runs in this process with the
 * load generator, as DingTalk would run elsewhere. One embedded FerretDB in a
 * throw-away directory serves both; results go to bench/bot/RESULTS.md.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import { startEmbeddedDb } from '../../server/db/embedded.ts';
import { connectDb } from '../../server/db/mongo.ts';
import { registerDirectoryOnSimulator, simulatorApp } from '../../server/demo/simulator-registry.ts';
import { importDirectory } from '../../server/directory/import-directory.ts';
import { ticketModel } from '../../server/tickets/ticket-model.ts';
import { startSimulator } from '../../simulator/simulator.ts';

const turns = Number(process.env.BENCH_TURNS ?? 300);
const customers = Number(process.env.BENCH_CUSTOMERS ?? 20);
const ticketsPerCustomer = Number(process.env.BENCH_TICKETS ?? 15);

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  return { n: s.length, median: q(0.5), p99: q(0.99) };
}
const ms = (v: number) => v.toFixed(2);

const dir = mkdtempSync(path.join(os.tmpdir(), 'desk-bench-'));
const embedded = await startEmbeddedDb(dir);
const sim = await startSimulator({ port: 0, pingIntervalMs: 0 });

// A directory with one organisation and many contacts.
const contacts = Array.from({ length: customers }, (_, i) => ({ userId: `bench-c${i}`, name: `客户${i}` }));
const directory = {
  organisations: [
    {
      id: 'org-bench',
      name: '基准测试单位',
      licences: [
        {
          id: 'lic-1',
          productLine: 'EKP',
          servicePeriods: [{ kind: 'paid', from: '2020-01-01', to: '2099-12-31' }],
        },
      ],
      contacts,
    },
  ],
  teams: [{ id: 'sorting', name: '总部分拣中心', kind: 'sorting', groupConversationId: 'cid-sorting' }],
  staff: [{ userId: 'disp-1', name: '调度', teamIds: ['sorting'], roles: ['dispatcher'] }],
};

const db = await connectDb(embedded.uri, 'bench');
const imported = await importDirectory(db, directory);
if (!imported.ok) throw new Error(JSON.stringify(imported.issues));
await registerDirectoryOnSimulator(db, sim);
// BENCH_DESK_NODE_ARGS passes flags to the desk's node, e.g. `--cpu-prof` to profile it.
const deskNodeArgs = (process.env.BENCH_DESK_NODE_ARGS ?? '').split(' ').filter(Boolean);
const deskProcess = spawn(process.execPath, [...deskNodeArgs, '--import', 'tsx', 'server/main.ts'], {
  cwd: path.join(import.meta.dirname, '..', '..'),
  stdio: ['ignore', 'ignore', 'inherit'],
  env: {
    ...process.env,
    ROLES: 'bot,worker',
    LOG_LEVEL: 'warn',
    DEMO_DATA: 'false',
    MONGODB_URI: embedded.uri,
    MONGODB_DB: 'bench',
    DINGTALK_CLIENT_ID: simulatorApp.clientId,
    DINGTALK_CLIENT_SECRET: simulatorApp.clientSecret,
    DINGTALK_ROBOT_CODE: simulatorApp.robotCode,
    DINGTALK_CORP_ID: simulatorApp.corpId,
    DINGTALK_AGENT_ID: simulatorApp.agentId,
    DINGTALK_API_BASE: sim.url,
    DINGTALK_OAPI_BASE: sim.url,
  },
});
const deskExited = new Promise<void>((r) => deskProcess.once('exit', () => r()));
while (sim.connections() === 0) {
  if (deskProcess.exitCode !== null) throw new Error('the desk process exited during start-up');
  await new Promise((r) => setTimeout(r, 20));
}

async function turn(userId: string, text: string): Promise<number> {
  const t0 = performance.now();
  const { msgId, conversationId } = await sim.say({ userId, text, robotCode: simulatorApp.robotCode });
  const inbound = sim.records({ kind: 'inbound' }).find((r) => r.msgId === msgId)!;
  await sim.waitFor(
    (r) => r.conversationId === conversationId && r.seq > inbound.seq && r.kind === 'reply',
    30_000,
  );
  return performance.now() - t0;
}

// ---- (a) one bot turn vs the loopback floor ----
for (let i = 0; i < 30; i++) await turn('bench-c0', '帮助'); // warm-up
const helpTurns: number[] = [];
for (let i = 0; i < turns; i++) helpTurns.push(await turn(`bench-c${i % customers}`, '帮助'));
const { ticket: sampleTicketNo } = await (async () => {
  const t = await turn('bench-c1', '报障 EKP 3级 基准样例工单');
  const doc = await ticketModel(db).findOne({ description: '基准样例工单' }).lean();
  return { ticket: doc!._id, t };
})();
const queryTurns: number[] = [];
for (let i = 0; i < turns; i++)
  queryTurns.push(await turn(`bench-c${(i % (customers - 1)) + 1}`, `查询 ${sampleTicketNo}`));

const floor = await measureFloor(turns);

// ---- (b) intake throughput: bot vs raw inserts ----
const before = await ticketModel(db).countDocuments();
const tIntake = performance.now();
await Promise.all(
  contacts.map(async (c, ci) => {
    for (let k = 0; k < ticketsPerCustomer; k++)
      await turn(c.userId, `报障 EKP 3级 吞吐测试 ${ci}-${k} 页面报错`);
  }),
);
const intakeSeconds = (performance.now() - tIntake) / 1000;
const filed = (await ticketModel(db).countDocuments()) - before;
const botRate = filed / intakeSeconds;

const docs = await ticketModel(db)
  .find({ description: /^吞吐测试/ })
  .lean();
const raw = db.collection('raw_ticket_inserts');
const tRaw = performance.now();
let next = 0;
await Promise.all(
  contacts.map(async () => {
    while (next < docs.length) {
      const d = docs[next++]!;
      await raw.insertOne({ ...d, _id: `raw-${d._id}` } as never);
    }
  }),
);
const rawRate = docs.length / ((performance.now() - tRaw) / 1000);
// For context: the same documents inserted one at a time (no concurrency).
const rawSeq = db.collection('raw_ticket_inserts_sequential');
const tSeq = performance.now();
for (const d of docs) await rawSeq.insertOne({ ...d, _id: `seq-${d._id}` } as never);
const rawSeqRate = docs.length / ((performance.now() - tSeq) / 1000);

deskProcess.kill('SIGTERM');
await deskExited;
await db.close();
await sim.close();
await embedded.stop();
rmSync(dir, { recursive: true, force: true });

// ---- report ----
const help = stats(helpTurns);
const query = stats(queryTurns);
const fl = stats(floor);
const lines = [
  '# Bot benchmarks',
  '',
  `Run: ${new Date().toISOString()} · node ${process.version} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'} · load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
  'Command: `npm run bench:bot` (embedded FerretDB v1.24.2, SQLite handler; the desk — bot and outbox worker — in its own process configured like a production deployment, the simulator and load generator in the bench process).',
  '',
  '## (a) One bot turn: frame in → reply recorded by the simulator',
  '',
  `Samples: ${turns} turns each, sequential, ${customers} customers. The floor is one WebSocket frame + one database insert + one HTTP POST on loopback, measured in the same run.`,
  '',
  '| path | median ms | p99 ms | median ÷ floor | p99 ÷ floor |',
  '| --- | ---: | ---: | ---: | ---: |',
  `| loopback floor | ${ms(fl.median)} | ${ms(fl.p99)} | 1.00 | 1.00 |`,
  `| bot turn “帮助” (read-only) | ${ms(help.median)} | ${ms(help.p99)} | ${(help.median / fl.median).toFixed(2)} | ${(help.p99 / fl.p99).toFixed(2)} |`,
  `| bot turn “查询 <no>” (ticket read) | ${ms(query.median)} | ${ms(query.p99)} | ${(query.median / fl.median).toFixed(2)} | ${(query.p99 / fl.p99).toFixed(2)} |`,
  '',
  'Bar: ≤ 3 × the floor.',
  '',
  '## (b) Ticket intake throughput',
  '',
  `${customers} customers at once, each filing ${ticketsPerCustomer} one-sentence tickets (“报障 EKP 3级 …”), each waiting for the bot’s reply before the next. Raw: the same ${docs.length} ticket documents inserted with the driver’s insertOne, ${customers} at a time, into the same database.`,
  '',
  '| path | tickets | seconds | tickets/s |',
  '| --- | ---: | ---: | ---: |',
  `| through the bot | ${filed} | ${intakeSeconds.toFixed(2)} | ${botRate.toFixed(1)} |`,
  `| raw insertOne, ${customers} at a time | ${docs.length} | ${(docs.length / rawRate).toFixed(2)} | ${rawRate.toFixed(1)} |`,
  `| raw insertOne, one at a time (context) | ${docs.length} | ${(docs.length / rawSeqRate).toFixed(2)} | ${rawSeqRate.toFixed(1)} |`,
  '',
  `Ratio: **${((botRate / rawRate) * 100).toFixed(0)} %** of raw at the same concurrency (bar ≥ 60 %); ${((botRate / rawSeqRate) * 100).toFixed(0)} % of one-at-a-time inserts.`,
  '',
  'Per ticket the bot stores the inbound message, reads the dialogue, inserts the ticket, enqueues and claims the sorting-centre card, records it sent and marks the message worked — six inserts (batched across concurrent turns) and one read — and makes two HTTP calls (the card, the reply) and a WebSocket ack.',
  '',
];
writeFileSync(path.join(import.meta.dirname, 'RESULTS.md'), lines.join('\n'));
process.stdout.write(`${lines.join('\n')}\n`);

/** One WebSocket frame + one database insert + one HTTP POST, on loopback, the same database. */
async function measureFloor(n: number): Promise<number[]> {
  const coll = db.collection('floor_writes');
  let resolvePost: (() => void) | undefined;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.end('{"errcode":0}');
      resolvePost?.();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((r) => wss.once('listening', r));
  const wsPort = (wss.address() as { port: number }).port;
  const conn = new Promise<WebSocket>((r) => wss.once('connection', r));
  const client = new WebSocket(`ws://127.0.0.1:${wsPort}`);
  client.on('message', async (data) => {
    const frame = JSON.parse(String(data)) as { data: string };
    const msg = JSON.parse(frame.data) as { msgId: string };
    await coll.insertOne({ _id: msg.msgId as never, at: new Date(), msg });
    await fetch(`http://127.0.0.1:${port}/reply`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ msgtype: 'text', text: { content: 'ok' } }),
    });
  });
  const serverSide = await conn;
  const out: number[] = [];
  for (let i = 0; i < n + 30; i++) {
    const t0 = performance.now();
    const done = new Promise<void>((r) => {
      resolvePost = r;
    });
    serverSide.send(
      JSON.stringify({
        specVersion: '1.0',
        type: 'CALLBACK',
        headers: { messageId: `m${i}`, topic: '/v1.0/im/bot/messages/get' },
        data: JSON.stringify({ msgId: `floor-${i}`, text: { content: '帮助' } }),
      }),
    );
    await done;
    if (i >= 30) out.push(performance.now() - t0);
  }
  client.close();
  wss.close();
  server.close();
  return out;
}
