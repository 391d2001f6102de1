#!/usr/bin/python3
"""Writes models/smnist/authors_sample.csv: the 100 MNIST t10k images that the authors' unit
test (intel-nrc-ecosystem/models, nxsdk_modules_ncl/lsnn/tests/test_seq_mnist.py) classifies on
Loihi, with the classes the chip gave. The test selects the images with
np.random.seed(0); np.random.choice(range(10000), 100, False) (seq_mnist.py) and hard-codes
the chip's outputs in `expectation`. Also writes models/smnist/notebook_sample.csv: the 200
images of the authors' measurement notebook (sMNIST_Loihi_performance_measurements.ipynb, same
seed, numSamples=200), whose run on the chip reports 94.50 % with 11 errors.
Needs numpy (Debian python3-numpy: /usr/bin/python3)."""
import os
import sys

import numpy as np

# The `expectation` list of test_seq_mnist.py, in order: the hardware's classifications.
CHIP = [8, 7, 1, 7, 7, 2, 1, 9, 5, 4, 5, 6, 5, 2, 0, 7, 6, 4, 6, 4, 5, 7, 8, 9, 8, 7, 4, 3, 9, 4,
        2, 2, 9, 7, 6, 9, 1, 2, 8, 3, 0, 6, 4, 0, 8, 7, 5, 2, 9, 8, 4, 3, 4, 0, 7, 0, 7, 4, 6, 1,
        3, 7, 2, 8, 8, 0, 1, 0, 5, 1, 5, 1, 4, 9, 4, 8, 7, 3, 7, 8, 9, 1, 4, 4, 0, 2, 5, 7, 7, 5,
        3, 0, 6, 2, 4, 1, 6, 8, 6, 9]


# The notebook's misclassified images, in order: true labels and the chip's classes.
NOTEBOOK_TRUE = [1, 3, 8, 0, 9, 8, 7, 3, 4, 4, 2]
NOTEBOOK_PRED = [7, 5, 5, 8, 3, 0, 9, 2, 8, 0, 3]


def notebook(out):
    np.random.seed(0)
    idx = np.random.choice(range(0, 10000), 200, False)
    with open(out, "w") as f:
        f.write("# The authors' measurement notebook sample: np.random.seed(0); np.random.choice(range(0, 10000), 200, False)\n")
        f.write("# (intel-nrc-ecosystem/models nxsdk_modules_ncl/lsnn/seqmnist/sMNIST_Loihi_performance_measurements.ipynb).\n")
        f.write("# The chip run there: 94.50 %%; errors, in order, true %s predicted %s.\n" % (NOTEBOOK_TRUE, NOTEBOOK_PRED))
        f.write("# numpy %s; written by tools/smnist_authors_sample.py.\n" % np.__version__)
        f.write("position,index\n")
        for k, i in enumerate(idx):
            f.write("%d,%d\n" % (k, int(i)))


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "models", "smnist", "authors_sample.csv")
    notebook(os.path.join(os.path.dirname(out), "notebook_sample.csv"))
    np.random.seed(0)
    idx = np.random.choice(range(10000), 100, False)
    with open(out, "w") as f:
        f.write("# The authors' sMNIST unit test sample: np.random.seed(0); np.random.choice(range(10000), 100, False)\n")
        f.write("# over the MNIST t10k set (original order); chip_prediction = the Loihi outputs hard-coded in\n")
        f.write("# intel-nrc-ecosystem/models nxsdk_modules_ncl/lsnn/tests/test_seq_mnist.py. numpy %s;\n" % np.__version__)
        f.write("# written by tools/smnist_authors_sample.py.\n")
        f.write("position,index,chip_prediction\n")
        for k, (i, c) in enumerate(zip(idx, CHIP)):
            f.write("%d,%d,%d\n" % (k, int(i), c))


if __name__ == "__main__":
    main()
