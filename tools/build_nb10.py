"""Write notebooks/10_residual_normalization.ipynb from the cell sources below (unexecuted).

    python tools/build_nb10.py
    python tools/notebooks.py run --force 10_residual_normalization.ipynb

It wrote the notebook's first version and refuses code lines over 88 characters and cells
ending in a bare claim(...). It overwrites the notebook: once the .ipynb is edited directly,
edit this file alike or stop using it.
"""
from __future__ import annotations

from pathlib import Path

import nbformat

NB = Path(__file__).resolve().parents[1] / "notebooks" / "10_residual_normalization.ipynb"
cells: list = []


def md(text: str) -> None:
    cells.append(nbformat.v4.new_markdown_cell(text.strip("\n")))


def code(text: str) -> None:
    text = text.strip("\n")
    long = [line for line in text.splitlines() if len(line) > 88]
    if long:  # cut off on a 1280x800 projector
        raise ValueError(f"code lines over 88 characters: {long}")
    cells.append(nbformat.v4.new_code_cell(text))


md(r"""
# 10 · Residual networks and normalization at initialization

Every network trained today has skip connections, $h_{l+1} = h_l + \alpha\,F(h_l)$, and a
normalization layer. Their initialization rules (a zero-initialized branch, Fixup's scaling,
GPT-2's $1/\sqrt{N}$ on residual projections, pre-LN rather than post-LN) are Glorot's
variance argument applied once more: a sum of $L$ branches has the variance of its terms
added up, and each rule keeps that sum from growing with depth. This notebook measures the
forward second moment of five residual architectures against depth beside the theory, the
per-layer gradients of pre-LN and post-LN networks, and the gradient explosion BatchNorm
causes in deep plain networks.
""")
md("<!--NAVIGATION-->")
md(r"""
**Learning objectives.** After this notebook you can

1. predict $\mathbb{E}[h_L^2]$ of a residual network at init: $(1+\alpha^2)^L$ with an un-normalized branch, $1 + L\alpha^2$ with BatchNorm in the branch;
2. say why a zero gate (SkipInit, ReZero), Fixup's $L^{-1/(2m-2)}$ and GPT-2's $1/\sqrt{N}$ keep a deep residual network at the scale of its input;
3. compare the per-layer gradients of pre-LN and post-LN networks against depth (Xiong et al. 2020);
4. measure the gradient explosion of a deep plain BatchNorm network, $\pi/(\pi-1)$ per layer for ReLU (Yang et al. 2019), and see a residual connection tame it.

The words of the series, in English and Korean: [the glossary](glossary.md).
""")
code(r"""
%matplotlib inline
import math

import numpy as np

from wi_helpers.claims import claim
from wi_helpers.lessons.residual import (
    ARCHITECTURES, BN_RELU_GROWTH, gradient_correlation, gradient_growth,
    layer_grad_norms, variance_runs)
from wi_helpers.plots.residual import profiles_plot, variance_depth_plot

SEED = 1701
""")

