"""Saving and loading models (notebook 20): round trips are bit-identical in a fresh process, and
bad files give clear errors and leave the model unchanged."""

import hashlib
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from nnfs_helpers import reproducible
from nnfs_helpers.network import (Accuracy_Categorical, Activation_ReLU, Activation_Softmax, Layer_Dense,
                                  Layer_Dropout, Loss_CategoricalCrossentropy, Model, Optimizer_Adam)

BUILD = """
import hashlib, sys
import numpy as np
from nnfs_helpers import setup
from nnfs_helpers.datasets import load_digits
from nnfs_helpers.network import (Accuracy_Categorical, Activation_ReLU, Activation_Softmax, Layer_Dense,
                                  Loss_CategoricalCrossentropy, Model, Optimizer_Adam)

def build(hidden=32):
    model = Model()
    for layer in (Layer_Dense(64, hidden), Activation_ReLU(), Layer_Dense(hidden, 10), Activation_Softmax()):
        model.add(layer)
    model.set(loss=Loss_CategoricalCrossentropy(), optimizer=Optimizer_Adam(learning_rate=0.005),
              accuracy=Accuracy_Categorical())
    model.finalize()
    return model

def fingerprint(array):
    return hashlib.sha256(f"{array.dtype.str} {array.shape}".encode() + array.tobytes()).hexdigest()

setup()
X, y = load_digits()
X = (X - 8) / 8
"""


def run_python(code, cwd):
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(BUILD) + textwrap.dedent(code)],
                            capture_output=True, text=True, cwd=cwd, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_round_trips_are_bit_identical_in_a_fresh_process(tmp_path):
    trained = run_python("""
        model = build()
        model.train(X[:600], y[:600], epochs=3, batch_size=32, print_every=0)
        model.save_parameters("parameters.npz")
        model.save("model.pkl")
        print(fingerprint(model.predict(X)))
    """, tmp_path)
    loaded = run_python("""
        fresh = build()
        fresh.load_parameters("parameters.npz")
        print(fingerprint(fresh.predict(X)))
        print(fingerprint(Model.load("model.pkl").predict(X)))
    """, tmp_path)
    assert loaded == trained * 2


def test_training_continues_identically_after_model_load(tmp_path):
    """The pickle keeps the optimiser's state: one more epoch gives the same weights."""
    out = run_python("""
        model = build()
        model.train(X[:600], y[:600], epochs=2, batch_size=32, print_every=0)
        model.save("model.pkl")
        loaded = Model.load("model.pkl")
        for m in (model, loaded):
            np.random.seed(5)
            m.train(X[:600], y[:600], epochs=1, batch_size=32, print_every=0)
            print(fingerprint(m.predict(X)))
    """, tmp_path)
    assert out[0] == out[1]


# --- In-process tests ---------------------------------------------------------------------------

def build(hidden=16, dropout=False):
    model = Model()
    model.add(Layer_Dense(8, hidden, weight_regularizer_l2=1e-4))
    model.add(Activation_ReLU())
    if dropout:
        model.add(Layer_Dropout(0.1))
    model.add(Layer_Dense(hidden, 3))
    model.add(Activation_Softmax())
    model.set(loss=Loss_CategoricalCrossentropy(), optimizer=Optimizer_Adam(learning_rate=0.01),
              accuracy=Accuracy_Categorical())
    model.finalize()
    return model


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 8))
    y = rng.integers(0, 3, size=60)
    return X, y


@pytest.fixture
def trained(data):
    X, y = data
    np.random.seed(0)
    model = build()
    model.train(X, y, epochs=3, batch_size=16, print_every=0)
    yield model
    reproducible.restore_numpy()


def parameters_equal(a, b):
    return all(np.array_equal(x, z) for pa, pb in zip(a, b) for x, z in zip(pa, pb))


def assert_refused(model, path, *phrases):
    before = model.get_parameters()
    with pytest.raises(ValueError) as error:
        model.load_parameters(path)
    for phrase in phrases:
        assert phrase in str(error.value), str(error.value)
    assert parameters_equal(before, model.get_parameters()), "the model changed"
    return str(error.value)


def test_parameters_round_trip_in_process(trained, data, tmp_path):
    path = tmp_path / "p.npz"
    trained.save_parameters(path)
    np.random.seed(1)
    other = build()
    other.load_parameters(path)
    assert np.array_equal(other.predict(data[0]), trained.predict(data[0]))
    assert parameters_equal(other.get_parameters(), trained.get_parameters())


