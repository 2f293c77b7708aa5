/**
 * Settings from flags, environment and `$XDG_CONFIG_HOME/voice-orch/config.json`, validated with
 * zod. Precedence: flags > environment > config file > defaults. Errors name the bad field and
 * where it came from; nothing here exits the process.
 */
import { argErrorMessage, flagOfField, valueIssueMessage } from './arg-errors.js';
import { buildHelpText, type ArgOption } from './help-text.js';
import { errorText } from '../shared/errors.js';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { agentPricesSchema, type AgentPrices } from '../tasks/agent-prices.js';
import { agentApprovalsSchema } from '../tasks/backends/approval-launch.js';
import {
  DEFAULT_MIC_STREAM,
  DEFAULT_EARCON_BEFORE_NOTICE,
  DEFAULT_NOTICE_MODE,
  DEFAULT_PERMISSION_MODE,
  DEFAULT_REALTIME_MODEL,
  DEFAULT_REALTIME_URL,
  DEFAULT_SAME_DIR_POLICY,
  DEFAULT_ISOLATION,
  DEFAULT_VOICE,
  ISOLATION_MODES,
  MIC_STREAM_MODES,
  NOTICE_MODES,
  PERMISSION_MODES,
  SAME_DIR_POLICIES,
  AGENT_KINDS,
  type AgentKind,
  type IsolationMode,
  type MicStreamMode,
  type NoticeMode,
  type SameDirPolicy,
} from '../shared/settings-values.js';
import { hostsSchema, type HostSettings } from './hosts.js';
import {
  endpointKeyVars,
  resolveVoiceEngineSettings,
  voiceEngineArgOptions,
  voiceEngineConfigShape,
  voiceEngineOverrides,
  type VoiceEngineSettings,
} from './voice-engine-settings.js';

/** An environment variable name, or a prefix ending in `*` (`AWS_*`). */
const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*\*?$/;
const ENV_NAME_MESSAGE = 'must be an environment variable name or a prefix ending in * (e.g. AWS_*)';

const PROMPT_SLOT = '{prompt}';

/** The schema of config.json (every field optional) and of the merged settings. */
export const configFileSchema = z
  .object({
    roots: z.array(z.string().min(1)).optional(),
    realtimeUrl: z.string().url().optional(),
    model: z.string().min(1).optional(),
    voice: z.string().min(1).optional(),
    pttKey: z.string().min(1).optional(),
    ...voiceEngineConfigShape,
    inputDevice: z.union([z.string().min(1), z.number().int()]).optional(),
    outputDevice: z.union([z.string().min(1), z.number().int()]).optional(),
    audio: z.boolean().optional(),
    micStream: z.enum(MIC_STREAM_MODES).optional(),
    stateDir: z.string().min(1).optional(),
    claudePath: z.string().min(1).optional(),
    codexPath: z.string().min(1).optional(),
    geminiPath: z.string().min(1).optional(),
    agent: z.enum(AGENT_KINDS).optional(),
    projectAgents: z.record(z.string().min(1), z.enum(AGENT_KINDS)).optional(),
    agentPrices: agentPricesSchema.optional(),
    agentApprovals: agentApprovalsSchema.optional(),
    agentCommand: z
      .array(z.string().min(1))
      .min(1)
      .refine((argv) => !(argv[0] ?? '').includes(PROMPT_SLOT), 'the first word is the program; {prompt} goes after it')
      .refine((argv) => argv.some((word) => word.includes(PROMPT_SLOT)), 'must contain {prompt} where the prompt goes')
      .optional(),
    maxBudgetUsd: z.number().positive('must be an amount of dollars above zero').finite().optional(),
    maxConcurrent: z.number().int().min(1).max(64).optional(),
    hosts: hostsSchema.optional(),
    permissionMode: z.enum(PERMISSION_MODES).optional(),
    sameDirPolicy: z.enum(SAME_DIR_POLICIES).optional(),
    isolation: z.enum(ISOLATION_MODES).optional(),
    notices: z.enum(NOTICE_MODES).optional(),
    earconBeforeNotice: z.boolean().optional(),
    agentEnv: z
      .object({
        drop: z.array(z.string().regex(ENV_NAME_PATTERN, ENV_NAME_MESSAGE)).optional(),
        pass: z.array(z.string().regex(ENV_NAME_PATTERN, ENV_NAME_MESSAGE)).optional(),
      })
      .strict()
      .optional(),
    stallTimeoutMinutes: z
      .number()
      .positive()
      .max(24 * 60)
      .optional(),
    decisionTimeoutMinutes: z
      .number()
      .positive()
      .max(7 * 24 * 60)
      .optional(),
    highRiskCommands: z.array(z.string().min(1)).optional(),
    projectHighRiskCommands: z.record(z.string().min(1), z.array(z.string().min(1))).optional(),
    // An option's value, never its own option: a rule may not start with `-`.
    allowedTools: z.array(z.string().min(1).regex(/^[^-]/, 'a rule cannot start with -')).optional(),
    projectAllowedTools: z
      .record(z.string().min(1), z.array(z.string().min(1).regex(/^[^-]/, 'a rule cannot start with -')))
      .optional(),
    agentPricing: z
      .record(
        z.string(),
        z.object({
          input: z.number().nonnegative(),
          output: z.number().nonnegative(),
          cacheWrite: z.number().nonnegative().optional(),
          cacheRead: z.number().nonnegative().optional(),
        }),
      )
      .optional(),
    pricing: z
      .record(
        z.string(),
        z.object({
          textIn: z.number().nonnegative(),
          textCached: z.number().nonnegative(),
          textOut: z.number().nonnegative(),
          audioIn: z.number().nonnegative(),
          audioCached: z.number().nonnegative(),
          audioOut: z.number().nonnegative(),
        }),
      )
      .optional(),
  })
  .strict();

