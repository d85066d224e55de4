// The base of lixiao's own errors: the class's name for logs, and a stable code that scripts and tests can rely on.
export abstract class LixiaoError extends Error {
  /** stable across releases and languages, unlike the message: `config_invalid`, `import_bad_rows`, … */
  abstract readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
