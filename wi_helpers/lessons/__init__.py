"""The numerics each notebook adds beyond the core (pure NumPy), one module per topic.

    nb01  the one-unit chain, the weight-scale sweep, the q-recursion (also used by 03)
    nb02  E[h^2] = Var[h] + E[h]^2 for the logistic
    nb03  the centred sigmoid (also used by 05), the zig-zag argument, zig-zag SGD
    glorot   (notebook 04) Var[w x], the quarter-circle mean
    nb05  the experiments: Table 1 settings, learning rates, seeds, data and runs; the depth
          experiment (the training itself is `wi_helpers.train`)
    relu_he  (notebook 07) ReLU and He: gains by criterion, telescoping, 1-D (transposed)
             convolutions; the frameworks' conventions are in wi_helpers.conventions

A new notebook adds its own module here and touches no other.
"""
