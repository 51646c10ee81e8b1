"""The network code taught in the notebooks.

GENERATED FILE: DO NOT EDIT. It holds the code of the notebook cells tagged `export`,
folded by tools/export_network.py: each class in one piece, with the last definition of
each method (as when the cells run in notebook order) and a comment naming the notebook
that teaches it. To change the code, edit the notebook, then run
`python tools/export_network.py`; a test fails whenever this file and the notebooks
disagree.
"""

import copy
import hashlib
import inspect
import numbers
import pickle

import numpy as np

from nnfs_helpers.progress import TrainingProgress

__all__ = [
    "Layer_Dense",
    "Activation_ReLU",
    "Activation_Softmax",
    "Loss",
    "Loss_CategoricalCrossentropy",
    "accuracy",
    "add_to_class",
    "Activation_Softmax_Loss_CategoricalCrossentropy",
    "numerical_gradient",
    "relative_error",
    "gradient_check",
    "Optimizer",
    "Optimizer_SGD",
    "Optimizer_Adagrad",
    "Optimizer_RMSprop",
    "Optimizer_Adam",
    "Layer_Dropout",
    "Activation_Sigmoid",
    "Loss_BinaryCrossentropy",
    "Activation_Sigmoid_Loss_BinaryCrossentropy",
    "Activation_Linear",
    "Loss_MeanSquaredError",
    "Loss_MeanAbsoluteError",
    "initial_std",
    "Accuracy",
    "Accuracy_Categorical",
    "Accuracy_Regression",
    "Layer_Input",
    "Model",
    "Optimizer_AdamW",
    "Layer_BatchNorm",
    "layer_gradient_errors",
    "convolve_loops",
    "im2col",
    "col2im",
    "Layer_Conv2D",
    "Layer_MaxPool2D",
    "Layer_Flatten",
]


# notebooks/02_layer_of_neurons.ipynb
class Layer_Dense:
    """A fully connected layer: every input feeds every neuron."""

    # notebooks/13_l1_l2_regularisation.ipynb
    # Class-wide defaults: a layer made without this constructor (for example before this cell ran)
    # reads 0 here, so it behaves exactly as before.
    weight_regularizer_l1 = weight_regularizer_l2 = 0
    bias_regularizer_l1 = bias_regularizer_l2 = 0

    # notebooks/17_initialisation_and_depth.ipynb
    def __init__(self, n_inputs, n_neurons, weight_regularizer_l1=0, weight_regularizer_l2=0,
                 bias_regularizer_l1=0, bias_regularizer_l2=0, weight_init=0.01):
        # Random weights with the chosen standard deviation (0.01: the book's start), zero biases.
        self.weights = initial_std(weight_init, n_inputs, n_neurons) * np.random.randn(n_inputs, n_neurons)
        self.biases = np.zeros((1, n_neurons))
        # Penalty strengths (lambda) as in notebook 13; 0 switches a penalty off.
        self.weight_regularizer_l1 = weight_regularizer_l1
        self.weight_regularizer_l2 = weight_regularizer_l2
        self.bias_regularizer_l1 = bias_regularizer_l1
        self.bias_regularizer_l2 = bias_regularizer_l2

    # notebooks/02_layer_of_neurons.ipynb
    def forward(self, inputs):
        # Remember the inputs: the backward pass (notebook 07) needs them.
        self.inputs = inputs
        self.output = np.dot(inputs, self.weights) + self.biases

    # notebooks/13_l1_l2_regularisation.ipynb
    def backward(self, dvalues, need_dinputs=True):
        # The data gradients, as in notebook 07.
        self.dweights = np.dot(self.inputs.T, dvalues)
        self.dbiases = np.sum(dvalues, axis=0, keepdims=True)
        # Each active penalty adds its own gradient: l1 * sign(w) for L1, 2 * l2 * w for L2.
        if self.weight_regularizer_l1 > 0:
            self.dweights += self.weight_regularizer_l1 * np.sign(self.weights)
        if self.weight_regularizer_l2 > 0:
            self.dweights += 2 * self.weight_regularizer_l2 * self.weights
        if self.bias_regularizer_l1 > 0:
            self.dbiases += self.bias_regularizer_l1 * np.sign(self.biases)
        if self.bias_regularizer_l2 > 0:
            self.dbiases += 2 * self.bias_regularizer_l2 * self.biases
        self.dinputs = np.dot(dvalues, self.weights.T) if need_dinputs else None

    # notebooks/18_model_class.ipynb
    def get_parameters(self):
        return self.weights, self.biases

    # notebooks/18_model_class.ipynb
    def set_parameters(self, weights, biases):
        self.weights = weights
        self.biases = biases


# notebooks/03_activation_functions.ipynb
class Activation_ReLU:
    """Rectified linear unit: passes positive values, turns the rest into 0."""

    # notebooks/03_activation_functions.ipynb
    def forward(self, inputs):
        self.inputs = inputs
        self.output = np.maximum(0, inputs)

    # notebooks/07_backpropagation.ipynb
    def backward(self, dvalues):
        # ReLU's derivative is 1 where the input was positive and 0 elsewhere;
        # the chain rule multiplies it with the gradient coming from above.
        self.dinputs = dvalues * (self.inputs > 0)

    # notebooks/18_model_class.ipynb
    def predictions(self, outputs):
        # ReLU as the last layer outputs numbers (>= 0): they are the predictions.
        return outputs


# notebooks/04_softmax.ipynb
class Activation_Softmax:
    """Turns each row of raw outputs into probabilities that sum to 1."""

    # notebooks/04_softmax.ipynb
    def forward(self, inputs):
        self.inputs = inputs
        # Subtracting each row's maximum leaves softmax unchanged and keeps np.exp finite.
        exp_values = np.exp(inputs - np.max(inputs, axis=1, keepdims=True))
        self.output = exp_values / np.sum(exp_values, axis=1, keepdims=True)

    # notebooks/07_backpropagation.ipynb
    def backward(self, dvalues):
        self.dinputs = np.empty_like(dvalues)
        for index, (single_output, single_dvalues) in enumerate(zip(self.output, dvalues)):
            single_output = single_output.reshape(-1, 1)
            # The Jacobian of softmax: diag(s) - s s^T.
            jacobian_matrix = np.diagflat(single_output) - np.dot(single_output, single_output.T)
            self.dinputs[index] = np.dot(jacobian_matrix, single_dvalues)

    # notebooks/18_model_class.ipynb
    def predictions(self, outputs):
        # The class with the highest probability in each row.
        return np.argmax(outputs, axis=1)


