#!/usr/bin/env python3
"""The Momentum² step of `m2t bench` (SPEC §6) in PyTorch, for comparing speeds. Not part of CI.

The same work as StepBenchmark: a ResNet-18 with the small-input stem (3×3 stem, no max-pool)
as the student (backbone → projector → predictor) and its EMA teacher (backbone → projector,
momentum BN: batch and running statistics mixed), two views as separate batches, student
forward + backward on both, teacher forward on both, EMA, SGD with momentum 0.9 and weight
decay 1e-4. Float32, NCHW, on as many threads as given (2 by default: the machine's cores).
Prints one JSON object: the median step time over `--repeats` steps after two warm-up steps,
images/s (batch / step time, as `m2t_step_images_per_s`), effective GFLOP/s (8 × forward
FLOPs per image × images/s) and the SGEMM 2048³ rate measured just before, with its ratio.

    python3 -m venv /tmp/torch && /tmp/torch/bin/pip install torch numpy
    /tmp/torch/bin/python scripts/pytorch-step.py                              # SPEC §6
    /tmp/torch/bin/python scripts/pytorch-step.py --width 16 --size 28 --channels 1
"""
import argparse, json, math, statistics, time
import torch, torch.nn as nn, torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument('--width', type=int, default=64)
p.add_argument('--size', type=int, default=32)
p.add_argument('--channels', type=int, default=3)
p.add_argument('--batch', type=int, default=64)
p.add_argument('--repeats', type=int, default=5)
p.add_argument('--threads', type=int, default=2)
args = p.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(0)


class MomentumBN(nn.Module):
    """The teacher's BN: statistics α·batch (unbiased variance) + (1 − α)·running."""
    def __init__(s, c):
        super().__init__()
        s.weight = nn.Parameter(torch.ones(c)); s.bias = nn.Parameter(torch.zeros(c))
        s.register_buffer('running_mean', torch.zeros(c)); s.register_buffer('running_var', torch.ones(c))
        s.alpha = 0.5

    def forward(s, x):
        dims = [0] + list(range(2, x.dim()))
        var, mean = torch.var_mean(x, dims, unbiased=True)
        mu = s.alpha * mean + (1 - s.alpha) * s.running_mean
        v = s.alpha * var + (1 - s.alpha) * s.running_var
        s.running_mean.mul_(1 - s.alpha).add_(s.alpha * mean); s.running_var.mul_(1 - s.alpha).add_(s.alpha * var)
        return F.batch_norm(x, mu, v, s.weight, s.bias, training=False, eps=1e-5)


def bn(c, teacher, dim=2):
    return MomentumBN(c) if teacher else (nn.BatchNorm2d(c) if dim == 2 else nn.BatchNorm1d(c))


class Block(nn.Module):
    def __init__(s, cin, cout, stride, teacher):
        super().__init__()
        s.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False); s.bn1 = bn(cout, teacher)
        s.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False); s.bn2 = bn(cout, teacher)
        s.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), bn(cout, teacher)) if stride != 1 or cin != cout else None

    def forward(s, x):
        o = F.relu(s.bn1(s.conv1(x)))
        o = s.bn2(s.conv2(o))
        return F.relu(o + (s.down(x) if s.down is not None else x))


class Backbone(nn.Module):
    def __init__(s, w, cin, teacher):
        super().__init__()
        s.conv1 = nn.Conv2d(cin, w, 3, 1, 1, bias=False); s.bn1 = bn(w, teacher)
        layers, c = [], w
        for i, co in enumerate([w, 2 * w, 4 * w, 8 * w]):
            layers += [Block(c, co, 1 if i == 0 else 2, teacher), Block(co, co, 1, teacher)]; c = co
        s.layers = nn.Sequential(*layers)
        s.dim = c

    def forward(s, x):
        return torch.flatten(F.adaptive_avg_pool2d(s.layers(F.relu(s.bn1(s.conv1(x)))), 1), 1)


def head(i, h, o, teacher):
    return nn.Sequential(nn.Linear(i, h), bn(h, teacher, dim=1), nn.ReLU(), nn.Linear(h, o))


student_backbone = Backbone(args.width, args.channels, False)
student = nn.ModuleDict(dict(backbone=student_backbone, projector=head(student_backbone.dim, 512, 128, False), predictor=head(128, 512, 128, False)))
teacher = nn.ModuleDict(dict(backbone=Backbone(args.width, args.channels, True), projector=head(student_backbone.dim, 512, 128, True)))
teacher_params = list(teacher.parameters())
shared_params = [dict(student.named_parameters())[n] for n, _ in teacher.named_parameters()]
with torch.no_grad():
    for t, s in zip(teacher_params, shared_params):
        t.copy_(s); t.requires_grad_(False)
opt = torch.optim.SGD(student.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)


def q(x): return F.normalize(student.predictor(student.projector(student.backbone(x))), dim=1)
def k(x): return F.normalize(teacher.projector(teacher.backbone(x)), dim=1)


def step(x1, x2, m=0.99):
    with torch.no_grad():
        torch._foreach_mul_(teacher_params, m); torch._foreach_add_(teacher_params, shared_params, alpha=1 - m)
    q1, q2 = q(x1), q(x2)
    with torch.no_grad():
        k1, k2 = k(x2), k(x1)
    loss = 4 - 2 * ((q1 * k1).sum(1).mean() + (q2 * k2).sum(1).mean())
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return loss.item()


def median_seconds(f, repeats):
    f()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter(); f(); times.append(time.perf_counter() - t0)
    return statistics.median(times)


def forward_flops():
    """2·MACs of one image through the backbone's convolutions (NetworkBenchmark.forwardFLOPs)."""
    total, x = 0, torch.zeros(1, args.channels, args.size, args.size)
    def hook(mod, inp, out):
        nonlocal total
        total += 2 * out.numel() * mod.in_channels * mod.kernel_size[0] * mod.kernel_size[1] // mod.groups
    hs = [mm.register_forward_hook(hook) for mm in student_backbone.modules() if isinstance(mm, nn.Conv2d)]
    with torch.no_grad():
        student_backbone.eval(); student_backbone(x); student_backbone.train()
    for h in hs: h.remove()
    return total


a, b = torch.randn(2048, 2048), torch.randn(2048, 2048)
sgemm = 2 * 2048 ** 3 / median_seconds(lambda: torch.mm(a, b), args.repeats) / 1e9
x1 = torch.randn(args.batch, args.channels, args.size, args.size)
x2 = torch.randn(args.batch, args.channels, args.size, args.size)
step(x1, x2)
t = median_seconds(lambda: step(x1, x2), args.repeats)
ips = args.batch / t
gflops = 8 * forward_flops() * ips / 1e9
print(json.dumps(dict(torch=torch.__version__, threads=torch.get_num_threads(), width=args.width, size=args.size, channels=args.channels,
                      batch=args.batch, sgemmGFLOPS=sgemm, step_s=t, step_images_per_s=ips, step_effective_gflops=gflops,
                      step_ratio_to_sgemm=gflops / sgemm), indent=1, sort_keys=True))
