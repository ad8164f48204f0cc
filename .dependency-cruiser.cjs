/**
 * The layout table of DESIGN.md, made executable: `npm test` runs `depcruise` with these rules, and any import
 * circle (type-only imports included) or any import across a boundary the table forbids fails the run.
 *
 *   npx depcruise gpconnect simulators gateway harness scenarios reports test bench examples
 */
const PROJECT = "^(gpconnect|simulators|gateway|harness|scenarios|reports|test|bench|examples)/";

/** gpconnect/ modules that are vocabulary only (names, codes, shapes): what the harness may use. */
const GPCONNECT_CONSTANTS =
  "^gpconnect/(identifiers|error-codes|parameters|jwt|headers|profiles|fhir-stu3)\\.ts$";

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "No file-level import circles, runtime or type-only: dependencies flow one way.",
      from: {},
      to: { circular: true },
    },
    {
      name: "gpconnect-imports-nothing",
      severity: "error",
      comment:
        "gpconnect/ is the protocol's vocabulary, shared by its speakers: it imports nothing of the project.",
      from: { path: "^gpconnect/" },
      to: { path: PROJECT, pathNot: "^gpconnect/" },
    },
    {
      name: "simulators-know-no-harness",
      severity: "error",
      comment:
        "The simulators know nothing of the harness, the gateway, scenarios or reports: only gpconnect/.",
      from: { path: "^simulators/" },
      to: { path: PROJECT, pathNot: "^(simulators|gpconnect)/" },
    },
    {
      name: "gateway-speaks-only-gpconnect",
      severity: "error",
      comment:
        "The reference gateway is a gateway like any other: it knows the protocol (gpconnect/) and nothing else of ours.",
      from: { path: "^gateway/" },
      to: { path: PROJECT, pathNot: "^(gateway|gpconnect)/" },
    },
    {
      name: "harness-uses-the-simulators-face",
      severity: "error",
      comment:
        "The harness (and its CLI) use the simulators through simulators/index.ts only, never their internals.",
      from: { path: "^harness/" },
      to: { path: "^simulators/", pathNot: "^simulators/index\\.ts$" },
    },
    {
      name: "benchmarks-use-the-simulators-face",
      severity: "error",
      comment: "The benchmarks measure what users get: the simulators through simulators/index.ts.",
      from: { path: "^bench/" },
      to: { path: "^simulators/", pathNot: "^simulators/index\\.ts$" },
    },
    {
      name: "oracle-shares-no-decoder",
      severity: "error",
      comment:
        "The harness judges answers with its own code: from gpconnect/ it may take constants (names, codes, shapes), not the helpers its subjects use to build or read messages.",
      from: { path: "^harness/" },
      to: { path: "^gpconnect/", pathNot: GPCONNECT_CONSTANTS },
    },
    {
      name: "harness-never-imports-the-gateway",
      severity: "error",
      comment:
        "The reference gateway is a subject under test: the harness starts it as a process, never imports it.",
      from: { path: "^harness/" },
      to: { path: "^(gateway|test|bench|examples)/" },
    },
    {
      name: "examples-are-gateways-with-adapters",
      severity: "error",
      comment:
        "An example stands in for a gateway written elsewhere, with its consumer adapter: it may use the reference gateway's modules, the protocol's vocabulary and the adapter API (harness/north/adapter.ts), nothing else of ours.",
      from: { path: "^examples/" },
      to: { path: PROJECT, pathNot: "^(examples/|gateway/|gpconnect/|harness/north/adapter\\.ts$)" },
    },
    {
      name: "only-the-cli-wires-reports-and-scenarios",
      severity: "error",
      comment: "The CLI is the one place where harness, scenarios and reports are wired together.",
      from: { path: "^harness/", pathNot: "^harness/cli(/|\\.ts$)" },
      to: { path: "^(reports|scenarios)/" },
    },
    {
      name: "scenarios-use-the-scenario-api",
      severity: "error",
      comment: "A scenario file sees the scenario API of the harness, nothing else of the project.",
      from: { path: "^scenarios/" },
      to: { path: PROJECT, pathNot: "^(scenarios/|harness/scenario\\.ts$)" },
    },
    {
      name: "reports-read-the-run-result",
      severity: "error",
      comment:
        "A report writer is a function of the run result: it imports the run-result types and nothing else of ours.",
      from: { path: "^reports/" },
      to: { path: PROJECT, pathNot: "^(reports/|harness/run-result\\.ts$)" },
    },
    {
      name: "production-code-needs-no-dev-dependency",
      severity: "error",
      comment:
        "What users install (npm ci --omit=dev) must run: shipped code imports runtime dependencies only.",
      from: { path: "^(gpconnect|simulators|gateway|harness|scenarios|reports)/" },
      to: { dependencyTypes: ["npm-dev"], dependencyTypesNot: ["type-only"] },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment:
        "Every import resolves (the triple-slash reference to @types/fhir names ambient types, not a module).",
      from: {},
      to: { couldNotResolve: true, pathNot: "^fhir$" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(dist|node_modules)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".json"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