# notebooks/05_loss_and_accuracy.ipynb
class Loss:
    """What every loss shares: the data loss is the mean of the per-sample losses."""

    # notebooks/18_model_class.ipynb
    # Class-wide defaults: a loss that has not been given layers or started a pass works as before.
    trainable_layers = ()
    accumulated_sum = 0
    accumulated_count = 0

    # notebooks/18_model_class.ipynb
    def calculate(self, output, y, *, include_regularization=False):
        sample_losses = self.forward(output, y)
        data_loss = np.mean(sample_losses)
        # Keep a running sum and count, so an epoch of many batches can report its mean loss.
        self.accumulated_sum += np.sum(sample_losses)
        self.accumulated_count += len(sample_losses)
        if not include_regularization:
            return data_loss
        return data_loss, sum(self.regularization_loss(layer) for layer in self.trainable_layers)

    # notebooks/13_l1_l2_regularisation.ipynb
    def regularization_loss(self, layer):
        """The L1 and L2 penalties of one layer's weights and biases."""
        regularization_loss = 0
        if layer.weight_regularizer_l1 > 0:
            regularization_loss += layer.weight_regularizer_l1 * np.sum(np.abs(layer.weights))
        if layer.weight_regularizer_l2 > 0:
            regularization_loss += layer.weight_regularizer_l2 * np.sum(layer.weights * layer.weights)
        if layer.bias_regularizer_l1 > 0:
            regularization_loss += layer.bias_regularizer_l1 * np.sum(np.abs(layer.biases))
        if layer.bias_regularizer_l2 > 0:
            regularization_loss += layer.bias_regularizer_l2 * np.sum(layer.biases * layer.biases)
        return regularization_loss

    # notebooks/18_model_class.ipynb
    def remember_trainable_layers(self, trainable_layers):
        # The layers whose penalties belong in the regularised loss.
        self.trainable_layers = trainable_layers

    # notebooks/18_model_class.ipynb
    def calculate_accumulated(self, *, include_regularization=False):
        # The mean loss over every sample seen since new_pass().
        data_loss = self.accumulated_sum / self.accumulated_count
        if not include_regularization:
            return data_loss
        return data_loss, sum(self.regularization_loss(layer) for layer in self.trainable_layers)

    # notebooks/18_model_class.ipynb
    def new_pass(self):
        # Start a new epoch (or a new evaluation): forget the running sum.
        self.accumulated_sum = 0
        self.accumulated_count = 0


class Loss_CategoricalCrossentropy(Loss):
    """Cross-entropy between predicted probabilities and the true classes."""

    # notebooks/05_loss_and_accuracy.ipynb
    def forward(self, y_pred, y_true):
        samples = len(y_pred)
        # Clip: the low end keeps log(0) = -inf away; the top end moves in by the same 1e-7.
        y_pred_clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
        if len(y_true.shape) == 1:  # class indices, such as [0, 1, 1]
            correct_confidences = y_pred_clipped[np.arange(samples), y_true]
        else:  # one-hot rows, such as [[1, 0, 0], [0, 1, 0], [0, 1, 0]]
            correct_confidences = np.sum(y_pred_clipped * y_true, axis=1)
        return -np.log(correct_confidences)

    # notebooks/07_backpropagation.ipynb
    def backward(self, dvalues, y_true):
        samples = len(dvalues)
        labels = len(dvalues[0])
        if len(y_true.shape) == 1:  # class indices: turn them into one-hot rows
            y_true = np.eye(labels)[y_true]
        # Clip as the forward pass does, so a zero probability cannot divide by zero.
        dvalues_clipped = np.clip(dvalues, 1e-7, 1 - 1e-7)
        # d(-log p)/dp = -1/p at the true class; divide by the batch size for the mean.
        self.dinputs = -y_true / dvalues_clipped / samples


def accuracy(y_pred, y_true):
    """The fraction of samples whose most probable class is the true class."""
    predictions = np.argmax(y_pred, axis=1)
    if len(y_true.shape) == 2:  # one-hot rows: turn them into class indices
        y_true = np.argmax(y_true, axis=1)
    # The fraction of matches: count them, then divide by the number of samples.
    return np.count_nonzero(predictions == y_true) / len(y_true)


# notebooks/07_backpropagation.ipynb
def add_to_class(cls):
    """Decorator: attach the function below it to `cls` as a method."""
    def attach(method):
        setattr(cls, method.__name__, method)
        return method
    return attach


class Activation_Softmax_Loss_CategoricalCrossentropy:
    """Softmax followed by cross-entropy, with their shortcut gradient (y_hat - y) / n."""

    def __init__(self):
        self.activation = Activation_Softmax()
        self.loss = Loss_CategoricalCrossentropy()

    def forward(self, inputs, y_true):
        self.activation.forward(inputs)
        self.output = self.activation.output
        return self.loss.calculate(self.output, y_true)

    def backward(self, dvalues, y_true):
        samples = len(dvalues)
        if len(y_true.shape) == 2:  # one-hot rows: turn them into class indices
            y_true = np.argmax(y_true, axis=1)
        # y_hat - y: subtract 1 at each sample's true class, then average over the batch.
        self.dinputs = dvalues.copy()
        self.dinputs[np.arange(samples), y_true] -= 1
        self.dinputs = self.dinputs / samples


def numerical_gradient(f, x, h=1e-6):
    """Central-difference gradient of the number f() with respect to the array x.

    Each entry of x is nudged by +h and -h in place, and then put back.
    """
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + h
        f_plus = f()
        x[index] = original - h
        f_minus = f()
        x[index] = original
        grad[index] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(analytic, numeric):
    """|a - n| / (|a| + |n|), with norms over the whole array; 0 when both are 0."""
    scale = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    return 0.0 if scale == 0 else np.linalg.norm(analytic - numeric) / scale


def gradient_check(component, inputs, y_true=None, threshold=1e-6, h=1e-6):
    """Compare `component.backward` with central differences, in float64.

    component: a layer or an activation (checked through a random upstream gradient),
    or a loss or the combined softmax/cross-entropy (pass y_true).
    Prints a verdict per checked array and returns {name: relative error}.
    """
    if not (hasattr(component, "forward") and hasattr(component, "backward")):
        raise TypeError("gradient_check expects a layer, activation or loss with forward() and "
                        f"backward() methods, got {type(component).__name__}")
    inputs = np.array(inputs, dtype=np.float64)
    if inputs.ndim != 2 or inputs.size == 0:
        raise ValueError(f"inputs must be a non-empty batch of shape (samples, features), got shape {inputs.shape}")
    is_loss = y_true is not None
    if is_loss:
        combined = hasattr(component, "activation")
        loss = component.forward if combined else component.calculate

        def f():
            return loss(inputs, y_true)
    else:
        component.forward(inputs)
        upstream = np.random.default_rng(0).standard_normal(component.output.shape)

        def f():
            component.forward(inputs)
            return np.sum(component.output * upstream)

    f()  # the forward pass, then the analytic gradients
    if is_loss:
        component.backward(component.output if combined else inputs, y_true)
    else:
        component.backward(upstream)
    arrays = {"inputs": (inputs, component.dinputs.copy())}
    for name in ("weights", "biases"):
        if hasattr(component, name):
            arrays[name] = (getattr(component, name), getattr(component, "d" + name).copy())

    errors = {}
    for name, (array, analytic) in arrays.items():
        if array.dtype != np.float64 or analytic.dtype != np.float64:
            raise TypeError(
                f"gradient_check needs float64, but {name} or its gradient is {analytic.dtype}: "
                "run restore_numpy() before creating the layer (the reproducible setup makes NumPy float32)"
            )
        errors[name] = relative_error(analytic, numerical_gradient(f, array, h))
        # A tiny error's digits are rounding noise that differ between computers: print the verdict.
        if errors[name] < threshold:
            print(f"{type(component).__name__}.d{name}: relative error below {threshold:g} (ok)")
        else:
            print(f"{type(component).__name__}.d{name}: relative error {errors[name]:.2e} (WRONG)")
    return errors


