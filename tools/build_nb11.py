"""Write notebooks/11_width_mup.ipynb from the cell sources below (unexecuted).

    python tools/build_nb11.py
    python tools/notebooks.py run --force 11_width_mup.ipynb

It wrote the notebook's first version and refuses code lines over 88 characters and cells
ending in a bare claim(...). It overwrites the notebook: once the .ipynb is edited directly,
edit this file alike or stop using it.
"""
from __future__ import annotations

import ast
from pathlib import Path

import nbformat

NB = Path(__file__).resolve().parents[1] / "notebooks" / "11_width_mup.ipynb"
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
# 11 · Width: why hyperparameters stop transferring (SP against μP)

Glorot, LeCun and He make the signal's variance independent of *depth*. None of them makes
*training* independent of *width*. Under the standard parametrization (SP: every weight drawn
with variance $1/\text{fan\_in}$, one learning rate for all layers) an SGD step moves a wide
network's activations more than a narrow one's, so a learning rate tuned on a narrow network
is wrong for a wide one. μP, the maximal-update parametrization of Yang & Hu (2021) and
Yang et al. (2022, *Tensor Programs V*), rescales the readout's initialization and each
layer's learning rate so that one step changes every layer by an amount that does not depend
on the width. This notebook measures that on a CPU, in seconds.
""")
md("<!--NAVIGATION-->")
md(r"""
**Learning objectives.** After this notebook you can

1. say what the initialization alone fixes at width (the forward scale at step 0) and what it
   does not (the size of an update);
2. run and read a *coordinate check*: mean $|x|$ of each layer against width, step by step;
3. write down Tensor Programs V's table for SGD and say which multiplier each layer gets;
4. say what the `mup` package changes in a PyTorch model, and what nanoGPT's 0.02 is.

Terms in English and 한국어: [glossary](glossary.md).
""")
code(r"""
%matplotlib inline
import json
from pathlib import Path

import numpy as np

from wi_helpers.claims import claim
from wi_helpers.lessons.width import initial_loss, output_scale_at_init
from wi_helpers.parametrization import (
    coordinate_check, loglog_slopes, network_multipliers, teacher_loss)
from wi_helpers.plots.width import coord_check_plot, transfer_plot

SEED = 1701
""")
md(r"""
## 1. What does the initialization fix at width?

Take two tanh hidden layers of width $n$ and one linear output $f = \sum_i h_i w_i$. Under
SP, $\mathrm{Var}[w] = 1/n$, so $f$ is a sum of $n$ terms of variance $\mathrm{Var}[h]/n$:
its size does not depend on $n$. Under μP the readout's variance is $1/n^2$, so $f$ shrinks
like $n^{-1/2}$. The cell measures mean $|f|$ at init for both and fits the slope of
$\log |f|$ against $\log n$.
""")
code(r"""
widths_init = (64, 256, 1024, 4096)
scale = {p: output_scale_at_init(p, widths_init, np.random.default_rng(SEED))
         for p in ("sp", "mup")}
slope_init = {p: float(loglog_slopes(widths_init, v)) for p, v in scale.items()}
for p, v in scale.items():
    row = "  ".join(f"{x:.3f}" for x in v)
    print(f"{p:>3}: mean |f| at widths {widths_init}: {row};  "
          f"slope {slope_init[p]:+.2f}")
held = claim(abs(slope_init["sp"]) < 0.1,
             "SP's output at init does not depend on the width",
             found=f"slope {slope_init['sp']:+.2f}", setting="seed 1701")
held = claim(abs(slope_init["mup"] + 0.5) < 0.1,
             "μP's output at init falls like n^-1/2",
             found=f"slope {slope_init['mup']:+.2f}", setting="seed 1701")
""")
md(r"""
So the initialization alone gives a width-independent *forward* pass at step 0 (SP already
does). It says nothing about what the first SGD step does; section 2 measures that.

**The initial-loss check.** Karpathy's *Recipe for Training Neural Networks* (2019): with
$K$ classes and no information yet, a calibrated softmax predicts $1/K$ for every class, so
the loss at init should be $-\ln(1/K) = \ln K$. A large readout makes confident random
predictions and starts far above it; a *small* readout (scaled down, or zero as in μP's
limit) starts at $\ln K$. Notebook 01 makes the same check in its section *What should the
loss be right after initialization?* ([01](01_vanishing_exploding_gradients.ipynb)).
""")
code(r"""
K, width_loss = 10, 1024
for readout in (10.0, 1.0, 0.01):
    loss0 = initial_loss(width_loss, K, readout, np.random.default_rng(SEED))
    print(f"readout x {readout:<5}: initial loss {loss0:.3f}   "
          f"(ln {K} = {np.log(K):.3f})")
