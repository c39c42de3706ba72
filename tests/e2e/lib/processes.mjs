// Child processes for end-to-end runs: each in its own process group, so a
// failing test never leaves the app, WebKitWebDriver or the simulator behind.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import net from "node:net";

const running = new Set();

export function start(command, args, { env = {}, name = command } = {}) {
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.name = name;
  child.output = [];
  const keep = (chunk) => {
    child.output.push(chunk.toString());
    if (child.output.length > 400) child.output.shift();
  };
  child.stderr.on("data", keep);
  running.add(child);
  child.on("exit", () => running.delete(child));
  return child;
}

/** The first stdout line, or a rejection if the process exits or is silent for `ms`. */
export function firstLine(child, ms = 30_000) {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => reject(new Error(`${child.name} printed nothing for ${ms} ms`)), ms);
    lines.once("line", (line) => {
      clearTimeout(timer);
      child.stdout.resume();
      resolve(line);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${child.name} exited with ${code}: ${child.output.join("")}`));
    });
  });
}

export async function waitForPort(port, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.end();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listened on port ${port} within ${ms} ms`);
}

export function stop(child) {
  if (!child || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    child.kill("SIGKILL");
  }
}

export function stopAll() {
  for (const child of running) stop(child);
}

process.on("exit", stopAll);
