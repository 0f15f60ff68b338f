#!/usr/bin/env python3
"""PyTorch rows for plastax's `npm run bench` (run as a child process by bench/frameworks/torch.ts).

Usage: torch_bench.py --serve [--threads N]      (what the bench uses: one JSON request per line on stdin,
                                                  one JSON row per line on stdout, after a hello line)
       torch_bench.py --cases ID,ID,... [--budget-ms N] [--min-iters N] [--threads N]   (by hand)
Each row has the case id, a status ("ok" / "skipped" / "error"), timings in ms and probes of the outputs (the
same fingerprint as bench/data.ts `probe`), which the JS side checks against the expected answer. The bench
asks for each case right after the JS frameworks ran it, so all rows of a case are measured close in time.

Inputs come from `det`, the same integer hash as bench/data.ts, so both sides hold identical float32 bits.
Layouts are the bench's canonical ones (x @ W, W as [in, out]); gradients are reported in that layout.
Each workload is written the way PyTorch users write it (nn.LSTM / nn.GRU, eager tensor code, autograd).
"""

import argparse
import json
import math
import os
import statistics
import sys
import time

import numpy as np
import torch

T, B, I, H = 100, 64, 32, 128


def det(n, seed, lo=-1.0, hi=1.0):
    """bench/data.ts `det`: a multiplicative hash of (index, seed) in uint32, scaled to [lo, hi), as float32."""
    i = np.arange(n, dtype=np.uint64)
    s = np.uint64(((seed + 1) * 0x9E3779B1) & 0xFFFFFFFF)
    m = np.uint64(0xFFFFFFFF)
    h = ((i * np.uint64(0x85EBCA6B)) & m) ^ s
    h = ((h ^ (h >> np.uint64(13))) * np.uint64(0xC2B2AE35)) & m
    h = h ^ (h >> np.uint64(16))
    return (lo + ((hi - lo) * h.astype(np.float64)) / 4294967296.0).astype(np.float32)


def t(a, shape=None):
    x = torch.from_numpy(a.copy())
    return x.reshape(shape) if shape is not None else x