# ---------------------------------------------------------------- 1. variance
md(r"""
## 1 · Variance against depth at init

The network here is the pre-activation ResNet of He et al. (2016) made fully connected: each
block adds a branch $F(h) = \phi(h)\,W$ (ReLU, then a linear layer with He weights,
$\mathrm{Var}[W] = 2/n$) to the stream, $h_{l+1} = h_l + \alpha F(h_l)$. The branch is
zero-mean and uncorrelated with $h_l$, so second moments add:
$q_{l+1} = q_l + \alpha^2\,\sigma_w^2 n\,\mathbb{E}[\phi(h_l)^2] = (1 + \alpha^2)\,q_l$.
With $\alpha = 1$ that is $2^L$. The architectures below change one thing each:

| architecture | change | $q_L / q_0$ |
| --- | --- | --- |
| plain residual (He) | $\alpha = 1$ | $2^L$ |
| BN in branch | $F(h) = \phi(\mathrm{BN}(h))\,W$ | $1 + L$ (each branch adds $1$) |
| zero gate (SkipInit, ReZero) | $\alpha = 0$ at init | $1$ |
| Fixup scaling | two-layer branch, each $W$ scaled by $L^{-1/(2m-2)} = L^{-1/2}$ | $(1 + L^{-2})^L$ |
| $1/\sqrt{N}$ (GPT-2) | $\alpha = 1/\sqrt{L}$, $L$ residual additions | $(1 + 1/L)^L < e$ |

Below: width `width`, a batch of `batch` Gaussian inputs, `draws` draws, each depth in
`depths`; the theory is the recursion above (`residual.variance_theory`).
""")
code(r"""
width, batch, draws, depths = 256, 128, 3, (4, 16, 64)
seeds = [SEED + k for k in range(draws)]
table = {name: {L: variance_runs(name, L, width, batch, seeds) for L in depths}
         for name in ARCHITECTURES}
print(f"mean h_L^2 at init (width {width}, batch {batch}, {draws} draws): "
      "simulation min-max | theory")
print(f"{'architecture':28s}" + "".join(f"{'L = ' + str(L):>31s}" for L in depths))
for name, row in table.items():
    cells = []
    for L in depths:
        runs, theory = row[L]
        lo, hi = runs[:, -1].min(), runs[:, -1].max()
        cells.append(f"{f'{lo:.3g}-{hi:.3g}':>19s} |{theory[-1]:>9.3g}")
    print(f"{name:28s}" + "".join(f"{c:>31s}" for c in cells))
per_block = {name: max(abs(np.log(runs[:, -1] / theory[-1])).max() / L
                       for L, (runs, theory) in row.items())
             for name, row in table.items()}
claim(max(per_block.values()) < math.log(1.1),
      "every architecture's factor per block (q_L/q_0)^(1/L) is within 10 % of theory",
      found=f"the largest deviation is {math.exp(max(per_block.values())) - 1:.1%}",
      setting="width 256, batch 128, 3 draws")
tamed = max(abs(np.log(runs[:, -1] / theory[-1])).max()
            for name, row in table.items() if name != "plain residual (He)"
            for runs, theory in row.values())
claim(tamed < math.log(1.3),
      "all but the plain residual network are within 30 % of theory at every depth",
      found=f"the largest deviation is a factor {math.exp(tamed):.2f}",
      setting="width 256, batch 128, 3 draws")
""")
code(r"""
L_fig = max(depths)
fig = variance_depth_plot({name: table[name][L_fig] for name in ARCHITECTURES})
""")
code(r"""
doubling = table["plain residual (He)"][L_fig][0][:, -1] ** (1 / L_fig)
level = [table[n][L_fig][0][:, -1] for n in ARCHITECTURES if n != "plain residual (He)"
         and n != "BN in branch"]
spread = doubling.max() ** L_fig / doubling.min() ** L_fig
claim(spread > 2, "the plain residual draws scatter by more than a factor of 2",
      found=f"they span a factor {spread:.3g}", setting="the table's setting")
claim(np.all(abs(doubling / 2 - 1) < 0.05),
      "the plain residual network's mean h^2 doubles per block (within 5 %)",
      found=f"the factor per block is {doubling.min():.3f}-{doubling.max():.3f}",
      setting="the table's setting")
claim(all(np.all(v < math.e * 1.3) for v in level),
      "the zero gate, Fixup's scaling and 1/sqrt(N) stay below e (times 1.3)",
      found=f"the largest is {max(v.max() for v in level):.3g}",
      setting="the table's setting")
""")
md(r"""
The draws of the plain residual network scatter by more than a factor of 2 at the largest
depth (the table): $q_L$ is a product of $L$ random factors, each near 2, and the spread of a
product grows with the number of factors; the factor per block stays within a few percent of
2. Doubling per block is the residual version of the exploding forward pass of notebook 01; the
three rules that stay level do it in different ways. A zero gate makes each block the
identity at init, so the network starts as its input and learns $\alpha$ (ReZero) or the
gain of a final normalization (SkipInit). Fixup keeps each branch nonzero but makes its
second moment $L^{-2}$ of the stream's, so $L$ of them add up to $1/L$. GPT-2 scales each
residual projection by $1/\sqrt{N}$, so $N$ additions of $1/N$ each add up to at most a
factor $e$. BatchNorm in the branch fixes the size of each addition instead of its
proportion: the sum grows, but linearly.
""")

