// Types of requested-command.js (plain JavaScript, read by bin/logward.js before tsx is registered).
/** The command named on the command line: the first argument that is no option (nor -c's value). */
export declare function requestedCommand(argv: readonly string[]): string | undefined;
