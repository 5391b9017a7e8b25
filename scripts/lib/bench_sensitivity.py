"""The Python side of scripts/bench-sensitivity.
  python bench_sensitivity.py outputs DIR        writes the Ishigami outputs of the samples nepsim printed
  python bench_sensitivity.py compare DIR TIMES  runs SALib (Sobol, Morris, delta's S1) and EMA Workbench's
                                                 PRIM on the same samples and outputs, times them, and prints
                                                 their answers beside nepsim's (read from its JSON files)"""
import json
import math
import sys
import time
import warnings

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")

mode, directory = sys.argv[1], sys.argv[2]
problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-math.pi, math.pi]] * 3}


def ishigami(x):
    return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def sample(name):
    return pd.read_csv(f"{directory}/{name}.csv").to_numpy()


if mode == "outputs":
    for name in ["saltelli", "morris", "given"]:
        np.savetxt(f"{directory}/{name}-y.csv", ishigami(sample(name)), header="y", comments="")
    # PRIM: a planted box in five inputs (x1 in [0.2, 0.6] and x3 > 0.7), as nepsim's test plants it.
    rng = np.random.default_rng(7)
    x = rng.random((20000, 5))
    event = ((x[:, 0] >= 0.2) & (x[:, 0] <= 0.6) & (x[:, 2] > 0.7)).astype(int)
    frame = pd.DataFrame(x, columns=[f"x{i + 1}" for i in range(5)])
    frame["event"] = event
    frame.to_csv(f"{directory}/prim.csv", index=False)
    sys.exit(0)

from SALib.analyze import delta, morris, sobol  # noqa: E402
from ema_workbench.analysis import prim  # noqa: E402

times = dict(line.split() for line in open(sys.argv[3]) if line.strip())
summary = []


def report(label, key, other_seconds, pairs):
    """pairs: (name, nepsim value, nepsim interval or None, other value, other half-width or None).
    They agree when each interval (widened by the other's half-width) holds the other's value."""
    agree = all(ci is None or ci[0] - (half or 0) <= other <= ci[1] + (half or 0) for _, _, ci, other, half in pairs)
    worst = max(abs(a - b) for _, a, _, b, _ in pairs)
    mine = float(times[key])
    alone = float(times[key + "-analysis"])
    summary.append((label, mine, alone, other_seconds, other_seconds / alone, worst, "yes" if agree else "NO"))
    for name, a, ci, b, half in pairs:
        print(f"  {label:<28} {name:<12} nepsim {a:10.4f}" + (f" [{ci[0]:9.4f}, {ci[1]:9.4f}]" if ci else " " * 23)
              + f"   other {b:10.4f}" + (f" +- {half:.4f}" if half is not None else ""))


def nepsim(name):
    return json.load(open(f"{directory}/{name}.json"))


# Sobol' indices: SALib's layout for calc_second_order=False is nepsim's (A, A_B(1..k), B per base row).
y = np.loadtxt(f"{directory}/saltelli-y.csv", skiprows=1)
started = time.perf_counter()
s = sobol.analyze(problem, y, calc_second_order=False, num_resamples=1000, seed=1)
seconds = time.perf_counter() - started
n = nepsim("sobol")["parameters"]
report("Sobol S1 (SALib sobol)", "sobol", seconds,
       [(v, n[v]["S1"], n[v]["S1_ci"], s["S1"][i], s["S1_conf"][i]) for i, v in enumerate(problem["names"])])
report("Sobol ST (SALib sobol)", "sobol", seconds,
       [(v, n[v]["ST"], n[v]["ST_ci"], s["ST"][i], s["ST_conf"][i]) for i, v in enumerate(problem["names"])])

# Morris on nepsim's trajectories (4 levels).
x = sample("morris")
y = np.loadtxt(f"{directory}/morris-y.csv", skiprows=1)
started = time.perf_counter()
m = morris.analyze(problem, x, y, num_resamples=1000, num_levels=4, seed=1)
seconds = time.perf_counter() - started
n = nepsim("morris")["parameters"]
report("Morris mu* (SALib morris)", "morris", seconds,
       [(v, n[v]["mu_star"], n[v]["mu_star_ci"], m["mu_star"][i], m["mu_star_conf"][i]) for i, v in enumerate(problem["names"])])
report("Morris sigma (SALib morris)", "morris", seconds,
       [(v, n[v]["sigma"], None, m["sigma"][i], None) for i, v in enumerate(problem["names"])])

# First order from given data: delta's S1 (method="sobol" computes only it).
x = sample("given")
y = np.loadtxt(f"{directory}/given-y.csv", skiprows=1)
started = time.perf_counter()
d = delta.analyze(problem, x, y, num_resamples=100, seed=1, method="sobol")
seconds = time.perf_counter() - started
n = nepsim("binned")["parameters"]
report("given-data S1 (SALib delta)", "binned", seconds,
       [(v, n[v]["S1"], n[v]["S1_ci"], d["S1"][i], d["S1_conf"][i]) for i, v in enumerate(problem["names"])])

# PRIM: EMA Workbench's, then the same choice nepsim makes (densest box with coverage >= 0.5).
frame = pd.read_csv(f"{directory}/prim.csv")
started = time.perf_counter()
p = prim.Prim(frame.drop(columns="event"), frame["event"].to_numpy(), threshold=0.5, peel_alpha=0.05, paste_alpha=0.05)
box = p.find_box()
seconds = time.perf_counter() - started
trajectory = box.peeling_trajectory
eligible = trajectory[trajectory["coverage"] >= 0.5]
chosen = eligible["density"].idxmax()
limits = box.box_lims[chosen]
n = nepsim("prim")
mine = {entry["parameter"]: entry for entry in n["box"]}
pairs = []
for name in ["x1", "x3"]:
    for side, row, key in [("low", 0, "low"), ("high", 1, "high")]:
        theirs = float(limits.loc[row, name])
        ours = mine.get(name, {}).get(key)
        if ours is None:
            ours = float(box.box_lims[0].loc[row, name])
        pairs.append((f"{name} {side}", ours, None, theirs, None))
pairs.append(("coverage", n["coverage"], None, float(trajectory.loc[chosen, "coverage"]), None))
pairs.append(("density", n["density"], None, float(trajectory.loc[chosen, "density"]), None))
report("PRIM box (EMA Workbench)", "prim", seconds, pairs)

print()
print(f"{'analysis':<30} {'nepsim cmd s':>12} {'analysis s':>10} {'other s':>9} {'speedup':>8} {'max |diff|':>11} {'agree':>6}")
print(f"{'':<30} {'(whole)':>12} {'(alone)':>10} {'(alone)':>9} {'(alone)':>8}")
for label, mine, alone, theirs, speedup, worst, agree in summary:
    print(f"{label:<30} {mine:12.3f} {alone:10.3f} {theirs:9.3f} {speedup:7.1f}x {worst:11.4f} {agree:>6}")
