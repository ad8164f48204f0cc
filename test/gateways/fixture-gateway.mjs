// A small gateway for the launchers' tests, with the behaviours a launcher must cope with. It starts a child
// of its own (a stand-in for a wrapper script's server), tells the test both pids, then, as argv[2] says:
//   log    listens on FIXTURE_PORT (default: a free port) and prints "fixture gateway listening on URL"
//   http   listens, printing nothing of the kind; GET /metadata answers 503 FIXTURE_WARM_UP times, then 200
//   never  prints that it is starting, and never listens
//   exit   prints eight numbered lines on stderr and exits with FIXTURE_EXIT_STATUS (default 3), leaving
//          its child running
// FIXTURE_HELLO_URL: where it POSTs {"pid", "child"} once the child is started.
// FIXTURE_IGNORE_TERM=1: it and its child ignore SIGTERM (only SIGKILL stops them).
import { spawn } from "node:child_process";
import { createServer } from "node:http";

const mode = process.argv[2] ?? "log";
const ignoreTerm = process.env.FIXTURE_IGNORE_TERM === "1";
if (ignoreTerm) process.on("SIGTERM", () => console.error("SIGTERM ignored"));

const childCode = `${ignoreTerm ? 'process.on("SIGTERM", () => {});' : ""} setInterval(() => {}, 60_000);`;
const child = spawn(process.execPath, ["-e", childCode], { stdio: "ignore" });

if (process.env.FIXTURE_HELLO_URL !== undefined) {
  await fetch(process.env.FIXTURE_HELLO_URL, {
    method: "POST",
    body: JSON.stringify({ pid: process.pid, child: child.pid }),
  });
}
if (process.env.FIXTURE_GREETING !== undefined) console.error(`greeting: ${process.env.FIXTURE_GREETING}`);
console.log(`fixture gateway ${mode} starting in ${process.cwd()}`);

if (mode === "exit") {
  for (let line = 1; line <= 8; line++) console.error(`fixture failure line ${line}`);
  process.exit(Number(process.env.FIXTURE_EXIT_STATUS ?? 3));
}
if (mode === "log" || mode === "http") {
  let warmUp = Number(process.env.FIXTURE_WARM_UP ?? 0);
  const server = createServer((request, response) => {
    const ready = request.url === "/metadata" && warmUp-- <= 0;
    response.writeHead(ready ? 200 : 503, { "content-type": "application/json" });
    response.end(JSON.stringify({ resourceType: "CapabilityStatement", path: request.url }));
  });
  server.listen(Number(process.env.FIXTURE_PORT ?? 0), "127.0.0.1", () => {
    const url = `http://127.0.0.1:${server.address().port}`;
    if (mode === "log") console.log(`fixture gateway listening on ${url}`);
  });
}
if (mode === "never") setInterval(() => {}, 60_000);