def test_save_parameters_writes_exactly_the_path_given(trained, tmp_path):
    path = tmp_path / "no_extension"
    trained.save_parameters(str(path))
    assert path.exists() and not (tmp_path / "no_extension.npz").exists()


def test_parameter_file_holds_no_pickle(trained, tmp_path):
    trained.save_parameters(tmp_path / "p.npz")
    with np.load(tmp_path / "p.npz", allow_pickle=False) as archive:
        names = set(archive.files)
        assert all(archive[name].dtype != object for name in names)
    assert {"format", "layers", "weights_0", "biases_0", "weights_1", "biases_1"} <= names


@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.5, 0.9, 0.999])
def test_truncated_file_is_refused(trained, tmp_path, fraction):
    trained.save_parameters(tmp_path / "p.npz")
    data = (tmp_path / "p.npz").read_bytes()
    (tmp_path / "cut.npz").write_bytes(data[: int(len(data) * fraction)])
    model = build()
    assert_refused(model, tmp_path / "cut.npz", "expected")


def test_another_architecture_is_refused(trained, tmp_path):
    np.random.seed(2)
    build(hidden=7).save_parameters(tmp_path / "other.npz")
    message = assert_refused(trained, tmp_path / "other.npz", "another network", "Layer_Dense(8, 7)",
                             "Layer_Dense(8, 16)")
    assert "Layer_Dense(8, 16)" in message


def test_an_extra_layer_is_refused(trained, tmp_path):
    build(dropout=True).save_parameters(tmp_path / "dropout.npz")
    assert_refused(trained, tmp_path / "dropout.npz", "Layer_Dropout")


@pytest.mark.parametrize("kind", ["text", "npy", "unrelated npz", "empty"])
def test_a_file_that_is_not_a_model_is_refused(trained, tmp_path, kind):
    path = tmp_path / "file"
    if kind == "text":
        path.write_text("hello, these are my notes")
    elif kind == "npy":
        with open(path, "wb") as file:
            np.save(file, np.ones(3))
    elif kind == "unrelated npz":
        with open(path, "wb") as file:
            np.savez(file, a=np.ones(3))
    else:
        path.write_bytes(b"")
    assert_refused(trained, path, "expected")


def test_a_pickle_is_refused_without_being_unpickled(trained, tmp_path):
    marker = tmp_path / "ran.txt"

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    (tmp_path / "evil.pkl").write_bytes(pickle.dumps(Payload()))
    assert_refused(trained, tmp_path / "evil.pkl", "pickled", "Model.load")
    assert not marker.exists(), "load_parameters unpickled the file"
    (tmp_path / "book.pkl").write_bytes(pickle.dumps(trained.get_parameters()))
    assert_refused(trained, tmp_path / "book.pkl", "pickled")


def test_wrong_shapes_or_types_in_a_parameter_file_are_refused(trained, tmp_path):
    trained.save_parameters(tmp_path / "p.npz")
    with np.load(tmp_path / "p.npz") as archive:
        arrays = {name: archive[name] for name in archive.files}
    for change in ("shape", "int", "missing"):
        broken = dict(arrays)
        if change == "shape":
            broken["biases_1"] = np.zeros((1, 4))
        elif change == "int":
            broken["weights_0"] = broken["weights_0"].astype(np.int64)
        else:
            del broken["weights_1"]
        with open(tmp_path / f"{change}.npz", "wb") as file:
            np.savez(file, **broken)
        assert_refused(trained, tmp_path / f"{change}.npz", "trainable layer")


def test_save_and_load_whole_model(trained, data, tmp_path):
    trained.predict(data[0])  # leaves outputs in the layers
    trained.save(tmp_path / "m.pkl")
    assert hasattr(trained.layers[0], "output"), "save must not clean the model itself"
    loaded = Model.load(tmp_path / "m.pkl")
    for part in [loaded.input_layer, *loaded.layers]:
        for name in ("inputs", "output", "dinputs", "dweights", "dbiases"):
            assert name not in vars(part), f"{type(part).__name__}.{name} was saved"
    assert hasattr(loaded.layers[0], "weight_momentums"), "the optimiser's state belongs in the file"
    assert np.array_equal(loaded.predict(data[0]), trained.predict(data[0]))
    assert (tmp_path / "m.pkl").stat().st_size < 20_000


