"""Write notebooks/08_orthogonal_isometry.ipynb from the cell sources below (unexecuted).

    python tools/build_nb08.py
    python tools/notebooks.py run --force 08_orthogonal_isometry.ipynb

It wrote the notebook's first version and refuses code lines over 88 characters and cells
ending in a bare claim(...). It overwrites the notebook: once the .ipynb is edited directly,
edit this file alike or stop using it.
"""
from __future__ import annotations

import ast
from pathlib import Path

import nbformat

NB = Path(__file__).resolve().parents[1] / "notebooks" / "08_orthogonal_isometry.ipynb"
cells: list = []


def md(text: str) -> None:
    cells.append(nbformat.v4.new_markdown_cell(text.strip("\n")))


def code(text: str) -> None:
    text = text.strip("\n")
    last = ast.parse(text).body[-1] if not text.startswith("%") else None
    if (isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)
            and getattr(last.value.func, "id", "") == "claim"):
        # claim returns True, which would be the cell's output (nbval runs cells without
        # history, so a trailing ';' does not hide it)
        raise ValueError(f"a cell ends with a claim: {text[-80:]!r}")
    long = [line for line in text.splitlines() if len(line) > 88]
    if long:  # cut off on a 1280x800 projector
        raise ValueError(f"code lines over 88 characters: {long}")
    cells.append(nbformat.v4.new_code_cell(text))


md(r"""
# 08 · Orthogonal initialization and dynamical isometry

He's and Glorot's rules keep the *mean* signal level: one number per layer, the factor
$\chi_1 = 1$. That is not enough for deep networks. A tanh network at $\chi_1 = 1$ still lets
single directions of its gradient shrink or grow by large factors, and single draws scatter
more with depth. What controls those directions is the whole spectrum of the input-output
Jacobian, and the initialization that controls the spectrum is the orthogonal one. This
notebook trains deep linear networks (Saxe, McClelland & Ganguli 2013), measures the singular
values of deep Jacobians against the free-probability theory of Pennington, Schoenholz &
Ganguli (2017), and trains a deep tanh network both ways.
""")
md("<!--NAVIGATION-->")
md(r"""
**Learning objectives.** After this notebook you can

1. say why a deep *linear* network learns in a number of steps independent of its depth with orthogonal weights and ever more slowly with scaled Gaussian ones;
2. compute the end-to-end Jacobian $J = \partial h_L/\partial h_0$ of an MLP and read its singular values;
3. state the moments theory: at criticality the squared singular values have mean 1 and variance $L/p$ (Gaussian) or $L(1/p - 1)$ (orthogonal), $p$ the fraction of units in the linear regime, and conclude why ReLU is never isometric while tanh and hard-tanh can be;
4. pick a point on the critical line (small $q^*$) that makes a deep tanh network nearly isometric, and say what it costs;
5. use `torch.nn.init.orthogonal_`, Keras's `Orthogonal` and the delta-orthogonal init for convolutions, and say when orthogonal init is not worth it.
""")
code(r"""
%matplotlib inline
import json
import math
from pathlib import Path

import numpy as np

from wi_helpers import MLP, init_weights
from wi_helpers.claims import claim
from wi_helpers.lessons.isometry import (
    DrawCache, conv1d_circular, critical_point, delta_orthogonal, draw_weights,
    finite_difference_jacobian, jacobian, qr_orthogonal, teacher_task,
    train_deep_linear, train_regression)
from wi_helpers.plots.isometry import curves_plot, depth_plot, spectrum_hist
from wi_helpers.widgets_spectrum import spectrum_dashboard

SEED = 1701
rng = np.random.default_rng(SEED)
DATA = Path("..") / "data"
""")

