#!/usr/bin/env node
// Fill one XForm for many respondents with ODK Web Forms' engine
// (@getodk/xforms-engine) in a single process, and report what the engine
// decided for every node: relevance, constraint and required validity, the
// value it holds, and the submission XML it would send.
//
//   TZ=UTC node fill_batch.mjs BATCH.json RESULT.json
//
// BATCH.json:
//   {"form": "FORM.xml", "now": "2026-01-15T10:00:00Z", "language": "Español (es)",
//    "chunk": 25,
//    "respondents": [{"id": "r1", "answers": {"m1/age": 34, "m1/children[2]/child_age": 5},
//                     "repeatCounts": {"m1/children": 2}}]}
// Paths are relative to the form's root element; repeat instances are 1-based.
// Answers are entered in document order, as a person fills the form: a question
// that is not relevant when reached is left unanswered.
// Exit status: 0 written (even if some respondents have violations); 1 error.

import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { JSDOM } from 'jsdom';

function installDom() {
  const { window } = new JSDOM('<!doctype html><html><head></head><body></body></html>', {
    url: 'http://localhost/',
  });
  globalThis.window = window;
  globalThis.document = window.document;
  const names = ['DOMParser', 'XMLSerializer', 'Node', 'Element', 'Document', 'XMLDocument',
    'Attr', 'Text', 'Comment', 'CDATASection', 'ProcessingInstruction', 'DocumentFragment',
    'CharacterData', 'NodeFilter', 'NodeList', 'NamedNodeMap', 'DOMImplementation',
    'XPathResult', 'HTMLElement', 'localStorage'];
  for (const n of names) {
    if (n in globalThis || window[n] === undefined) continue;
    Object.defineProperty(globalThis, n, { value: window[n], configurable: true, writable: true });
  }
  // The engine bundles an Emscripten module whose Node branch reads these.
  if (typeof globalThis.__dirname === 'undefined') globalThis.__dirname = '/';
  if (typeof globalThis.module === 'undefined') globalThis.module = { exports: {} };
}

// Deterministic clock and UUIDs, so submissions are reproducible.
function fixClock(now) {
  const fixed = Date.parse(now);
  if (Number.isNaN(fixed)) throw new Error(`bad "now": ${now}`);
  Date.now = () => fixed;
}

let uuidSeed = 'seed';
let uuidCounter = 0;
function seededUUID() {
  const h = createHash('sha256').update(`${uuidSeed}:${uuidCounter++}`).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function enter(node, value) {
  if (node.nodeType === 'select') {
    const vals = Array.isArray(value) ? value.map(String)
      : value == null || value === '' ? [] : String(value).split(/\s+/).filter(Boolean);
    if (node.selectType === 'select1') node.selectValue(vals[0] ?? null);
    else node.selectValues(vals);
    const unknown = vals.filter((v) => node.getValueOption(v) == null);
    return unknown.length ? `not among the available choices: ${unknown.join(' ')}` : null;
  }
  if (node.nodeType === 'input') {
    node.setValue(value == null ? null : (typeof value === 'number' && node.valueType === 'string') ? String(value) : value);
    return null;
  }
  throw new Error(`node type ${node.nodeType} cannot be answered`);
}

// An uncontrolled repeat gets repeatCounts[ref] instances, else as many as the answers use.
function wantedInstances(ref, answers, counts) {
  if (counts.has(ref)) return counts.get(ref);
  let max = null;
  for (const k of answers.keys()) {
    if (!k.startsWith(`${ref}[`)) continue;
    const m = /^(\d+)\]/.exec(k.slice(ref.length + 1));
    if (m) max = Math.max(max ?? 0, Number(m[1]));
  }
  return max;
}

function fillOne(root, rootRef, respondent) {
  const answers = new Map(Object.entries(respondent.answers ?? {}).map(([k, v]) => [`${rootRef}/${k}`, v]));
  const counts = new Map(Object.entries(respondent.repeatCounts ?? {}).map(([k, v]) => [`${rootRef}/${k}`, Number(v)]));
  const errors = [];
  const warnings = [];
  const used = new Set();
  const ranges = new Set();
  const visit = (node) => {
    const st = node.currentState;
    const ref = st.reference;
    if (node.nodeType.startsWith('repeat-range')) ranges.add(ref);
    const want = node.nodeType === 'repeat-range:uncontrolled' ? wantedInstances(ref, answers, counts) : null;
    if (want != null) {
      const have = st.children.length;
      if (want > have) node.addInstances(have > 0 ? have - 1 : undefined, want - have);
      else if (want < have) node.removeInstances(want, have - want);
    }
    if (answers.has(ref)) {
      used.add(ref);
      const value = answers.get(ref);
      if (!st.relevant) warnings.push({ ref, message: 'not relevant when reached' });
      else if (st.readonly) errors.push({ ref, message: 'read-only' });
      else {
        try {
          const w = enter(node, value);
          if (w) warnings.push({ ref, message: w });
        } catch (e) {
          errors.push({ ref, message: String(e?.message ?? e) });
        }
      }
    }
    for (const child of node.currentState.children ?? []) visit(child);
  };
  visit(root);
  // An answer inside a repeat instance the form did not create (its count question was not
  // relevant, or counted fewer) is left out, as a person would; any other unknown path is an error.
  for (const k of answers.keys()) {
    if (used.has(k)) continue;
    const cut = k.indexOf('[');
    if (cut > 0 && ranges.has(k.slice(0, cut))) warnings.push({ ref: k, message: 'repeat instance not created' });
    else errors.push({ ref: k, message: 'no such node' });
  }
  return { errors, warnings };
}

