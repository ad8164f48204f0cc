/**
 * A harness that launches a gateway and then exits without stopping it (as on a crash that still runs the exit
 * handlers): the launcher's exit hook must take the gateway down with it. argv[2]: `command` (the fixture
 * gateway, which reports its pids to FIXTURE_HELLO_URL) or `image` (a container of IMAGE that prints "ready").
 */
import { fileURLToPath } from "node:url";
import { type LaunchedGateway, launchCommand, launchImage } from "../../harness/launch/index.js";

const context = {
  manifestDir: fileURLToPath(new URL(".", import.meta.url)),
  environment: {
    FIXTURE_HELLO_URL: process.env.FIXTURE_HELLO_URL ?? "",
    // Lets the test that started this find the container among others on a shared engine.
    GP_HARNESS_TEST_MARKER: process.env.GP_HARNESS_TEST_MARKER ?? "",
  },
  url: undefined,
  port: 0,
};
const gateway: LaunchedGateway =
  process.argv[2] === "image"
    ? await launchImage(
        {
          kind: "image",
          image: process.env.IMAGE ?? "",
          command: ["node", "-e", "console.log('ready'); setInterval(() => {}, 60000)"],
          ready: { log: "^ready$" },
        },
        context,
      )
    : await launchCommand(
        {
          kind: "command",
          argv: ["node", "fixture-gateway.mjs", "log"],
          ready: { log: "listening on (http://\\S+)" },
        },
        context,
      );
process.stdout.write(`launched ${gateway.url}\n`);
process.exit(1);