def probe(x):
    a = x.detach().reshape(-1).to(torch.float32).numpy()
    n = a.size
    k = min(n, 64)
    idx = [(j * n) // k for j in range(k)]
    a64 = a.astype(np.float64)
    return {"n": int(n), "sum": float(a64.sum()), "absSum": float(np.abs(a64).sum()), "idx": idx, "vals": [float(a[j]) for j in idx]}


class Skip(Exception):
    pass


# ---------------------------------------------------------------------------------------------------------
# Workloads: each returns (call, outputs) where call() is the timed function and outputs() the checked answer.


def matmul(n):
    a, b = t(det(n * n, 1), (n, n)), t(det(n * n, 2), (n, n))
    call = lambda: a @ b
    return call, lambda: [call()]


def chain():
    x = t(det(1_000_000, 3, -3, 3))
    call = lambda: torch.tanh(1.5 * x + -0.25) * torch.sigmoid(x)
    return call, lambda: [call()]


def total():
    x = t(det(1_000_000, 4, 0, 1))
    call = lambda: x.sum()
    return call, lambda: [call()]


def rowsum():
    x = t(det(1024 * 1024, 5), (1024, 1024))
    call = lambda: x.sum(1)
    return call, lambda: [call()]


def tiny_add():
    x, y = t(det(4, 6)), t(det(4, 7))
    call = lambda: x + y
    return call, lambda: [call()]


def jit_call():
    x = t(det(4, 8))
    f = torch.jit.trace(lambda v: v * 2 + 1, (x,))
    call = lambda: f(x)
    return call, lambda: [call()]


def rnn(kind, grad):
    """nn.LSTM / nn.GRU with the bench's weights: PyTorch stores [out, in], the bench [in, out]."""
    g = 4 if kind == "lstm" else 3
    k = 1 / math.sqrt(H)
    if kind == "lstm":
        xs = t(det(T * B * I, 10), (T, B, I))
        wi, wh, b = det(I * 4 * H, 11, -k, k), det(H * 4 * H, 12, -k, k), det(4 * H, 13, -k, k)
        mod = torch.nn.LSTM(I, H)
        with torch.no_grad():
            mod.weight_ih_l0.copy_(t(wi, (I, g * H)).T)
            mod.weight_hh_l0.copy_(t(wh, (H, g * H)).T)
            mod.bias_ih_l0.copy_(t(b))
            mod.bias_hh_l0.zero_()
        params = [mod.weight_ih_l0, mod.weight_hh_l0, mod.bias_ih_l0]
    else:
        xs = t(det(T * B * I, 20), (T, B, I))
        wi, wh = det(I * 3 * H, 21, -k, k), det(H * 3 * H, 22, -k, k)
        bi, bh = det(3 * H, 23, -k, k), det(3 * H, 24, -k, k)
        mod = torch.nn.GRU(I, H)
        with torch.no_grad():
            mod.weight_ih_l0.copy_(t(wi, (I, g * H)).T)
            mod.weight_hh_l0.copy_(t(wh, (H, g * H)).T)
            mod.bias_ih_l0.copy_(t(bi))
            mod.bias_hh_l0.copy_(t(bh))
        params = [mod.weight_ih_l0, mod.weight_hh_l0, mod.bias_ih_l0, mod.bias_hh_l0]
    if not grad:

        def call():
            with torch.no_grad():
                return mod(xs)[0]

        return call, lambda: [call()]

    def step():
        mod.zero_grad(set_to_none=True)
        loss = mod(xs)[0].sum() / B
        loss.backward()
        return loss

    def outputs():
        loss = step()
        # The bench's LSTM has one bias: its gradient is bias_ih's (bias_hh is held at zero, same gradient).
        return [loss] + [p.grad.T if p.grad.dim() == 2 else p.grad for p in params]

    return step, outputs


def stpn(grad):
    """STPN (NeuromorphicComputing/stpn simple_script.py, batched), pre-normalisation, per-synapse lambda/gamma."""
    k = 1 / math.sqrt(H)
    F = I + H
    xs = t(det(T * B * I, 45), (T, B, I))
    ps = [
        t(det(H * I, 40, -k, k), (H, I)),
        t(det(H * H, 41, -k, k), (H, H)),
        t(det(H, 42, -k, k)),
        t(det(H * F, 43, 0, 1), (H, F)),
        t(det(H * F, 44, -0.001 * k, 0.001 * k), (H, F)),
    ]

    def forward(wi, wh, b, lam, gam):
        h = torch.zeros(B, H)
        s = torch.zeros(B, H, F)
        w = torch.cat([wi, wh], 1)
        ys = []
        for x in xs:
            g = w + s
            z = torch.cat([x, h], -1)
            n = torch.sqrt((g * g).sum(-1)) + 1e-16
            h = torch.tanh(torch.bmm(g, z.unsqueeze(-1)).squeeze(-1) / n + b)
            s = lam * (s / n.unsqueeze(-1)) + gam * (h.unsqueeze(-1) * z.unsqueeze(-2))
            ys.append(h)
        return torch.stack(ys)

    return autograd_workload(forward, ps, grad)


def mpn(grad):
    """MPN (kaitken17/mpn networks.py, batched): multiplicative, tanh, scalar eta and lambda (clamped to [0, 1])."""
    bw, bb = math.sqrt(6 / (I + H)), math.sqrt(6 / H)
    xs = t(det(T * B * I, 54), (T, B, I))
    ps = [
        t(det(H * I, 50, -bw, bw), (H, I)),
        t(det(H, 51, -bb, bb)),
        t(det(1, 52, -math.sqrt(3), math.sqrt(3)), ()),
        t(det(1, 53, 0.5, 1), ()),
    ]

    def forward(w, b, eta, lam):
        m = torch.zeros(B, H, I)
        ys = []
        lam_c = torch.clamp(lam, 0, 1)
        for x in xs:
            y = torch.tanh(torch.bmm(w * (m + 1), x.unsqueeze(-1)).squeeze(-1) + b)
            m = lam_c * m + eta * (y.unsqueeze(-1) * x.unsqueeze(-2))
            ys.append(y)
        return torch.stack(ys)

    return autograd_workload(forward, ps, grad)


def autograd_workload(forward, ps, grad):
    if not grad:

        def call():
            with torch.no_grad():
                return forward(*ps)

        return call, lambda: [call()]
    leaves = [p.clone().requires_grad_(True) for p in ps]

    def step():
        for p in leaves:
            p.grad = None
        loss = forward(*leaves).sum() / B
        loss.backward()
        return loss

    def outputs():
        loss = step()
        return [loss] + [p.grad for p in leaves]

    return step, outputs


def mlp():
    n_b, n_i, n_h, n_o = 128, 784, 256, 10
    x = t(det(n_b * n_i, 30, 0, 1), (n_b, n_i))
    labels = torch.arange(n_b) % n_o
    y = torch.nn.functional.one_hot(labels, n_o).to(torch.float32)
    ps = [
        t(det(n_i * n_h, 31, -1 / math.sqrt(n_i), 1 / math.sqrt(n_i)), (n_i, n_h)).requires_grad_(True),
        t(det(n_h, 32, -0.1, 0.1)).requires_grad_(True),
        t(det(n_h * n_o, 33, -1 / math.sqrt(n_h), 1 / math.sqrt(n_h)), (n_h, n_o)).requires_grad_(True),
        t(det(n_o, 34, -0.1, 0.1)).requires_grad_(True),
    ]
    lr = 0.1

    def grads():
        for p in ps:
            p.grad = None
        w1, b1, w2, b2 = ps
        logits = torch.relu(x @ w1 + b1) @ w2 + b2
        loss = -(y * torch.log_softmax(logits, -1)).sum(1).mean()
        loss.backward()
        return loss

    def step():
        loss = grads()
        with torch.no_grad():
            return loss, [p - lr * p.grad for p in ps]

    def outputs():
        loss = grads()
        return [loss] + [p.grad for p in ps]

    return step, outputs


def skip(reason):
    def f():
        raise Skip(reason)

    return f


WORKLOADS = {
    "ops/matmul-256": lambda: matmul(256),
    "ops/matmul-1024": lambda: matmul(1024),
    "ops/matmul-4096": lambda: matmul(4096),
    "ops/chain-1e6": chain,
    "ops/sum-1e6": total,
    "ops/rowsum-1024": rowsum,
    "ops/tiny-add": tiny_add,
    "ops/jit-call": jit_call,
    "ops/compile-lstm-grad": skip("PyTorch 1.13 eager has no compile step (torch.compile needs 2.x)"),
    "cells/lstm-fwd": lambda: rnn("lstm", False),
    "cells/lstm-grad": lambda: rnn("lstm", True),
    "cells/gru-fwd": lambda: rnn("gru", False),
    "cells/gru-grad": lambda: rnn("gru", True),
    "cells/stpn-fwd": lambda: stpn(False),
    "cells/stpn-grad": lambda: stpn(True),
    "cells/mpn-fwd": lambda: mpn(False),
    "cells/mpn-grad": lambda: mpn(True),
    "mlp/grad-step": mlp,
}


def time_it(call, budget_ms, min_iters, heavy_iters):
    t0 = time.perf_counter()
    call()
    pilot = (time.perf_counter() - t0) * 1e3
    if pilot > budget_ms:
        if heavy_iters == 0:
            return {"medianMs": pilot, "minMs": pilot, "maxMs": pilot, "samples": 1}
        min_iters, budget_ms = heavy_iters, 0
    if pilot < 100:
        end = time.perf_counter() + min(200, budget_ms / 4) / 1e3
        while time.perf_counter() < end:
            call()
    samples = []
    spent = 0.0
    while spent < budget_ms or len(samples) < min_iters:
        t0 = time.perf_counter()
        call()
        dt = (time.perf_counter() - t0) * 1e3
        samples.append(dt)
        spent += dt
    return {"medianMs": statistics.median(samples), "minMs": min(samples), "maxMs": max(samples), "samples": len(samples)}


def blas_info():
    cfg = torch.__config__.show()
    blas = next((part.split("=")[1] for part in cfg.replace(",", " ").split() if part.startswith("BLAS_INFO=")), "?")
    lib = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    return f"{blas} ({lib})"


def run_case(cid, budget_ms, min_iters, heavy_iters=3):
    make = WORKLOADS.get(cid)
    if make is None:
        return {"id": cid, "status": "skipped", "note": "not written for PyTorch"}
    try:
        call, outputs = make()
        probes = [probe(o) for o in outputs()]
        return {"id": cid, "status": "ok", "probes": probes, **time_it(call, budget_ms, min_iters, heavy_iters)}
    except Skip as e:
        return {"id": cid, "status": "skipped", "note": str(e)}
    except Exception as e:  # noqa: BLE001 - reported in the table, the run goes on
        return {"id": cid, "status": "error", "note": f"{type(e).__name__}: {e}"[:300]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", help="comma-separated case ids: run them and print one JSON object")
    ap.add_argument("--serve", action="store_true", help="read requests {id, budgetMs, minIterations} as JSON lines on stdin")
    ap.add_argument("--budget-ms", type=float, default=1000)
    ap.add_argument("--min-iters", type=int, default=5)
    ap.add_argument("--threads", type=int, default=None, help="torch.set_num_threads (default: PyTorch's own choice)")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    hello = {"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas_info(), "cases": sorted(WORKLOADS)}
    if args.serve:
        print(json.dumps(hello), flush=True)
        for line in sys.stdin:
            if not line.strip():
                continue
            req = json.loads(line)
            print(json.dumps(run_case(req["id"], req["budgetMs"], req["minIterations"], req.get("heavyIterations", 3))), flush=True)
        return
    rows = [run_case(cid, args.budget_ms, args.min_iters) for cid in (args.cases or "").split(",") if cid]
    print(json.dumps({**hello, "rows": rows}))


if __name__ == "__main__":
    main()
