import test from 'ava';
import { NEVER, Subject, firstValueFrom, type Observable } from 'rxjs';
import { raceLinkLoss } from '@labrx/core';

function hooks() {
  const log: string[] = [];
  return { log, hooks: { start: () => log.push('start'), end: () => log.push('end'), abort: (r: 'error' | 'unsubscribe') => log.push(`abort:${r}`) } };
}

test('the trace wins: start, end once, no abort, even when the consumer unsubscribes on the trace', async (t) => {
  const { log, hooks: h } = hooks();
  const trace = new Subject<number>();
  const pending = firstValueFrom(raceLinkLoss(trace, NEVER as Observable<never>, h));
  t.deepEqual(log, ['start']);
  trace.next(7);
  t.is(await pending, 7);
  t.deepEqual(log, ['start', 'end']);
});

test('a lost link fails the acquisition at once: end, then abort("error")', async (t) => {
  const { log, hooks: h } = hooks();
  const lost = new Subject<never>();
  const pending = firstValueFrom(raceLinkLoss(NEVER, lost, h));
  lost.error(new Error('link lost'));
  await t.throwsAsync(pending, { message: 'link lost' });
  t.deepEqual(log, ['start', 'end', 'abort:error']);
});

test('a consumer that leaves before the trace: end, then abort("unsubscribe"), once', (t) => {
  const { log, hooks: h } = hooks();
  const sub = raceLinkLoss(NEVER, NEVER, h).subscribe();
  sub.unsubscribe();
  sub.unsubscribe();
  t.deepEqual(log, ['start', 'end', 'abort:unsubscribe']);
});
