/** process.env variables a test sets, put back afterwards. */
import { refreshEnvironment } from '../../src/index.js';

export interface SavedEnvironment {
  /** Puts every variable back as it was, and has the library read the environment anew. */
  restore(): void;
}

/** What `names` hold in process.env now, to be put back by `restore()`. */
export function saveEnvironment(names: readonly string[]): SavedEnvironment {
  const saved = names.map((name) => [name, process.env[name]] as const);
  return {
    restore() {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      refreshEnvironment();
    },
  };
}
