"""PyTorch figures for the same shapes as kernels.bench.ts, on the same machine, in the same run.

Reads a JSON list of cases on stdin, prints a JSON list of seconds per call. fp32 matmul with TF32
disabled (the yardstick the ratio is taken against); causal attention through scaled_dot_product_attention.
Exits with status 3 when torch or CUDA is missing.
"""
import json
import sys

try:
    import torch
except ImportError:
    sys.exit(3)
if not torch.cuda.is_available():
    sys.exit(3)

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
dev = "cuda"


def timed(f, reps):
    f()
    torch.cuda.synchronize()
    best = float("inf")
    for _ in range(3):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(reps):
            f()
        end.record()
        torch.cuda.synchronize()
        best = min(best, start.elapsed_time(end) / 1000 / reps)
    return best


out = []
for case in json.load(sys.stdin):
    if case["kind"] == "matmul":
        m, k, n = case["M"], case["K"], case["N"]
        a = torch.randn(m, k, device=dev)
        b = torch.randn(n, k, device=dev)
        out.append(timed(lambda: a @ b.T, case["reps"]))
    elif case["kind"] == "attention":
        r, t, d = case["rows"], case["T"], case["D"]
        q, kk, v = (torch.randn(1, r, t, d, device=dev) for _ in range(3))
        out.append(timed(lambda: torch.nn.functional.scaled_dot_product_attention(q, kk, v, is_causal=True), case["reps"]))
    else:
        out.append(None)
print(json.dumps(out))
