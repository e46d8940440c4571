#!/usr/bin/env node
// The `socket-scope` command: runs the TypeScript CLI (protocol/cli) through tsx's loader.
import { register } from "tsx/esm/api";

register();
const { run } = await import("../protocol/cli/main.ts");
process.exitCode = run(process.argv.slice(2));