# ---------------------------------------------------------------- 1. Saxe
md(r"""
## Does depth slow a linear network down?

A deep *linear* network $h_L = x\,W_1 W_2 \cdots W_L$ computes only a linear map, yet its
training is not: the gradient of each $W_l$ passes through all the others. Saxe, McClelland &
Ganguli (2013) solved its learning dynamics and found that the time to learn does not grow
with depth when the weights start orthogonal, and grows with depth when they start as
scaled Gaussians ($\mathrm{Var}[W] = 1/n$, the variance-preserving choice). Below: width 16,
a fixed teacher $Y = XT$ (256 whitened inputs, $T$ Gaussian), full-batch gradient descent on
the squared error with learning rate $0.2/L$ (the end-to-end map gets $L$ updates' worth per
step), and the number of steps to reach 1 % of the initial loss, 3 seeds per cell.
""")
code(r"""
# NBVAL_IGNORE_OUTPUT
# Training: a step count can move by a step or two on another CPU; the claims are below.
width_lin, n_examples, max_steps, lr_depth = 16, 256, 1000, 0.2
X_t, Y_t, T = teacher_task(width_lin, n_examples, rng=np.random.default_rng(0))
depths_lin, seeds = (4, 16, 64), (0, 1, 2)
steps = {}
for init in ("orthogonal", "gaussian"):
    for L in depths_lin:
        for s in seeds:
            Ws = draw_weights(init, width_lin, L, 1.0, rng=np.random.default_rng(s))
            steps[init, L, s], _ = train_deep_linear(Ws, X_t, Y_t, lr=lr_depth / L,
                                                     max_steps=max_steps)
orth = [steps["orthogonal", L, s] for L in depths_lin for s in seeds]
claim(all(h is not None and h <= 400 for h in orth),
      "orthogonal init reaches 1 % of the initial loss within 400 steps at every depth",
      found=f"the steps are {orth}", setting="width 16, seeds 0-2")
deep = [steps["gaussian", L, s] for L in depths_lin if L >= 16 for s in seeds]
claim(all(h is None for h in deep),
      "scaled Gaussian init does not reach it within 1,000 steps at depth 16 and more",
      found=f"the Gaussian steps at depth >= 16 are {deep}",
      setting="width 16, seeds 0-2")
print(f"steps to 1 % of the initial loss (width {width_lin}, at most {max_steps:,}"
      f" steps; '-' = not reached), seeds {', '.join(map(str, seeds))}")
for init in ("orthogonal", "gaussian"):
    row = [" ".join(f"{'-' if steps[init, L, s] is None else steps[init, L, s]:>5}"
                    for s in seeds) for L in depths_lin]
    print(f"{init:>10s}: " + " | ".join(f"L={L}: {r}" for L, r in zip(depths_lin, row)))
""")
md(r"""
Orthogonal weights reach 1 % of the initial loss in fewer than 250 steps, at depth 4 as at
depth 64. Scaled Gaussian weights keep up at depth 4 and are stuck from depth 16 on. Why: the
network starts from the end-to-end map $M = W_1 \cdots W_L$, and gradient descent grows each
of the teacher's directions at a speed that depends on how strongly $M$ already carries it;
in a deep network a weak direction grows very slowly (in Saxe et al.'s solution a mode that
starts at strength $u_0$ needs a time of order $\log(1/u_0)$ with two layers, of order $1/u_0$
with many). A product of orthogonal matrices is orthogonal, with every singular value 1; a
product of Gaussian ones has singular values spread over many orders of magnitude:
""")
code(r"""
for L in depths_lin:
    line = []
    for init in ("orthogonal", "gaussian"):
        Ws = draw_weights(init, width_lin, L, 1.0, rng=np.random.default_rng(0))
        sv = np.linalg.svd(np.linalg.multi_dot(Ws), compute_uv=False)
        smin = "< 1e-3" if sv.min() < 1e-3 else f"{sv.min():.3f}"
        line.append(f"{init} {sv.max():5.2f} .. {smin:>6s}")
    print(f"L = {L:2d}: singular values of W_1...W_L: " + ";  ".join(line))
    if L >= 16:
        claim(sv.min() < 1e-3, "a deep Gaussian product has singular values below 1e-3",
              found=f"the smallest is {sv.min():.1e}", setting=f"depth {L}, width 16")
""")
md(r"""
The Gaussian product has directions below $10^{-3}$ already at depth 4, and the deeper the
network the more slowly such directions grow. The stored runs (`scripts/isometry_runs.py --part saxe`, all five depths, 5 seeds,
up to 4,000 steps) give the whole picture:
""")
code(r"""
saxe = json.loads((DATA / "08_saxe.json").read_text())
ss = saxe["settings"]
table = {}
for init in ss["inits"]:
    runs_s = [[saxe["runs"][f"{init}|{L}|{k}"]["steps"] for k in range(ss["seeds"])]
              for L in ss["depths"]]
    table[init] = np.array([[np.nan if h is None else h for h in row]
                            for row in runs_s])
for init, t in table.items():
    cells_s = [f"L={L}: {np.nanmin(r):.0f}-{np.nanmax(r):.0f}" if np.isfinite(r).all()
               else f"L={L}: {np.isnan(r).sum()}/{r.size} never"
               for L, r in zip(ss["depths"], t)]
    print(f"{init:>10s}: " + " | ".join(cells_s))
o, g = table["orthogonal"], table["gaussian"]
claim(np.isfinite(o).all() and o.max() <= 250,
      "orthogonal reaches 1 % within 250 steps at every depth 4-64 and seed",
      found=f"the orthogonal steps run from {np.nanmin(o):.0f} to {np.nanmax(o):.0f}")
claim(np.isfinite(g[1]).all() and g[1].min() > 4 * o[1].max()
      and np.isnan(g[2:]).all(),
      "Gaussian arrives at depth 8, several times later, and never from depth 16 on")
diverged = sum(r["final_ratio"] is None for r in saxe["runs"].values())
print(f"median at depth 8: Gaussian {np.median(g[1]):.0f}, orthogonal"
      f" {np.median(o[1]):.0f}; runs whose loss overflowed: {diverged};"
      f" wall time {saxe['wall_seconds']:.0f} s")
""")
code(r"""
fig = depth_plot(ss["depths"], {"orthogonal": table["orthogonal"],
                                "scaled Gaussian": table["gaussian"]},
                 ylabel="steps to 1 % of the initial loss", budget=ss["max_steps"],
                 legend_loc="center right",
                 title="Deep linear networks, width 16 (Saxe et al. 2013)",
                 caption="Median and min-max over 5 seeds; triangles at the budget: "
                         "runs that never arrived (k/5 of the seeds).")
""")
md(r"""
Orthogonal init: 46 to 226 steps at every depth from 4 to 64, with no trend in depth; the
spread between seeds is larger than any difference between depths. Scaled Gaussian init:
95 to 181 steps at depth 4, 783 to 1,965 at depth 8, and not within 4,000 steps on any seed
from depth 16 on (one run at depth 64 even overflowed: for it $0.2/L$ is too large a step). At
width 16 the Gaussian network still arrives at depth 8, but more than ten times later than the
orthogonal one (median 1,610 against 115 steps); from depth 16 on it does not arrive at all.
""")

