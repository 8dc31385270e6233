/**
 * oclif, as dnd's CLI imports it: every command and the entry (bin/run.js) take oclif from
 * here, never from '@oclif/core' directly. The build replaces the compiled file with one
 * that takes the same names from a single-file bundle of @oclif/core
 * (scripts/bundle-oclif.mjs): Node loads oclif's ~160 files (semver, debug, minimatch, …)
 * one by one in ~60 ms here, the bundle in ~25, and every dnd command starts through it.
 */
export { Args, Command, Flags, flush, run } from '@oclif/core';
export type { Interfaces } from '@oclif/core';
