"""The numerics each notebook adds beyond the core (pure NumPy), one module per notebook.

    nb01  the one-unit chain, the weight-scale sweep, the q-recursion (also used by 03)
    nb02  E[h^2] = Var[h] + E[h]^2 for the logistic
    nb03  the centred sigmoid (also used by 05), the zig-zag argument, zig-zag SGD
    nb04  Var[w x], the quarter-circle mean, PyTorch's and Keras's conventions restated
    nb05  the experiments: Table 1 settings, learning rates, seeds, data and runs; the depth
          experiment (the training itself is `wi_helpers.train`)
    nb07  ReLU and He: gains by criterion, fans of convolutions, truncated normals

A new notebook adds its own module here and touches no other.
"""
