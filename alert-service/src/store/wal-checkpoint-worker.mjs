// Worker entry: plain JS, because a worker thread does not inherit the tsx loader of the main
// thread. Registers tsx, then loads the TypeScript worker (messages wait on the port meanwhile).
import { register } from 'tsx/esm/api';

register();
await import('./wal-checkpoint-worker.ts');
