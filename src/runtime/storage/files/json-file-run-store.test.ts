import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RunStatus, WaitReason } from '../../core/enums';
import { type RunState, waitState } from '../../core/models';
import { CorruptFileError } from '../../errors';
import { parseJson } from '../../json/parse';
import { makeRun } from '../testing/store-contract';
import { removeDir, tempDir } from './fixture-helpers';
import { InvalidFileIdError, ReadOnlyStoreError } from './file-store-errors';
import { JsonFileRunStore } from './json-file-run-store';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await removeDir(d);
});
async function dir(): Promise<string> {
  const d = await tempDir('runs');
  dirs.push(d);
  return d;
}

const sample = (): RunState =>
  makeRun({
    runId: 'r1',
    vars: parseJson('{"2":"two","f":1.0,"s":"café ☕"}') as RunState['vars'],
    status: RunStatus.WAITING,
    waiting: waitState({ reason: WaitReason.USER, waitKey: 'k', choices: ['a'] }),
    createdAt: '2025-12-17T08:30:00+00:00',
    updatedAt: '2025-12-17T08:30:00.000001+00:00',
  });

const EXPECTED_TEXT = `{
  "run_id": "r1",
  "workflow_id": "wf_a",
  "status": "waiting",
  "current_node": "start",
  "vars": {
    "2": "two",
    "f": 1.0,
    "s": "café ☕"
  },
  "waiting": {
    "reason": "user",
    "wait_key": "k",
    "until": null,
    "resume_to_node": null,
    "result_key": null,
    "prompt": null,
    "choices": [
      "a"
    ],
    "allow_free_text": true,
    "details": null
  },
  "output": null,
  "error": null,
  "created_at": "2025-12-17T08:30:00+00:00",
  "updated_at": "2025-12-17T08:30:00.000001+00:00",
  "actor_id": null,
  "session_id": null,
  "parent_run_id": null
}`;

