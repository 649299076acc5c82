"""The digits file of 05: its shape, labels, checksum and fixed split, and a loader that never uses the network."""

import hashlib
import re
import shutil
import socket

import numpy as np
import pytest

from course import digits

from .conftest import REPO


def test_file_is_small_and_has_the_published_checksum():
    data = digits.DATA_FILE.read_bytes()
    assert digits.DATA_FILE == REPO / "course" / "data" / "digits.npz"
    assert len(data) < 100_000
    assert hashlib.sha256(data).hexdigest() == digits.SHA256
    provenance = (REPO / "course" / "data" / "PROVENANCE.md").read_text()
    assert digits.SHA256 in provenance
    for words in ("UCI", "Alpaydin", "Kaynak", "CC BY 4.0", "scikit-learn", "BSD-3"):
        assert words in provenance, words


def test_raw_arrays():
    raw = digits.load_digits_raw()
    assert set(raw) == {"images", "labels", "train_index", "test_index"}
    images, labels = raw["images"], raw["labels"]
    assert images.shape == (1797, 64) and images.dtype == np.uint8
    assert images.min() == 0 and images.max() == 16
    assert labels.shape == (1797,) and labels.dtype == np.uint8
    assert np.array_equal(np.unique(labels), np.arange(10))
    assert np.bincount(labels).min() >= 170  # every digit about 180 times
    # the first image of the UCI test set is a 0 (scikit-learn's digits.images[0])
    assert labels[0] == 0 and images[0, :8].tolist() == [0, 0, 5, 13, 9, 1, 0, 0]


def test_split_is_fixed_disjoint_complete_and_stratified():
    raw = digits.load_digits_raw()
    train, test = raw["train_index"].astype(int), raw["test_index"].astype(int)
    assert train.size == 1347 and test.size == 450
    assert np.intersect1d(train, test).size == 0
    assert np.array_equal(np.union1d(train, test), np.arange(1797))
    counts = np.bincount(raw["labels"], minlength=10)
    in_test = np.bincount(raw["labels"][test], minlength=10)
    assert np.all(np.abs(in_test - 450 * counts / 1797) < 1)
    assert in_test.tolist() == [45, 46, 44, 46, 45, 46, 45, 45, 43, 45]


def test_load_digits_shapes_scaling_and_determinism():
    X_train, y_train, X_test, y_test = digits.load_digits()
    assert X_train.shape == (64, 1347) and X_test.shape == (64, 450)
    assert y_train.shape == (1347,) and y_test.shape == (450,)
    assert X_train.dtype == np.float64 and X_train.min() == 0.0 and X_train.max() == 1.0
    assert np.allclose(X_train * 16, np.round(X_train * 16))
    assert y_train.dtype == np.int64 and set(np.unique(y_test)) == set(range(10))
    again = digits.load_digits()
    assert all(np.array_equal(a, b) for a, b in zip((X_train, y_train, X_test, y_test), again))
    raw = digits.load_digits_raw()
    i = int(raw["train_index"][5])
    assert np.array_equal(X_train[:, 5] * 16, raw["images"][i]) and y_train[5] == raw["labels"][i]


def test_loader_never_touches_the_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the digits loader tried to open a network connection")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    X_train, *_ = digits.load_digits()
    assert X_train.shape == (64, 1347)
    source = (REPO / "course" / "digits.py").read_text()
    assert not re.search(r"^\s*(import|from)\s+(urllib|requests|http|socket|sklearn)", source, re.MULTILINE)


def test_a_damaged_file_is_refused(tmp_path, monkeypatch):
    copy = tmp_path / "digits.npz"
    shutil.copy(digits.DATA_FILE, copy)
    data = bytearray(copy.read_bytes())
    data[-100] ^= 0xFF
    copy.write_bytes(bytes(data))
    monkeypatch.setattr(digits, "DATA_FILE", copy)
    with pytest.raises(ValueError, match="SHA-256"):
        digits.load_digits()
