// Child process of remote-processes.test.ts: "a script on the lab PC". Connects to the served board
// at argv[2], streams the scope with the settings given as JSON in argv[3], and prints one line per
// trace ("trace <timestamp> <ch1[0]>"), until its stdin closes. With argv[4] (a second board's URL)
// it first takes one trace there and prints "other <samples>".
import { connect } from 'labrx';

const [url, settingsJson, otherUrl] = process.argv.slice(2);
if (otherUrl) {
  const other = await connect(otherUrl);
  const tr = await other.scope.single({ decimation: 64 });
  process.stdout.write(`other ${tr.ch1.length}\n`);
  await other.close();
}
const rp = await connect(url!);
const sub = rp.scope.stream$(JSON.parse(settingsJson!)).subscribe({
  next: (tr) => process.stdout.write(`trace ${tr.timestamp} ${tr.ch1[0]}\n`),
  error: (error: unknown) => {
    process.stderr.write(`stream failed: ${String(error)}\n`);
    process.exitCode = 1;
  },
});
process.stdin.resume();
process.stdin.on('end', () => {
  sub.unsubscribe();
  void rp.close();
});
