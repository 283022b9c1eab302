/**
What the language server and the VS Code extension both use: command ids, the file kinds and language ids, the
settings and client flags, the shapes of command results and of the coverage notification. Pure constants and types:
imports nothing, so either side can bundle it.
*/
export * from './commands.js';
export * from './files.js';
export * from './settings.js';
export * from './results.js';
export * from './coverage.js';