# notebooks/09_learning_rate_decay.ipynb
class Optimizer:
    """What every optimiser shares: a learning rate that decays as 1 / (1 + decay * t)."""

    def __init__(self, learning_rate, decay=0.0):
        self.learning_rate = learning_rate
        self.current_learning_rate = learning_rate
        self.decay = decay
        self.iterations = 0

    def pre_update_params(self):
        # Call once per step, before any update_params.
        if self.decay:
            self.current_learning_rate = self.learning_rate / (1.0 + self.decay * self.iterations)

    def post_update_params(self):
        # Call once per step, after every layer is updated.
        self.iterations += 1


# notebooks/10_momentum.ipynb
class Optimizer_SGD(Optimizer):
    """Stochastic gradient descent, with optional learning-rate decay and momentum."""

    # notebooks/21_modern_optimisation.ipynb
    nesterov = False

    # notebooks/21_modern_optimisation.ipynb
    def __init__(self, learning_rate=1.0, decay=0.0, momentum=0.0, nesterov=False):
        Optimizer.__init__(self, learning_rate, decay)
        self.momentum = momentum
        self.nesterov = nesterov

    # notebooks/21_modern_optimisation.ipynb
    def update_params(self, layer):
        if self.momentum:
            if not hasattr(layer, "weight_momentums"):
                layer.weight_momentums = np.zeros_like(layer.weights)
                layer.bias_momentums = np.zeros_like(layer.biases)
            # Keep a fraction of the previous step, then add this step's gradient step (notebook 10).
            weight_updates = self.momentum * layer.weight_momentums - self.current_learning_rate * layer.dweights
            bias_updates = self.momentum * layer.bias_momentums - self.current_learning_rate * layer.dbiases
            layer.weight_momentums = weight_updates
            layer.bias_momentums = bias_updates
            if self.nesterov:
                # Look ahead: move by the new velocity once more, plus this step's gradient step.
                weight_updates = self.momentum * weight_updates - self.current_learning_rate * layer.dweights
                bias_updates = self.momentum * bias_updates - self.current_learning_rate * layer.dbiases
        else:
            weight_updates = -self.current_learning_rate * layer.dweights
            bias_updates = -self.current_learning_rate * layer.dbiases
        layer.weights += weight_updates
        layer.biases += bias_updates


# notebooks/11_adam.ipynb
class Optimizer_Adagrad(Optimizer):
    """AdaGrad: each parameter's step shrinks with the sum of its squared gradients."""

    def __init__(self, learning_rate=1.0, decay=0.0, epsilon=1e-7):
        super().__init__(learning_rate, decay)
        self.epsilon = epsilon

    def update_params(self, layer):
        if not hasattr(layer, "weight_cache"):
            layer.weight_cache = np.zeros_like(layer.weights)
            layer.bias_cache = np.zeros_like(layer.biases)
        layer.weight_cache += layer.dweights ** 2
        layer.bias_cache += layer.dbiases ** 2
        layer.weights += -self.current_learning_rate * layer.dweights / (np.sqrt(layer.weight_cache) + self.epsilon)
        layer.biases += -self.current_learning_rate * layer.dbiases / (np.sqrt(layer.bias_cache) + self.epsilon)


class Optimizer_RMSprop(Optimizer):
    """RMSProp: like AdaGrad, but the cache is a moving average that forgets old gradients."""

    def __init__(self, learning_rate=0.001, decay=0.0, epsilon=1e-7, rho=0.9):
        super().__init__(learning_rate, decay)
        self.epsilon = epsilon
        self.rho = rho

    def update_params(self, layer):
        if not hasattr(layer, "weight_cache"):
            layer.weight_cache = np.zeros_like(layer.weights)
            layer.bias_cache = np.zeros_like(layer.biases)
        layer.weight_cache = self.rho * layer.weight_cache + (1 - self.rho) * layer.dweights ** 2
        layer.bias_cache = self.rho * layer.bias_cache + (1 - self.rho) * layer.dbiases ** 2
        layer.weights += -self.current_learning_rate * layer.dweights / (np.sqrt(layer.weight_cache) + self.epsilon)
        layer.biases += -self.current_learning_rate * layer.dbiases / (np.sqrt(layer.bias_cache) + self.epsilon)


class Optimizer_Adam(Optimizer):
    """Adam: momentum (first moment) plus RMSProp's cache (second moment), bias-corrected."""

    def __init__(self, learning_rate=0.001, decay=0.0, epsilon=1e-7, beta_1=0.9, beta_2=0.999):
        super().__init__(learning_rate, decay)
        self.epsilon = epsilon
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def update_params(self, layer):
        if not hasattr(layer, "weight_cache"):
            layer.weight_momentums = np.zeros_like(layer.weights)
            layer.weight_cache = np.zeros_like(layer.weights)
            layer.bias_momentums = np.zeros_like(layer.biases)
            layer.bias_cache = np.zeros_like(layer.biases)
        step = self.iterations + 1
        # First moment: a moving average of the gradients (momentum).
        layer.weight_momentums = self.beta_1 * layer.weight_momentums + (1 - self.beta_1) * layer.dweights
        layer.bias_momentums = self.beta_1 * layer.bias_momentums + (1 - self.beta_1) * layer.dbiases
        # Second moment: a moving average of the squared gradients (RMSProp's cache).
        layer.weight_cache = self.beta_2 * layer.weight_cache + (1 - self.beta_2) * layer.dweights ** 2
        layer.bias_cache = self.beta_2 * layer.bias_cache + (1 - self.beta_2) * layer.dbiases ** 2
        # Both averages start at zero; dividing by 1 - beta**step removes that bias.
        weight_momentums_corrected = layer.weight_momentums / (1 - self.beta_1 ** step)
        bias_momentums_corrected = layer.bias_momentums / (1 - self.beta_1 ** step)
        weight_cache_corrected = layer.weight_cache / (1 - self.beta_2 ** step)
        bias_cache_corrected = layer.bias_cache / (1 - self.beta_2 ** step)
        layer.weights += -self.current_learning_rate * weight_momentums_corrected / (np.sqrt(weight_cache_corrected) + self.epsilon)
        layer.biases += -self.current_learning_rate * bias_momentums_corrected / (np.sqrt(bias_cache_corrected) + self.epsilon)


# notebooks/14_dropout.ipynb
class Layer_Dropout:
    """Inverted dropout: in training, drop each input with probability `rate` and scale the rest."""

    def __init__(self, rate):
        # The argument is the fraction to drop; store the fraction to keep, as the book does.
        self.rate = 1 - rate

    def forward(self, inputs, training=True):
        self.inputs = inputs
        if not training:  # validation and prediction: every neuron on, nothing to scale
            self.output = inputs.copy()
            return
        # 1 with probability self.rate (kept), 0 otherwise, divided by self.rate: inverted dropout.
        self.binary_mask = np.random.binomial(1, self.rate, size=inputs.shape) / self.rate
        self.output = inputs * self.binary_mask

    def backward(self, dvalues):
        # output = inputs * mask, so the gradient flows back through the same mask.
        self.dinputs = dvalues * self.binary_mask


