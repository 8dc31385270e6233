// `debug` as oclif's bundle requires it (scripts/bundle-oclif.mjs): the real package when
// DEBUG is set, else loggers that print nothing, as `debug` itself does without DEBUG.
'use strict';

function silent(namespace) {
  const log = () => {};
  log.namespace = namespace;
  log.enabled = false;
  log.extend = (sub, delimiter = ':') => silent(`${namespace}${delimiter}${sub}`);
  return log;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- evaluated only when DEBUG is set: the point of this file
module.exports = process.env.DEBUG ? require('debug') : silent;
