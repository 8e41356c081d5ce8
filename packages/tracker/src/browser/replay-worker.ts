/**
 * Chunk uploads off the page's main thread (part of t.replay.js), started with the page's first flush.
 * Starting a request costs the page's thread about a millisecond whatever the API (fetch, sendBeacon, XHR),
 * and the compression's set-up more; in a dedicated worker neither does (bench/README.md "Session replay").
 * Starting the worker costs the page about as much as one request. The page keeps the sequence numbers and
 * every chunk the server has not acknowledged, so what a worker still holds when the page unloads is sent
 * again from the page with the same sequence number (the server drops a repeat).
 *
 * The worker runs from a Blob URL: the usual tracker is on another origin than the page, and a worker must
 * be same-origin. A page whose Content-Security-Policy refuses blob: workers gets an error event, and the
 * uploads go back to the page's thread.
 */

/** A chunk the page handed over: its sequence number, request URL and JSON text. */
export interface WorkerChunk {
  q: number;
  u: string;
  t: string;
}
/** The worker's answer for one chunk: HTTP status (0: no answer after the retries) and body bytes sent. */
export interface WorkerAck {
  q: number;
  s: number;
  b: number;
}

/**
 * The worker's whole program, run as the source text of this function: it may use nothing from outside
 * itself (the bundler's helpers included; the build targets ES2020, which needs none here).
 */
function workerMain(): void {
  const scope = self as unknown as {
    onmessage: (e: MessageEvent<WorkerChunk>) => void;
    postMessage: (a: WorkerAck) => void;
    CompressionStream?: typeof CompressionStream;
  };
  scope.onmessage = async (e) => {
    const { q, u, t } = e.data;
    const plain = new TextEncoder().encode(t);
    let body: BodyInit = plain;
    let b = plain.byteLength;
    if (scope.CompressionStream) {
      const gz = await new Response(new Response(plain).body!.pipeThrough(new CompressionStream('gzip'))).arrayBuffer();
      body = gz;
      b = gz.byteLength;
    }
    let s = 0;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        s = (await fetch(u, { method: 'POST', body, headers: { 'content-type': 'text/plain' } })).status;
        // Done: stored, or refused for good (the page stops recording).
        if (s < 300 || (s >= 400 && s < 500 && s != 429)) break;
      } catch {}
      await new Promise((f) => setTimeout(f, 1000 << attempt));
    }
    scope.postMessage({ q, s, b });
  };
}

/** The worker's handle as the recorder uses it; undefined where workers are not available. */
export function startUploadWorker(onAck: (a: WorkerAck) => void, onFail: () => void): Worker | undefined {
  try {
    const url = URL.createObjectURL(new Blob([`(${workerMain})()`], { type: 'text/javascript' }));
    const worker = new Worker(url);
    worker.onmessage = (e: MessageEvent<WorkerAck>) => onAck(e.data);
    // A CSP refusal or a failed start: the page's thread takes over.
    worker.onerror = () => {
      worker.terminate();
      onFail();
    };
    return worker;
  } catch {
    return undefined;
  }
}