# ---------------------------------------------------------------- 2. spectrum
md(r"""
## The spectrum, not just the mean

For a nonlinear network the object that replaces $M$ is the input-output Jacobian at an
input $x$, a product of the layer Jacobians:

$$J = \frac{\partial h_L}{\partial h_0} = D_L W_L^\top \cdots D_1 W_1^\top, \qquad D_l = \mathrm{diag}\,\phi'(z_l).$$

A gradient arriving at the output is multiplied by $J^\top$ on its way to the input, so the
singular values of $J$ say by how much each direction is stretched or shrunk. *Dynamical
isometry* means all of them are near 1. First, the product of layer Jacobians against
finite differences:
""")
code(r"""
cp = critical_point("tanh", q_star=0.5)  # a point on tanh's critical line, chi_1 = 1
n_small, L_small = 30, 6
Ws_small = draw_weights("orthogonal", n_small, L_small, cp.sigma_w2, rng=rng)
bs_small = [rng.normal(0.0, math.sqrt(cp.sigma_b2), n_small) for _ in range(L_small)]
x0 = np.tanh(rng.normal(0.0, math.sqrt(cp.q_star), n_small))
J = jacobian(Ws_small, bs_small, "tanh", x0)
J_fd = finite_difference_jacobian(Ws_small, bs_small, "tanh", x0)
err = np.abs(J - J_fd).max() / np.abs(J).max()
ok = claim(err < 1e-7, "the product of layer Jacobians matches central differences",
           found=f"the largest relative difference is {err:.1e}")
print(f"J is {J.shape[0]}x{J.shape[1]}; product of layer Jacobians vs central"
      f" differences: {'agree to better than 1e-7' if ok else 'differ'}")
""")
md(r"""
Now the spectrum at criticality, for four activations and both inits, at depths 8 and 32
(width 200, 3 draws each). Each network sits on its critical line ($\sigma_w^2\mu_1 = 1$, with
$\mu_k = \mathrm{E}[\phi'(z)^{2k}]$ at the fixed point $q^*$); linear and ReLU have no scale
($\sigma_w^2 = 1$ and 2, no bias), tanh and hard-tanh sit at $q^* = 0.5$. We report
$\lambda$, the squared singular values divided by their mean, and the variance of $\lambda$:
0 for an exact isometry.

The theory (Pennington, Schoenholz & Ganguli 2017): for wide networks

$$\mathrm{Var}[\lambda] = L\left(\frac{\mu_2}{\mu_1^2} - 1 - s_1\right), \qquad s_1 = -1 \text{ (Gaussian)},\quad s_1 = 0 \text{ (orthogonal)}.$$

When $\phi'^2$ is 1 on a fraction $p$ of the units and 0 elsewhere (hard-tanh, ReLU),
$\mu_1 = \mu_2 = p$ and this reads $L/p$ for Gaussian and $L(1/p - 1)$ for orthogonal weights.
ReLU has $p = 1/2$ at every $q^*$: $2L$ and $L$.
""")
code(r"""
width_sp, draws, depths_sp = 200, 3, (8, 32)
cases = [("linear", 1.0), ("relu", 1.0), ("hard_tanh", 0.5), ("tanh", 0.5)]
caches = {init: [DrawCache(init, width_sp, SEED + k) for k in range(draws)]
          for init in ("gaussian", "orthogonal")}
spectra, theory_sp = {}, {}
fmt = lambda v: f"{v:.3g}" if v > 1e-12 else "0"  # an exact isometry: 0 up to rounding
print(f"width {width_sp}, {draws} draws: variance of lambda, mean [min, max] (theory);"
      " largest lambda (mean)")
for act, q in cases:
    c = critical_point(act, q)
    for init in ("gaussian", "orthogonal"):
        s1 = -1.0 if init == "gaussian" else 0.0
        for L in depths_sp:
            sps = [cache.spectrum(act, L, q) for cache in caches[init]]
            spectra[act, init, L] = sps
            v = np.array([sp.variance for sp in sps])
            theory_sp[act, init, L] = L * (c.mu2 / c.mu1 ** 2 - 1 - s1)
            mx = np.mean([sp.max_lam for sp in sps])
            print(f"{act:9s} {init:10s} L={L:<3d} {fmt(v.mean()):>6s} [{fmt(v.min())},"
                  f" {fmt(v.max())}] ({theory_sp[act, init, L]:.3g});  {mx:.3g}")
""")
code(r"""
# Allowed: 3 standard errors of the mean over the draws, plus L/n for the finite width
# (the formula is the limit of infinite width; the corrections grow like depth / width).
off = {}
for (act, init, L), sps in spectra.items():
    if theory_sp[act, init, L] > 0:
        v = np.array([sp.variance for sp in sps]) / theory_sp[act, init, L]
        se = v.std(ddof=1) / len(v) ** 0.5 if len(v) > 1 else 0.0
        off[act, init, L] = abs(v.mean() - 1) / (3 * se + L / width_sp)
worst = max(off, key=off.get)
claim(max(off.values()) <= 1,
      "every mean lies within the draws' spread plus L/n of the theory",
      found=f"{worst} is off by {off[worst]:.2f} x the allowance", setting="width 200")
lin_o = max((sp.variance for (act, init, L), sps in spectra.items()
             if (act, init) == ("linear", "orthogonal") for sp in sps), default=0.0)
claim(lin_o < 1e-12, "orthogonal linear networks are exact isometries at every depth",
      found=f"the variance of lambda is {lin_o:.1e}")
print(f"largest deviation from the theory: {off[worst]:.2f} of the allowance"
      f" ({worst[0]}, {worst[1]}, L = {worst[2]})")
""")
md(r"""
The theory holds across the board, within the scatter of three draws and a finite-width
deviation of order $L/n$ (depth over width; three standard errors of the mean plus $L/n$ is
what the check allows): Gaussian linear networks have variance $L$, ReLU twice
that with Gaussian weights and $L$ with orthogonal ones; orthogonal linear networks are exact
isometries (variance 0 up to rounding, about $10^{-31}$). Orthogonal weights subtract exactly 1 per
layer from the Gaussian value; what is left, $\mu_2/\mu_1^2 - 1$, comes from the
activation. For ReLU that is 1 per layer at every $q^*$: **ReLU networks are never isometric**,
whatever the init. The densities at depth 32, on a log axis:
""")
code(r"""
L_show = depths_sp[-1]
tiny = {(act, init): np.mean(spectra[act, init, L_show][0].lam < 1e-3)
        for act, _ in cases for init in ("gaussian", "orthogonal")}
claim(min(tiny[act, "gaussian"] for act, _ in cases) > 0.5,
      "with Gaussian weights more than half of the lambda lie below 1e-3",
      found=f"the fractions are {[round(tiny[a, 'gaussian'], 2) for a, _ in cases]}",
      setting=f"depth {L_show}")
top_g = [np.mean([sp.max_lam for sp in spectra[a, "gaussian", L_show]])
         for a, _ in cases]
claim(all(50 <= t <= 120 for t in top_g),
      "the largest lambda is 50 to 120 times the mean",
      found=f"the means of the largest are {np.round(top_g, 1)}",
      setting=f"depth {L_show}")
var_b = {(a, i): np.mean([sp.variance for sp in spectra[a, i, L_show]])
         for a, _ in cases if a in ("tanh", "hard_tanh")
         for i in ("gaussian", "orthogonal")}
claim(all((5 < v < 11) if i == "orthogonal" else (30 < v < 45)
          for (a, i), v in var_b.items()),
      "tanh and hard-tanh: variance 6 to 10 (orthogonal) against 36 to 38 (Gaussian)",
      found=f"the variances are {({k: round(v, 1) for k, v in var_b.items()})}",
      setting=f"depth {L_show}, q* = 0.5")
bounded = {a: tiny[a, "orthogonal"] for a, _ in cases if a in ("tanh", "hard_tanh")}
claim(all(0.3 < f < 0.7 for f in bounded.values()),
      "orthogonal tanh and hard-tanh at q* = 0.5 have about half of them below 1e-3",
      found=f"the fractions are {[round(f, 2) for f in bounded.values()]}",
      setting=f"depth {L_show}, q* = 0.5")
names = {act: act if act in ("linear", "relu") else f"{act}, q* = {q:g}"
         for act, q in cases}
panels = {names[act]: {"Gaussian": spectra[act, "gaussian", L_show][0].lam,
                       "orthogonal": spectra[act, "orthogonal", L_show][0].lam}
          for act, _ in cases}
fig = spectrum_hist(panels,
                    title=f"Squared singular values of J over their mean,"
                          f" depth {L_show}, width {width_sp}",
                    caption="One draw each; half-decade bins. Orthogonal linear: "
                            "every value at 1 (the spike). Below 1e-16 (counted in the "
                            "legends): exact zeros (ReLU) and values lost to rounding.")
""")
md(r"""
Gaussian spectra stretch over many decades at depth 32: a few directions are amplified by
tens (the largest $\lambda$ is 50 to 120 times the mean), and more than half of the $\lambda$ lie
below $10^{-3}$ for every activation. Orthogonal weights keep linear networks exact; at
$q^* = 0.5$ they narrow the tanh and hard-tanh spectra (variance 6 to 10 instead of 36 to
38) but still leave about half of the $\lambda$ below $10^{-3}$ at this depth: $q^* = 0.5$ is
not yet isometric. The next section moves $q^*$. How close does a finite width get? The stored runs (`--part spectrum`: width 400, depths 2 to 64, 6 draws):
""")
code(r"""
spec = json.loads((DATA / "08_spectrum.json").read_text())
sps_ = spec["settings"]
meas, theo = {}, {}
print(f"width {sps_['width']}, {sps_['draws']} draws: mean variance of lambda / theory")
print(f"{'':22s}" + "".join(f"{'L=' + str(L):>8s}" for L in sps_["depths"]))
for act, init in sps_["cases"]:
    q = 1.0 if act in ("linear", "relu") else sps_["q_star_bounded"]
    c = critical_point(act, q)
    th = np.array([L * (c.mu2 / c.mu1 ** 2 - 1 + (init == "gaussian"))
                   for L in sps_["depths"]])
    v = np.array([[spec["runs"][f"{act}|{init}|{L}|{k}"]["variance"]
                   for k in range(sps_["draws"])] for L in sps_["depths"]])
    if th.max() > 0:
        meas[f"{act}, {init}"], theo[f"{act}, {init}"] = v, th
        print(f"{act + ', ' + init:22s}" + "".join(f"{r:8.2f}" for r in v.mean(1) / th))
ratios = np.array([v.mean(1) / theo[k] for k, v in meas.items()])
claim(np.all(np.abs(ratios - 1) < 0.2),
      "at width 400 the mean of 6 draws is within 20 % of the theory up to depth 64",
      found=f"the ratios run from {ratios.min():.2f} to {ratios.max():.2f}")
upto16 = ratios[:, np.array(sps_["depths"]) <= 16]
lin_g = meas["linear, gaussian"].mean(1)
relu64 = meas["relu, gaussian"][sps_["depths"].index(64)]
at = sps_["depths"].index
single = meas["linear, gaussian"][at(32)] / 32
print(f"linear, gaussian: {lin_g[at(8)]:.1f} at L = 8, {lin_g[at(32)]:.1f} at L = 32"
      f" (single draws {single.min():.2f} to {single.max():.2f} x theory)")
print(f"relu, gaussian at L = 64: draws from {relu64.min():.0f} to {relu64.max():.0f}"
      " (theory 128)")
claim(np.abs(single - 1).max() > 0.2,
      "a single draw at L = 32 can be off by 20 % or more",
      found=f"single draws from {single.min():.2f} to {single.max():.2f} x theory")
print(f"ratios from {ratios.min():.2f} to {ratios.max():.2f};"
      f" up to L = 16: {upto16.min():.2f} to {upto16.max():.2f}")
""")
code(r"""
show = ["linear, gaussian", "relu, gaussian", "relu, orthogonal", "hard_tanh, gaussian",
        "hard_tanh, orthogonal", "tanh, orthogonal"]
fig = depth_plot(sps_["depths"], {k: meas[k] for k in show},
                 theory={k: theo[k] for k in show}, ylabel=r"variance of $\lambda$",
                 title="Spread of the Jacobian spectrum against depth (width 400)",
                 caption="Median and min-max over 6 draws; dashed: "
                         "L(mu_2/mu_1^2 - 1 - s_1). Bounded activations at q* = 0.5. "
                         "Linear Gaussian and ReLU orthogonal coincide: both L.")
""")
md(r"""
At width 400 the mean over 6 draws stays within 15 % of the formula up to depth 64, and
within 7 % up to depth 16. The deviations grow with $L/n$ (depth over width): a
finite network's product of 64 layers is not yet the infinitely wide limit, and single draws
scatter more (ReLU with Gaussian weights at depth 64: 100 to 138 around the theory's 128).
Linear Gaussian networks, for instance, average 8.2 and 34.2 at $L$ = 8 and 32 (theory 8 and
32); a single draw at $L = 32$ can be off by 20 % or more.
""")

