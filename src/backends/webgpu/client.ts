// The main thread's end of the device worker (worker.ts): a queue of requests posted in batches, and
// replies either awaited (toHostAsync: the fast path) or waited for synchronously (toHost).
//
// Synchronous reads: the main thread flushes its queue, posts the read and sleeps in Atomics.wait on a
// shared flag. The worker, running on its own thread and event loop, handles everything queued before the
// read, maps the buffer, posts the bytes on a dedicated MessagePort and notifies the flag; the main thread
// wakes and takes the reply with receiveMessageOnPort. A read costs one submit and one map (~0.3 ms on
// lavapipe) plus the queued work; nothing else ever blocks.

import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from "node:worker_threads";
import type { DeviceLimits, Hello, MemoryStats, Reply, Request } from "./protocol.ts";

/** Requests queued before the batch is posted without waiting for the microtask. */
const MAX_BATCH = 256;
/** A synchronous read that takes longer than this is reported as a hung device. */
const SYNC_TIMEOUT_MS = 10 * 60 * 1000;
/** How long the process waits at exit for the worker to finish what it was sent. */
const EXIT_DRAIN_MS = 60 * 1000;

export class WebGpuError extends Error {
  override name = "WebGpuError";
}

export class Client {
  private queue: Request[] = [];
  private transfer: ArrayBuffer[] = [];
  private scheduled = false;
  private nextReq = 1;
  private readonly waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private readonly flag: Int32Array;
  private dead: string | null = null;
  /** Something was sent since the last finish request (the worker may still be working). */
  private busy = false;

  private constructor(
    private readonly worker: Worker,
    private readonly syncPort: MessagePort,
    flag: SharedArrayBuffer,
    readonly limits: DeviceLimits,
    readonly adapter: string,
    /** A software adapter (lavapipe): workgroup-memory kernels are avoided by default. */
    readonly cpu: boolean,
  ) {
    this.flag = new Int32Array(flag);
    worker.on("message", (r: Reply) => this.onReply(r));
    const die = (why: string) => {
      this.dead = why;
      for (const w of this.waiting.values()) w.reject(new WebGpuError(why));
      this.waiting.clear();
    };
    worker.on("error", (e) => die(`the WebGPU worker failed: ${e instanceof Error ? e.message : String(e)}`));
    worker.on("exit", (code) => die(`the WebGPU worker exited (code ${code})`));
    worker.unref();
    // The worker is unref'd, so the process may end while it still works through posted requests (frees,
    // runs nobody read). Dawn then throws into a torn-down environment and Node aborts (exit code 134). So
    // at exit, synchronously let the worker drain: it is idle when the process takes it down.
    process.once("exit", () => this.drainAtExit());
  }

  private drainAtExit(): void {
    if (this.dead !== null || !this.busy) return;
    try {
      this.requestSync((req) => ({ op: "finish", req, sync: true }), EXIT_DRAIN_MS);
    } catch {
      // A device that cannot finish now is not worth hanging the exit for.
    }
  }

  /** Start the worker and wait for its device. Rejects with the device's error when there is none. */
  static async start(): Promise<Client> {
    const here = import.meta.url;
    const url = new URL(here.endsWith(".ts") ? "./worker.ts" : "./worker.js", here).href;
    // Workers do not inherit tsx's loader hooks; when running from TypeScript sources, register it there.
    let tsx: string | null = null;
    if (url.endsWith(".ts")) {
      try {
        tsx = import.meta.resolve("tsx/esm/api");
      } catch {
        tsx = null;
      }
    }
    const { port1, port2 } = new MessageChannel();
    const flag = new SharedArrayBuffer(4);
    const boot = `
      const { workerData, parentPort } = require("node:worker_threads");
      (async () => {
        if (workerData.tsx) (await import(workerData.tsx)).register();
        await import(workerData.url);
      })().catch((e) => parentPort.postMessage({ ready: false, error: String((e && e.stack) || e) }));`;
    const worker = new Worker(boot, { eval: true, workerData: { url, tsx, syncPort: port2, flag }, transferList: [port2] });
    const hello = await new Promise<Hello>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    if (!hello.ready) {
      await worker.terminate();
      throw new WebGpuError(hello.error);
    }
    return new Client(worker, port1, flag, hello.limits, hello.adapter, hello.cpu);
  }

  /** Queue a request; it is posted with its batch at the next microtask (or when the batch is full). */
  send(r: Request, transfer?: ArrayBuffer): void {
    if (this.dead !== null) throw new WebGpuError(this.dead);
    this.busy = r.op !== "finish";
    this.queue.push(r);
    if (transfer !== undefined) this.transfer.push(transfer);
    if (this.queue.length >= MAX_BATCH) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    const transfer = this.transfer;
    this.queue = [];
    this.transfer = [];
    this.worker.postMessage(batch, transfer);
  }

  /** Send a request that has a reply and wait for it synchronously. */
  requestSync<R extends Reply>(make: (req: number) => Request, timeoutMs = SYNC_TIMEOUT_MS): R {
    const r = make(this.nextReq++);
    Atomics.store(this.flag, 0, 0);
    this.send(r);
    this.flush();
    const started = Date.now();
    for (;;) {
      Atomics.wait(this.flag, 0, 0, 1000);
      const m = receiveMessageOnPort(this.syncPort);
      if (m !== undefined) return checked(m.message as R);
      if (this.dead !== null) throw new WebGpuError(this.dead);
      if (Date.now() - started > timeoutMs) {
        throw new WebGpuError(`a synchronous WebGPU read waited ${timeoutMs / 1000} s without an answer; the device or its worker hung`);
      }
    }
  }

  /** Send a request that has a reply and await it. */
  request<R extends Reply>(make: (req: number) => Request): Promise<R> {
    const req = this.nextReq++;
    const p = new Promise<R>((resolve, reject) => {
      this.waiting.set(req, { resolve: resolve as (r: Reply) => void, reject });
    });
    this.worker.ref();
    this.send(make(req));
    return p.then(checked);
  }

  private onReply(r: Reply | Hello): void {
    if (!("req" in r)) return;
    const w = this.waiting.get(r.req);
    if (w === undefined) return;
    this.waiting.delete(r.req);
    if (this.waiting.size === 0) this.worker.unref();
    w.resolve(r);
  }

  stats(): MemoryStats {
    return this.requestSync<Extract<Reply, { stats: MemoryStats }>>((req) => ({ op: "stats", req, sync: true })).stats;
  }

  async finish(): Promise<void> {
    await this.request((req) => ({ op: "finish", req, sync: false }));
  }

  async close(): Promise<void> {
    this.flush();
    await this.worker.terminate();
  }
}

function checked<R extends Reply>(r: R): R {
  if (r.errors.length > 0) throw new WebGpuError(`WebGPU backend: ${r.errors.join("\n")}`);
  return r;
}
