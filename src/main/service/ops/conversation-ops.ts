/**
 * What a conversation view is built from: the records of a run's LLM calls, tool calls and
 * questions, in full (request messages, answer, usage, timings), straight from the ledger. The
 * run's vars hold only the agent's own copy of its messages; the ledger holds what was sent.
 */
import { recordKind, type StepRecord } from '../../../runtime/index';
import { type LedgerRecord } from '../../../shared/contract/domain';
import { type Request, type ResponseMap } from '../../../shared/contract/operations';
import { toLedgerRecord } from '../dto/ledger-dto';
import { loadRunOr404, session, type ServiceContext } from '../service-context';

type Handler<K extends keyof ResponseMap> = (ctx: ServiceContext, req: Request<K>) => Promise<ResponseMap[K]>;

/** The effects a conversation shows; every other effect (a timer, an event, a child run) is left out. */
export const CONVERSATION_EFFECTS: ReadonlySet<string> = new Set(['llm_call', 'tool_calls', 'ask_user']);

const PAGE = 1000;

/**
 * A record of the conversation: an LLM call, tool calls or a question, and the records that say
 * what a person did between them: the resume of a wait (an approval, an answer) and a restore (a
 * retry of a failed call names the record it retried).
 */
function inConversation(record: StepRecord): boolean {
  if (record.effect) return CONVERSATION_EFFECTS.has(record.effect.type);
  const kind = recordKind(record);
  return kind === 'resume' || kind === 'restore';
}

export const conversationRecords: Handler<'ledger.conversation'> = async (ctx, req) => {
  const s = session(ctx);
  await loadRunOr404(s, req.runId);
  const total = await s.ledgerCount(req.runId);
  const records: LedgerRecord[] = [];
  let truncated = false;
  for (let from = 0; from < total && !truncated; ) {
    const page = await s.ledgerPage(req.runId, from, PAGE);
    if (page.length === 0) break;
    for (const { seq, record } of page) {
      if (!inConversation(record)) continue;
      if (records.length === req.limit) {
        truncated = true;
        break;
      }
      records.push(toLedgerRecord(seq, record));
    }
    from = page.at(-1)!.seq + 1;
  }
  return { runId: req.runId, records, ledgerTotal: total, truncated };
};
