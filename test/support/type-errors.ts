import ts from 'typescript';

/** One error TypeScript gives: its 1-based line and its whole chain of messages. */
export interface TypeDiagnostic {
  line: number;
  message: string;
}

/** The project's compiler options (tsconfig.json), emitting nothing. */
function projectOptions(): ts.CompilerOptions {
  const host: ts.ParseConfigFileHost = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(`tsconfig.json: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`);
    },
  };
  const config = ts.getParsedCommandLineOfConfigFile('tsconfig.json', {}, host);
  if (!config) throw new Error('tsconfig.json could not be read: run the tests from the project root.');
  return { ...config.options, noEmit: true, incremental: false };
}

/**
 * The type errors in `file` (a path from the project root) compiled with the project's settings, as
 * TypeScript would report them; `text` replaces the file's own text (the files it imports are read as they are).
 */
export function typeErrors(file: string, text?: string): TypeDiagnostic[] {
  const options = projectOptions();
  const host = ts.createCompilerHost(options);
  const path = ts.sys.resolvePath(file);
  if (text !== undefined) {
    const read = host.getSourceFile.bind(host);
    host.getSourceFile = (name, language, ...rest) =>
      ts.sys.resolvePath(name) === path ? ts.createSourceFile(name, text, language) : read(name, language, ...rest);
  }
  const program = ts.createProgram({ rootNames: [path], options, host });
  // Only this file's errors: checking every file it imports (the whole library) is tsc's job, and slow.
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(path)).map((diagnostic) => ({
    line: diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line + 1 : 0,
    message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'),
  }));
}
