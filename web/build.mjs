#!/usr/bin/env node
// Builds fishchat's browser pages into OUTDIR (Maven: target/classes/fishchat/web):
//   OUTDIR/chat/   index.html chat.js commands.js chat.css proto.json protobuf.min.js   (served at / of --web-listen)
//   OUTDIR/admin/  index.html admin.js admin.css                           (served at / of --admin-listen)
// proto.json is the JSON descriptor of ../proto/*.proto made by pbjs (protobufjs-cli), which the
// page loads with protobuf.Root.fromJSON. No bundler: the sources are copied as they are.
//
// Usage: node web/build.mjs OUTDIR     (after `npm ci` in web/)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = dirname(fileURLToPath(import.meta.url));
const protoDir = resolve(webDir, '..', 'proto');

function fail(message) {
  console.error(`build.mjs: ${message}`);
  process.exit(1);
}

if (process.argv.length !== 3) fail('usage: node build.mjs OUTDIR');
const outDir = resolve(process.argv[2]);

const pbjs = join(webDir, 'node_modules', 'protobufjs-cli', 'bin', 'pbjs');
const protobufDist = join(webDir, 'node_modules', 'protobufjs', 'dist', 'light', 'protobuf.min.js');
for (const f of [pbjs, protobufDist]) {
  if (!existsSync(f)) fail(`${f} is missing: run "npm ci" in ${webDir} first`);
}

const protos = readdirSync(protoDir).filter((f) => f.endsWith('.proto')).sort().map((f) => join(protoDir, f));
if (protos.length === 0) fail(`no .proto files in ${protoDir}`);

// pbjs prints the descriptor on stdout; run it with this very node binary.
let descriptor;
try {
  descriptor = execFileSync(process.execPath, [pbjs, '-t', 'json', ...protos], { encoding: 'utf8', maxBuffer: 16 << 20 });
} catch (e) {
  fail(`pbjs failed: ${e.stderr || e.message}`);
}
const json = JSON.parse(descriptor); // fails loudly on garbage
for (const name of ['Base', 'ReqLogin', 'ResSyncMsg', 'ResNotify', 'ResKick', 'Error']) {
  if (!json.nested?.external?.nested?.[name]) fail(`proto descriptor lacks external.${name}`);
}

const chatOut = join(outDir, 'chat');
const adminOut = join(outDir, 'admin');
for (const d of [chatOut, adminOut]) {
  rmSync(d, { recursive: true, force: true });
  mkdirSync(d, { recursive: true });
}

cpSync(join(webDir, 'src', 'chat'), chatOut, { recursive: true });
cpSync(join(webDir, 'src', 'admin'), adminOut, { recursive: true });
writeFileSync(join(chatOut, 'proto.json'), JSON.stringify(json));
writeFileSync(join(chatOut, 'protobuf.min.js'), readFileSync(protobufDist));

const list = (d) => readdirSync(d).sort().join(' ');
console.log(`build.mjs: ${chatOut}: ${list(chatOut)}`);
console.log(`build.mjs: ${adminOut}: ${list(adminOut)}`);
