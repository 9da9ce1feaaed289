import type { Command } from 'commander';
import type { CommandContext } from '../context.js';

// Commander hands actions their positional arguments, then the options, then the command.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Action = (context: CommandContext, ...args: any[]) => Promise<number>;
export type Wrap = (action: Action) => (...args: unknown[]) => Promise<void>;
/** A command file registers itself on the program; cli/commands/registry.ts lists them all. */
export type RegisterCommand = (program: Command, wrap: Wrap) => void;
