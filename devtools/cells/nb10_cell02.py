from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
from ipywidgets import FloatSlider, fixed
from nnfs.datasets import spiral_data

from nnfs_helpers import setup
from nnfs_helpers.exercises.nb10 import check_momentum_step, check_terminal_step
from nnfs_helpers.network import (Activation_ReLU, Activation_Softmax_Loss_CategoricalCrossentropy,
                                  Layer_Dense, Optimizer, accuracy)
from nnfs_helpers.plotting import COLOURS, plot_contour_paths, plot_decision_boundary, plot_runs
from nnfs_helpers.quiz import Question, Quiz
from nnfs_helpers.training import forward, predict, train
from nnfs_helpers.widgets import interactive_figure

setup()