function describe(root, rootRef) {
  const nodes = [];
  const visit = (node) => {
    const st = node.currentState;
    const ref = st.reference.slice(rootRef.length + 1);
    const row = { ref, type: node.nodeType, relevant: st.relevant };
    if ('instanceValue' in st && node.nodeType !== 'group') row.value = st.instanceValue;
    const vs = node.validationState;
    if (vs && 'constraint' in vs) {
      row.constraintValid = vs.constraint.valid;
      row.requiredValid = vs.required.valid;
    }
    if (ref) nodes.push(row);
    for (const child of st.children ?? []) visit(child);
  };
  visit(root);
  return nodes;
}

// Instances stay referenced inside the engine for as long as the process lives, so each chunk
// of respondents ("chunk" in the batch, default 25) is filled in its own worker thread, whose
// memory is released when it ends.
const CHUNK = 25;

async function fillChunk(batch, respondents) {
  installDom();
  fixClock(batch.now ?? '2026-01-15T10:00:00Z');
  Object.defineProperty(globalThis.crypto, 'randomUUID', { value: seededUUID, configurable: true });
  const engine = await import('@getodk/xforms-engine');
  const loaded = await engine.loadForm(readFileSync(batch.form, 'utf8'));
  if (loaded.status === 'failure') {
    const causes = (loaded.error?.causes ?? []).map((c) => c?.message ?? String(c));
    throw new Error(`form failed to load: ${loaded.error?.message} ${causes.join('; ')}`);
  }
  const results = [];
  let languages = [];
  for (const respondent of respondents) {
    uuidSeed = respondent.id;
    uuidCounter = 0;
    const instance = loaded.createInstance({ preloadProperties: { deviceID: 'prisonsurvey-tests' } });
    const root = instance.root;
    languages = root.languages.map((l) => l.language);
    if (batch.language) {
      const lang = root.languages.find((l) => l.language === batch.language);
      if (!lang) throw new Error(`no language ${batch.language}; have ${languages.join(', ')}`);
      root.setLanguage(lang);
    }
    const rootRef = root.currentState.reference;
    const log = fillOne(root, rootRef, respondent);
    const payload = await root.prepareInstancePayload({ payloadType: 'monolithic' });
    const file = payload.data[0].get(engine.constants.INSTANCE_FILE_NAME);
    results.push({
      id: respondent.id,
      payloadStatus: payload.status,
      violations: (payload.violations ?? []).map((v) => ({
        ref: v.reference.slice(rootRef.length + 1),
        condition: v.violation?.condition,
      })),
      answerErrors: log.errors,
      answerWarnings: log.warnings,
      submission: await file.text(),
      nodes: describe(root, rootRef),
    });
  }
  return { loadStatus: loaded.status, languages, results };
}

function inWorker(batch, respondents) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { batch, respondents } });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`worker stopped with exit code ${code}`));
    });
  });
}

async function main() {
  const [batchFile, outFile] = process.argv.slice(2);
  if (!batchFile || !outFile) {
    console.error('usage: node fill_batch.mjs BATCH.json RESULT.json');
    process.exit(1);
  }
  const batch = JSON.parse(readFileSync(batchFile, 'utf8'));
  const { respondents, ...settings } = batch;
  const out = { loadStatus: 'success', languages: [], results: [] };
  const chunk = Math.max(1, Number(batch.chunk ?? CHUNK));
  for (let i = 0; i < Math.max(respondents.length, 1); i += chunk) {
    const part = await inWorker(settings, respondents.slice(i, i + chunk));
    out.loadStatus = part.loadStatus;
    out.languages = part.languages;
    out.results.push(...part.results);
  }
  writeFileSync(outFile, JSON.stringify(out));
}

if (isMainThread) {
  main().catch((e) => {
    console.error(e?.stack ?? String(e));
    process.exit(1);
  });
} else {
  fillChunk(workerData.batch, workerData.respondents).then(
    (out) => parentPort.postMessage(out),
    (e) => {
      console.error(e?.stack ?? String(e));
      process.exit(1);
    },
  );
}
