"""Make nnfs_helpers/data/digits.npz and its licence file from scikit-learn's copy of the digits.

The course ships the 8x8 handwritten digits (the UCI "Optical Recognition of Handwritten
Digits" set, 1,797 images) so that notebook 19 needs no download. The copy is the one
scikit-learn distributes as ``sklearn/datasets/data/digits.csv.gz``; scikit-learn itself is
NOT a dependency of the course. To rebuild the files (the result is byte for byte the same):

    python -m pip download --no-deps --only-binary=:all: scikit-learn==1.7.2 -d /tmp/skl
    python tools/make_digits_data.py /tmp/skl/scikit_learn-1.7.2-*.whl

The argument may also be the extracted ``digits.csv.gz`` itself. Each CSV row is 64 pixel
values (0..16, row by row) followed by the label (0..9). Only the format changes: the pixels
become a uint8 array ``images`` of shape (1797, 8, 8), the labels a uint8 array ``target`` of
shape (1797,), stored in a compressed .npz without pickle, with fixed zip timestamps so that
the bytes do not depend on when the script runs. The script then prints the file's sha256:
copy it into ``DIGITS_SHA256`` in nnfs_helpers/datasets.py.
"""

import argparse
import gzip
import hashlib
import io
import sys
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "nnfs_helpers" / "data"
MEMBER = "sklearn/datasets/data/digits.csv.gz"
# The CSV as scikit-learn 1.5.2 and 1.7.2 ship it (the same bytes in both).
CSV_SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
N_SAMPLES = 1797

LICENCE = """\
# The handwritten digits data: licence and attribution

`digits.npz` in this folder holds the 8x8 handwritten digits used by notebook 19: 1,797
images of the digits 0 to 9, each an 8x8 grid of integers from 0 to 16.

## Source and citation

E. Alpaydin and C. Kaynak, "Optical Recognition of Handwritten Digits", UCI Machine Learning
Repository, 1998, DOI [10.24432/C50P49](https://doi.org/10.24432/C50P49).

The data set was made by E. Alpaydin and C. Kaynak (Bogazici University) from forms that
were filled in by hand: each 32x32 black-and-white bitmap of a digit was divided into 4x4
blocks and the pixels that are on were counted in each block, which gives an 8x8 grid of
counts from 0 to 16. These 1,797 images are the UCI set's test part (written by 13 people).

## Licence

The data set is licensed under the Creative Commons Attribution 4.0 International licence
(CC BY 4.0): https://creativecommons.org/licenses/by/4.0/ . You may share and adapt it for any
purpose, provided you give the credit above, link to the licence and say what was changed.
The rest of this course is under its own licence; that licence does not apply to this data.

## This copy and what was changed

This is the copy that scikit-learn distributes: `{member}` in the
scikit-learn {version} wheel (sha256 of that CSV file:
`{csv_sha256}`).
No scikit-learn code is included, and scikit-learn is not needed to load the data.

Only the format was changed: the CSV rows were converted, in their original order and without
altering any value, into a compressed NumPy `.npz` file (no pickle) with two arrays, `images`
(uint8, shape (1797, 8, 8), values 0..16) and `target` (uint8, shape (1797,), labels 0..9),
by `tools/make_digits_data.py` in the course repository.

`digits.npz` sha256: `{npz_sha256}`
"""


def read_csv_bytes(source):
    """The gzipped CSV's bytes, from a scikit-learn wheel or from the .csv.gz itself."""
    source = Path(source)
    if source.suffix == ".whl":
        with zipfile.ZipFile(source) as wheel:
            return wheel.read(MEMBER)
    return source.read_bytes()


def parse(csv_gz):
    """images (1797, 8, 8) uint8 and target (1797,) uint8, checked."""
    text = gzip.decompress(csv_gz).decode("ascii")
    rows = [line.split(",") for line in text.splitlines() if line.strip()]
    table = np.array(rows, dtype=np.int64)
    if table.shape != (N_SAMPLES, 65):
        sys.exit(f"expected {N_SAMPLES} rows of 65 values, got shape {table.shape}")
    pixels, labels = table[:, :64], table[:, 64]
    if pixels.min() < 0 or pixels.max() > 16 or labels.min() < 0 or labels.max() > 9:
        sys.exit("values out of range: pixels must be 0..16 and labels 0..9")
    return pixels.reshape(N_SAMPLES, 8, 8).astype(np.uint8), labels.astype(np.uint8)


def npz_bytes(arrays):
    """A compressed .npz (the format of np.savez_compressed) with fixed timestamps."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, array in arrays.items():
            npy = io.BytesIO()
            np.lib.format.write_array(npy, np.ascontiguousarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.create_system = 3  # the same bytes on every operating system
            info.external_attr = 0o644 << 16
            archive.writestr(info, npy.getvalue(), compress_type=zipfile.ZIP_DEFLATED,
                             compresslevel=9)
    return buffer.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", help="a scikit-learn wheel (.whl) or its digits.csv.gz")
    parser.add_argument("--version", default=None,
                        help="the scikit-learn version the copy came from (read from a wheel's name)")
    args = parser.parse_args()

    csv_gz = read_csv_bytes(args.source)
    csv_sha256 = hashlib.sha256(csv_gz).hexdigest()
    if csv_sha256 != CSV_SHA256:
        sys.exit(f"the CSV's sha256 is {csv_sha256}, expected {CSV_SHA256}: a different copy; "
                 "check it and update CSV_SHA256 if it is right")
    version = args.version or (Path(args.source).name.split("-")[1]
                               if args.source.endswith(".whl") else "1.7.2")

    images, target = parse(csv_gz)
    data = npz_bytes({"images": images, "target": target})
    with np.load(io.BytesIO(data), allow_pickle=False) as check:  # round trip
        assert np.array_equal(check["images"], images) and np.array_equal(check["target"], target)

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    (OUT_DIR / "digits.npz").write_bytes(data)
    npz_sha256 = hashlib.sha256(data).hexdigest()
    (OUT_DIR / "DIGITS_LICENSE.md").write_text(LICENCE.format(
        member=MEMBER, version=version, csv_sha256=csv_sha256, npz_sha256=npz_sha256))
    print(f"wrote {OUT_DIR / 'digits.npz'}: {len(data)} bytes, sha256 {npz_sha256}")
    print(f"class counts: {np.bincount(target, minlength=10).tolist()}")


if __name__ == "__main__":
    main()
