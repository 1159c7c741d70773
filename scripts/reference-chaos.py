#!/usr/bin/env python3
"""Is the third reference step reproducible in Float32 at all? (Needs PyTorch; not part of CI.)

A PyTorch replica of the three Momentum² steps of m2t_steps.json (SPEC §2: momentum-BN
teacher, EMA, two views as separate batches, SGD). In Float64 it reproduces the reference
losses (the check that the replica is faithful); then it runs the same in Float32, and in
Float64 with the initial weights perturbed by a relative 1e-7 and 1e-6, and prints how far
each lands from the reference. Run from the repository root:

    pip install torch && python3 scripts/reference-chaos.py
"""
import json, math, sys, copy
import torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(1)
d = json.load(open(sys.argv[1] if len(sys.argv) > 1 else 'Tests/Momentum2Tests/Fixtures/m2t_steps.json'))
cfg = d['config']
def T(o, dt): return torch.tensor(o['data'], dtype=dt).reshape(o['shape'])

class MomentumBN(nn.Module):
    """Teacher BN: mixed stats with alpha, unbiased batch var; update after the second view."""
    def __init__(s, c, eps):
        super().__init__(); s.weight = nn.Parameter(torch.ones(c)); s.bias = nn.Parameter(torch.zeros(c))
        s.register_buffer('running_mean', torch.zeros(c)); s.register_buffer('running_var', torch.ones(c))
        s.eps = eps; s.alpha = 1.0; s.t = 0; s.K = cfg['total_steps']; s.pending = []
    def forward(s, x):
        dims = [0] + list(range(2, x.dim()))
        mb = x.mean(dims); vb = x.var(dims, unbiased=True)
        mu = s.alpha * mb + (1 - s.alpha) * s.running_mean
        var = s.alpha * vb + (1 - s.alpha) * s.running_var
        shape = [1, -1] + [1] * (x.dim() - 2)
        y = (x - mu.reshape(shape)) / torch.sqrt(var.reshape(shape) + s.eps) * s.weight.reshape(shape) + s.bias.reshape(shape)
        s.pending.append((mb.detach(), vb.detach()))
        if len(s.pending) == 2:
            (m1, v1), (m2, v2) = s.pending
            s.running_mean = s.alpha * (m1 + m2) / 2 + (1 - s.alpha) * s.running_mean
            s.running_var = s.alpha * (v1 + v2) / 2 + (1 - s.alpha) * s.running_var
            s.t += 1; s.alpha = (math.cos(math.pi * s.t / s.K) + 1) / 2; s.pending = []
        return y

def bn2d(c, teacher): return MomentumBN(c, cfg['bn_eps']) if teacher else nn.BatchNorm2d(c, eps=cfg['bn_eps'], momentum=cfg['student_bn_momentum'])
def bn1d(c, teacher): return MomentumBN(c, cfg['bn_eps']) if teacher else nn.BatchNorm1d(c, eps=cfg['bn_eps'], momentum=cfg['student_bn_momentum'])

class Block(nn.Module):
    def __init__(s, cin, cout, stride, teacher):
        super().__init__()
        s.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False); s.bn1 = bn2d(cout, teacher)
        s.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False); s.bn2 = bn2d(cout, teacher)
        s.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), bn2d(cout, teacher)) if stride != 1 or cin != cout else None
    def forward(s, x):
        o = F.relu(s.bn1(s.conv1(x))); o = s.bn2(s.conv2(o))
        return F.relu(o + (s.downsample(x) if s.downsample is not None else x))

class Backbone(nn.Module):
    def __init__(s, w, cin, teacher):
        super().__init__()
        s.conv1 = nn.Conv2d(cin, w, 3, 1, 1, bias=False); s.bn1 = bn2d(w, teacher)
        chans = [w, 2 * w, 4 * w, 8 * w]; c = w
        for i, co in enumerate(chans):
            setattr(s, f'layer{i+1}', nn.Sequential(Block(c, co, 1 if i == 0 else 2, teacher), Block(co, co, 1, teacher))); c = co
    def forward(s, x):
        x = F.relu(s.bn1(s.conv1(x)))
        for i in range(4): x = getattr(s, f'layer{i+1}')(x)
        return x.mean((2, 3))

