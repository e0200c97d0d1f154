"""PyTorch peer of bench/train.bench.ts, one thread: matmul GFLOP/s and training tokens/s of the
same model (exported by the bench as safetensors, run by the functional reference of
test/parity/torch_reference.py) on the same batch shape. Prints one JSON line."""
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
    a = torch.randn(m, k)
    b = torch.randn(n, k)
    (a @ b.t()).sum()
    reps, t0 = 0, cpu_time()
    while cpu_time() - t0 < seconds:
        a @ b.t()
        reps += 1
    return 2 * m * n * k * reps / (cpu_time() - t0) / 1e9


def main():
    spec = json.loads(sys.argv[1])
    torch.set_num_threads(1)
    torch.manual_seed(0)
    cfg = json.load(open(spec["dir"] + "/config.json"))["pretrain"]
    V, T, B = cfg["vocabSize"], spec["T"], spec["B"]
    p = read_safetensors(spec["dir"] + "/model.safetensors")
    params = [v.requires_grad_(True) for v in p.values()]
    opt = torch.optim.AdamW(params, lr=1e-4, betas=(0.9, 0.95), weight_decay=0.1)
    tokens = torch.randint(0, V, (B, T))
    targets = torch.randint(0, V, (B, T))
    seg = torch.zeros(B, T, dtype=torch.long)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = forward(p, cfg, tokens, targets, seg)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()

    step()
    t0, steps = cpu_time(), 0
    while steps < spec["steps"]:
        step()
        steps += 1
    sec = cpu_time() - t0
    result = {
        "torch": torch.__version__,
        "tokensPerSec": B * T * steps / sec,
        "matmul": {name: matmul_gflops(*shape, spec["matmulSeconds"]) for name, shape in spec.get("matmuls", {}).items()},
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
