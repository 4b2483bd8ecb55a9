"""Run NumPy's BLAS on one thread for a block of code (pure NumPy layer, via threadpoolctl).

Products of small matrices (a minibatch of 10, a 256-wide layer) gain nothing from BLAS
threads; on a shared or busy machine the threads then spin waiting for each other, and one
SGD update can cost ten times more CPU. Training and the many-small-networks sweeps use this.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from threadpoolctl import threadpool_limits


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Limit every BLAS library NumPy loaded to one thread inside the block; restore after."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield
