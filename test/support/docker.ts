/** Whether a Docker engine answers here (the container tests skip, saying so, where none does). */
import { execFile } from "node:child_process";

let answer: Promise<boolean> | undefined;

export function dockerEngineReachable(): Promise<boolean> {
  answer ??= new Promise((resolve) => {
    execFile("docker", ["info", "--format", "{{.ServerVersion}}"], { timeout: 10_000 }, (error, stdout) =>
      resolve(error === null && stdout.trim() !== ""),
    );
  });
  return answer;
}
