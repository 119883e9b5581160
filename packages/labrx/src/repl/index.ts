/** `labrx repl`: a Node REPL with an async (`rp`) and a blocking (`rps`) board. */
export { startRepl, type ReplOptions, type LabrxRepl } from './startRepl.js';
export { completeSetting, SETTING_KINDS } from './settingsCompleter.js';