# notebooks/15_binary_logistic_regression.ipynb
class Activation_Sigmoid:
    """One independent probability per output, 1 / (1 + exp(-z)): for yes/no questions."""

    def forward(self, inputs):
        self.inputs = inputs
        self.output = 1 / (1 + np.exp(-inputs))

    def backward(self, dvalues):
        # sigma'(z) = sigma(z) * (1 - sigma(z)): the derivative comes from the saved output.
        self.dinputs = dvalues * (1 - self.output) * self.output

    def predictions(self, outputs):
        # Yes (1) where the probability is above 0.5, no (0) elsewhere.
        return (outputs > 0.5) * 1


class Loss_BinaryCrossentropy(Loss):
    """Cross-entropy of independent yes/no outputs, each a sigmoid probability."""

    def forward(self, y_pred, y_true):
        # Clip both ends: log(p) and log(1 - p) both appear, and log(0) is -inf.
        y_pred_clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
        sample_losses = -(y_true * np.log(y_pred_clipped) + (1 - y_true) * np.log(1 - y_pred_clipped))
        # The mean over the outputs: one loss per sample, whatever the number of outputs.
        return np.mean(sample_losses, axis=-1)

    def backward(self, dvalues, y_true):
        samples = len(dvalues)
        outputs = len(dvalues[0])
        # Clip as the forward pass does, so that neither fraction divides by zero.
        clipped_dvalues = np.clip(dvalues, 1e-7, 1 - 1e-7)
        # Each output's derivative, divided by the outputs and the samples of the two means.
        self.dinputs = -(y_true / clipped_dvalues - (1 - y_true) / (1 - clipped_dvalues)) / outputs / samples


class Activation_Sigmoid_Loss_BinaryCrossentropy:
    """Sigmoid followed by binary cross-entropy, with their shortcut gradient (p - y) / (N * J)."""

    def __init__(self):
        self.activation = Activation_Sigmoid()
        self.loss = Loss_BinaryCrossentropy()

    def forward(self, inputs, y_true):
        self.activation.forward(inputs)
        self.output = self.activation.output
        return self.loss.calculate(self.output, y_true)

    def backward(self, dvalues, y_true):
        samples = len(dvalues)
        outputs = len(dvalues[0])
        # p - y for every output: the sigmoid's p(1 - p) has cancelled the loss's denominators.
        self.dinputs = (dvalues - y_true) / outputs / samples


# notebooks/16_regression.ipynb
class Activation_Linear:
    """The identity: passes its inputs on unchanged, for outputs that can be any number."""

    def forward(self, inputs):
        self.inputs = inputs
        self.output = inputs

    def backward(self, dvalues):
        # The derivative of z is 1: the gradient passes through unchanged (a copy, not the same array).
        self.dinputs = dvalues.copy()

    def predictions(self, outputs):
        # A regression output is its own prediction.
        return outputs


class Loss_MeanSquaredError(Loss):
    """The mean of the squared differences between targets and predictions (L2 loss)."""

    def forward(self, y_pred, y_true):
        # The mean over the outputs: one loss per sample.
        return np.mean((y_true - y_pred) ** 2, axis=-1)

    def backward(self, dvalues, y_true):
        samples = len(dvalues)
        outputs = len(dvalues[0])
        # d/dy_hat of (y - y_hat)^2 is -2 (y - y_hat); the two means divide by outputs and samples.
        self.dinputs = -2 * (y_true - dvalues) / outputs / samples


class Loss_MeanAbsoluteError(Loss):
    """The mean of the absolute differences between targets and predictions (L1 loss)."""

    def forward(self, y_pred, y_true):
        # The mean over the outputs: one loss per sample.
        return np.mean(np.abs(y_true - y_pred), axis=-1)

    def backward(self, dvalues, y_true):
        samples = len(dvalues)
        outputs = len(dvalues[0])
        # d/dy_hat of |y - y_hat| is -sign(y - y_hat); the two means divide by outputs and samples.
        self.dinputs = -np.sign(y_true - dvalues) / outputs / samples


# notebooks/17_initialisation_and_depth.ipynb
def initial_std(weight_init, n_inputs, n_neurons):
    """The standard deviation of a new layer's weights, for Layer_Dense(..., weight_init=...)."""
    if weight_init == "he":  # for ReLU layers: keeps the signal's size from layer to layer
        return np.sqrt(2 / n_inputs)
    if weight_init in ("xavier", "glorot"):  # for tanh and sigmoid layers
        return np.sqrt(2 / (n_inputs + n_neurons))
    if isinstance(weight_init, numbers.Real) and not isinstance(weight_init, bool) and weight_init >= 0:
        return weight_init  # a number is the standard deviation itself: 0.01 is the book's start
    raise ValueError(f"weight_init must be 'he', 'xavier', 'glorot' or a standard deviation >= 0 "
                     f"(the book's 0.01), got {weight_init!r}")


# notebooks/18_model_class.ipynb
class Accuracy:
    """What every accuracy shares: compare predictions with targets and keep a running mean."""

    def calculate(self, predictions, y):
        comparisons = self.compare(predictions, y)  # True where a prediction counts as right
        self.accumulated_sum += np.sum(comparisons)
        self.accumulated_count += comparisons.size
        return np.mean(comparisons)

    def calculate_accumulated(self):
        return self.accumulated_sum / self.accumulated_count

    def new_pass(self):
        self.accumulated_sum = 0
        self.accumulated_count = 0


class Accuracy_Categorical(Accuracy):
    """Right when the predicted class is the true class (binary=True: one yes/no per output)."""

    def __init__(self, *, binary=False):
        self.binary = binary

    def init(self, y):
        pass  # nothing to learn from the targets

    def compare(self, predictions, y):
        if not self.binary and len(y.shape) == 2:  # one-hot rows: turn them into class indices
            y = np.argmax(y, axis=1)
        return predictions == y


class Accuracy_Regression(Accuracy):
    """Right when a prediction lies within np.std(y) / 250 of its target (the book's choice)."""

    def __init__(self):
        self.precision = None

    def init(self, y, reinit=False):
        # Measure the spread of the training targets once (or again, with reinit=True).
        if self.precision is None or reinit:
            self.precision = np.std(y) / 250

    def compare(self, predictions, y):
        return np.absolute(predictions - y) < self.precision


class Layer_Input:
    """The first link of the chain: its output is the data it is given."""

    def forward(self, inputs, training):
        self.output = inputs