export type ConfigFile = z.infer<typeof configFileSchema>;

/** Everything the composition root needs, with defaults applied. */
export interface Settings {
  command: 'run' | 'doctor' | 'devices' | 'voice-check' | 'help' | 'version';
  roots: string[];
  realtimeUrl: string;
  model: string;
  voice: string;
  pttKey: string;
  inputDevice?: string | number;
  outputDevice?: string | number;
  audio: boolean;
  /**
   * 'long-lived': the microphone stays open and is gated (audio read while the talk key is up is
   * dropped in the audio helper, never sent); 'per-turn': opened at each press, closed at release.
   */
  micStream: MicStreamMode;
  stateDir: string;
  configPath: string;
  claudePath?: string;
  /** The codex and gemini executables (names looked up on PATH, or paths). */
  codexPath?: string;
  geminiPath?: string;
  /** The agent of a task that names none, globally and per project folder name or path. */
  agent?: AgentKind;
  projectAgents?: Record<string, AgentKind>;
  /** USD per million tokens for codex/gemini cost estimates, by model or agent (src/tasks/agent-prices.ts). */
  agentPrices?: AgentPrices;
  /** Per agent: codex/gemini ask through voice-orch (`ask`) or stay in their sandbox (`sandbox`, the default). */
  agentApprovals?: z.infer<typeof agentApprovalsSchema>;
  /**
   * Runs tasks with this argv instead of claude (`{prompt}` substituted; put `--` before it), e.g.
   * `["aider", "--yes", "--message", "--", "{prompt}"]`.
   */
  agentCommand?: string[];
  /** What a task may spend in USD when its spawn names no budget; none when undefined. */
  maxBudgetUsd?: number;
  /** Remote hosts by name (config.json `hosts`). */
  hosts?: Record<string, HostSettings>;
  maxConcurrent: number;
  permissionMode: (typeof PERMISSION_MODES)[number];
  /** True only when the user configured bypassPermissions explicitly. */
  allowBypassPermissions: boolean;
  sameDirPolicy: SameDirPolicy;
  /** Where a task works unless it names it: its own git worktree when needed (auto), always, or in place. */
  isolation: IsolationMode;
  notices: NoticeMode;
  /** A spoken task notice is led by its earcon (done, failed, attention). */
  earconBeforeNotice: boolean;
  stallTimeoutMs: number;
  /** How long a permission request waits before it is denied (default 60 min). */
  decisionTimeoutMs: number;
  /** Text that makes a Bash request high-risk, on top of the built-in list (src/permissions/policy.ts). */
  highRiskCommands: string[];
  /** Passed to Claude runs as `--allowedTools` (the CLI's rule syntax), so routine commands never ask. */
  allowedTools: string[];
  /** More high-risk texts per project folder name or absolute path (added to `highRiskCommands`). */
  projectHighRiskCommands?: Record<string, string[]>;
  /** More `--allowedTools` rules per project folder name or absolute path (added to `allowedTools`). */
  projectAllowedTools?: Record<string, string[]>;
  /**
   * Inherited variables withheld from agents (`drop`) or given to them after all (`pass`), on top
   * of the built-in rule (OPENAI_API_KEY and every VOICE_ORCH_* variable are withheld).
   */
  agentEnv: { drop: string[]; pass: string[] };
  apiKey?: string;
  pricing?: ConfigFile['pricing'];
  /** Agent model prices (USD / 1M tokens) for the running-task estimate, replacing defaults per model. */
  agentPricing?: ConfigFile['agentPricing'];
  /** Which voice engine runs, and the cascade's endpoints. */
  voiceEngine: VoiceEngineSettings;
  /** Directory voice-orch was started in (always an allowed root). */
  cwd: string;
  /** `doctor --json`: one JSON object per check. */
  json: boolean;
  /** `voice-check --wav FILE`: the spoken turn (absolute path). */
  wav?: string;
}

