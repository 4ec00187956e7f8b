#!/usr/bin/env node
// Differential-test oracle: runs balena's own resolver (@balena/compose 8.0.5,
// resolve.resolveInput) on tar archives of project folders, and balena's own compose
// parser (@balena/compose-parser, which @balena/compose 8 parses compositions with).
//
// stdin:  one JSON job per line, or a JSON array of jobs (a batch: one answer line, an array)
//   {tar | tarBase64, deviceType, arch, dockerfile?, vars?, nodeVersions?, repeat?}
//   {template, vars}: only the template step (lib/dockerfile process()) on that text
//   {compose: PATH}: parse() and normalize() of that docker-compose.yml
// stdout: one JSON result per line (or per batch)
//   resolve:  {resolver, name, contents, error, errorName, resolvedName, ms?}
//   template: {contents, error, errorName}
//   compose:  {composition, error, errorName, serviceName}
// (line by line, so one process can serve a whole pytest session)
// Run with NODE_PATH pointing at the oracle's node_modules (scripts/install-oracle.sh).
// The NodeJS resolver asks Docker Hub for tags; fetch is replaced by a stub serving
// job.nodeVersions, so it runs offline against the same catalogue as balena_lab.
'use strict';
const fs = require('fs');
const { Readable } = require('stream');
const Resolve = require('@balena/compose/dist/resolve');
const DockerfileTemplate = require('@balena/compose/dist/dockerfile');

let currentVersions = [];
globalThis.fetch = async () => ({
    json: async () => ({ results: currentVersions.map((name) => ({ name })), next: null }),
});

function runOnce(tarBuffer, job) {
    return new Promise((resolve) => {
        const bundle = new Resolve.Bundle(Readable.from([tarBuffer]), job.deviceType, job.arch);
        const resolvers = Resolve.getDefaultResolvers();
        const out = { resolver: null, name: null, contents: null, error: null, errorName: null,
                      resolvedName: null };
        for (const r of resolvers) {
            const original = r.resolve.bind(r);
            r.resolve = async (...args) => {
                const file = await original(...args);
                out.name = file.name;
                out.contents = file.contents.toString();
                return file;
            };
        }
        let done = false;
        const finish = () => { if (!done) { done = true; resolve(out); } };
        const listeners = {
            resolver: [(name) => { out.resolver = name; }],
            'resolved-name': [(name) => { out.resolvedName = name; }],
        };
        const vars = job.vars || {};
        const pack = Resolve.resolveInput(bundle, resolvers, listeners, job.dockerfile, vars);
        pack.on('error', (e) => {
            out.error = e && e.message !== undefined ? String(e.message) : String(e);
            out.errorName = e && e.constructor ? e.constructor.name : null;
            finish();
        });
        pack.on('data', () => {});
        pack.on('end', finish);
    });
}

function processTemplate(job) {
    try {
        return { contents: DockerfileTemplate.process(job.template, job.vars || {}), error: null };
    } catch (e) {
        return { contents: null, error: String(e.message), errorName: e.constructor.name };
    }
}

let ComposeParser = null;

async function parseCompose(job) {
    // Required on first use: a resolve-only session never needs the compose parser.
    ComposeParser = ComposeParser || require('@balena/compose-parser');
    const warn = console.warn;
    console.warn = () => {};  // normalize() warns on stdout's neighbour; keep stdout clean
    try {
        return { composition: await ComposeParser.parse(job.compose), error: null,
                 errorName: null, serviceName: null };
    } catch (e) {
        return { composition: null, error: String(e && e.message), errorName: e && e.name,
                 serviceName: (e && e.serviceName) || null };
    } finally {
        console.warn = warn;
    }
}

async function handle(job) {
    if (job.template !== undefined) { return processTemplate(job); }
    if (job.compose !== undefined) { return parseCompose(job); }
    currentVersions = job.nodeVersions || [];
    const tarBuffer = job.tarBase64 !== undefined
        ? Buffer.from(job.tarBase64, 'base64') : fs.readFileSync(job.tar);
    const repeat = job.repeat || 0;
    let result = await runOnce(tarBuffer, job);
    if (repeat > 0) {
        // Warm: the first run above loaded and JIT-compiled everything.
        const start = process.hrtime.bigint();
        for (let i = 0; i < repeat; i++) { result = await runOnce(tarBuffer, job); }
        result.ms = Number(process.hrtime.bigint() - start) / 1e6 / repeat;
    }
    return result;
}

async function main() {
    const lines = require('readline').createInterface({ input: process.stdin, terminal: false });
    for await (const line of lines) {
        if (!line.trim()) { continue; }
        let result;
        try {
            const job = JSON.parse(line);
            if (!Array.isArray(job)) {
                result = await handle(job);
            } else if (job.length > 0 && job[0].compose !== undefined) {
                // Each compose job runs the parser's binary: two at a time on two cores.
                result = new Array(job.length);
                let next = 0;
                const worker = async () => {
                    while (next < job.length) { const i = next++; result[i] = await handle(job[i]); }
                };
                await Promise.all([worker(), worker()]);
            } else {
                result = [];
                for (const one of job) { result.push(await handle(one)); }
            }
        } catch (e) {
            result = { crash: String(e && e.stack || e) };
        }
        process.stdout.write(JSON.stringify(result) + '\n');
    }
}

main().catch((e) => { console.error(e); process.exit(1); });