def test_model_load_refuses_clearly(trained, tmp_path):
    trained.save_parameters(tmp_path / "p.npz")
    with pytest.raises(ValueError, match="load_parameters"):
        Model.load(tmp_path / "p.npz")
    trained.save(tmp_path / "m.pkl")
    data = (tmp_path / "m.pkl").read_bytes()
    (tmp_path / "cut.pkl").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="truncated"):
        Model.load(tmp_path / "cut.pkl")
    not_a_model = pickle.dumps([1, 2])
    (tmp_path / "list.pkl").write_bytes(b"nnfs-course Model, pickled, sha256 " +
                                        hashlib.sha256(not_a_model).hexdigest().encode() + b"\n" + not_a_model)
    with pytest.raises(ValueError, match="expected a Model"):
        Model.load(tmp_path / "list.pkl")


def test_model_load_is_a_documented_staticmethod():
    assert isinstance(Model.__dict__["load"], staticmethod)
    doc = Model.load.__doc__.lower()
    assert "unpickle" in doc and "trust" in doc


def rewritten(trained, tmp_path, name, change):
    """A copy of `trained`'s parameter file with `change(arrays)` applied."""
    trained.save_parameters(tmp_path / "p.npz")
    with np.load(tmp_path / "p.npz") as archive:
        arrays = {key: archive[key] for key in archive.files}
    change(arrays)
    with open(tmp_path / name, "wb") as file:
        np.savez(file, **arrays)
    return tmp_path / name


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_parameters_are_refused(trained, tmp_path, bad):
    path = rewritten(trained, tmp_path, "nan.npz", lambda a: a.__setitem__("weights_0", np.full_like(a["weights_0"], bad)))
    assert_refused(trained, path, "trainable layer 0", "finite")
    one = rewritten(trained, tmp_path, "one.npz", lambda a: a["biases_1"].__setitem__((0, 0), bad))
    assert_refused(trained, one, "trainable layer 1", "finite")


def test_half_precision_parameters_are_refused(trained, tmp_path):
    path = rewritten(trained, tmp_path, "half.npz", lambda a: a.__setitem__("weights_1", a["weights_1"].astype(np.float16)))
    assert_refused(trained, path, "float16")


def test_double_precision_parameters_still_load(trained, data, tmp_path):
    path = rewritten(trained, tmp_path, "double.npz",
                     lambda a: [a.__setitem__(k, a[k].astype(np.float64)) for k in list(a) if k[:1] in "wb" and k != "biases"])
    np.random.seed(1)
    other = build()
    other.load_parameters(path)
    assert other.layers[0].weights.dtype == np.float64


def test_an_object_array_is_not_called_truncated(trained, tmp_path):
    path = tmp_path / "objects.npz"
    with open(path, "wb") as file:
        np.savez(file, format=np.array("x"), weights_0=np.array([{"a": 1}], dtype=object))
    message = assert_refused(trained, path, "object")
    assert "truncated" not in message


def test_model_files_carry_a_digest_that_catches_every_flipped_byte(trained, tmp_path):
    trained.save(tmp_path / "m.pkl")
    data = (tmp_path / "m.pkl").read_bytes()
    assert hashlib.sha256(data.split(b"\n", 1)[1]).hexdigest().encode() in data.split(b"\n", 1)[0]
    rng = np.random.default_rng(0)
    loaded_silently = 0
    for position in rng.choice(len(data), size=60, replace=False):
        damaged = bytearray(data)
        damaged[position] ^= 1 << int(rng.integers(8))
        (tmp_path / "flip.pkl").write_bytes(bytes(damaged))
        try:
            Model.load(tmp_path / "flip.pkl")
            loaded_silently += 1
        except ValueError as error:
            assert "m.pkl" not in str(error) and "flip.pkl" in str(error)
    assert loaded_silently == 0


def test_model_load_wraps_stray_errors_in_a_clear_message(trained, tmp_path):
    trained.save(tmp_path / "m.pkl")
    header, payload = (tmp_path / "m.pkl").read_bytes().split(b"\n", 1)
    broken = payload.replace(b"Layer_Dense", b"Layer_Dence")  # a consistent digest, an unknown class
    digest = hashlib.sha256(broken).hexdigest().encode()
    (tmp_path / "renamed.pkl").write_bytes(header[:-64] + digest + b"\n" + broken)
    with pytest.raises(ValueError, match=r"could not be unpickled \(AttributeError"):
        Model.load(tmp_path / "renamed.pkl")


def test_a_bare_pickle_is_not_a_model_file(trained, tmp_path):
    (tmp_path / "bare.pkl").write_bytes(pickle.dumps(trained))  # the book's way of saving
    with pytest.raises(ValueError, match="written by Model.save"):
        Model.load(tmp_path / "bare.pkl")


def test_load_parameters_names_a_whole_model_file(trained, tmp_path):
    trained.save(tmp_path / "m.pkl")
    assert_refused(trained, tmp_path / "m.pkl", "Model.save", "Model.load")