# ---------------------------------------------------------------- 2. pre/post LN
md(r"""
## 2 · Pre-LN against post-LN

The Transformer of 2017 normalizes after the addition, $h_{l+1} = \mathrm{LN}(h_l + F(h_l))$
(post-LN); GPT-2 and most models since normalize inside the branch,
$h_{l+1} = h_l + F(\mathrm{LN}(h_l))$, and once at the end (pre-LN). Xiong et al. (2020)
showed that at init post-LN's last layers get gradients that do not shrink with depth, while
pre-LN's shrink like $1/\sqrt{L}$: the stream of a pre-LN network grows like $L$ (each
branch adds a normalized term) and the final LayerNorm divides the gradient by its
$\sqrt{L}$. Post-LN's large top gradients are why it needs a learning-rate warm-up. Below:
the norm $\lVert \partial \mathcal{L}/\partial W_l \rVert$ of every block, for a random
linear loss on the output.
""")
code(r"""
ln_depths, ln_batch = (6, 24, 96), 64
norms = {(pos, L): layer_grad_norms(pos, L, width, ln_batch, SEED)
         for pos in ("pre", "post") for L in ln_depths}
print(f"norm of dL/dW of the last block (width {width}, batch {ln_batch}, seed {SEED})")
print(f"{'depth L':>8s}{'pre-LN':>10s}{'pre-LN x sqrt(L)':>18s}{'post-LN':>10s}")
for L in ln_depths:
    pre, post = norms["pre", L][-1], norms["post", L][-1]
    print(f"{L:8d}{pre:10.1f}{pre * math.sqrt(L):18.1f}{post:10.1f}")
scaled = [norms["pre", L][-1] * math.sqrt(L) for L in ln_depths]
post_last = [norms["post", L][-1] for L in ln_depths]
claim(max(scaled) / min(scaled) < 1.5,
      "pre-LN's last-block gradient times sqrt(L) stays within a factor 1.5",
      found=f"it ranges over a factor {max(scaled) / min(scaled):.2f}",
      setting="seed 1701")
claim(max(post_last) / min(post_last) < 1.5,
      "post-LN's last-block gradient stays within a factor 1.5 across depths",
      found=f"it ranges over a factor {max(post_last) / min(post_last):.2f}",
      setting="seed 1701")
""")
code(r"""
L_ln = max(ln_depths)
fig = profiles_plot({f"{pos}-LN, L = {L_ln}": (norms[pos, L_ln], None)
                     for pos in ("pre", "post")},
                    ylabel=r"$\|\partial\mathcal{L}/\partial W_l\|$",
                    title="Per-block gradient norm at init")
""")

