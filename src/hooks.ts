/**
 * requests' hook system (`hooks.py`). The one event is `response`: each hook gets the Response and
 * the options it was sent with, and may return a replacement Response.
 */
import type { SendOptions } from './adapters/base-adapter.js';
import type { Response } from './models/response.js';

/**
 * A `response` hook. Returning a Response replaces the one later hooks and the caller see;
 * returning nothing keeps it. It may be async.
 *
 * @example
 * const logStatus: ResponseHook = (r) => { console.log(r.statusCode); };
 */
export type ResponseHook = (
  r: Response,
  options: SendOptions,
) => Response | void | null | undefined | Promise<Response | void | null | undefined>;

/** The events requests knows. */
export const HOOKS: readonly ['response'] = ['response'];

/** A hook event name. */
export type HookEvent = (typeof HOOKS)[number];

/** Registered hooks by event, as a Request or PreparedRequest holds them. */
export interface Hooks {
  response: ResponseHook[];
}

/** What `hooks` options accept: one hook or a list per event. */
export type HooksInput = {
  /** Called with each response (and may return a replacement), as requests' `hooks={'response': ...}`. */
  response?: ResponseHook | Iterable<ResponseHook> | null | undefined;
};

/**
 * A fresh `{ response: [] }` (requests' `default_hooks`).
 * @example defaultHooks() // { response: [] }
 */
export function defaultHooks(): Hooks {
  return { response: [] };
}

/**
 * Adds `hook` (a function, or an iterable of them, non-functions skipped) to `hooks[event]`
 * (requests' `register_hook`).
 * @throws {TypeError} `Unsupported event specified, with event name "x"` for an unknown event.
 */
export function registerHook(
  hooks: Hooks,
  event: string,
  hook: ResponseHook | Iterable<ResponseHook> | null | undefined,
): void {
  if (!Object.hasOwn(hooks, event)) {
    throw new TypeError(`Unsupported event specified, with event name "${event}"`);
  }
  const list = hooks[event as HookEvent];
  if (typeof hook === 'function') {
    list.push(hook);
  } else if (hook != null && typeof (hook as Iterable<unknown>)[Symbol.iterator] === 'function') {
    for (const h of hook) if (typeof h === 'function') list.push(h);
  }
}

/** Registers every event's hooks of `input` (a `hooks` option) on `hooks`. */
export function registerHooks(hooks: Hooks, input: HooksInput | Hooks | null | undefined): void {
  if (input == null) return;
  const byEvent = input as Readonly<Record<string, HooksInput['response']>>;
  for (const event of Object.keys(byEvent)) registerHook(hooks, event, byEvent[event]);
}

/**
 * Removes the first registration of `hook`; true when it was registered (requests'
 * `deregister_hook`).
 */
export function deregisterHook(hooks: Hooks, event: string, hook: ResponseHook): boolean {
  const list = Object.hasOwn(hooks, event) ? hooks[event as HookEvent] : undefined;
  const at = list ? list.indexOf(hook) : -1;
  if (at === -1) return false;
  list!.splice(at, 1);
  return true;
}

/**
 * Runs the `key` hooks on `response` in order, each awaited; a hook's non-null return value
 * replaces the response for the hooks after it (requests' `dispatch_hook`).
 * @example r = await dispatchHook('response', request.hooks, r, options);
 */
export async function dispatchHook(
  key: string,
  hooks: HooksInput | Hooks | null | undefined,
  response: Response,
  options: SendOptions,
): Promise<Response> {
  const hookList = hooks?.[key as HookEvent];
  if (hookList == null) return response;
  if (typeof hookList === 'function') return (await hookList(response, options)) ?? response;
  for (const hook of hookList) {
    const replaced = await hook(response, options);
    if (replaced != null) response = replaced;
  }
  return response;
}
