export function freePort(): Promise<number>;
export function startEmbeddedPostgres(options: {
  dir: string;
  fresh?: boolean;
  port?: number;
  log?: (message: unknown) => void;
}): Promise<{ url: string; port: number; stop: () => Promise<void> }>;
