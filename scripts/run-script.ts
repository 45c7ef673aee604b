// The operator scripts' exit codes, one convention for all of them
// (docs/PRODUCTION.md): 0 done, 1 refused or a difference found (the script
// says which), 2 could not run at all (a database or Temporal it could not
// reach, a file it could not read), so a cron job or a runbook can tell
// "look at the data" from "look at the setup".
export function runScript(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`${name} could not run: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 2;
    },
  );
}