describe('JsonFileRunStore', () => {
  it("writes run_<id>.json exactly as Python's json.dump(asdict(run), ensure_ascii=False, indent=2), creating the folder", async () => {
    const base = join(await dir(), 'nested', 'data');
    const store = new JsonFileRunStore(base);
    await store.save(sample());
    expect(await readFile(join(base, 'run_r1.json'), 'utf8')).toBe(EXPECTED_TEXT);
    expect(await readdir(base)).toEqual(['run_r1.json']);
  });

  it('load throws CorruptFileError naming the file for garbage, a wrong shape, bad UTF-8, a BOM or another run id', async () => {
    const d = await dir();
    const store = new JsonFileRunStore(d);
    const good = EXPECTED_TEXT;
    const cases: [string, string | Buffer][] = [
      ['garbage', '{"run_id": "garbage", not json'],
      ['shape', good.replace('"run_id": "r1"', '"run_id": "shape"').replace('"status": "waiting"', '"status": "bogus"')],
      ['utf8', Buffer.concat([Buffer.from(good.replace('"run_id": "r1"', '"run_id": "utf8"').slice(0, -1)), Buffer.from([0xff, 0x7d])])],
      ['bom', `\ufeff${good.replace('"run_id": "r1"', '"run_id": "bom"')}`],
      ['other', good],
      ['empty', ''],
    ];
    for (const [id, content] of cases) {
      const path = join(d, `run_${id}.json`);
      await writeFile(path, content);
      const loading = store.load(id);
      await expect(loading, id).rejects.toBeInstanceOf(CorruptFileError);
      await expect(loading, id).rejects.toMatchObject({ code: 'CORRUPT_FILE', path });
    }
    expect(await store.load('missing')).toBeNull();
  });

  it('queries skip corrupt files, report them, and recover when the file is fixed', async () => {
    const d = await dir();
    const reported: string[] = [];
    const store = new JsonFileRunStore(d, { onCorrupt: (path, error) => reported.push(`${path} ${error.code}`) });
    await store.save(sample());
    const bad = join(d, 'run_bad.json');
    await writeFile(bad, 'garbage');
    expect((await store.listRuns()).map((r) => r.runId)).toEqual(['r1']);
    expect(store.corruptFiles()).toEqual([bad]);
    expect(reported).toEqual([`${bad} CORRUPT_FILE`]);
    expect((await store.listRuns({ status: RunStatus.WAITING })).map((r) => r.runId)).toEqual(['r1']);
    await rm(bad);
    await store.listRuns();
    expect(store.corruptFiles()).toEqual([]);
  });

  it('ignores temp files and unrelated files in the folder', async () => {
    const d = await dir();
    const store = new JsonFileRunStore(d);
    await store.save(sample());
    await writeFile(join(d, '.run_r2.json.1.abc.tmp'), '{');
    await writeFile(join(d, 'run_r3.json.bak'), '{');
    await writeFile(join(d, 'ledger_r1.jsonl'), '');
    await mkdir(join(d, 'artifacts'));
    expect((await store.listRuns()).map((r) => r.runId)).toEqual(['r1']);
    expect(await store.runIds()).toEqual(['r1']);
    expect(store.corruptFiles()).toEqual([]);
  });

  it('rejects run ids that could escape the folder, writing nothing', async () => {
    const parent = await dir();
    const d = join(parent, 'data');
    const store = new JsonFileRunStore(d);
    for (const runId of ['../evil', 'a/b', 'a\\b', '', '..', 'x'.repeat(201), 'nul\0']) {
      await expect(store.save(makeRun({ runId })), JSON.stringify(runId)).rejects.toBeInstanceOf(InvalidFileIdError);
      await expect(store.load(runId)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    expect(await readdir(parent)).toEqual([]);
  });

  it('refuses a run that is not JSON and keeps the stored checkpoint', async () => {
    const d = await dir();
    const store = new JsonFileRunStore(d);
    await store.save(sample());
    const bad = { ...sample(), vars: { when: new Date() } } as unknown as RunState;
    await expect(store.save(bad)).rejects.toMatchObject({ code: 'NOT_JSON_SERIALIZABLE' });
    expect(await readFile(join(d, 'run_r1.json'), 'utf8')).toBe(EXPECTED_TEXT);
    expect(await readdir(d)).toEqual(['run_r1.json']);
  });

  it('sees changes written by another process between queries, even same-size rewrites in place', async () => {
    const d = await dir();
    const writer = new JsonFileRunStore(d);
    const reader = new JsonFileRunStore(d);
    await writer.save(makeRun({ runId: 'r1', status: RunStatus.WAITING, waiting: waitState({ reason: WaitReason.EVENT, waitKey: 'e' }) }));
    expect((await reader.listRuns())[0]!.status).toBe('waiting');
    // Python rewrites in place (open("w")); "waiting" -> "running" keeps the size.
    const path = join(d, 'run_r1.json');
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replace('"status": "waiting"', '"status": "running"'));
    expect((await reader.listRuns())[0]!.status).toBe('running');
    await rm(path);
    expect(await reader.listRuns()).toEqual([]);
  });

  it('hands out copies from queries', async () => {
    const store = new JsonFileRunStore(await dir());
    await store.save(sample());
    const [first] = await store.listRuns();
    first!.vars['s'] = 'changed';
    expect((await store.listRuns())[0]!.vars['s']).toBe('café ☕');
  });

  it('read-only: save throws ReadOnlyStoreError and creates nothing', async () => {
    const parent = await dir();
    const store = new JsonFileRunStore(join(parent, 'data'), { readOnly: true });
    await expect(store.save(sample())).rejects.toBeInstanceOf(ReadOnlyStoreError);
    await expect(store.save(sample())).rejects.toMatchObject({ code: 'READ_ONLY' });
    expect(await store.listRuns()).toEqual([]);
    expect(await store.load('r1')).toBeNull();
    expect(await readdir(parent)).toEqual([]);
  });
});
