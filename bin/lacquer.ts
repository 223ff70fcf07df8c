#!/usr/bin/env node
// The `lacquer` command. Runs under Node 24 type stripping; all logic lives in src/cli.
import { main } from '../src/cli/index.ts';

process.exitCode = await main(process.argv);