held = claim(abs(loss0 - np.log(K)) < 0.01 * np.log(K),
             "a small readout starts within 1 % of ln K", found=f"loss {loss0:.3f}",
             setting=f"width {width_loss}, K = {K}")
""")
md(r"""
## 2. The coordinate check

Tensor Programs V's table for SGD gives each kind of weight matrix an init variance and a
learning-rate multiplier (base width 1; `wi_helpers.parametrization.layer_multipliers`, the
one table the initialization, the SGD step and this text read):

| layer | SP init var | SP lr × | μP init var | μP lr × |
|---|---|---|---|---|
| input ($d \to n$) | $1/d$ | 1 | $1/d$ | $n$ (fan_out) |
| hidden ($n \to n$) | $1/n$ | 1 | $1/n$ | 1 |
| output ($n \to 1$) | $1/n$ | 1 | $1/n^2$ | $1/n$ (1/fan_in) |

A coordinate check trains the network for a few steps at many widths and plots the mean
$|x|$ of each layer's coordinates against width. Flat lines mean the parametrization is right;
lines that rise with width mean something will blow up when the network is made wider.
Setting: inputs $d = 32$, batch 64, targets $\pm 1$, MSE, SGD with base rate 0.5, tanh,
widths 64 … 4096, three seeds; slopes fitted over widths 512 … 4096.
""")
code(r"""
print("multipliers at width 1024 (init var, lr x):")
for p in ("sp", "mup"):
    mult = network_multipliers(p, [32, 1024, 1024, 1])
    print(f"  {p:>3}: " + "  ".join(f"({v:.2g}, {m:.3g})" for v, m in mult))
""")
code(r"""
# NBVAL_IGNORE_OUTPUT
# Training: the last digits of the slopes can move on another CPU; the claims are below.
widths = (64, 128, 256, 512, 1024, 2048, 4096)
seeds, n_steps, lr = (0, 1, 2), 3, 0.5
checks = {p: coordinate_check(p, widths, seeds, steps=n_steps, lr=lr)
          for p in ("sp", "mup")}
n_hidden = next(iter(checks.values())).shape[3] - 1
names = [f"hidden {k + 1}" for k in range(n_hidden)] + ["output"]
fit = [i for i, n in enumerate(widths) if n >= 512]
fit = fit if len(fit) >= 2 else list(range(len(widths)))
fit_w = [widths[i] for i in fit]
slopes = {p: np.array([loglog_slopes(fit_w, a[fit, s]) for s in range(len(seeds))])
          for p, a in checks.items()}  # (seed, step, layer)
print("slope of log mean|x| against log width (mean over seeds)")
print("       step  " + "  ".join(f"{n:>9}" for n in names))
for p, s in slopes.items():
    for t in range(n_steps + 1):
        row = s.mean(axis=0)[t].round(2) + 0.0  # + 0.0: no "-0.00"
        print(f"{p:>5}  {t:>4}  " + "  ".join(f"{x:+9.2f}" for x in row))
""")
code(r"""
sp_s, mup_s = slopes["sp"].mean(axis=0), slopes["mup"].mean(axis=0)
spread = max(slopes["sp"].std(axis=0).max(), slopes["mup"].std(axis=0).max())
t2 = min(2, n_steps)
held = claim(sp_s[t2, -1] > 1.5,
             "under SP the output grows faster than width^1.5 by step 2",
             found=f"slope {sp_s[t2, -1]:+.2f}", setting="the setting above")
held = claim(np.abs(mup_s[1:]).max() < 0.05, "under μP every slope is within 0.05 of 0 "
             "from step 1", found=f"largest |slope| {np.abs(mup_s[1:]).max():.3f}",
             setting="the setting above")
held = claim(abs(mup_s[0, -1] + 0.5) < 0.05, "μP's output starts at slope -1/2",
             found=f"slope {mup_s[0, -1]:+.2f}", setting="the setting above")
