"""Weighted sums of rows, as one sparse matrix-vector product.

The year sums rows into footprints, and copies bodies into the rows of its replays (a row
standing for several bodies takes their budget-weighted mean), several times a year over
thousands of rows. A CSR product does this in about a third of the time ``np.bincount``
takes. Each output adds its terms from zero, one product at a time, in the order of their
columns, as ``np.bincount`` adds them in the order given: when each output's terms come in
ascending column order the two agree to the bit (``tests/test_sums.py``).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse

from stpgame.core.arrays import FloatArray

try:  # the kernel behind ``matrix @ vector`` without its checks (which cost ~10 µs a call)
    from scipy.sparse._sparsetools import csr_matvec as _csr_matvec
except ImportError:  # pragma: no cover - a SciPy that moved it: the public product
    _csr_matvec = None


class Sums:
    """``out[k] = sum of weight * x[col]`` over the terms ``(k, col, weight)``."""

    def __init__(self, out: np.ndarray, col: np.ndarray, weight: np.ndarray, n_out: int, n_in: int):
        terms = len(out)
        # the CSR layout, with each stored value naming the term it came from
        tagged = scipy.sparse.csr_matrix(
            (np.arange(1, terms + 1, dtype=float), (out, col)), shape=(n_out, n_in)
        )
        tagged.sum_duplicates()
        if tagged.nnz != terms:
            raise ValueError("Sums: each (output, column) pair must appear once")
        self.shape = (n_out, n_in)
        self.indptr, self.indices = tagged.indptr, tagged.indices
        self._order = tagged.data.astype(np.intp) - 1
        self.data = np.asarray(weight, float)[self._order]

    @classmethod
    def groups(cls, group: np.ndarray, n_groups: int) -> Sums:
        """Sum values within groups: ``np.bincount(group, x, n_groups)``."""
        n = len(group)
        return cls(np.asarray(group), np.arange(n), np.ones(n), n_groups, n)

    def reweighted(self, weight: np.ndarray) -> Sums:
        """The same terms with other weights (given in the order the terms were)."""
        new = object.__new__(Sums)
        new.__dict__.update(self.__dict__)
        new.data = np.asarray(weight, float)[self._order]
        return new

    def __call__(self, x: np.ndarray) -> FloatArray:
        """The sums for values ``x`` (one per column; booleans count as 0/1)."""
        x = np.ascontiguousarray(x, dtype=float)
        if _csr_matvec is None:
            matrix = scipy.sparse.csr_matrix((self.data, self.indices, self.indptr), self.shape)
            product: FloatArray = matrix @ x
            return product
        out = np.zeros(self.shape[0])
        _csr_matvec(*self.shape, self.indptr, self.indices, self.data, x, out)
        return out
