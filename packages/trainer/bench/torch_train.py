"""PyTorch peer of the trainer's benchmarks (bench/support.ts runs it): training tokens/s of the same
model (exported by the bench as safetensors, run by the functional reference of
test/parity/torch_reference.py) on the same batch shape, with AdamW and clipping, and matmul
GFLOP/s on one CPU thread. The argument is a JSON spec: `dir` (the model), `B`, `T`, `steps`
(timed after one warm-up step), `cuda` (train on CUDA when torch has it: fp32, TF32 off, wall time
between synchronisations; otherwise one CPU thread, thread CPU time), `matmuls` (name to
`[M, N, K]`) and `matmulSeconds`. Prints one JSON line."""
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "test", "parity"))
from torch_reference import forward, read_safetensors  # noqa: E402


def cpu_time():
    return time.thread_time()


def matmul_gflops(m, n, k, seconds):
    a = torch.randn(m, k, device="cpu")
    b = torch.randn(n, k, device="cpu")
    (a @ b.t()).sum()
    reps, t0 = 0, cpu_time()
    while cpu_time() - t0 < seconds:
        a @ b.t()
        reps += 1
    return 2 * m * n * k * reps / (cpu_time() - t0) / 1e9


def main():
    spec = json.loads(sys.argv[1])
    dev = "cuda" if spec.get("cuda", False) and torch.cuda.is_available() else "cpu"
    if dev == "cuda":
        torch.set_default_device(dev)
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    else:
        torch.set_num_threads(1)
    torch.manual_seed(0)
    cfg = json.load(open(spec["dir"] + "/config.json"))["pretrain"]
    V, T, B = cfg["vocabSize"], spec["T"], spec["B"]
    p = {k: v.to(dev).requires_grad_(True) for k, v in read_safetensors(spec["dir"] + "/model.safetensors").items()}
    params = list(p.values())
    opt = torch.optim.AdamW(params, lr=1e-4, betas=(0.9, 0.95), weight_decay=0.1)
    tokens = torch.randint(0, V, (B, T), device=dev)
    targets = torch.randint(0, V, (B, T), device=dev)
    seg = torch.zeros(B, T, dtype=torch.long, device=dev)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = forward(p, cfg, tokens, targets, seg)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()

    def sync():
        if dev == "cuda":
            torch.cuda.synchronize()

    clock = time.perf_counter if dev == "cuda" else cpu_time
    step()
    sync()
    t0 = clock()
    for _ in range(spec["steps"]):
        step()
    sync()
    sec = clock() - t0
    result = {
        "torch": torch.__version__,
        "device": torch.cuda.get_device_name() if dev == "cuda" else "one CPU thread",
        "tokensPerSec": B * T * spec["steps"] / sec,
        "matmul": {name: matmul_gflops(*shape, spec.get("matmulSeconds", 1)) for name, shape in spec.get("matmuls", {}).items()},
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
