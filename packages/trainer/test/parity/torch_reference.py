"""PyTorch reference of the trainer's models for the parity test.

Reads DIR/config.json (with the exact configuration under "pretrain"), DIR/model.safetensors
(Hugging Face names), DIR/batch.json and DIR/optim.json; runs one forward/backward and one AdamW
step with gradient clipping; writes DIR/torch-grads.safetensors (gradients, same names),
DIR/torch-after.safetensors (weights after the step) and DIR/torch-result.json (loss, grad norm).
Written independently of the TypeScript implementation, from the published architectures.
"""
import json
import math
import struct
import sys

import torch
import torch.nn.functional as F


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32"
        b, e = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[8 + n + b:8 + n + e]), dtype=torch.float32)
        out[name] = t.reshape(info["shape"]).clone()
    return out


def write_safetensors(path, tensors):
    header = {}
    offset = 0
    blobs = []
    for name, t in tensors.items():
        raw = t.detach().contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    h = json.dumps(header).encode()
    h += b" " * ((8 - (8 + len(h)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for raw in blobs:
            f.write(raw)


def attention(q, k, v, seg_start, T, H, D):
    # q, k, v: [B, T, C] -> [B, H, T, D]
    B = q.shape[0]
    q = q.view(B, T, H, D).transpose(1, 2)
    k = k.view(B, T, H, D).transpose(1, 2)
    v = v.view(B, T, H, D).transpose(1, 2)
    i = torch.arange(T).view(1, T, 1)
    j = torch.arange(T).view(1, 1, T)
    allowed = (j <= i) & (j >= seg_start.view(B, T, 1))  # [B, T, T]
    scores = (q @ k.transpose(-1, -2)) / math.sqrt(D)
    scores = scores.masked_fill(~allowed.unsqueeze(1), float("-inf"))
    y = torch.softmax(scores, dim=-1) @ v
    return y.transpose(1, 2).contiguous().view(B, T, H * D)


def rope(x, pos, H, D, theta):
    # x: [B, T, C]; rotate-half layout per head
    B, T, C = x.shape
    inv_freq = 1.0 / (theta ** (torch.arange(0, D, 2, dtype=torch.float32) / D))
    ang = pos.to(torch.float32).unsqueeze(-1) * inv_freq  # [B, T, D/2]
    cos = torch.cat([ang.cos(), ang.cos()], dim=-1).unsqueeze(2)
    sin = torch.cat([ang.sin(), ang.sin()], dim=-1).unsqueeze(2)
    x = x.view(B, T, H, D)
    x1, x2 = x[..., : D // 2], x[..., D // 2:]
    rotated = torch.cat([-x2, x1], dim=-1)
    return (x * cos + rotated * sin).view(B, T, C)


def forward(p, cfg, tokens, targets, seg_start):
    B, T = tokens.shape
    C, H, L = cfg["dModel"], cfg["nHead"], cfg["nLayer"]
    D = C // H
    eps = cfg["normEps"]
    pos = torch.arange(T).view(1, T) - seg_start
    gpt2 = cfg["mlp"] == "gelu"
    pre = "transformer." if gpt2 else "model."

    def norm(x, name):
        if cfg["norm"] == "layernorm":
            return F.layer_norm(x, (C,), p[name + ".weight"], p[name + ".bias"], eps)
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * p[name + ".weight"]

    def linear(x, name, conv1d):
        w = p[name + ".weight"]
        y = x @ w if conv1d else x @ w.t()
        if cfg["bias"]:
            y = y + p[name + ".bias"]
        return y

    wte = p[pre + ("wte.weight" if gpt2 else "embed_tokens.weight")]
    x = wte[tokens]
    if cfg["position"] == "learned":
        x = x + p[pre + ("wpe.weight" if gpt2 else "embed_positions.weight")][pos]
    for l in range(L):
        if gpt2:
            h = f"transformer.h.{l}"
            a = norm(x, h + ".ln_1")
            qkv = linear(a, h + ".attn.c_attn", True)
            q, k, v = qkv.split(C, dim=-1)
        else:
            h = f"model.layers.{l}"
            a = norm(x, h + ".input_layernorm")
            q = linear(a, h + ".self_attn.q_proj", False)
            k = linear(a, h + ".self_attn.k_proj", False)
            v = linear(a, h + ".self_attn.v_proj", False)
        if cfg["position"] == "rope":
            q = rope(q, pos, H, D, cfg["ropeTheta"])
            k = rope(k, pos, H, D, cfg["ropeTheta"])
        y = attention(q, k, v, seg_start, T, H, D)
        x = x + (linear(y, h + ".attn.c_proj", True) if gpt2 else linear(y, h + ".self_attn.o_proj", False))
        if gpt2:
            m = norm(x, h + ".ln_2")
            m = linear(F.gelu(linear(m, h + ".mlp.c_fc", True), approximate="tanh"), h + ".mlp.c_proj", True)
        else:
            m = norm(x, h + ".post_attention_layernorm")
            m = linear(F.silu(linear(m, h + ".mlp.gate_proj", False)) * linear(m, h + ".mlp.up_proj", False), h + ".mlp.down_proj", False)
        x = x + m
    x = norm(x, pre + ("ln_f" if gpt2 else "norm"))
    logits = x @ wte.t()
    return F.cross_entropy(logits.view(B * T, -1), targets.view(-1), ignore_index=-1)


def main(d):
    torch.manual_seed(0)
    torch.set_num_threads(1)
    cfg = json.load(open(d + "/config.json"))["pretrain"]
    batch = json.load(open(d + "/batch.json"))
    opt = json.load(open(d + "/optim.json"))
    p = {k: v.requires_grad_(True) for k, v in read_safetensors(d + "/model.safetensors").items()}
    B, T = batch["B"], batch["T"]
    tokens = torch.tensor(batch["tokens"]).view(B, T)
    targets = torch.tensor(batch["targets"]).view(B, T)
    seg_start = torch.tensor(batch["segStart"]).view(B, T)
    loss = forward(p, cfg, tokens, targets, seg_start)
    loss.backward()
    write_safetensors(d + "/torch-grads.safetensors", {k: v.grad for k, v in p.items()})
    params = list(p.values())
    norm = torch.nn.utils.clip_grad_norm_(params, opt["maxNorm"])
    decay = [v for v in params if v.dim() >= 2]
    no_decay = [v for v in params if v.dim() < 2]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": opt["weightDecay"]}, {"params": no_decay, "weight_decay": 0.0}],
        lr=opt["lr"], betas=(opt["beta1"], opt["beta2"]), eps=opt["eps"])
    optimizer.step()
    write_safetensors(d + "/torch-after.safetensors", p)
    json.dump({"loss": loss.item(), "gradNorm": norm.item(), "torch": torch.__version__}, open(d + "/torch-result.json", "w"))


if __name__ == "__main__":
    main(sys.argv[1])