# ---------------------------------------------------------------- 3. BN gradients
md(r"""
## 3 · BatchNorm at init makes gradients explode

BatchNorm fixes the forward pass of any network: every layer's pre-activations have mean 0
and variance 1 over the batch. Yang et al. (2019) proved that it does so at a price: in a
deep *plain* BatchNorm network, the gradient's second moment grows from layer to layer
downwards, by $\pi/(\pi - 1) \approx 1.467$ per layer for ReLU (wide layers, large batch),
because normalizing over the batch couples the examples, and the backward pass of that
coupling amplifies. Below: a plain network $h_{l+1} = \phi(\mathrm{BN}(h_l))\,W$ of
`bn_depth` layers, the growth factor per layer of $\mathbb{E}[(\partial\mathcal{L}/\partial
h_l)^2]$, 3 seeds, then the same with the residual connection
$h_{l+1} = h_l + \phi(\mathrm{BN}(h_l))\,W$.
""")
code(r"""
bn_depth, bn_batch = 30, 128
growth, profiles = {}, {}
for act in ("relu", "linear"):
    for residual in (False, True):
        key = (act, "residual" if residual else "plain")
        out = [gradient_growth(act, residual, bn_depth, width, bn_batch, s)
               for s in seeds]
        growth[key] = np.array([g for g, _ in out])
        profiles[key] = np.array([p for _, p in out])
print(f"growth of E[(dL/dh)^2] per layer, downwards (width {width}, batch {bn_batch}, "
      f"{bn_depth} layers, {draws} seeds)")
for (act, kind), g in growth.items():
    print(f"  {act:7s}{kind:9s}{g.min():7.3f} - {g.max():.3f}")
relu_plain = growth["relu", "plain"]
claim(np.all(abs(relu_plain / BN_RELU_GROWTH - 1) < 0.05),
      "a plain BatchNorm-ReLU network's factor is within 5 % of pi/(pi - 1)",
      found=f"it is {relu_plain.min():.3f}-{relu_plain.max():.3f}",
      setting="width 256, batch 128, 30 layers")
claim(np.all(abs(growth["linear", "plain"] - 1) < 0.01),
      "a linear BatchNorm network's factor is within 1 % of 1",
      found=f"it is up to {growth['linear', 'plain'].max():.3f}", setting="the same")
claim(np.all(growth["linear", "plain"] < 1 + 1 / bn_batch),
      "the linear factor is below 1 + 1/B",
      found=f"it is up to {growth['linear', 'plain'].max():.4f}", setting="the same")
claim(np.all(growth["relu", "residual"] < 1.25),
      "with the residual connection the ReLU factor is below 1.25",
      found=f"it is up to {growth['relu', 'residual'].max():.3f}", setting="the same")
""")
code(r"""
relative = {kind: profiles["relu", kind] / profiles["relu", kind][:, -2:-1]
            for kind in ("plain", "residual")}
# dashed: pi/(pi - 1) per layer (Yang et al.)
yang = BN_RELU_GROWTH ** (bn_depth - 1 - np.arange(bn_depth + 1.0))
yang[-1] = np.nan  # the top layer, above the final BatchNorm, is not compared
fig = profiles_plot({f"ReLU {kind}": (r, yang if kind == "plain" else None)
                     for kind, r in relative.items()},
                    ylabel=r"$\mathbb{E}[(\partial\mathcal{L}/\partial h_l)^2]$ / top",
                    title="BatchNorm network: gradient second moment")
""")
md(r"""
The residual connection tames it because the identity path carries the gradient down
unchanged, and each block's BatchNorm branch adds to it a term whose size is fixed while the
stream grows like $l$ (section 1): the branch's share of the stream, and with it the
amplification it passes on, shrinks with the depth of the block. A plain network has no such path: every layer's
gradient passes through every BatchNorm above it. For a linear network the coupling costs
only about $1/B$ per layer; at width 256 it is lost among finite-width effects (the table:
within 1 % of 1). With a *linear* branch the residual network's factor is larger than the
plain one's: the taming is ReLU's story, where the plain network's factor is far larger.
""")

