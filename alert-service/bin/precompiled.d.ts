// Types of precompiled.js (plain JavaScript: bin/logward.js reads it before tsx is registered).
export declare const SOURCE_DIRS: readonly string[];
export declare const BUILD_DIR: string;
export declare function listSources(root: string): string[];
export declare function sourceDigest(root: string, files?: readonly string[]): string;
export declare function builtDigest(dir: string): string | undefined;
export declare function freshBuild(root: string): string | undefined;
