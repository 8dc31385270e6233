/** The `dnd.random` namespace, Heat's `ht.random`: only the public draws and the state. */
export { getState, normal, rand, randint, randn, RandomState, seed, setState, type RandomOptions } from './random.js';