# ---------------------------------------------------------------- 3. tanh isometry
md(r"""
## Can a tanh network be an isometry?

For tanh and hard-tanh, $p$ (or $\mu_1^2/\mu_2$) depends on where the network sits on its
critical line. A point on the line is fixed by its fixed point $q^*$: $\sigma_w^2 = 1/\mu_1(q^*)$
and $\sigma_b^2 = q^* - \sigma_w^2\,\mathrm{E}[\phi(z)^2]$. Small $q^*$ means small
pre-activations, so nearly every unit stays in the linear part, $p \to 1$, and with orthogonal
weights $L(1/p - 1) \to 0$: the whole spectrum concentrates at 1, at any depth. With
Gaussian weights $L/p \to L$ instead. Depth 32, width 200, one draw per point:
""")
code(r"""
q_grid, L_q = (1 / 64, 0.05, 0.25, 1.0, 2.0), 32
sweep = {}
print(f"depth {L_q}: variance of lambda (largest lambda)")
print(f"{'q*':>7s} {'act':>9s} {'sigma_w^2':>9s} {'sigma_b^2':>9s} {'p':>6s}"
      f" {'Gaussian':>16s} {'orthogonal':>16s}")
for act in ("hard_tanh", "tanh"):
    for q in q_grid:
        c = critical_point(act, q)
        for init in ("gaussian", "orthogonal"):
            sweep[act, init, q] = caches[init][0].spectrum(act, L_q, q)
        g, o = sweep[act, "gaussian", q], sweep[act, "orthogonal", q]
        sb2 = f"{c.sigma_b2:9.2e}" if c.sigma_b2 > 1e-12 else f"{'< 1e-12':>9s}"
        print(f"{q:7.4g} {act:>9s} {c.sigma_w2:9.4f} {sb2} {c.p_linear:6.3f}"
              f" {fmt(g.variance):>8s} ({g.max_lam:5.3g}) {fmt(o.variance):>8s}"
              f" ({o.max_lam:5.3g})")
""")
code(r"""
small = sweep["hard_tanh", "orthogonal", q_grid[0]]
claim(small.variance <= 0.1 and small.max_lam <= 1.2,
      "orthogonal hard-tanh at small q*: variance <= 0.1, largest lambda <= 1.2",
      found=f"variance {small.variance:.2g}, largest {small.max_lam:.3g}",
      setting=f"depth {L_q}, q* = {q_grid[0]:.4g}")
tanh_small = sweep["tanh", "orthogonal", q_grid[0]]
claim(tanh_small.variance < 0.1 and tanh_small.max_lam < 1.5,
      "orthogonal tanh at small q* reaches variance 0.05 and largest lambda 1.4",
      found=f"variance {tanh_small.variance:.2g}, largest {tanh_small.max_lam:.3g}",
      setting=f"depth {L_q}, q* = {q_grid[0]:.4g}")
gauss = sweep["hard_tanh", "gaussian", q_grid[0]]
claim(gauss.variance >= 10,
      "the Gaussian network at the same point has variance in the tens",
      found=f"variance {gauss.variance:.3g}")
for act in ("hard_tanh", "tanh"):
    v = [sweep[act, "orthogonal", q].variance for q in q_grid]
    claim(all(b > a for a, b in zip(v[1:], v[2:])) and v[-1] > 10 * v[1],
          f"orthogonal {act}'s variance grows with q*",
          found=f"variances {np.round(v, 3)}")
""")
md(r"""
At $q^* = 1/64$ the orthogonal hard-tanh network of depth 32 has variance 0 and largest
$\lambda$ 1.0: no pre-activation leaves $[-1, 1]$, and it *is* the orthogonal linear network.
Gaussian weights at the same point give a variance of 30 (theory $L/p = 32$). Orthogonal tanh,
which is never exactly linear, reaches 0.05 with largest $\lambda$ 1.4. As $q^*$ grows,
more units saturate and the orthogonal spectrum widens: at $q^* = 2$ ($p = 0.52$) it is as
spread as an orthogonal ReLU network (theory $L(1/p - 1) = 29.5$ against ReLU's $L = 32$). The trade-off: small $q^*$ buys isometry by keeping the
network nearly linear; a network whose units never leave the linear regime computes little
that a linear network could not, so in practice one picks $q^*$ small but not tiny.

**Why the formula, in one line.** Free probability: for independent, rotation-invariant
random matrices the *S-transform* of a product is the product of the S-transforms,
$S_{JJ^\top} = \prod_{l=1}^{L} S_{W_lW_l^\top}\,S_{D_l^2}$. Expanding $\log S$ to first order in its
argument turns the product into a sum: the mean of $\lambda$ multiplies,
$m_1 = (\sigma_w^2\mu_1)^L$ (1 at criticality), and the normalized variances *add*, one term
$\mu_2/\mu_1^2 - 1$ from each $D_l^2$ and $-s_1$ from each $W_lW_l^\top$ (1 for a Gaussian
matrix, whose squared singular values follow Marchenko-Pastur with variance 1; 0 for an
orthogonal one). Hence $L(\mu_2/\mu_1^2 - 1 - s_1)$. (Pennington et al. also solve for the whole
density; that is not done here.)
""")