class Model:
    """A network as a list of layers, with its loss, optimiser and accuracy; it trains itself.

    Saving and loading: get_parameters and set_parameters are here; notebook 20 writes
    save_parameters, load_parameters, save and Model.load (until then they raise).
    """

    # notebooks/18_model_class.ipynb
    def __init__(self):
        self.layers = []
        self.loss = self.optimizer = self.accuracy = None

    # notebooks/18_model_class.ipynb
    def add(self, layer):
        self.layers.append(layer)

    # notebooks/18_model_class.ipynb
    def set(self, *, loss=None, optimizer=None, accuracy=None):
        # Only what is given changes, so a loaded model can be given just a loss, say.
        if loss is not None:
            self.loss = loss
        if optimizer is not None:
            self.optimizer = optimizer
        if accuracy is not None:
            self.accuracy = accuracy

    # notebooks/18_model_class.ipynb
    def finalize(self):
        if not self.layers:
            raise ValueError("the model has no layers: call model.add(layer) before model.finalize()")
        self.input_layer = Layer_Input()
        # Link the chain: each layer reads its inputs from .prev and its gradient from .next.
        for i, layer in enumerate(self.layers):
            layer.prev = self.layers[i - 1] if i > 0 else self.input_layer
            layer.next = self.layers[i + 1] if i < len(self.layers) - 1 else self.loss
        self.trainable_layers = [layer for layer in self.layers if hasattr(layer, "weights")]
        self.output_layer_activation = self.layers[-1]
        # Dropout behaves differently in training; note which layers take the `training` flag.
        self.takes_training = ["training" in inspect.signature(layer.forward).parameters
                               for layer in self.layers]
        if self.loss is not None:
            self.loss.remember_trainable_layers(self.trainable_layers)
        # Softmax followed by cross-entropy: use the fast combined gradient (notebook 07).
        if isinstance(self.layers[-1], Activation_Softmax) and isinstance(self.loss, Loss_CategoricalCrossentropy):
            self.softmax_classifier_output = Activation_Softmax_Loss_CategoricalCrossentropy()
        else:
            self.softmax_classifier_output = None

    # notebooks/18_model_class.ipynb
    def forward(self, X, training):
        self.input_layer.forward(X, training)
        for layer, takes_training in zip(self.layers, self.takes_training):
            if takes_training:
                layer.forward(layer.prev.output, training=training)
            else:
                layer.forward(layer.prev.output)
        return layer.output

    # notebooks/18_model_class.ipynb
    def backward(self, output, y):
        if self.softmax_classifier_output is not None:
            # The combined gradient replaces the last two links of the chain.
            self.softmax_classifier_output.backward(output, y)
            self.layers[-1].dinputs = self.softmax_classifier_output.dinputs
            layers = self.layers[:-1]
        else:
            self.loss.backward(output, y)
            layers = self.layers
        for layer in reversed(layers):
            layer.backward(layer.next.dinputs)

    # notebooks/18_model_class.ipynb
    def train(self, X, y, *, epochs=1, batch_size=None, print_every=1, validation_data=None):
        """Train for `epochs` passes over (X, y) in batches of `batch_size` (None: one full batch);
        print a summary every `print_every` epochs (0: never); return the history."""
        _check_ready(self, training=True)
        _check_data(X, y)
        _check_targets(self, y)
        _check_count("epochs", epochs, 0)
        _check_count("batch_size", batch_size, 1, allow_none=True)
        _check_count("print_every", print_every, 0)
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise TypeError(f"validation_data must be a pair (X_val, y_val), got {type(validation_data).__name__}")
            _check_data(*validation_data, name="validation_data[0]")
            _check_targets(self, validation_data[1], name="y_val")
        self.accuracy.init(y)
        steps = 1 if batch_size is None else -(-len(X) // batch_size)  # rounded up: a last, smaller batch
        history = {"epoch": [], "loss": [], "data_loss": [], "regularization_loss": [], "accuracy": [],
                   "learning_rate": [], "validation_loss": [], "validation_accuracy": []}
        # A bar in JupyterLab and Colab, and the summary line every `print_every` epochs: as in notebooks 08-17.
        progress = TrainingProgress(max(epochs, 1), print_every=print_every)
        for epoch in range(1, epochs + 1):
            self.loss.new_pass()
            self.accuracy.new_pass()
            regularization_loss = 0.0
            rate = self.optimizer.current_learning_rate
            # A new order every epoch, so that no batch always holds the same samples.
            order = None if batch_size is None else np.random.permutation(len(X))
            for step in range(steps):
                if order is None:
                    batch_X, batch_y = X, y
                else:
                    batch = order[step * batch_size:(step + 1) * batch_size]
                    batch_X, batch_y = X[batch], y[batch]

                output = self.forward(batch_X, training=True)
                _, step_regularization = self.loss.calculate(output, batch_y, include_regularization=True)
                regularization_loss += step_regularization / steps
                predictions = self.output_layer_activation.predictions(output)
                self.accuracy.calculate(predictions, batch_y)

                self.backward(output, batch_y)
                self.optimizer.pre_update_params()
                for layer in self.trainable_layers:
                    self.optimizer.update_params(layer)
                self.optimizer.post_update_params()

            # The epoch's loss and accuracy: means over all its samples (each seen once).
            data_loss = float(self.loss.calculate_accumulated())
            accuracy = float(self.accuracy.calculate_accumulated())
            loss = data_loss + float(regularization_loss)
            for key, value in (("epoch", epoch), ("loss", loss), ("data_loss", data_loss),
                               ("regularization_loss", float(regularization_loss)),
                               ("accuracy", accuracy), ("learning_rate", float(rate))):
                history[key].append(value)
            validation = None
            if validation_data is not None:  # after the epoch's updates, with the weights it ends with
                validation = self.evaluate(*validation_data, batch_size=batch_size)
                history["validation_loss"].append(validation[0])
                history["validation_accuracy"].append(validation[1])
            progress.end_of_epoch(epoch, accuracy=accuracy, loss=loss, data_loss=data_loss,
                                  regularization_loss=regularization_loss, validation=validation, learning_rate=rate)
        progress.close()
        return history

    # notebooks/18_model_class.ipynb
    def evaluate(self, X_val, y_val, *, batch_size=None):
        """(mean loss, accuracy) on (X_val, y_val): forward passes in evaluation mode, nothing learnt."""
        _check_ready(self, training=False)
        _check_data(X_val, y_val, name="X_val")
        _check_targets(self, y_val, name="y_val")
        self.loss.new_pass()
        self.accuracy.new_pass()
        if isinstance(self.accuracy, Accuracy_Regression) and self.accuracy.precision is None:
            self.accuracy.init(y_val)  # a model that never trained: measure the spread here
        for start in range(0, len(X_val), batch_size or len(X_val)):
            end = start + (batch_size or len(X_val))
            batch_X, batch_y = X_val[start:end], y_val[start:end]
            output = self.forward(batch_X, training=False)
            self.loss.calculate(output, batch_y)
            self.accuracy.calculate(self.output_layer_activation.predictions(output), batch_y)
        return float(self.loss.calculate_accumulated()), float(self.accuracy.calculate_accumulated())

    # notebooks/18_model_class.ipynb
    def predict(self, X, *, batch_size=None):
        """The output layer's outputs for X (probabilities, for a softmax): evaluation mode."""
        _check_ready(self, training=False, needs_loss=False)
        _check_data(X, None)
        outputs = [self.forward(X[start:start + (batch_size or len(X))], training=False)
                   for start in range(0, len(X), batch_size or len(X))]
        return np.vstack(outputs)

    # notebooks/18_model_class.ipynb
    def get_parameters(self):
        """A copy of every trainable layer's (weights, biases), first layer first."""
        return [tuple(array.copy() for array in layer.get_parameters()) for layer in self.trainable_layers]

    # notebooks/18_model_class.ipynb
    def set_parameters(self, parameters):
        """Put in (weights, biases) pairs from get_parameters; all shapes are checked before anything changes."""
        parameters = list(parameters)
        if len(parameters) != len(self.trainable_layers):
            raise ValueError(f"expected (weights, biases) for {len(self.trainable_layers)} trainable layers, "
                             f"got {len(parameters)}")
        for i, (layer, pair) in enumerate(zip(self.trainable_layers, parameters)):
            shapes = [np.shape(array) for array in pair] if len(pair) == 2 else None
            if shapes != [layer.weights.shape, layer.biases.shape]:
                raise ValueError(f"trainable layer {i} needs weights {layer.weights.shape} and biases "
                                 f"{layer.biases.shape}, got shapes {shapes}")
        for layer, (weights, biases) in zip(self.trainable_layers, parameters):
            layer.set_parameters(np.array(weights), np.array(biases))  # copies: the model owns its arrays

    # notebooks/20_save_load_predict.ipynb
    def save_parameters(self, path):
        """Write every trainable layer's weights and biases to `path` as a NumPy .npz archive.

        The archive also records the format and the model's layers, so that load_parameters can
        refuse a file made for another network. It holds arrays only: no pickle, no code."""
        arrays = {"format": np.array(PARAMETER_FILE_FORMAT),
                  "layers": np.array([_layer_description(layer) for layer in self.layers])}
        for i, (weights, biases) in enumerate(self.get_parameters()):
            arrays[f"weights_{i}"] = weights
            arrays[f"biases_{i}"] = biases
        with open(path, "wb") as file:  # an open file: np.savez would add ".npz" to a bare name
            np.savez(file, **arrays)

    # notebooks/20_save_load_predict.ipynb
    def load_parameters(self, path):
        """Read weights and biases written by save_parameters into this model.

        Everything is checked first (the format, the layers, every array's shape); only then are the
        parameters set. A file that fails a check raises a ValueError and leaves the model unchanged."""
        arrays = _read_parameter_file(path)
        found_format = str(arrays.get("format", "no format entry"))
        if found_format != PARAMETER_FILE_FORMAT:
            raise ValueError(f"{path} is a .npz archive but not a parameter file: expected the format "
                             f"{PARAMETER_FILE_FORMAT!r}, found {found_format!r}")
        expected_layers = [_layer_description(layer) for layer in self.layers]
        found_layers = [str(name) for name in arrays.get("layers", [])]
        if found_layers != expected_layers:
            raise ValueError(f"{path} holds the parameters of another network: this model's layers are "
                             f"{expected_layers}, the file's are {found_layers}")
        parameters = []
        for i, layer in enumerate(self.trainable_layers):
            pair = (arrays.get(f"weights_{i}"), arrays.get(f"biases_{i}"))
            shapes = [getattr(array, "shape", None) for array in pair]
            if shapes != [layer.weights.shape, layer.biases.shape] or pair[0].dtype.kind != "f" or pair[1].dtype.kind != "f":
                raise ValueError(f"{path}: trainable layer {i} needs float weights {layer.weights.shape} and biases "
                                 f"{layer.biases.shape}, the file has {shapes}")
            dtypes = [array.dtype.name for array in pair]
            if not set(dtypes) <= {"float32", "float64"}:  # float16 would make the whole model compute in it
                raise ValueError(f"{path}: trainable layer {i} has {' and '.join(dtypes)} parameters, expected float32 "
                                 "or float64; convert them on purpose (array.astype(np.float32)) if you want them")
            if not all(np.isfinite(array).all() for array in pair):  # a NaN would spread through every prediction
                raise ValueError(f"{path}: trainable layer {i} holds values that are not finite (NaN or infinity)")
            parameters.append(pair)
        self.set_parameters(parameters)  # reached only when every check passed

    # notebooks/20_save_load_predict.ipynb
    def save(self, path):
        """Pickle the whole model (layers, parameters, loss, accuracy, optimiser state) to `path`.

        A cleaned copy is saved: no training data, outputs or gradients from the last pass. Read the
        file back with Model.load, which unpickles it."""
        model = copy.deepcopy(self)
        parts = [model.input_layer, model.loss, model.accuracy, *model.layers]
        if model.softmax_classifier_output is not None:
            combined = model.softmax_classifier_output
            parts += [combined, combined.activation, combined.loss]
        for part in parts:
            for name in _DATA_AND_GRADIENTS:
                part.__dict__.pop(name, None)
            if hasattr(part, "new_pass"):
                part.new_pass()  # forget the running sums of the last epoch
        data = pickle.dumps(model)
        with open(path, "wb") as file:  # one header line with the digest of the pickle, then the pickle
            file.write(MODEL_FILE_HEADER + hashlib.sha256(data).hexdigest().encode() + b"\n" + data)

    # notebooks/20_save_load_predict.ipynb
    @staticmethod
    def load(path):
        """Read a model written by Model.save: `model = Model.load(path)`.

        The sha256 digest in the file's header is checked before unpickling: it detects a damaged or
        truncated file, not a malicious one (its author can write a matching digest).
        Warning: this UNPICKLES the file, and unpickling can run any code the file's author put
        in it. Only load files you made yourself or fully trust. For weights from elsewhere, use
        save_parameters and load_parameters, which read plain arrays only."""
        with open(path, "rb") as file:
            header, _, data = file.read().partition(b"\n")
        if header.startswith(b"PK"):
            raise ValueError(f"{path} is a zip archive (a .npz parameter file?), expected a pickled Model written "
                             "by Model.save: for parameters, build the model and call its load_parameters")
        if not header.startswith(MODEL_FILE_HEADER):
            raise ValueError(f"{path} does not begin with the header line that Model.save writes, expected a file "
                             "written by Model.save (a bare pickle, such as the book's, is not read: nothing could "
                             "tell whether it is damaged)")
        if header[len(MODEL_FILE_HEADER):] != hashlib.sha256(data).hexdigest().encode():
            raise ValueError(f"{path} does not match the sha256 digest in its header: the file is truncated or "
                             "damaged, expected a file written by Model.save; it was not unpickled")
        try:  # the digest matched, so these are the bytes that were saved; still, report any failure clearly
            model = pickle.loads(data)
        except Exception as error:
            raise ValueError(f"{path} could not be unpickled ({type(error).__name__}: {error}); expected a "
                             "file written by Model.save with this version of the course's classes") from None
        if not isinstance(model, Model):
            raise ValueError(f"{path} held a {type(model).__name__}, expected a Model written by Model.save")
        return model


def _check_ready(model, training, needs_loss=True):
    """Clear errors for a model used before it is complete."""
    if not hasattr(model, "input_layer"):
        raise RuntimeError("call model.finalize() after adding the layers and calling model.set(...)")
    missing = [name for name, needed in (("loss", needs_loss), ("accuracy", needs_loss), ("optimizer", training))
               if needed and getattr(model, name) is None]
    if missing:
        raise RuntimeError(f"the model has no {' and no '.join(missing)}: give "
                           f"{', '.join(name + '=...' for name in missing)} to model.set(), then call model.finalize()")
    if needs_loss and model.layers[-1].next is not model.loss:
        raise RuntimeError("the loss changed after finalize(): call model.finalize() again")


def _check_data(X, y, name="X"):
    if not isinstance(X, np.ndarray) or X.ndim != 2 or len(X) == 0:
        raise ValueError(f"{name} must be a 2-D NumPy array (samples, features), "
                         f"got {type(X).__name__} with shape {getattr(X, 'shape', None)}")
    if y is not None and (not isinstance(y, np.ndarray) or y.ndim not in (1, 2) or len(y) != len(X)):
        raise ValueError(f"the targets must be a NumPy array with one entry or row per sample ({len(X)}), "
                         f"got {type(y).__name__} with shape {getattr(y, 'shape', None)}")


def _check_targets(model, y, name="y"):
    # Notebook 15's trap: a 1-D y against (n, 1) outputs broadcasts into an (n, n) table.
    if y.ndim == 1 and model.trainable_layers and model.trainable_layers[-1].weights.shape[1] == 1:
        raise ValueError(f"the network has one output per sample, so {name} must be a column of shape "
                         f"({len(y)}, 1), got shape {y.shape}: use {name}.reshape(-1, 1)")


def _check_count(name, value, smallest, allow_none=False):
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < smallest:
        raise ValueError(f"{name} must be an integer >= {smallest}{' or None' if allow_none else ''}, got {value!r}")


def _with_training_flag(forward):
    """forward(inputs) that also accepts the book's forward(inputs, training); the flag is ignored."""
    def forward_with_flag(self, inputs, training=False):
        return forward(self, inputs)
    forward_with_flag.without_flag = forward
    return forward_with_flag


for _layer_class in (Layer_Dense, Activation_ReLU, Activation_Softmax, Activation_Sigmoid, Activation_Linear):
    _plain_forward = getattr(_layer_class.forward, "without_flag", _layer_class.forward)  # safe to run twice
    _layer_class.forward = _with_training_flag(_plain_forward)


def _one_or_all_layers(per_layer):
    """regularization_loss(layer) as before; with no layer, the sum over the remembered trainable layers."""
    def regularization_loss(self, layer=None):
        if layer is None:
            return sum(per_layer(self, each) for each in self.trainable_layers)
        return per_layer(self, layer)
    regularization_loss.per_layer = per_layer
    return regularization_loss


Loss.regularization_loss = _one_or_all_layers(getattr(Loss.regularization_loss, "per_layer", Loss.regularization_loss))


# notebooks/20_save_load_predict.ipynb
PARAMETER_FILE_FORMAT = "nnfs-course model parameters, version 1"


def _layer_description(layer):
    """A layer's class, and for a trainable layer its number of inputs and neurons: 'Layer_Dense(64, 10)'."""
    if hasattr(layer, "weights"):
        return f"{type(layer).__name__}{layer.weights.shape}"
    return type(layer).__name__


def _read_parameter_file(path):
    """The arrays of a file written by save_parameters, every one read and none of them pickled."""
    with open(path, "rb") as file:
        start = file.read(6)
    expected = "a NumPy .npz archive written by Model.save_parameters"
    if start.startswith(b"nnfs-c"):
        raise ValueError(f"{path} is a whole model written by Model.save, expected {expected}: read it with "
                         "Model.load, and only if you trust where it came from")
    if start.startswith(b"\x80"):
        raise ValueError(f"{path} holds pickled data (such as the book's saved parameters), "
                         f"expected {expected}; load_parameters never unpickles: use Model.load for such a "
                         "file, and only if you trust where it came from")
    if start.startswith(b"\x93NUMPY"):
        raise ValueError(f"{path} is a single NumPy array (.npy), expected {expected}")
    if not start.startswith(b"PK"):
        raise ValueError(f"{path} begins with {start!r}, so it is not a zip archive; expected {expected}")
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except ValueError as error:
        if "allow_pickle" not in str(error):
            raise ValueError(f"{path} could not be read ({error}); expected {expected}") from None
        raise ValueError(f"{path} holds an object array (Python objects that only unpickling could rebuild), "
                         f"expected {expected}; load_parameters never unpickles") from None
    except Exception as error:  # a truncated or damaged zip fails in many ways; all mean the same
        raise ValueError(f"{path} could not be read completely ({type(error).__name__}: {error}); expected "
                         f"{expected}: the file is probably truncated or damaged") from None


_DATA_AND_GRADIENTS = ("inputs", "output", "dinputs", "dweights", "dbiases", "binary_mask")


MODEL_FILE_HEADER = b"nnfs-course Model, pickled, sha256 "


# notebooks/21_modern_optimisation.ipynb
class Optimizer_AdamW(Optimizer_Adam):
    """Adam with decoupled weight decay: after Adam's step, every weight shrinks by lr * weight_decay * w."""

    def __init__(self, learning_rate=0.001, decay=0.0, epsilon=1e-7, beta_1=0.9, beta_2=0.999, weight_decay=0.01):
        super().__init__(learning_rate, decay, epsilon, beta_1, beta_2)
        self.weight_decay = weight_decay

    def update_params(self, layer):
        # The decay uses the weights from before the step and bypasses Adam's per-weight scaling.
        shrink = self.current_learning_rate * self.weight_decay * layer.weights
        super().update_params(layer)
        layer.weights -= shrink  # biases are not decayed


# notebooks/22_batch_normalisation.ipynb
class Layer_BatchNorm:
    """Batch normalisation of each feature: normalise over the batch, then scale (gamma) and shift (beta).

    gamma and beta are stored as `weights` and `biases`, so every optimiser trains them unchanged.
    """

    # No L1/L2 penalty on gamma and beta (the loss reads these, as for Layer_Dense).
    weight_regularizer_l1 = weight_regularizer_l2 = bias_regularizer_l1 = bias_regularizer_l2 = 0

    def __init__(self, n_features, momentum=0.9, epsilon=1e-5):
        self.biases = np.zeros((1, n_features))        # beta: starts with no shift
        self.weights = np.ones_like(self.biases)       # gamma: starts with no scaling
        self.running_mean = np.zeros_like(self.biases)
        self.running_var = np.ones_like(self.biases)
        self.momentum = momentum
        self.epsilon = epsilon

    def forward(self, inputs, training=True):
        if training:
            mean = inputs.mean(axis=0, keepdims=True)
            var = inputs.var(axis=0, keepdims=True)
            # Evaluation uses averages of the batches' statistics, not the batch it is given.
            self.running_mean = self.momentum * self.running_mean + (1 - self.momentum) * mean
            self.running_var = self.momentum * self.running_var + (1 - self.momentum) * var
        else:
            mean, var = self.running_mean, self.running_var
        self.training = training
        self.inv_std = 1 / np.sqrt(var + self.epsilon)
        self.normalised = (inputs - mean) * self.inv_std
        self.output = self.weights * self.normalised + self.biases

    def backward(self, dvalues):
        self.dweights = np.sum(dvalues * self.normalised, axis=0, keepdims=True)
        self.dbiases = np.sum(dvalues, axis=0, keepdims=True)
        dnormalised = dvalues * self.weights
        if not self.training:  # fixed statistics: a per-feature scale and shift
            self.dinputs = dnormalised * self.inv_std
            return
        # In training every sample moves the batch's mean and variance, hence the two sums.
        samples = len(dvalues)
        self.dinputs = self.inv_std / samples * (
            samples * dnormalised
            - np.sum(dnormalised, axis=0, keepdims=True)
            - self.normalised * np.sum(dnormalised * self.normalised, axis=0, keepdims=True))


def layer_gradient_errors(layer, inputs, h=1e-6, **forward_kwargs):
    # Relative errors of the backward pass against central differences of sum(output * upstream).
    layer.forward(inputs, **forward_kwargs)
    upstream = np.random.default_rng(0).standard_normal(layer.output.shape)

    def f():
        layer.forward(inputs, **forward_kwargs)
        return np.sum(layer.output * upstream)

    f()
    layer.backward(upstream)
    pairs = {"inputs": (inputs, layer.dinputs.copy())}
    for name in ("weights", "biases"):
        if hasattr(layer, name):
            pairs[name] = (getattr(layer, name), getattr(layer, "d" + name).copy())
    return {name: relative_error(analytic, numerical_gradient(f, array, h)) for name, (array, analytic) in pairs.items()}


# notebooks/23_convolution_digits.ipynb
def convolve_loops(images, kernels, biases, stride=1, padding=0):
    """Cross-correlation with explicit loops: images (N, C, H, W), kernels (F, C, k, k), biases (F,)."""
    images = np.pad(images, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    samples, _, height, width = images.shape
    filters, _, k, _ = kernels.shape
    out_h, out_w = (height - k) // stride + 1, (width - k) // stride + 1
    output = np.zeros((samples, filters, out_h, out_w))
    for n in range(samples):
        for f in range(filters):
            for i in range(out_h):
                for j in range(out_w):
                    patch = images[n, :, i * stride:i * stride + k, j * stride:j * stride + k]
                    output[n, f, i, j] = np.sum(patch * kernels[f]) + biases[f]
    return output


def im2col(images, k, stride, padding):
    """Every k x k patch (all channels) as one row: (N * out_h * out_w, C * k * k)."""
    images = np.pad(images, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    samples, channels, height, width = images.shape
    out_h, out_w = (height - k) // stride + 1, (width - k) // stride + 1
    cols = np.empty((samples, channels, k, k, out_h, out_w), dtype=images.dtype)
    for i in range(k):  # one slice per kernel position, not one per output pixel
        for j in range(k):
            cols[:, :, i, j] = images[:, :, i:i + stride * out_h:stride, j:j + stride * out_w:stride]
    return cols.transpose(0, 4, 5, 1, 2, 3).reshape(samples * out_h * out_w, -1), out_h, out_w


def col2im(cols, shape, k, stride, padding, out_h, out_w):
    """The reverse of im2col: add every row's entries back onto the pixels they came from."""
    samples, channels, height, width = shape
    cols = cols.reshape(samples, out_h, out_w, channels, k, k).transpose(0, 3, 4, 5, 1, 2)
    images = np.zeros((samples, channels, height + 2 * padding, width + 2 * padding), dtype=cols.dtype)
    for i in range(k):
        for j in range(k):
            images[:, :, i:i + stride * out_h:stride, j:j + stride * out_w:stride] += cols[:, :, i, j]
    return images[:, :, padding:padding + height, padding:padding + width]


class Layer_Conv2D:
    """A 2-D convolution (cross-correlation): inputs (samples, channels, height, width)."""

    weight_regularizer_l1 = weight_regularizer_l2 = bias_regularizer_l1 = bias_regularizer_l2 = 0

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0):
        fan_in = in_channels * kernel_size * kernel_size
        # He initialisation (notebook 17): ReLU follows, and each output sums fan_in products.
        self.weights = np.random.randn(out_channels, in_channels, kernel_size, kernel_size) * (2 / fan_in) ** 0.5
        self.biases = np.zeros((1, out_channels))
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding

    def forward(self, inputs, training=True):
        self.inputs = inputs
        self.cols, out_h, out_w = im2col(inputs, self.kernel_size, self.stride, self.padding)
        kernels = self.weights.reshape(len(self.weights), -1)       # one row per output channel
        output = np.dot(self.cols, kernels.T) + self.biases         # (N * out_h * out_w, out_channels)
        self.output = output.reshape(len(inputs), out_h, out_w, -1).transpose(0, 3, 1, 2)

    def backward(self, dvalues):
        samples, out_channels, out_h, out_w = dvalues.shape
        dvalues = dvalues.transpose(0, 2, 3, 1).reshape(-1, out_channels)  # the forward's last reshape, undone
        self.dweights = np.dot(dvalues.T, self.cols).reshape(self.weights.shape)
        self.dbiases = np.sum(dvalues, axis=0, keepdims=True)
        dcols = np.dot(dvalues, self.weights.reshape(out_channels, -1))
        self.dinputs = col2im(dcols, self.inputs.shape, self.kernel_size, self.stride, self.padding, out_h, out_w)


class Layer_MaxPool2D:
    """The largest value of each pool_size x pool_size window, per channel."""

    def __init__(self, pool_size=2, stride=None):
        self.pool_size = pool_size
        self.stride = pool_size if stride is None else stride

    def windows(self, images):
        """One (N, C, out_h, out_w) slice per position inside the window."""
        p, s = self.pool_size, self.stride
        out_h = (images.shape[2] - p) // s + 1
        out_w = (images.shape[3] - p) // s + 1
        return [(i, j, images[:, :, i:i + s * out_h:s, j:j + s * out_w:s]) for i in range(p) for j in range(p)]

    def forward(self, inputs, training=True):
        self.inputs = inputs
        stacked = np.stack([window for _, _, window in self.windows(inputs)])
        self.argmax = np.argmax(stacked, axis=0)  # which position won (the first, on a tie)
        self.output = np.max(stacked, axis=0)

    def backward(self, dvalues):
        # Only the winner of each window moved the output, so only it receives the gradient.
        self.dinputs = np.zeros_like(self.inputs)
        for position, (i, j, window) in enumerate(self.windows(self.dinputs)):
            window += dvalues * (self.argmax == position)  # a view: adds into dinputs


class Layer_Flatten:
    """(samples, channels, height, width) -> (samples, channels * height * width), for a dense head."""

    def forward(self, inputs, training=True):
        self.input_shape = inputs.shape
        self.output = inputs.reshape(len(inputs), -1)

    def backward(self, dvalues):
        self.dinputs = dvalues.reshape(self.input_shape)


def _check_data(X, y, name="X"):
    """The Model's data check (notebook 18), now also accepting images: exactly 2-D or 4-D arrays."""
    if not isinstance(X, np.ndarray) or X.ndim not in (2, 4) or len(X) == 0:
        raise ValueError(f"{name} must be a 2-D NumPy array (samples, features) or, for images, a 4-D one "
                         "(samples, channels, height, width), "
                         f"got {type(X).__name__} with shape {getattr(X, 'shape', None)}")
    if y is not None and (not isinstance(y, np.ndarray) or y.ndim not in (1, 2) or len(y) != len(X)):
        raise ValueError(f"the targets must be a NumPy array with one entry or row per sample ({len(X)}), "
                         f"got {type(y).__name__} with shape {getattr(y, 'shape', None)}")
