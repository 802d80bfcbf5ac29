// Plain JavaScript: bin/logward.js reads the command name before any TypeScript loader exists
// (to choose between the precompiled tree and tsx), and cli/main.ts reads it to load only that
// command's module.

/** The command named on the command line: the first argument that is no option (nor -c's value). */
export function requestedCommand(argv) {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-c' || a === '--config') i++;
    else if (a === '--') return argv[i + 1];
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}