# ---------------------------------------------------------------- 4. training
md(r"""
## Does it train faster?

The same teacher task as in the first section, now learned by a tanh network of depth 32
(width 16) at the critical point with $q^* = 0.05$ ($\sigma_w^2 = 1.094$,
$\sigma_b^2 = 1.3\cdot 10^{-4}$), orthogonal against Gaussian weights at the *same*
$(\sigma_w^2, \sigma_b^2)$; the inputs are scaled so that the first layer's pre-activations
have variance $q^*$ too. Full-batch gradient descent at learning rate $0.05/L$ divided by
the inputs' second moment $q^*/\sigma_w^2$ (the same for both inits), 300 steps, 3 seeds:
""")
code(r"""
# NBVAL_IGNORE_OUTPUT
# Training: the loss ratios move in the third digit on another CPU; claims are below.
L_tr, q_tr, n_steps, seeds_tr, lr_tr = 32, 0.05, 300, (0, 1, 2), 0.05
c_tr = critical_point("tanh", q_tr)
scale = math.sqrt(q_tr / c_tr.sigma_w2)  # inputs with E[x^2] = q*/sigma_w^2
curves = {}
for label, init in (("orthogonal", "orthogonal"), ("Gaussian", "lecun_normal")):
    runs = []
    for s in seeds_tr:
        net = MLP([width_lin] * (L_tr + 1), activation="tanh", init=init,
                  gain=math.sqrt(c_tr.sigma_w2), bias_std=math.sqrt(c_tr.sigma_b2),
                  output_activation="linear", seed=s)
        _, losses = train_regression(net, scale * X_t, scale * Y_t,
                                     lr=lr_tr / (L_tr * scale ** 2), max_steps=n_steps)
        runs.append(losses / losses[0])
    curves[label] = np.array(runs)
    print(f"{label:>10s}: loss / initial loss after {n_steps} steps, per seed: "
          + ", ".join(f"{r[-1]:.3f}" for r in curves[label]))
""")
code(r"""
o_end, g_end = curves["orthogonal"][:, -1], curves["Gaussian"][:, -1]
early = curves["orthogonal"][:, min(100, n_steps)]
claim(curves["Gaussian"].max() > 1.05, "on some seeds the Gaussian loss first rises",
      found=f"the largest Gaussian loss ratio is {curves['Gaussian'].max():.2f}")
claim(early.max() < 0.15, "orthogonal removes over 85 % of the error within 100 steps",
      found=f"after 100 steps the ratios are {np.round(early, 3)}")
claim(o_end.max() < 0.1 and g_end.min() > 0.3,
      "orthogonal is below 10 % of its initial loss on every seed, Gaussian above 30 %",
      found=f"orthogonal {np.round(o_end, 3)}, Gaussian {np.round(g_end, 3)}",
      setting="depth 32, q* = 0.05, 300 steps")
fig = curves_plot(np.arange(n_steps + 1), curves, xlabel="gradient-descent step",
                  ylabel="loss / initial loss",
                  title=f"tanh, depth {L_tr}, width {width_lin},"
                        f" critical point q* = {q_tr}")
""")
md(r"""
The orthogonal network removes over 85 % of the error within the first hundred steps and is
below 10 % after 300; the Gaussian one, at the very same $\sigma_w^2$ and $\sigma_b^2$ (the same
$\chi_1 = 1$, the same mean signal level), is still above 30 % of its initial loss after 300
steps, and on some seeds its first steps even raise the loss. The mean told both
stories alike; the spectrum tells them apart.

On a real classification task, stored (`--part shapeset`): tanh MLPs of 64 hidden layers of
width 64 at the same critical point, on Shapeset-3x2 at $16\times16$ pixels (9 classes, chance
88.9 %), plain SGD on minibatches of 64 at learning rate 0.1, 6,000 updates, 3 seeds per init:
""")
code(r"""
shp = json.loads((DATA / "08_tanh_shapeset.json").read_text())
sh = shp["settings"]
err = {label: np.array([shp["runs"][f"{label}|{k}"]["test_error"]
                        for k in range(sh["seeds"])]) for label in sh["inits"]}
upd = np.array(shp["runs"][f"{next(iter(sh['inits']))}|0"]["eval_update"])
for label, e in err.items():
    ends = ", ".join(f"{v:.1f}" for v in e[:, -1])
    print(f"{label:>10s}: test error at the end {ends} %; best {e.min():.1f} %")
print(f"wall time {shp['wall_seconds']:.0f} s with --jobs {shp['jobs']}")
chance = 100 * 8 / 9
at500 = err["orthogonal"][:, list(upd).index(500)]
claim(at500.max() < chance - 4 and err["orthogonal"][:, -1].max() < chance - 8,
      "orthogonal is 4 points below chance by update 500 and 8 at the end, every seed")
claim(err["Gaussian"].min() > chance - 7 and err["Gaussian"][:, -1].min() > chance - 2,
      "Gaussian never gets 7 points below chance and ends at chance")
fig = curves_plot(upd, err, xlabel="SGD updates", ylabel="test error (%)", logy=False,
                  title=f"tanh MLPs, {sh['depth']} hidden layers, Shapeset-3x2"
                        " (stored)")
""")
md(r"""
The orthogonal networks are 4 points below chance after 500 updates and reach 77 to 80 %
error after 6,000 (Shapeset is hard for MLPs at this budget); the Gaussian networks stay at
chance on every seed: single evaluations dip to 83-86 % and come back, and none gets 7 points
below chance. What differs from Pennington et al.: they trained fully connected networks 200 layers deep on CIFAR-10; here fewer and narrower layers, tiny
images and a few thousand plain-SGD updates.
""")

