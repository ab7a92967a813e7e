// Another process that holds the write lock of a database file, for the tests of lock waits:
// begins a write transaction, says "locked", waits for "release" on stdin, commits, says
// "released".
import { createInterface } from 'node:readline';
import Database from 'libsql';

const [path] = process.argv.slice(2) as [string];
const db = new Database(path);
db.exec('BEGIN IMMEDIATE');
process.stdout.write('locked\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) if (line === 'release') break;
db.exec('COMMIT');
db.close();
process.stdout.write('released\n');
lines.close();
