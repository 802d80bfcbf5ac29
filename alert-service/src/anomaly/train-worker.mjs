// Worker entry: plain JS, because a worker thread does not inherit the tsx loader of the main thread.
import { register } from 'tsx/esm/api';

register();
await import('./train-worker.ts');
