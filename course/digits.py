"""The 8×8 handwritten digits of assignment 05, read from the file shipped in ``course/data/``.

1,797 images of the digits 0-9 from the UCI "Optical Recognition of Handwritten Digits" collection (Alpaydin and
Kaynak, 1998; CC BY 4.0; the UCI test set, 13 writers), as redistributed with scikit-learn. Every pixel counts the ink in a 4×4 block of a
32×32 scan, so it is an integer from 0 to 16. ``course/data/PROVENANCE.md`` tells where the file comes from and
how it was made. Nothing here touches the network: the data is in the package.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import numpy as np

__all__ = ["DATA_FILE", "SHA256", "load_digits", "load_digits_raw"]

DATA_FILE = Path(__file__).resolve().parent / "data" / "digits.npz"
SHA256 = "afab1365bbdb1a3b3b4711cc7c0b8eb75e541293d8fc39ed34708e98bdf3ead9"
PIXEL_MAX = 16
IMAGE_SHAPE = (8, 8)


def load_digits_raw(verify=True):
    """The file's arrays as stored.

    Args:
        verify: check the file's SHA-256 first (a damaged or replaced file raises ValueError).
    Returns:
        dict with "images" (1797, 64) uint8 pixels 0..16 (row by row of the 8×8 image), "labels" (1797,) uint8
        digits 0..9, and "train_index" (1347,), "test_index" (450,): the fixed split, as row numbers.
    """
    data = DATA_FILE.read_bytes()
    if verify and hashlib.sha256(data).hexdigest() != SHA256:
        raise ValueError(f"{DATA_FILE} is not the file the course ships (its SHA-256 differs): reinstall the course")
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def load_digits():
    """The digits, split once and for all into 1,347 training and 450 test images (stratified by digit).

    Returns:
        (X_train, y_train, X_test, y_test):
        X_train (64, 1347) and X_test (64, 450), float64 in [0, 1] (pixel / 16), one image per column;
        y_train (1347,) and y_test (450,), int64 labels 0..9.
    """
    raw = load_digits_raw()
    X = raw["images"].astype(np.float64).T / PIXEL_MAX
    y = raw["labels"].astype(np.int64)
    train, test = raw["train_index"].astype(np.int64), raw["test_index"].astype(np.int64)
    return X[:, train].copy(), y[train].copy(), X[:, test].copy(), y[test].copy()