""")
code(r"""
fig = coord_check_plot(widths, checks, names)
""")
md(r"""
**Reading it.** Top row (SP): at step 0 every line is flat, the initialization is fine. From
step 1 the output line tilts upward, and by step 2 it grows faster than width$^{1.5}$ (the
slopes above); the second hidden layer follows until tanh saturates it at 1. Bottom row (μP):
every line is flat from step 1 on.

Two things users of microsoft/mup ask about when they read their first coordinate check:

* *The output curve rises from step 0 to step 1 to step 3.* Expected: the network is learning,
  and its output moves from near zero towards the $\pm 1$ targets. The check asks whether a
  curve tilts with *width* within one step, not whether it moves from step to step.
* *The readout starts low and falling.* Its variance $1/n^2$ makes $f \propto n^{-1/2}$ at
  step 0 (slope $-1/2$ in the table): in the infinite-width limit the output starts at exactly
  zero. That is why `mup` offers a zero-initialized readout (`MuReadout(...,
  readout_zero_init=True)`); with it, step 0's output is exactly 0 and is missing from a
  log plot.
""")
md(r"""
## 3. Does the best learning rate transfer across width?

A flat coordinate check predicts that a learning rate tuned at one width works at all. The
test: a two-hidden-layer tanh student learns a fixed random tanh teacher by online SGD
(`teacher_loss`: batch 32, inputs of dimension 16), at every learning rate of a grid, for
several widths. First a small live version: two widths, a coarse grid, one seed, 100 steps.
""")
code(r"""
# NBVAL_IGNORE_OUTPUT
# Training: the losses' last digits can move on another CPU; the claims are below.
widths_live, log2_live, seed_live = (64, 256), np.arange(-6.0, 2.0), 0
best_live = {}
for p in ("sp", "mup"):
    for n in widths_live:
        losses = [teacher_loss(p, n, 2.0 ** k, seed_live, steps=100) for k in log2_live]
        best_live[p, n] = float(log2_live[int(np.argmin(losses))])
        print(f"{p:>3} width {n:>4}: best learning rate 2^{best_live[p, n]:+.0f}")
narrow, wide = min(widths_live), max(widths_live)
drop = {p: best_live[p, narrow] - best_live[p, wide] for p in ("sp", "mup")}
held = claim(drop["sp"] >= 1, "under SP the wider network's best rate is at least an "
             "octave lower", found=f"it is {drop['sp']:.0f} octaves lower",
             setting="widths 64 and 256, seed 0")
held = claim(abs(drop["mup"]) <= 1,
             "under μP the best rate moves by at most one octave",
             found=f"it moves by {abs(drop['mup']):.0f}",
             setting="widths 64 and 256, seed 0")
""")
md(r"""
The stored runs (`scripts/mup_transfer_runs.py`, `data/11_mup_transfer.json`): widths
64 … 1024, a half-octave grid of learning rates, two seeds, 200 steps. A run that diverged
counts as an infinite loss; the best rate of a width minimizes the loss averaged over seeds.
""")
code(r"""
doc = json.loads(Path("../data/11_mup_transfer.json").read_text(encoding="utf-8"))
st = doc["settings"]
mean_loss = {p: {n: [np.mean([np.inf if (v := doc["runs"][f"{p}|{n}|{k}|{s}"]) is None
                              else v for s in st["seeds"]]) for k in st["log2_lrs"]]
                 for n in st["widths"]} for p in st["parametrizations"]}
best = {p: {n: st["log2_lrs"][int(np.argmin(v))] for n, v in per.items()}
        for p, per in mean_loss.items()}
print("best log2 learning rate per width (stored runs, "
      f"{len(st['seeds'])} seeds, {doc['wall_seconds']:.0f} s of training)")
print("width  " + "  ".join(f"{n:>6}" for n in st["widths"]))
for p, b in best.items():
    print(f"{p:>5}  " + "  ".join(f"{b[n]:+6.1f}" for n in st["widths"]))
shift = {p: b[st["widths"][0]] - b[st["widths"][-1]] for p, b in best.items()}
held = claim(shift["sp"] >= 1.5, "under SP the best rate falls by at least 1.5 octaves "
             "from the narrowest to the widest network",
             found=f"it falls by {shift['sp']:.1f} octaves", setting="the stored runs")
held = claim(max(abs(b - best["mup"][st["widths"][-1]]) for b in best["mup"].values())
             <= 1.0, "under μP the best rate stays within one octave",
             found=f"best rates {sorted(set(best['mup'].values()))}",
             setting="the stored runs")
