/**
 * Resolves in a new task, so that input, rendering, queued messages and other tasks get their
 * turn in between, on a page or in a Worker. A MessageChannel message, not `setTimeout(0)`:
 * nested timers are clamped to 4 ms.
 */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