# ---------------------------------------------------------------- 4. shattered
md(r"""
## 4 · Shattered gradients

Balduzzi et al. (2017) looked at a network with one input $x$ and one output $y$ and asked
how the gradient $\partial y/\partial x$ at neighbouring inputs is related. In a deep plain
ReLU network the gradients at neighbouring points decorrelate with depth, until they look
like white noise ("shattered"); in a residual network they stay correlated much longer.
Below: 256 points on $[-2, 2]$, a random first layer $x\,u + c$, ReLU blocks with He
weights, and the correlation of $\partial y/\partial x$ between neighbouring points,
averaged over the seeds, for plain, residual ($\alpha = 1$) and $1/\sqrt{L}$ networks.
(Notebook 09's chaotic tanh networks shatter their gradients the same way; at criticality
they do not.)
""")
code(r"""
sh_depths, sh_points = (1, 4, 12, 24, 50), 256
sh_cases = {"plain": lambda L: None, "residual": lambda L: 1.0,
            "residual, 1/sqrt(L)": lambda L: 1 / math.sqrt(L)}
corr = {name: np.array([[gradient_correlation(a(L), L, width, sh_points, s)
                         for L in sh_depths] for s in seeds])
        for name, a in sh_cases.items()}
print(f"correlation of dy/dx between neighbours (width {width}, {sh_points} points, "
      f"{draws} seeds, mean)")
print(f"{'depth':>6s}" + "".join(f"{name:>22s}" for name in corr))
for i, L in enumerate(sh_depths):
    print(f"{L:6d}" + "".join(f"{c[:, i].mean():22.2f}" for c in corr.values()))
deep = {name: c[:, -1].mean() for name, c in corr.items()}
claim(deep["plain"] < deep["residual"] < deep["residual, 1/sqrt(L)"],
      "at the largest depth: plain < residual < 1/sqrt(L) residual",
      found=f"the correlations are {', '.join(f'{v:.2f}' for v in deep.values())}",
      setting="width 256, seeds 1701-1703")
""")
code(r"""
fig = profiles_plot({name: (c, None) for name, c in corr.items()}, x=sh_depths,
                    log=False, xlabel="depth $L$",
                    ylabel="neighbour correlation of $dy/dx$",
                    title="Shattered gradients")
""")

# ---------------------------------------------------------------- 6. practice
md(r"""
## In practice

* **torchvision's ResNets** take `zero_init_residual=False` by default; with `True` the last
  BatchNorm of each residual branch starts with weight $\gamma = 0$, so every block starts as
  the identity (the zero gate of section 1, as in Goyal et al. 2017).
* **nanoGPT** draws every linear and embedding weight from $\mathcal{N}(0, 0.02^2)$ and the
  residual projections (`c_proj`) with std $0.02/\sqrt{2\,n_\text{layer}}$: each block makes
  two residual additions (attention and MLP), so $N = 2\,n_\text{layer}$ as in GPT-2.
* **DeepNorm** (Wang et al. 2022) keeps post-LN but writes $h_{l+1} = \mathrm{LN}(\alpha h_l
  + G(h_l))$, with $\alpha$ on the **skip** path (as torchscale implements it), and scales
  some branch weights by $\beta$ at init; for an $N$-layer decoder $\alpha = (2N)^{1/4}$,
  $\beta = (8N)^{-1/4}$.
* A normalization makes the *forward* scale of a layer's input independent of the
  init, but not the gradients (sections 2 and 3) and not the size of an update relative to
  the weights: with pre-LN the stream still grows like $L$, and the branches' init still
  sets how fast it does.

Left for a later version: the training comparison on Shapeset-3x2 and the architecture
dashboard.
""")

# ---------------------------------------------------------------- recap
md(r"""
## Recap

* Residual branches add second moments: $(1+\alpha^2)^L$ un-normalized, $1 + L\alpha^2$
  with BatchNorm in the branch.
* A zero gate, Fixup's $L^{-1/(2m-2)}$ and GPT-2's $1/\sqrt{N}$ make the sum of $L$
  branches $O(1)$: the deep network starts near its input's scale.
* Pre-LN's gradients shrink like $1/\sqrt{L}$; post-LN's top gradients do not, hence warm-up.
* BatchNorm in a deep plain network multiplies the gradient's second moment by
  $\pi/(\pi-1)$ per layer (ReLU); the residual path removes most of it.
""")

