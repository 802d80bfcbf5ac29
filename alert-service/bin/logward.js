#!/usr/bin/env node
// The service is TypeScript run through tsx, so rule plugins dropped into plugin/ as .ts load without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