""")
code(r"""
fig = transfer_plot(st["log2_lrs"], mean_loss)
""")
md(r"""
## 4. In practice

* **microsoft/mup** (PyTorch): replace the last `nn.Linear` with `MuReadout` (it divides the
  output by the width multiplier, the $1/n$ of the readout), call
  `set_base_shapes(model, base_model, delta=delta_model)` so every parameter knows its width
  relative to a small base model, re-initialize with `mup.init` functions if needed, and train
  with `MuSGD` or `MuAdam`, which apply the per-layer learning-rate multipliers of the table
  (for Adam the table differs: hidden rates scale as $1/\text{fan\_in}$). Then tune the
  learning rate on the base width and reuse it at the large width.
* **nanoGPT** initializes every weight with std 0.02, whatever the width: a standard
  parametrization with a fixed scale (GPT-2's choice), and the residual projections with
  $0.02/\sqrt{2\,n_\text{layer}}$, which keeps the residual stream's variance from growing with
  *depth* (each block adds two residual branches). That is a depth correction, like the
  residual multiplier of notebook 10; it does nothing for width.
""")
md("## Exercises")
md(r"""
**Exercise 1 (predict, then check).** At width $n = 1600$, how many times smaller is the
output at init (its typical size) under μP than under SP? Reason from the readout's
variances, then check.
""")
code(r"""
from wi_helpers.exercises import nb11

answer_1 = None  # SP's output size / μP's output size at width 1600
nb11.check_readout_ratio(answer_1)
""")
md(r"""
<details><summary>Solution</summary>

$f = \sum_i h_i w_i$ with independent signs has variance $n\,\mathrm{Var}[h]\,\mathrm{Var}[w]$.
SP: $\mathrm{Var}[w] = 1/n$; μP: $1/n^2$. The ratio of the sizes is
$\sqrt{(1/n)/(1/n^2)} = \sqrt{n}$, which is 40 at $n = 1600$.
</details>
""")
md(r"""
**Exercise 2.** In μP with SGD, at width $n = 3600$ (one input, one output), by what factor is
the input layer's learning rate larger than the readout's?
""")
code(r"""
from wi_helpers.exercises import nb11

answer_2 = None  # the input layer's rate / the readout's rate
nb11.check_hidden_lr_ratio(answer_2)
""")
md(r"""
<details><summary>Solution</summary>

The input layer's multiplier is fan_out $= n$, the readout's is $1/\text{fan\_in} = 1/n$: the
ratio is $n^2 = 3600^2$.
</details>
""")
md(r"""
## Recap

* The initialization fixes the forward scale at step 0; under SP the *update* then grows with
  width, and the output's slope after two steps is well above 1.
* μP (Tensor Programs V's table) scales the readout's init variance as $1/n^2$ and each
  layer's learning rate by its kind: the coordinate check goes flat from step 1.
* The best learning rate falls with width under SP and stays put under μP (section 3).
* A calibrated classifier starts at loss $\ln K$: a small readout is the practical rule.
""")
md(r"""
## References

* G. Yang, E. J. Hu (2021). *Tensor Programs IV: Feature Learning in Infinite-Width Neural
  Networks.* ICML. [arXiv:2011.14522](https://arxiv.org/abs/2011.14522)
* G. Yang, E. J. Hu, I. Babuschkin, S. Sidor, X. Liu, D. Farhi, N. Ryder, J. Pachocki,
  W. Chen, J. Gao (2022). *Tensor Programs V: Tuning Large Neural Networks via Zero-Shot
  Hyperparameter Transfer.* [arXiv:2203.03466](https://arxiv.org/abs/2203.03466)
* microsoft/mup: [github.com/microsoft/mup](https://github.com/microsoft/mup)
* A. Karpathy (2019). *A Recipe for Training Neural Networks.*
  [karpathy.github.io/2019/04/25/recipe](https://karpathy.github.io/2019/04/25/recipe/)
* A. Karpathy. nanoGPT: [github.com/karpathy/nanoGPT](https://github.com/karpathy/nanoGPT)
""")
md("<!--NAVIGATION-->")

nb = nbformat.v4.new_notebook(cells=cells)
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                             "language": "python"}
NB.write_text(nbformat.writes(nb), encoding="utf-8")
print(f"wrote {NB}")
