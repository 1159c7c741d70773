#!/usr/bin/env python3
"""The cost model of docs/distributed.md: predicted images/s and scaling efficiency of
data-parallel Momentum² pre-training on N nodes, from three measured figures.

    compute  R  the step's effective GFLOP/s on one node (`m2t bench`: m2t_step_effective_gflops)
    network  a  seconds of latency per ring hop, B bytes/s each link carries per direction
    hiding   h  the part of the all-reduce backward hides (`m2t pretrain` under mpirun prints it)

One step on one node of batch b (per view) costs 8·F·b/R seconds (F: forward FLOPs per
image; student forward + backward on two views = 6F, teacher forward on two views = 2F).
The gradient all-reduce of S bytes over N nodes in k buckets by a ring costs
    T_ar = k·2(N−1)·a + 2(N−1)/N · S/B
of which at most a part h, and never more than the backward pass (half the step), is
hidden. Efficiency = compute / (compute + exposed communication).

Usage: scripts/dp-cost-model.py [--gflops 180] [--latency-us 50] [--bucket-mb 25] [--hidden 0.75]
       scripts/dp-cost-model.py --check-bytes 3861440 --check-latency-ms 0.206 --check-bandwidth-gbs 0.76 ...
Prints markdown tables (nothing here is measured: it is arithmetic on the figures given).
"""
import argparse

# Student parameters (backbone + projector + predictor) and forward FLOPs per image, from
# `m2t summary` and the language (docs/distributed.md shows both commands).
MODELS = {
    # name: (student parameters, forward GFLOPs per image, input)
    "ResNet-50, 224², paper heads (4096→256)": (35_067_456, 8.174, "224×224×3"),
    "ResNet-18, 224², paper heads": (16_444_480, 3.627, "224×224×3"),
    "ResNet-18 small stem, 32², paper heads": (16_444_480, 1.111, "32×32×3"),
}
LINKS_GBIT = [10, 25, 100]
NODES = [2, 4, 8, 16, 32, 64]


def allreduce_seconds(n, nbytes, buckets, latency, bandwidth):
    if n <= 1:
        return 0.0
    return buckets * 2 * (n - 1) * latency + 2 * (n - 1) / n * nbytes / bandwidth


def step(n, params, gflops_fwd, batch, rate, latency, bandwidth, bucket_bytes, hidden, element_bytes=4):
    nbytes = params * element_bytes
    buckets = max(1, -(-nbytes // bucket_bytes))
    compute = 8 * gflops_fwd * 1e9 * batch / rate
    ar = allreduce_seconds(n, nbytes, buckets, latency, bandwidth)
    exposed = ar - min(hidden * ar, compute / 2)
    return compute, ar, exposed


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--gflops", type=float, default=180.0, help="effective GFLOP/s of one node's step (m2t bench)")
    p.add_argument("--batch", type=int, default=32, help="images per view per node (the paper: 32 per device)")
    p.add_argument("--latency-us", type=float, default=50.0, help="latency per ring hop, microseconds (TCP Ethernet)")
    p.add_argument("--bucket-mb", type=float, default=25.0, help="gradient bucket size, MiB (M2T_BUCKET_KB)")
    p.add_argument("--hidden", type=float, default=0.75, help="part of the all-reduce backward hides")
    p.add_argument("--check-bytes", type=int, help="the 2-rank check: gradient bytes per step")
    p.add_argument("--check-buckets", type=int, default=4)
    p.add_argument("--check-latency-ms", type=float, help="a of `m2t bench --allreduce` (per call)")
    p.add_argument("--check-bandwidth-gbs", type=float, help="B of `m2t bench --allreduce`, GB/s")
    p.add_argument("--check-step-s", type=float, help="one rank's compute per step, seconds")
    a = p.parse_args()
    rate = a.gflops * 1e9
    bucket = int(a.bucket_mb * 2**20)
    latency = a.latency_us * 1e-6

    if a.check_bytes:
        lat, bw = a.check_latency_ms * 1e-3, a.check_bandwidth_gbs * 1e9
        ar = a.check_buckets * lat + 2 * (2 - 1) / 2 * a.check_bytes / bw
        exposed = ar - min(a.hidden * ar, a.check_step_s / 2)
        print(f"2 ranks: all-reduce {ar * 1e3:.1f} ms/step, exposed {exposed * 1e3:.1f} ms, "
              f"predicted efficiency {a.check_step_s / (a.check_step_s + exposed):.3f}")
        return

    print(f"Per node: {a.gflops:.0f} effective GFLOP/s, batch {a.batch} per view; ring hop latency "
          f"{a.latency_us:.0f} µs; buckets of {a.bucket_mb:g} MiB; {a.hidden:.0%} of the all-reduce hidden.\n")
    for name, (params, fwd, _) in MODELS.items():
        compute, _, _ = step(1, params, fwd, a.batch, rate, latency, 1, bucket, a.hidden)
        print(f"**{name}**: {params * 4 / 1e6:.1f} MB of gradients per step; compute {compute:.2f} s per step "
              f"({a.batch / compute:.1f} images/s per node)\n")
        print("| nodes | " + " | ".join(f"{g} Gb/s: all-reduce s → images/s (efficiency)" for g in LINKS_GBIT) + " |")
        print("| --- |" + " --- |" * len(LINKS_GBIT))
        for n in NODES:
            cells = []
            for g in LINKS_GBIT:
                c, ar, exposed = step(n, params, fwd, a.batch, rate, latency, g * 1e9 / 8, bucket, a.hidden)
                ips = n * a.batch / (c + exposed)
                cells.append(f"{ar:.3f} → {ips:,.0f} ({c / (c + exposed):.1%})")
            print(f"| {n} | " + " | ".join(cells) + " |")
        print()


if __name__ == "__main__":
    main()
