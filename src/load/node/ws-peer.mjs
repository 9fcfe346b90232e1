// The Node `ws` peer of the load harness (issue 19): the gateway's wire subset in one script,
// started by LoadHarness beside the gateway with the same generator. Handshake with an HS256
// JWT in the Authorization header (401 otherwise), `connected` first, `echo`, `join_room`,
// `broadcast` as `room_message` to the room's other members.
// Usage: node --expose-gc ws-peer.mjs <port> <secret>
import { createServer } from 'node:http';
import { createHmac, timingSafeEqual, randomUUID } from 'node:crypto';
import { WebSocketServer } from 'ws';

const port = Number(process.argv[2]);
const secret = Buffer.from(process.argv[3], 'utf8');
const rooms = new Map();

function verify(header) {
  if (!header || !header.startsWith('Bearer ')) return null;
  const parts = header.slice(7).split('.');
  if (parts.length !== 3) return null;
  const expected = createHmac('sha256', secret).update(parts[0] + '.' + parts[1]).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const head = JSON.parse(Buffer.from(parts[0], 'base64url').toString());
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString());
    if (head.alg !== 'HS256' || typeof claims.sub !== 'string') return null;
    if (typeof claims.exp === 'number' && claims.exp * 1000 <= Date.now()) return null;
    return claims.sub;
  } catch {
    return null;
  }
}

// GET /memory (for the harness, run with --expose-gc): bytes still reachable after a full GC
const server = createServer((req, res) => {
  if (req.url !== '/memory' || typeof global.gc !== 'function') return res.writeHead(404).end();
  global.gc();
  const { heapUsed, external } = process.memoryUsage();
  res.end(String(heapUsed + external));
});
const wss = new WebSocketServer({ noServer: true, maxPayload: 512 * 1024 });
server.on('upgrade', (req, socket, head) => {
  const user = req.url === '/ws' ? verify(req.headers.authorization) : null;
  if (user === null) {
    socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.user = user;
    ws.rooms = new Set();
    ws.send(JSON.stringify({ type: 'connected', connectionId: randomUUID(), userId: user }));
    ws.on('message', (data, binary) => onMessage(ws, data, binary));
    ws.on('close', () => ws.rooms.forEach((room) => rooms.get(room)?.delete(ws)));
  });
});

function onMessage(ws, data, binary) {
  if (binary) return ws.close(1003);
  let msg;
  try {
    msg = JSON.parse(data.toString());
  } catch {
    return ws.send(JSON.stringify({ type: 'error', code: 'bad_json', message: 'not JSON' }));
  }
  if (msg.type === 'echo') {
    ws.send(JSON.stringify({ type: 'echo', id: msg.id, payload: msg.payload }));
  } else if (msg.type === 'join_room' && typeof msg.room === 'string') {
    if (!rooms.has(msg.room)) rooms.set(msg.room, new Set());
    rooms.get(msg.room).add(ws);
    ws.rooms.add(msg.room);
    ws.send(JSON.stringify({ type: 'room_joined', id: msg.id, room: msg.room, members: rooms.get(msg.room).size }));
  } else if (msg.type === 'broadcast' && ws.rooms.has(msg.room)) {
    const out = JSON.stringify({ type: 'room_message', room: msg.room, from: ws.user, payload: msg.payload,
      timestamp: new Date().toISOString() });
    for (const member of rooms.get(msg.room)) if (member !== ws) member.send(out);
    if (msg.id !== undefined) ws.send(JSON.stringify({ type: 'ack', id: msg.id }));
  } else {
    ws.send(JSON.stringify({ type: 'error', id: msg.id, code: 'unknown_type', message: 'no handler' }));
  }
}

server.listen(port, '127.0.0.1');
