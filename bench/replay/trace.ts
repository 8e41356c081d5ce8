/**
 * The main-thread time a script takes, from a Chromium trace (categories `TRACE_CATEGORIES`): the exact
 * durations of the script's outermost JavaScript entries on the renderer's main thread (its evaluation,
 * and every call into it from an event, a timer, a microtask or a message), with what they run inside
 * (native calls, layouts they force, garbage collections): measured durations where the CPU profiler gives a
 * share of samples. V8's own categories (`v8`) are left out: with them V8 collects source positions as the
 * page runs, a cost of the trace that would count as the script's.
 *
 * The microtask checkpoint that follows a call into the script in the same task counts with that call: it
 * runs what the call queued (promise continuations have no entry of their own in a trace, so an upload a
 * timer starts through a promise would otherwise not count at all).
 */
export const TRACE_CATEGORIES = ['devtools.timeline', 'v8.execute', 'toplevel'];

export interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread time: what the thread spent on a CPU (not waiting for the browser process, nor descheduled). */
  tts?: number;
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: { url?: string; type?: string } };
}

export interface ScriptTime {
  ms: number;
  /** Of `ms`, the thread's time on a CPU (Chromium's thread time of each entry): the rest it waited. */
  cpuMs: number;
  /** By what entered the script: "EvaluateScript", "event:mousemove", "timer", "microtasks", ... */
  by: Map<string, { ms: number; n: number }>;
  /** Each evaluation of the script (a page load), in order: the first compiles it, later ones use Chromium's code cache. */
  loads: number[];
}

const ENTRY = new Set(['EvaluateScript', 'FunctionCall', 'v8.compile']);
/** A checkpoint starting this soon (µs) after the script's entry ends, in the same task, is the one that entry ends with. */
const CHECKPOINT_GAP_US = 50;

function entryKind(e: TraceEvent, parent: TraceEvent | undefined): string {
  if (e.name !== 'FunctionCall') return e.name;
  if (!parent) return 'call';
  if (parent.name === 'EventDispatch') return `event:${parent.args?.data?.type ?? '?'}`;
  if (parent.name === 'TimerFire') return 'timer';
  if (parent.name === 'RunMicrotasks') return 'microtasks';
  if (parent.name === 'HandlePostMessage') return 'message';
  return parent.name;
}

/** The main-thread time of the script whose URL ends with `script`, over the trace's renderer main threads. */
export function scriptTime(
  events: TraceEvent[],
  script: string,
  into: ScriptTime = { ms: 0, cpuMs: 0, by: new Map(), loads: [] },
): ScriptTime {
  const mains = new Set<string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain') mains.add(`${e.pid}:${e.tid}`);
  const threads = new Map<string, TraceEvent[]>();
  const open = new Map<string, TraceEvent[]>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (!mains.has(key)) continue;
    let complete: TraceEvent | undefined;
    if (e.ph === 'X') complete = e;
    else if (e.ph === 'B') (open.get(key) ?? open.set(key, []).get(key)!).push(e);
    else if (e.ph === 'E') {
      const begin = open.get(key)?.pop();
      if (begin)
        complete = {
          ...begin,
          ph: 'X',
          dur: e.ts - begin.ts,
          tdur: e.tts !== undefined && begin.tts !== undefined ? e.tts - begin.tts : undefined,
        };
    }
    if (complete?.dur !== undefined) (threads.get(key) ?? threads.set(key, []).get(key)!).push(complete);
  }
  for (const list of threads.values()) {
    // Outer events first where two start together, so nesting follows start and end times.
    list.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    const stack: Array<{ end: number; e: TraceEvent; counted: boolean }> = [];
    // The script's last entry: the checkpoint right after it, under the same parent, is its continuation.
    let last: { end: number; parent: TraceEvent | undefined; kind: string } | undefined;
    for (const e of list) {
      while (stack.length && stack[stack.length - 1]!.end <= e.ts) stack.pop();
      const inside = stack.some((s) => s.counted);
      const parent = stack[stack.length - 1]?.e;
      const entry = !inside && ENTRY.has(e.name) && !!e.args?.data?.url?.endsWith(script);
      const continuation =
        !inside &&
        e.name === 'RunMicrotasks' &&
        !!last &&
        last.parent === parent &&
        e.ts >= last.end &&
        e.ts - last.end <= CHECKPOINT_GAP_US;
      if (entry || continuation) {
        into.ms += e.dur! / 1000;
        into.cpuMs += (e.tdur ?? 0) / 1000;
        const kind = entry ? entryKind(e, parent) : last!.kind;
        const row = into.by.get(kind) ?? into.by.set(kind, { ms: 0, n: 0 }).get(kind)!;
        row.ms += e.dur! / 1000;
        // A continuation adds to its call's time, not to the calls or the page loads.
        if (entry) {
          row.n++;
          if (kind === 'EvaluateScript') into.loads.push(e.dur! / 1000);
          last = { end: e.ts + e.dur!, parent, kind };
        }
      }
      stack.push({ end: e.ts + e.dur!, e, counted: inside || entry || continuation });
    }
  }
  return into;
}
