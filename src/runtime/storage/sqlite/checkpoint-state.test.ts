import { describe, expect, it } from 'vitest';
import { encodeRunState } from '../../core/codecs';
import { waitState } from '../../core/models';
import { parseJson } from '../../json/parse';
import { pyJsonDumps } from '../../json/py-dumps';
import { type JsonObject } from '../../json/json-value';
import { makeRun } from '../testing/store-contract';
import { stateText } from './checkpoint-state';

const general = (run: ReturnType<typeof makeRun>): string => pyJsonDumps(encodeRunState(run), { separators: [',', ':'] });

describe('stateText', () => {
  it('writes exactly what the general writer writes for asdict(run)', () => {
    const vars = parseJson('{"zeta":1.0,"10":"ten","2":[1e-05,-0.0,123456789012345678901234567890],"s":"café \\"q\\" ☕ 🎉\\n","_limits":{"max_tokens":32768}}') as JsonObject;
    const runs = [
      makeRun({}),
      makeRun({ runId: 'r-ünïcode', status: 'waiting', vars, waiting: waitState({ reason: 'user', waitKey: 'k', prompt: 'Pick "one"', choices: ['a', 'b'], allowFreeText: false, details: { n: 1 } }) }),
      makeRun({ status: 'waiting', waiting: waitState({ reason: 'until', until: '2026-01-01T00:00:00+00:00', resumeToNode: 'next', resultKey: 'r' }) }),
      makeRun({ status: 'completed', output: parseJson('{"b":2,"a":[1.5]}') as JsonObject, actorId: 'ar_x', sessionId: 's', parentRunId: 'p' }),
      makeRun({ status: 'failed', error: 'boom\u0001\t"x"' }),
    ];
    for (const run of runs) expect(stateText(run)).toBe(general(run));
  });
});
