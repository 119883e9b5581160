import test from 'ava';
import { mulberry32 } from '@labrx/core/testing';
import { DeadlineQueue, type Deadline } from '@labrx/core/testing';


test('pops in (due, seq) order through random pushes and removals, like a sorted list', (t) => {
  const random = mulberry32(42);
  const queue = new DeadlineQueue<Deadline>();
  let reference: Deadline[] = [];
  let seq = 0;
  const byDeadline = (a: Deadline, b: Deadline): number => a.due - b.due || a.seq - b.seq;
  for (let step = 0; step < 5000; step++) {
    const r = random();
    if (r < 0.5) {
      // Few distinct deadlines, so that ties (ordered by seq) are common.
      const item: Deadline = { due: Math.floor(random() * 20), seq: seq++, queueIndex: -1 };
      queue.push(item);
      reference.push(item);
    } else if (r < 0.75 && reference.length > 0) {
      const victim = reference[Math.floor(random() * reference.length)]!;
      t.true(queue.remove(victim));
      t.false(queue.remove(victim), 'a second removal finds nothing');
      reference = reference.filter((x) => x !== victim);
    } else {
      reference.sort(byDeadline);
      t.is(queue.pop(), reference.shift());
    }
    t.is(queue.size, reference.length);
  }
  reference.sort(byDeadline);
  t.is(queue.peek(), reference[0]);
  while (reference.length > 0) t.is(queue.pop(), reference.shift());
  t.is(queue.pop(), undefined);
});
