import matplotlib.pyplot as plt
import numpy as np
from ipywidgets import FloatSlider
from nnfs.datasets import spiral_data

from nnfs_helpers import setup
from nnfs_helpers.exercises import nb03
from nnfs_helpers.network import Layer_Dense  # taught in notebook 02
from nnfs_helpers.plotting import COLOURS
from nnfs_helpers.quiz import Question, Quiz
from nnfs_helpers.widgets import interactive_figure

setup()