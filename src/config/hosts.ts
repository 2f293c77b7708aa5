/**
 * Remote hosts in config.json: `hosts: { "build": { "ssh": "user@build.example", ... } }`. A host is
 * reached with the user's own ssh client and ~/.ssh/config; these fields only add to it.
 */
import { z } from 'zod';

/** A host name as typed in `build:api` and shown in the table. */
const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

const hostSchema = z
  .object({
    ssh: z
      .string()
      .min(1)
      .refine((s) => !s.startsWith('-') && !/\s/.test(s), 'must be an ssh destination (user@host or an alias)'),
    port: z.number().int().min(1).max(65535).optional(),
    identityFile: z.string().min(1).optional(),
    /** An ssh_config file used instead of ~/.ssh/config. */
    sshConfig: z.string().min(1).optional(),
    roots: z.array(z.string().startsWith('/', 'must be an absolute path on the host')).min(1).optional(),
    claudePath: z.string().min(1).optional(),
    maxConcurrent: z.number().int().min(1).max(64).optional(),
    /** The per-user state folder on the host (runs' logs); relative to the remote home. */
    stateDir: z.string().min(1).optional(),
    /** Variables of the agent's environment here that remote runs get too (by name; none by default). */
    passEnv: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')).optional(),
  })
  .strict();

/** The `hosts` field of config.json. */
export const hostsSchema = z.record(z.string().regex(HOST_NAME, 'a host name is letters, digits, - _ .'), hostSchema);

/** One configured host (see the README's "Remote hosts"). */
export type HostSettings = z.infer<typeof hostSchema>;
