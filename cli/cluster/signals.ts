// Resolves on the first SIGINT or SIGTERM; a second one while stopping is reported, not fatal, so a
// clean-up in progress is never cut short by an impatient Ctrl-C.
export function untilSignal(log: (m: string) => void = () => {}): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let got: NodeJS.Signals | undefined;
    const on = (sig: NodeJS.Signals) => {
      if (got) {
        log(`${sig} received again: still cleaning up, please wait`);
        return;
      }
      got = sig;
      log(`${sig} received`);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}
