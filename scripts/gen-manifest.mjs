#!/usr/bin/env node
// Writes oclif.manifest.json (the commands' metadata) so the CLI starts without
// importing every command module. The same metadata feeds the man pages.
import { writeFileSync, rmSync } from 'node:fs';
import { Config } from '@oclif/core';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url)); // a path, not a URL (spaces stay spaces)
rmSync(`${root}oclif.manifest.json`, { force: true });
const config = await Config.load(root);
const plugin = config.plugins.get(config.pjson.name);
const manifest = plugin.manifest;
writeFileSync(`${root}oclif.manifest.json`, JSON.stringify(manifest, null, 2) + '\n');