def mlp(i, h, o, teacher): return nn.Sequential(nn.Linear(i, h), bn1d(h, teacher), nn.ReLU(), nn.Linear(h, o))

class Net(nn.Module):
    def __init__(s, teacher):
        super().__init__(); w = cfg['width']
        s.backbone = Backbone(w, cfg['in_channels'], teacher); s.projector = mlp(8 * w, cfg['hidden'], cfg['out'], teacher)
        if not teacher: s.predictor = mlp(cfg['out'], cfg['hidden'], cfg['out'], False)
    def forward(s, x):
        z = s.projector(s.backbone(x))
        if hasattr(s, 'predictor'): z = s.predictor(z)
        return F.normalize(z, dim=1)

def run(dt, perturb=0.0, seed=0):
    torch.manual_seed(seed)
    student = Net(False).to(dt); teacher = Net(True).to(dt)
    sd = {k: T(v, dt) for k, v in d['student_initial'].items()}
    if perturb:
        g = torch.Generator().manual_seed(seed)
        sd = {k: (v * (1 + perturb * torch.randn(v.shape, generator=g, dtype=dt)) if v.is_floating_point() else v) for k, v in sd.items()}
    student.load_state_dict(sd, strict=False)
    tp = dict(teacher.named_parameters())
    with torch.no_grad():
        for k, p in student.named_parameters():
            if k in tp: tp[k].copy_(p)
    opt = torch.optim.SGD(student.parameters(), lr=cfg['lr'], momentum=cfg['momentum'], weight_decay=cfg['weight_decay'])
    K = cfg['total_steps']; losses = []
    for k, inp in enumerate(d['inputs']):
        x1, x2 = T(inp['x1'], dt), T(inp['x2'], dt)
        m = 1 - (1 - cfg['m0']) * (math.cos(math.pi * k / K) + 1) / 2
        with torch.no_grad():
            sp = dict(student.named_parameters())
            for n, p in teacher.named_parameters(): p.mul_(m).add_(sp[n], alpha=1 - m)
        q1, q2 = student(x1), student(x2)
        with torch.no_grad(): k1, k2 = teacher(x2), teacher(x1)
        loss = (4 - 2 * ((q1 * k1).sum(1) + (q2 * k2).sum(1))).mean()
        opt.zero_grad(); loss.backward(); opt.step(); losses.append(loss.item())
    return losses, student, teacher

ref = d['losses']
l64, s64, t64 = run(torch.float64)
print('reference   ', ref)
print('torch f64   ', l64, 'max rel', max(abs(a - b) / abs(b) for a, b in zip(l64, ref)))
l32, s32, t32 = run(torch.float32)
print('torch f32   ', l32, 'rel per step', [abs(a - b) / abs(b) for a, b in zip(l32, ref)])
for p in [1e-7, 1e-6]:
    for sd in [1, 2]:
        lp, _, _ = run(torch.float64, perturb=p, seed=sd)
        print(f'f64 perturbed {p:g} seed {sd}', ['%.6g' % (abs(a - b) / abs(b)) for a, b in zip(lp, ref)])
# final state dict agreement of f32 vs reference
def worst(model, key):
    mine = model.state_dict(); out = []
    for k, v in d[key].items():
        if k not in mine: continue
        r = T(v, torch.float64); m = mine[k].to(torch.float64)
        out.append(((m - r).abs() / (r.abs() + 1e-12)).max().item() if r.numel() else 0)
    return max(out)
print('f64 final student worst rel', worst(s64, 'student_final'), 'teacher', worst(t64, 'teacher_final'))
print('f32 final student worst rel', worst(s32, 'student_final'), 'teacher', worst(t32, 'teacher_final'))
