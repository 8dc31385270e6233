import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { allLocal, checkSlots, everyRankHere, launcherForHosts, mpiexecHostArgs, parseHostfile, parseHostList, resolveHosts } from '../../src/runtime/hosts.js';
import { rankEnvironment } from '../../src/runtime/launcher.js';

const dir = mkdtempSync(join(tmpdir(), 'dnd-hosts-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('--host', () => {
  it('parses HOST[:SLOTS], merging repeated hosts, 1 slot when none is given (as mpiexec)', () => {
    assert.deepEqual(parseHostList('h1:2,h2:3'), [{ host: 'h1', slots: 2 }, { host: 'h2', slots: 3 }]);
    assert.deepEqual(parseHostList('h1,h1:2, 10.0.0.7'), [{ host: 'h1', slots: 3 }, { host: '10.0.0.7', slots: 1 }]);
  });
  for (const bad of ['', 'h1:', 'h1:0', 'h1:-1', 'h1:2x', ',h1', 'h1,,h2', 'h1;rm -rf /', '-h1', 'h 1', '$(id)', 'h1:2:3']) {
    it(`rejects '${bad}' with a message naming what is allowed`, () => {
      assert.throws(() => parseHostList(bad), (e: Error) => /host name|slot count|empty/.test(e.message) && !e.message.includes('\n'));
    });
  }
});

describe('--hostfile', () => {
  it('reads Open MPI hostfiles: slots=, max_slots=, comments, blank lines, hosts without slots', () => {
    const hosts = parseHostfile('# cluster\nh1 slots=2 max_slots=4\n\n  h2   slots=1 # comment\nh3\nh1 slots=1\n', 'f');
    assert.deepEqual(hosts, [{ host: 'h1', slots: 3 }, { host: 'h2', slots: 1 }, { host: 'h3', slots: null }]);
  });
  it('names the file and line of a bad entry', () => {
    assert.throws(() => parseHostfile('h1 slots=2\nh2 slots=two\n', 'hf'), /^DndError: hf:2 slots: expected a slot count/);
    assert.throws(() => parseHostfile('h1 cores=2\n', 'hf'), /hf:1: 'cores=2' is not understood/);
    assert.throws(() => parseHostfile('# nothing\n\n', 'hf'), /names no hosts/);
  });
  it('an unreadable file is a usage error saying why', () => {
    assert.throws(() => resolveHosts({ hostfile: join(dir, 'missing') }), /--hostfile .*missing: cannot read it \(no such file\)/);
    assert.throws(() => resolveHosts({ hostfile: dir }), /cannot read it \(a directory\)/);
  });
});

describe('resolveHosts: flags, then $DND_HOSTFILE / $DND_HOST', () => {
  const hf = file('hf', 'a slots=2\nb slots=2\n');
  it('a flag wins over either env default', () => {
    assert.equal(resolveHosts({ host: 'x:1' }, { DND_HOSTFILE: hf })?.value, 'x:1');
    assert.equal(resolveHosts({ hostfile: hf }, { DND_HOST: 'y:3' })?.value, hf);
  });
  it('env defaults apply without flags; empty means unset', () => {
    assert.equal(resolveHosts({}, { DND_HOST: 'y:3' })?.from, '$DND_HOST');
    assert.equal(resolveHosts({}, { DND_HOSTFILE: hf })?.kind, 'hostfile');
    assert.equal(resolveHosts({}, { DND_HOSTFILE: '' }), null);
    assert.equal(resolveHosts({}, {}), null);
  });
  it('both forms at one level is an error', () => {
    assert.throws(() => resolveHosts({ hostfile: hf, host: 'a' }), /--hostfile or --host, not both/);
    assert.throws(() => resolveHosts({}, { DND_HOSTFILE: hf, DND_HOST: 'a' }), /\$DND_HOSTFILE or \$DND_HOST, not both/);
  });
  it('hands mpiexec the same form, as separate arguments', () => {
    assert.deepEqual(mpiexecHostArgs(resolveHosts({ host: 'h1:2,h2' })), ['--host', 'h1:2,h2:1']);
    assert.deepEqual(mpiexecHostArgs(resolveHosts({ hostfile: hf }), true), ['--hostfile', hf, '--map-by', 'node']);
    assert.deepEqual(mpiexecHostArgs(null), []);
    // ranks on other hosts get only Open MPI's variables unless named with -x
    assert.deepEqual(mpiexecHostArgs(resolveHosts({ host: 'h1' }), false, { DND_DEBUG: '1', HOME: '/x', NODE_OPTIONS: '--x', DND_TEST_FAULT: 'a b;c' }), [
      '--host', 'h1:1', '-x', 'DND_DEBUG', '-x', 'DND_TEST_FAULT', '-x', 'NODE_OPTIONS',
    ]);
  });
  it('more ranks than named slots fail before launch; unknown slots are left to mpiexec', () => {
    assert.throws(() => checkSlots(resolveHosts({ host: 'h1:2,h2:2' }) as never, 5), /-n 5 ranks do not fit the 4 slot\(s\)/);
    checkSlots(resolveHosts({ host: 'h1:2,h2:2' }) as never, 4);
    checkSlots(resolveHosts({ hostfile: file('noslots', 'h1\nh2\n') }) as never, 64);
  });
  it('hosts mean mpiexec; srun or in-process cannot honour them', () => {
    const p = resolveHosts({ host: 'h1' });
    assert.equal(launcherForHosts('auto', p), 'mpiexec');
    assert.equal(launcherForHosts('auto', null), 'auto');
    assert.throws(() => launcherForHosts('srun', p), /--host places ranks for mpiexec, but --launcher srun/);
  });
});

