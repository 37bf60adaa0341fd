// dns.js -- a loopback DNS server for tests (UDP on 127.0.0.1, a free
// port). `answers` maps a name to an IPv4 address (A record; AAAA gets an
// empty NOERROR answer); a name under one of the `silent` suffixes gets
// no answer at all, ever; any other name gets NXDOMAIN. Every question
// is recorded in `queries` ({name, type}). Node built-ins only.
'use strict';
const dgram = require('node:dgram');

// The question's name and type from a DNS query, or null.
function parseQuestion(msg) {
  if (msg.length < 17) return null;
  const labels = [];
  let i = 12;
  while (i < msg.length && msg[i] !== 0) {
    const n = msg[i];
    if (n > 63 || i + 1 + n > msg.length) return null;
    labels.push(msg.subarray(i + 1, i + 1 + n).toString('latin1'));
    i += 1 + n;
  }
  if (i + 5 > msg.length) return null;
  return { name: labels.join('.').toLowerCase(), type: msg.readUInt16BE(i + 1), end: i + 5 };
}

function reply(msg, q, rcode, address) {
  const head = Buffer.alloc(12);
  msg.copy(head, 0, 0, 2);                       // the query's id
  head.writeUInt16BE(0x8180 | rcode, 2);         // response, recursion desired + available
  head.writeUInt16BE(1, 4);
  head.writeUInt16BE(address ? 1 : 0, 6);
  const question = msg.subarray(12, q.end);
  if (!address) return Buffer.concat([head, question]);
  const answer = Buffer.alloc(16);
  answer.writeUInt16BE(0xc00c, 0);               // the name: a pointer to the question
  answer.writeUInt16BE(1, 2);                    // A
  answer.writeUInt16BE(1, 4);                    // IN
  answer.writeUInt32BE(60, 6);                   // TTL
  answer.writeUInt16BE(4, 10);
  address.split('.').forEach((b, k) => { answer[12 + k] = Number(b); });
  return Buffer.concat([head, question, answer]);
}

// Resolves to {port, queries, close()}.
function dnsServer({ answers = {}, silent = [] } = {}) {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket('udp4');
    const queries = [];
    sock.on('message', (msg, rinfo) => {
      const q = parseQuestion(msg);
      if (!q) return;
      queries.push({ name: q.name, type: q.type });
      if (silent.some((s) => q.name === s || q.name.endsWith(`.${s}`))) return;
      let out;
      if (Object.prototype.hasOwnProperty.call(answers, q.name)) out = reply(msg, q, 0, q.type === 1 ? answers[q.name] : null);
      else out = reply(msg, q, 3, null);        // NXDOMAIN
      sock.send(out, rinfo.port, rinfo.address);
    });
    sock.on('error', reject);
    sock.bind(0, '127.0.0.1', () => {
      resolve({ port: sock.address().port, queries, close: () => new Promise((r) => sock.close(r)) });
    });
  });
}

module.exports = { dnsServer };