# ---------------------------------------------------------------- exercises
md(r"""
## Exercises

**1 · Predict, then check.** A plain residual ReLU network (He weights, branch
$\phi(h)W$, no normalization) has the gate $\alpha = 0.5$ in every one of its 10 blocks and
an input of mean square 1. What is $\mathbb{E}[h_{10}^2]$? Reason from section 1's recursion
(within 2 %).
""")
code(r"""
from wi_helpers.exercises import nb10

answer_1 = None  # E[h_10^2]
nb10.check_gated_variance(answer_1)
""")
md(r"""
<details><summary>Solution</summary>

Each block adds $\alpha^2$ times the branch, and the branch carries as much second moment as the stream: $q_{l+1} = (1 + \alpha^2) q_l$, so $1.25^{10} \approx 9.31$.
</details>
""")
md(r"""
**2 · Predict, then check.** Now put BatchNorm in every branch, $\phi(\mathrm{BN}(h))W$,
keep $\alpha = 0.5$ and take 50 blocks. What is $\mathbb{E}[h_{50}^2]$ (within 2 %)? Why does
it no longer compound?
""")
code(r"""
from wi_helpers.exercises import nb10

answer_2 = None  # E[h_50^2]
nb10.check_bn_branch_variance(answer_2)
""")
md(r"""
<details><summary>Solution</summary>

BatchNorm hands each branch an input of variance 1 whatever the stream holds, so every block adds the same $\alpha^2 \cdot 1 = 0.25$: $1 + 50 \times 0.25$. The additions no longer scale with the stream, so the growth is linear.
</details>
""")
md(r"""
**3 · Predict, then check.** In the limit of Yang et al., by what factor does the second
moment of the gradient grow over 20 plain BatchNorm-ReLU layers (within 5 %)?
""")
code(r"""
from wi_helpers.exercises import nb10

answer_3 = None  # growth of E[(dL/dh)^2] over 20 layers
nb10.check_bn_gradient_growth(answer_3)
""")
md(r"""
<details><summary>Solution</summary>

The factor $\pi/(\pi-1)$ applies once per layer: $(\pi/(\pi-1))^{20} \approx 2.1 \times 10^3$. The gradient's *norm* grows by its square root per layer.
</details>
""")
md(r"""
## References

* K. He, X. Zhang, S. Ren, J. Sun (2016). *Deep residual learning for image recognition.* CVPR. [arXiv:1512.03385](https://arxiv.org/abs/1512.03385); *Identity mappings in deep residual networks.* ECCV. [arXiv:1603.05027](https://arxiv.org/abs/1603.05027)
* H. Zhang, Y. N. Dauphin, T. Ma (2019). *Fixup initialization: residual learning without normalization.* ICLR. [arXiv:1901.09321](https://arxiv.org/abs/1901.09321)
* S. De, S. L. Smith (2020). *Batch normalization biases residual blocks towards the identity function in deep networks.* NeurIPS. [arXiv:2002.10444](https://arxiv.org/abs/2002.10444)
* T. Bachlechner et al. (2020). *ReZero is all you need: fast convergence at large depth.* [arXiv:2003.04887](https://arxiv.org/abs/2003.04887)
* R. Xiong et al. (2020). *On layer normalization in the Transformer architecture.* ICML. [arXiv:2002.04745](https://arxiv.org/abs/2002.04745)
* G. Yang, J. Pennington, V. Rao, J. Sohl-Dickstein, S. S. Schoenholz (2019). *A mean field theory of batch normalization.* ICLR. [arXiv:1902.08129](https://arxiv.org/abs/1902.08129)
* D. Balduzzi et al. (2017). *The shattered gradients problem: if resnets are the answer, then what is the question?* ICML. [arXiv:1702.08591](https://arxiv.org/abs/1702.08591)
* A. Radford et al. (2019). *Language models are unsupervised multitask learners* (GPT-2). [PDF](https://cdn.openai.com/better-language-models/language_models_are_unsupervised_multitask_learners.pdf)
* H. Wang et al. (2022). *DeepNet: scaling Transformers to 1,000 layers.* [arXiv:2203.00555](https://arxiv.org/abs/2203.00555)
* torchvision [`resnet50(zero_init_residual=...)`](https://pytorch.org/vision/stable/models/generated/torchvision.models.resnet50.html); nanoGPT [`model.py`](https://github.com/karpathy/nanoGPT/blob/master/model.py)
""")
md("<!--NAVIGATION-->")

nb = nbformat.v4.new_notebook(cells=cells)
nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
nb.metadata["language_info"] = {"name": "python"}
nbformat.write(nb, NB)
print(f"wrote {NB}")
