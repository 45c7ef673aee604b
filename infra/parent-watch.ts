// The launcher's guard against outliving whoever started it. npm passes a
// SIGTERM or SIGINT it receives to its script's process, which is the
// launcher itself since package.json's start `exec`s it. But npm killed
// outright (SIGKILL, an OOM kill), or a shell left between npm and the
// launcher (which dies of a SIGTERM without passing it on, and holds a
// SIGINT until its child exits), would leave PostgreSQL, Temporal, the
// worker and the API running with nobody to stop them. A process whose
// parent exits is given a new parent (init or a subreaper): that change is
// the signal.

/** Calls `onGone` once, when this process's parent has exited; answers a function that stops watching. */
export function watchParent(onGone: () => void, everyMs = 250): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, everyMs);
  // The watch alone does not keep the launcher alive.
  timer.unref();
  return () => clearInterval(timer);
}