# ---------------------------------------------------------------- 5. practice
md(r"""
## In practice

**`torch.nn.init.orthogonal_(tensor, gain=1)`** flattens the tensor to
$(\text{rows}, \text{cols}) = (\text{size}(0), \text{numel}/\text{size}(0))$ (PyTorch's $(\text{out}, \text{in}\cdot k\cdot k)$),
draws a Gaussian matrix, transposes it when rows < cols, takes its QR decomposition, multiplies
$Q$ by the signs of $R$'s diagonal, transposes back and multiplies by `gain`. The result has
orthonormal rows or columns, whichever are fewer: a *semi-orthogonal* matrix for a non-square
layer. **Keras `Orthogonal(gain=1.0, seed=None)`** does the same on the shape
$(\prod \text{shape}[:-1], \text{shape}[-1])$. This series' `init_weights("orthogonal", fan_in, fan_out)`
is the same construction in the $(\text{fan\_in}, \text{fan\_out})$ layout.

Why the sign correction: QR routines return $R$ with a sign convention (LAPACK's Householder QR
makes the first diagonal entry of $R$ negative whenever that of the input is positive), so
the raw $Q$ is not uniformly distributed over the orthogonal group; multiplying each column by
the sign of $R$'s diagonal entry makes it Haar-distributed (Mezzadri 2007). Under Haar measure
every entry has mean 0:
""")
code(r"""
W_rect = init_weights("orthogonal", 300, 100, rng=rng)   # fan_in 300 > fan_out 100
W_wide = init_weights("orthogonal", 100, 300, rng=rng)
e1 = np.abs(W_rect.T @ W_rect - np.eye(100)).max()
e2 = np.abs(W_wide @ W_wide.T - np.eye(100)).max()
claim(max(e1, e2) < 1e-12, "W^T W = I (tall) and W W^T = I (wide)",
      found=f"{e1:.1e}, {e2:.1e}")
print("(300, 100): W^T W = I;  (100, 300): W W^T = I  (to rounding)")
n_haar, n_dim = 4000, 6
# E|u_1| for u uniform on the unit sphere of R^n
e_abs = math.gamma(n_dim / 2) / (math.sqrt(math.pi) * math.gamma((n_dim + 1) / 2))
for fix in (True, False):
    q11 = np.array([qr_orthogonal(n_dim, n_dim, rng=rng, sign_fix=fix)[0, 0]
                    for _ in range(n_haar)])
    se = q11.std() / math.sqrt(n_haar)
    mean = "within 4 standard errors of 0" if abs(q11.mean()) < 4 * se else \
        f"{q11.mean():.3f} (-E|u_1| = {-e_abs:.3f})"
    print(f"sign correction {'on ' if fix else 'off'}: mean of Q[0, 0] over {n_haar}"
          f" draws of {n_dim}x{n_dim}: {mean}; negative on {np.mean(q11 < 0):.0%}")
    if fix:
        claim(abs(q11.mean()) < 4 * se, "with the sign correction Q[0, 0] has mean 0",
              found=f"the mean is {q11.mean():.3f}")
    else:
        claim(np.all(q11 < 0) and abs(q11.mean() + e_abs) < 4 * se,
              "without it Q[0, 0] is always negative, with mean -E|u_1|",
              found=f"the mean is {q11.mean():.3f}")
""")
md(r"""
Without the correction $Q_{00}$ is negative on every draw: its mean is $-\mathrm{E}|u_1|$ for $u$
uniform on the unit sphere of $\mathbb{R}^6$, $-\Gamma(3)/(\sqrt{\pi}\,\Gamma(3.5)) = -0.340$ (the sample
mean above agrees to within a few of its standard errors, 0.004). With it the mean is 0.

**Convolutions: delta-orthogonal (Xiao et al. 2018).** A $k$-tap convolution kernel of shape
$(k, c_\text{in}, c_\text{out})$ with $c_\text{out} \ge c_\text{in}$: all taps zero except the centre one,
which is an orthogonal $(c_\text{in}, c_\text{out})$ matrix (times the gain). At initialization each
layer is then an orthogonal map of the whole feature map, so a deep vanilla CNN has an
isometric Jacobian in its linear regime, and Xiao et al. trained 10,000-layer plain CNNs with
it (tanh, at a small $q^*$ on the critical line). A layer with 1-D circular convolution keeps
the norm of every input exactly:
""")
code(r"""
c_in, c_out, k_taps, length = 16, 32, 3, 64
K = delta_orthogonal(k_taps, c_in, c_out, rng=rng)
x_conv = rng.standard_normal((length, c_in))
y_conv = conv1d_circular(x_conv, K)
K_gauss = rng.normal(0.0, 1 / math.sqrt(k_taps * c_in), (k_taps, c_in, c_out))
ratio_d = np.linalg.norm(y_conv) / np.linalg.norm(x_conv)
ratio_g = np.linalg.norm(conv1d_circular(x_conv, K_gauss)) / np.linalg.norm(x_conv)
claim(abs(ratio_d - 1) < 1e-12, "delta-orthogonal conv keeps the norm exactly",
      found=f"the ratio is {ratio_d:.15f}")
print(f"nonzero taps: {int(np.any(K != 0, axis=(1, 2)).sum())} of {k_taps};"
      f" ||y|| / ||x|| = 1 to rounding")
print(f"a Gaussian kernel (Var = 1/(k c_in)): ||y|| / ||x|| = {ratio_g:.2f} for this"
      f" draw, sqrt(c_out / c_in) = {math.sqrt(c_out / c_in):.2f} on average")
""")
md(r"""
**When it is not worth it.** With ReLU the spectrum's variance is $L$ with orthogonal weights
and $2L$ with Gaussian ones (the measured table above): orthogonal init halves it, but both
grow linearly with depth, because half of the units pass nothing. ReLU networks are never
isometric: for them orthogonal init (with gain $\sqrt2$, He's scale) is cheap but no cure, and
deep ReLU networks rely on normalization layers or residual connections instead. It pays most in deep tanh (or
linear, or hard-tanh) networks placed at a small $q^*$ on the critical line, and in recurrent
networks, whose one weight matrix is multiplied with itself at every time step.
""")