/** Result of loading settings: a value or a message that names the bad field. */
export type LoadResult = { ok: true; settings: Settings } | { ok: false; message: string };

function formatZodIssues(error: z.ZodError, where: string): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.length ? issue.path.join('.') : '(root)';
      return `${where}: field "${path}": ${issue.message}`;
    })
    .join('\n');
}

function intFlag(value: string | undefined, name: string): number | string | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) return `--${name} must be a whole number, got "${value}"`;
  return n;
}

function numberFlag(value: string | undefined, name: string): number | string | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) return `--${name} must be a number, got "${value}"`;
  return n;
}

function deviceValue(value: string | undefined): string | number | undefined {
  if (value === undefined) return undefined;
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** The command-line options (`node:util` parseArgs, strict); `arg` and `help` feed `--help`. */
export const ARG_OPTIONS = {
  root: {
    type: 'string',
    multiple: true,
    arg: 'DIR',
    help: 'allow tasks in DIR; repeatable (default: only the start folder, which is always allowed)',
  },
  'realtime-url': { type: 'string', arg: 'URL', help: `Realtime endpoint (default ${DEFAULT_REALTIME_URL})` },
  model: { type: 'string', arg: 'ID', help: `Realtime model (default ${DEFAULT_REALTIME_MODEL})` },
  voice: { type: 'string', arg: 'NAME', help: `assistant voice (default ${DEFAULT_VOICE})` },
  'ptt-key': { type: 'string', arg: 'KEY', help: 'global hold-to-talk key, e.g. ScrollLock, F12 (default RightCtrl)' },
  ...voiceEngineArgOptions,
  'input-device': {
    type: 'string',
    arg: 'NAME|ID',
    help: 'microphone (default: the system default; see voice-orch devices)',
  },
  'output-device': { type: 'string', arg: 'NAME|ID', help: 'speaker (default: the system default)' },
  'no-audio': { type: 'boolean', help: "no microphone or speaker: type with ':' (default: audio on)" },
  'mic-stream': {
    type: 'string',
    arg: 'MODE',
    help: `long-lived (open and gated: no clipped first word) or per-turn (opened at each press) (default ${DEFAULT_MIC_STREAM})`,
  },
  'state-dir': {
    type: 'string',
    arg: 'DIR',
    help: 'task registry, logs, transcript (default $XDG_STATE_HOME/voice-orch)',
  },
  config: { type: 'string', arg: 'FILE', help: 'config file (default $XDG_CONFIG_HOME/voice-orch/config.json)' },
  'claude-path': { type: 'string', arg: 'PATH', help: 'the claude executable (default: claude on PATH)' },
  'codex-path': { type: 'string', arg: 'PATH', help: 'the codex executable (default: codex on PATH)' },
  'gemini-path': { type: 'string', arg: 'PATH', help: 'the gemini executable (default: gemini on PATH)' },
  agent: {
    type: 'string',
    arg: 'NAME',
    help: 'agent of a task that names none: claude, codex or gemini (default claude)',
  },
  'max-concurrent': { type: 'string', arg: 'N', help: 'tasks running at once; the rest queue (default 4)' },
  'max-budget-usd': {
    type: 'string',
    arg: 'N',
    help: 'what a task may spend in USD unless it names its own budget (default: no cap)',
  },
  'permission-mode': {
    type: 'string',
    arg: 'MODE',
    help: `${PERMISSION_MODES.join(', ')} (default ${DEFAULT_PERMISSION_MODE})`,
  },
  'same-dir': {
    type: 'string',
    arg: 'POLICY',
    help: `a second task in a busy project folder: ${SAME_DIR_POLICIES.join(' or ')} (default ${DEFAULT_SAME_DIR_POLICY})`,
  },
  isolation: {
    type: 'string',
    arg: 'MODE',
    help: 'auto (a git worktree of its own when the repository has a live task), worktree (always) or in_place (never; tasks in a folder queue) (default auto)',
  },
  notices: {
    type: 'string',
    arg: 'MODE',
    help: `how task notices are announced: ${NOTICE_MODES.join(', ')} (default ${DEFAULT_NOTICE_MODE})`,
  },
  json: { type: 'boolean', help: 'doctor: one JSON object per check instead of text (default: text)' },
  wav: {
    type: 'string',
    arg: 'FILE',
    help: 'voice-check: the spoken turn, a 16-bit PCM WAV file (default: none, required there)',
  },
  help: { type: 'boolean', short: 'h', help: 'this text' },
  version: { type: 'boolean', short: 'v', help: 'the version' },
} as const satisfies Record<string, ArgOption>;

/** `voice-orch --help`: every option of {@link ARG_OPTIONS} with its default. */
export const HELP_TEXT = buildHelpText(ARG_OPTIONS);

/**
 * Builds the settings from argv (without node and script), an environment and the config file it
 * names. Pure apart from reading the config file.
 */
export function loadSettings(argv: string[], env: NodeJS.ProcessEnv, cwd: string = process.cwd()): LoadResult {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: ARG_OPTIONS,
    });
  } catch (err) {
    const said = argErrorMessage(err, Object.keys(ARG_OPTIONS)) ?? errorText(err);
    return { ok: false, message: `${said}\nRun voice-orch --help for the options.` };
  }
  const { values: v, positionals } = parsed;

  let command: Settings['command'] = 'run';
  if (v.help) command = 'help';
  else if (v.version) command = 'version';
  else if (positionals[0] === 'doctor') command = 'doctor';
  else if (positionals[0] === 'devices') command = 'devices';
  else if (positionals[0] === 'voice-check') command = 'voice-check';
  else if (positionals.length > 0) {
    return {
      ok: false,
      message: `Unknown command "${positionals[0]}". Commands: doctor, devices, voice-check. Run voice-orch --help.`,
    };
  }

  const home = env.HOME || homedir();
  const configHome = env.XDG_CONFIG_HOME || join(home, '.config');
  const stateHome = env.XDG_STATE_HOME || join(home, '.local', 'state');
  const configPath = resolve(cwd, v.config ?? join(configHome, 'voice-orch', 'config.json'));

  let file: ConfigFile = {};
  let raw: string | undefined;
  try {
    raw = readFileSync(configPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || v.config) {
      return { ok: false, message: `Cannot read config file ${configPath}: ${errorText(err)}` };
    }
  }
  if (raw !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      return { ok: false, message: `Config file ${configPath} is not valid JSON: ${errorText(err)}` };
    }
    const res = configFileSchema.safeParse(json);
    if (!res.success) return { ok: false, message: formatZodIssues(res.error, `Config file ${configPath}`) };
    file = res.data;
  }

  const maxConcurrent = intFlag(v['max-concurrent'], 'max-concurrent');
  if (typeof maxConcurrent === 'string') return { ok: false, message: maxConcurrent };
  const maxBudgetUsd = numberFlag(v['max-budget-usd'], 'max-budget-usd');
  if (typeof maxBudgetUsd === 'string') return { ok: false, message: maxBudgetUsd };

  // Flags and env are validated with the same schema as the file so every source gets the same messages.
  const fromFlagsAndEnv = {
    roots: v.root ?? (env.VOICE_ORCH_ROOTS ? env.VOICE_ORCH_ROOTS.split(':').filter(Boolean) : undefined),
    realtimeUrl: v['realtime-url'] ?? env.VOICE_ORCH_REALTIME_URL,
    model: v.model ?? env.VOICE_ORCH_MODEL,
    voice: v.voice,
    pttKey: v['ptt-key'],
    inputDevice: deviceValue(v['input-device']),
    outputDevice: deviceValue(v['output-device']),
    audio: v['no-audio'] ? false : undefined,
    micStream: v['mic-stream'],
    stateDir: v['state-dir'] ?? env.VOICE_ORCH_STATE_DIR,
    claudePath: v['claude-path'] ?? env.VOICE_ORCH_CLAUDE_PATH,
    codexPath: v['codex-path'],
    geminiPath: v['gemini-path'],
    agent: v.agent,
    maxConcurrent,
    maxBudgetUsd,
    permissionMode: v['permission-mode'],
    sameDirPolicy: v['same-dir'],
    isolation: v.isolation,
    notices: v.notices,
    ...voiceEngineOverrides(v, env),
  };
  const cleaned = Object.fromEntries(Object.entries(fromFlagsAndEnv).filter(([, val]) => val !== undefined));
  const overRes = configFileSchema.safeParse(cleaned);
  if (!overRes.success) {
    const fromFlag = (field: string): boolean => (v as Record<string, unknown>)[flagOfField(field)] !== undefined;
    const given = (field: string): unknown => (cleaned as Record<string, unknown>)[field];
    const lines = overRes.error.issues.map((issue) => valueIssueMessage(issue, fromFlag, given));
    return { ok: false, message: `${[...new Set(lines)].join('\n')}\nRun voice-orch --help for the options.` };
  }
  const over = overRes.data;
  const merged: ConfigFile = { ...file, ...over };

  const roots = [cwd, ...(merged.roots ?? [])].map((r) => resolve(cwd, r.replace(/^~(?=$|\/)/, home)));
  const permissionMode = merged.permissionMode ?? DEFAULT_PERMISSION_MODE;

  const voiceEngine = resolveVoiceEngineSettings(merged, env);
  return {
    ok: true,
    settings: {
      command,
      roots: [...new Set(roots)],
      realtimeUrl: merged.realtimeUrl ?? DEFAULT_REALTIME_URL,
      model: merged.model ?? DEFAULT_REALTIME_MODEL,
      voice: merged.voice ?? DEFAULT_VOICE,
      pttKey: merged.pttKey ?? 'RightCtrl',
      inputDevice: merged.inputDevice,
      outputDevice: merged.outputDevice,
      audio: merged.audio ?? true,
      micStream: merged.micStream ?? DEFAULT_MIC_STREAM,
      stateDir: resolve(cwd, merged.stateDir ?? join(stateHome, 'voice-orch')),
      configPath,
      claudePath: merged.claudePath?.includes('/') ? resolve(cwd, merged.claudePath) : merged.claudePath,
      ...(merged.agentCommand ? { agentCommand: merged.agentCommand } : {}),
      ...agentSettings(merged, cwd),
      ...(merged.maxBudgetUsd !== undefined ? { maxBudgetUsd: merged.maxBudgetUsd } : {}),
      ...(merged.hosts ? { hosts: merged.hosts } : {}),
      maxConcurrent: merged.maxConcurrent ?? 4,
      permissionMode,
      allowBypassPermissions: permissionMode === 'bypassPermissions',
      sameDirPolicy: merged.sameDirPolicy ?? DEFAULT_SAME_DIR_POLICY,
      isolation: merged.isolation ?? DEFAULT_ISOLATION,
      notices: merged.notices ?? DEFAULT_NOTICE_MODE,
      earconBeforeNotice: merged.earconBeforeNotice ?? DEFAULT_EARCON_BEFORE_NOTICE,
      stallTimeoutMs: (merged.stallTimeoutMinutes ?? 10) * 60_000,
      decisionTimeoutMs: (merged.decisionTimeoutMinutes ?? 60) * 60_000,
      highRiskCommands: merged.highRiskCommands ?? [],
      ...(merged.projectHighRiskCommands ? { projectHighRiskCommands: merged.projectHighRiskCommands } : {}),
      allowedTools: merged.allowedTools ?? [],
      ...(merged.projectAllowedTools ? { projectAllowedTools: merged.projectAllowedTools } : {}),
      agentEnv: {
        drop: [...new Set([...(merged.agentEnv?.drop ?? []), ...endpointKeyVars(voiceEngine)])],
        pass: merged.agentEnv?.pass ?? [],
      },
      apiKey: env.OPENAI_API_KEY || undefined,
      pricing: merged.pricing,
      agentPricing: merged.agentPricing,
      voiceEngine,
      cwd,
      json: v.json === true,
      ...(v.wav !== undefined ? { wav: resolve(cwd, v.wav) } : {}),
    },
  };
}

/** The agent choice and the codex/gemini paths of the merged config (relative paths from `cwd`). */
function agentSettings(
  merged: ConfigFile,
  cwd: string,
): Pick<Settings, 'agent' | 'projectAgents' | 'codexPath' | 'geminiPath' | 'agentPrices' | 'agentApprovals'> {
  const out: Pick<Settings, 'agent' | 'projectAgents' | 'codexPath' | 'geminiPath' | 'agentPrices' | 'agentApprovals'> =
    {};
  if (merged.agent !== undefined) out.agent = merged.agent;
  if (merged.projectAgents !== undefined) out.projectAgents = merged.projectAgents;
  if (merged.agentPrices !== undefined) out.agentPrices = merged.agentPrices;
  if (merged.agentApprovals !== undefined) out.agentApprovals = merged.agentApprovals;
  if (merged.codexPath !== undefined)
    out.codexPath = merged.codexPath.includes('/') ? resolve(cwd, merged.codexPath) : merged.codexPath;
  if (merged.geminiPath !== undefined)
    out.geminiPath = merged.geminiPath.includes('/') ? resolve(cwd, merged.geminiPath) : merged.geminiPath;
  return out;
}