describe('single-node MCA defaults only when every rank is on this host', () => {
  const here = hostname();
  it('this host by any of its names is local; another host is not', () => {
    assert.equal(allLocal(resolveHosts({ host: `localhost:2,${here}:2` })), true);
    assert.equal(allLocal(resolveHosts({ host: `${here}:2,h2:2` })), false);
    assert.equal(everyRankHere(null, {}), true);
  });
  it("Open MPI's own default hostfile counts too; an unreadable one counts as remote", () => {
    assert.equal(everyRankHere(null, { OMPI_MCA_orte_default_hostfile: file('local', `${here} slots=4\n`) }), true);
    assert.equal(everyRankHere(null, { OMPI_MCA_orte_default_hostfile: file('remote', 'h1 slots=4\n') }), false);
    assert.equal(everyRankHere(null, { OMPI_MCA_orte_default_hostfile: join(dir, 'gone') }), false);
  });
  it('rankEnvironment sets pml=ob1 only for one node, and never over the user', () => {
    assert.equal(rankEnvironment({}, 2, true).OMPI_MCA_pml, 'ob1');
    assert.equal(rankEnvironment({}, 2, false).OMPI_MCA_pml, undefined);
    assert.equal(rankEnvironment({}, 64, false).OMPI_MCA_rmaps_base_oversubscribe, undefined);
    assert.equal(rankEnvironment({ OMPI_MCA_pml: 'ucx' }, 2, true).OMPI_MCA_pml, 'ucx');
  });
  it("rankEnvironment empties NODE_EXTRA_CA_CERTS for dnd's own rank program only, and Open MPI carries it to other hosts", () => {
    const user = { NODE_EXTRA_CA_CERTS: '/etc/corp/ca.pem' };
    assert.equal(rankEnvironment(user, 2, true, false, true).NODE_EXTRA_CA_CERTS, '');
    assert.equal(rankEnvironment(user, 2, false, false, true).NODE_EXTRA_CA_CERTS, '');
    assert.equal(rankEnvironment(user, 2, true, false, false).NODE_EXTRA_CA_CERTS, '/etc/corp/ca.pem');
    assert.equal(rankEnvironment(user, 2, true).NODE_EXTRA_CA_CERTS, '/etc/corp/ca.pem');
    assert.equal('NODE_EXTRA_CA_CERTS' in rankEnvironment({}, 2, true, false, true), false);
    assert.equal(user.NODE_EXTRA_CA_CERTS, '/etc/corp/ca.pem', "the caller's environment is not changed");
    const args = mpiexecHostArgs(resolveHosts({ host: 'h1,h2' }), false, user);
    assert.deepEqual(args.slice(-2), ['-x', 'NODE_EXTRA_CA_CERTS']);
  });
});