# ---------------------------------------------------------------- 6. dashboard
md(r"""
## Try it

The dashboard draws the density of $\lambda$ for one network (solid) and, in grey, the same
network with the other init; the status line gives the largest over the smallest resolved
singular value (those below $10^{-8}$ of the largest are zero or lost to rounding), the variance of $\lambda$ and the theory beside it. Start at orthogonal
hard-tanh, depth 32, $q^* = 1/64$ (a spike at 1); raise $q^*$ and watch it spread; switch to
Gaussian; choose ReLU and see that no $q^*$ helps.
""")
code(r"""
# NBVAL_IGNORE_OUTPUT
spectrum_dashboard(activation="hard_tanh", init="orthogonal", depth=32, q_star=1 / 64)
""")

# ---------------------------------------------------------------- recap, exercises
md(r"""
## Recap

* Deep linear networks: with orthogonal weights the steps to learn a teacher do not grow with depth (46 to 226 steps at depths 4 to 64, width 16); scaled Gaussian weights start with singular values spread over many decades and need more than ten times longer at depth 8 and more than 4,000 steps from depth 16.
* What matters is the whole spectrum of $J = \partial h_L/\partial h_0$, not only its mean: at criticality $\mathrm{Var}[\lambda] = L(\mu_2/\mu_1^2 - 1 - s_1)$, i.e. $L/p$ for Gaussian and $L(1/p - 1)$ for orthogonal weights; measured at width 400 within 15 % up to depth 64.
* ReLU has $p = 1/2$ at every point: variance $2L$ or $L$, never isometric. Tanh and hard-tanh at small $q^*$ on the critical line with orthogonal weights are nearly isometric at any depth; larger $q^*$ trades isometry for nonlinearity.
* A deep tanh network at the same $\chi_1 = 1$ trains much sooner with orthogonal weights.
* `orthogonal_` and Keras `Orthogonal`: QR of a Gaussian with the sign correction (Haar), semi-orthogonal for non-square shapes, times the gain; delta-orthogonal for convolutions.
""")
md(r"""
## Exercises

Predict first, then check. Each checker answers with a hint when you are off; pass
`show_answer=True` to see the answer.

**Exercise 1 (predict, then check).** A hard-tanh network with orthogonal weights sits at a
point of its critical line where a fraction $p = 0.9$ of the units are in the linear regime.
What is the greatest depth $L$ at which the variance of $\lambda$ is still at most 1? (A whole
number of layers; checked within 0.5.) Then check your reasoning in the dashboard: hard-tanh,
orthogonal, $q^* = 0.25$ has $p = 0.954$; how deep can it go?
""")
code(r"""
from wi_helpers.exercises import nb08

answer_1 = None  # the greatest depth
nb08.check_isometric_depth(answer_1)
""")
md(r"""
<details><summary>Solution</summary>

$L(1/p - 1) \le 1$ with $1/p - 1 = 1/9$: $L \le 9$, so 9 layers. (With Gaussian weights $L/p \le 1$ already fails at $L = 1$.)
</details>
""")
md(r"""
**Exercise 2.** Same activation, same $p = 0.8$, same depth: how many times larger is the
variance of $\lambda$ with Gaussian weights than with orthogonal ones? (Within 2 %.)
""")
code(r"""
from wi_helpers.exercises import nb08

answer_2 = None  # Var with Gaussian weights / Var with orthogonal weights
nb08.check_gaussian_over_orthogonal(answer_2)
""")
md(r"""
<details><summary>Solution</summary>

$\dfrac{L/p}{L(1/p - 1)} = \dfrac{1}{1 - p} = 5$: the depth cancels. For ReLU ($p = 1/2$) the same ratio is 2.
</details>
""")
md(r"""
**Exercise 3.** A tanh network is set 2 % past its critical line: $\sigma_w^2\mu_1 = 1.02$.
After 50 layers, by what factor is the mean of the *unnormalized* squared singular values of
$J$ larger than 1? (Within 2 %.)
""")
code(r"""
from wi_helpers.exercises import nb08

answer_3 = None  # the mean squared singular value after 50 layers
nb08.check_mean_off_critical(answer_3)
""")
md(r"""
<details><summary>Solution</summary>

The mean multiplies layer by layer: $m_1 = (\sigma_w^2\mu_1)^L = 1.02^{50} \approx 2.69$. The mean of a product's spectrum is the product of the means; that is the free-probability rule for the first moment, and it is the mean-field theory's per-layer factor $\chi_1$, compounded over $L$ layers.
</details>
""")
md(r"""
## References

* A. M. Saxe, J. L. McClelland, S. Ganguli (2013). *Exact solutions to the nonlinear dynamics of learning in deep linear neural networks.* [arXiv:1312.6120](https://arxiv.org/abs/1312.6120)
* J. Pennington, S. S. Schoenholz, S. Ganguli (2017). *Resurrecting the sigmoid in deep learning through dynamical isometry: theory and practice.* NeurIPS. [arXiv:1711.04735](https://arxiv.org/abs/1711.04735)
* L. Xiao, Y. Bahri, J. Sohl-Dickstein, S. S. Schoenholz, J. Pennington (2018). *Dynamical isometry and a mean field theory of CNNs: how to train 10,000-layer vanilla convolutional neural networks.* ICML. [arXiv:1806.05393](https://arxiv.org/abs/1806.05393)
* F. Mezzadri (2007). *How to generate random matrices from the classical compact groups.* Notices of the AMS 54(5). [arXiv:math-ph/0609050](https://arxiv.org/abs/math-ph/0609050)
* PyTorch: [`torch.nn.init.orthogonal_`](https://pytorch.org/docs/stable/nn.init.html#torch.nn.init.orthogonal_)
* Keras: [`keras.initializers.Orthogonal`](https://keras.io/api/layers/initializers/#orthogonal-class)
""")
md("<!--NAVIGATION-->")

nb = nbformat.v4.new_notebook(cells=cells)
nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
nb.metadata["language_info"] = {"name": "python"}
nbformat.write(nb, NB)
print(f"wrote {NB}")
