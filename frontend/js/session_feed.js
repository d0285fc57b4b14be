// The latest answer about a session, shared by the heartbeats that renew it and
// the media that reads its stream URLs. paidBeyond(n) resolves once more than n
// minutes are paid, or the session ended or is no longer watched.
export function sessionFeed(initial) {
  let current = initial;
  let closed = false;
  let waiters = [];
  const settle = () => {
    const over = closed || current.state === 'ended';
    const ready = waiters.filter((w) => over || current.minutes_paid > w.seen);
    waiters = waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  };
  return {
    get: () => current,
    set(next) {
      current = next;
      settle();
    },
    paidBeyond(seen) {
      return new Promise((resolve) => {
        waiters.push({ seen, resolve });
        settle();
      });
    },
    close() {
      closed = true;
      settle();
    },
  };
}
