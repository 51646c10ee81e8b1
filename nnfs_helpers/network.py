"""The network code taught in the notebooks.

GENERATED FILE: DO NOT EDIT. Each block below is a notebook cell tagged `export`,
copied character for character, in notebook order. To change the code, edit the
notebook that teaches it, then run `python tools/export_network.py`; a test fails
whenever this file and the notebooks disagree.
"""

import numpy as np


# ---- from notebooks/02_layer_of_neurons.ipynb ----
class Layer_Dense:
    """A fully connected layer: every input feeds every neuron."""

    def __init__(self, n_inputs, n_neurons):
        # One column of small random weights per neuron: inputs @ weights needs no transpose.
        self.weights = 0.01 * np.random.randn(n_inputs, n_neurons)
        # One bias per neuron, starting at zero.
        self.biases = np.zeros((1, n_neurons))

    def forward(self, inputs):
        # Remember the inputs: the backward pass (notebook 07) needs them.
        self.inputs = inputs
        self.output = np.dot(inputs, self.weights) + self.biases


# ---- from notebooks/03_activation_functions.ipynb ----
class Activation_ReLU:
    """Rectified linear unit: passes positive values, turns the rest into 0."""

    def forward(self, inputs):
        self.inputs = inputs
        self.output = np.maximum(0, inputs)


# ---- from notebooks/04_softmax.ipynb ----
class Activation_Softmax:
    """Turns each row of raw outputs into probabilities that sum to 1."""

    def forward(self, inputs):
        self.inputs = inputs
        # Subtracting each row's maximum leaves softmax unchanged and keeps np.exp finite.
        exp_values = np.exp(inputs - np.max(inputs, axis=1, keepdims=True))
        self.output = exp_values / np.sum(exp_values, axis=1, keepdims=True)


# ---- from notebooks/05_loss_and_accuracy.ipynb ----
class Loss:
    """What every loss shares: the data loss is the mean of the per-sample losses."""

    def calculate(self, output, y):
        sample_losses = self.forward(output, y)
        return np.mean(sample_losses)


class Loss_CategoricalCrossentropy(Loss):
    """Cross-entropy between predicted probabilities and the true classes."""

    def forward(self, y_pred, y_true):
        samples = len(y_pred)
        # Clip: the low end keeps log(0) = -inf away; the top end moves in by the same 1e-7.
        y_pred_clipped = np.clip(y_pred, 1e-7, 1 - 1e-7)
        if len(y_true.shape) == 1:  # class indices, such as [0, 1, 1]
            correct_confidences = y_pred_clipped[np.arange(samples), y_true]
        else:  # one-hot rows, such as [[1, 0, 0], [0, 1, 0], [0, 1, 0]]
            correct_confidences = np.sum(y_pred_clipped * y_true, axis=1)
        return -np.log(correct_confidences)


# ---- from notebooks/05_loss_and_accuracy.ipynb ----
def accuracy(y_pred, y_true):
    """The fraction of samples whose most probable class is the true class."""
    predictions = np.argmax(y_pred, axis=1)
    if len(y_true.shape) == 2:  # one-hot rows: turn them into class indices
        y_true = np.argmax(y_true, axis=1)
    # The fraction of matches: count them, then divide by the number of samples.
    return np.count_nonzero(predictions == y_true) / len(y_true)


# ---- from notebooks/07_backpropagation.ipynb ----
def add_to_class(cls):
    """Decorator: attach the function below it to `cls` as a method."""
    def attach(method):
        setattr(cls, method.__name__, method)
        return method
    return attach


# ---- from notebooks/07_backpropagation.ipynb ----
@add_to_class(Layer_Dense)
def backward(self, dvalues, need_dinputs=True):
    # dvalues: the loss's gradient with respect to this layer's output, one row per sample.
    self.dweights = np.dot(self.inputs.T, dvalues)
    self.dbiases = np.sum(dvalues, axis=0, keepdims=True)
    # The gradient to hand back to the layer before this one. The first layer has no one
    # to hand it to (its inputs are the data), so a training loop may skip this product.
    self.dinputs = np.dot(dvalues, self.weights.T) if need_dinputs else None


# ---- from notebooks/07_backpropagation.ipynb ----
@add_to_class(Activation_ReLU)
def backward(self, dvalues):
    # ReLU's derivative is 1 where the input was positive and 0 elsewhere;
    # the chain rule multiplies it with the gradient coming from above.
    self.dinputs = dvalues * (self.inputs > 0)


# ---- from notebooks/07_backpropagation.ipynb ----
@add_to_class(Loss_CategoricalCrossentropy)
def backward(self, dvalues, y_true):
    samples = len(dvalues)
    labels = len(dvalues[0])
    if len(y_true.shape) == 1:  # class indices: turn them into one-hot rows
        y_true = np.eye(labels)[y_true]
    # Clip as the forward pass does, so a zero probability cannot divide by zero.
    dvalues_clipped = np.clip(dvalues, 1e-7, 1 - 1e-7)
    # d(-log p)/dp = -1/p at the true class; divide by the batch size for the mean.
    self.dinputs = -y_true / dvalues_clipped / samples


# ---- from notebooks/07_backpropagation.ipynb ----
@add_to_class(Activation_Softmax)
def backward(self, dvalues):
    self.dinputs = np.empty_like(dvalues)
    for index, (single_output, single_dvalues) in enumerate(zip(self.output, dvalues)):
        single_output = single_output.reshape(-1, 1)
        # The Jacobian of softmax: diag(s) - s s^T.
        jacobian_matrix = np.diagflat(single_output) - np.dot(single_output, single_output.T)
        self.dinputs[index] = np.dot(jacobian_matrix, single_dvalues)


# ---- from notebooks/07_backpropagation.ipynb ----
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


# ---- from notebooks/07_backpropagation.ipynb ----
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


# ---- from notebooks/07_backpropagation.ipynb ----
def gradient_check(component, inputs, y_true=None, threshold=1e-6, h=1e-6):
    """Compare `component.backward` with central differences, in float64.

    component: a layer or an activation (checked through a random upstream gradient),
    or a loss or the combined softmax/cross-entropy (pass y_true).
    Prints one line per checked array and returns {name: relative error}.
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
        verdict = "ok" if errors[name] < threshold else "WRONG"
        print(f"{type(component).__name__}.d{name}: relative error {errors[name]:.2e} ({verdict})")
    return errors


# ---- from notebooks/09_learning_rate_decay.ipynb ----
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


# ---- from notebooks/10_momentum.ipynb ----
class Optimizer_SGD(Optimizer):
    """Stochastic gradient descent, with optional learning-rate decay and momentum."""

    def __init__(self, learning_rate=1.0, decay=0.0, momentum=0.0):
        super().__init__(learning_rate, decay)
        self.momentum = momentum

    def update_params(self, layer):
        if self.momentum:
            if not hasattr(layer, "weight_momentums"):
                layer.weight_momentums = np.zeros_like(layer.weights)
                layer.bias_momentums = np.zeros_like(layer.biases)
            # Keep a fraction of the previous step, then add this step's gradient step.
            weight_updates = self.momentum * layer.weight_momentums - self.current_learning_rate * layer.dweights
            bias_updates = self.momentum * layer.bias_momentums - self.current_learning_rate * layer.dbiases
            layer.weight_momentums = weight_updates
            layer.bias_momentums = bias_updates
        else:
            weight_updates = -self.current_learning_rate * layer.dweights
            bias_updates = -self.current_learning_rate * layer.dbiases
        layer.weights += weight_updates
        layer.biases += bias_updates


# ---- from notebooks/11_adam.ipynb ----
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


# ---- from notebooks/11_adam.ipynb ----
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


# ---- from notebooks/11_adam.ipynb ----
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


# ---- from notebooks/13_l1_l2_regularisation.ipynb ----
@add_to_class(Layer_Dense)
def __init__(self, n_inputs, n_neurons, weight_regularizer_l1=0, weight_regularizer_l2=0,
             bias_regularizer_l1=0, bias_regularizer_l2=0):
    # The same start as in notebook 02: small random weights, zero biases.
    self.weights = 0.01 * np.random.randn(n_inputs, n_neurons)
    self.biases = np.zeros((1, n_neurons))
    # Penalty strengths (lambda); 0 switches a penalty off.
    self.weight_regularizer_l1 = weight_regularizer_l1
    self.weight_regularizer_l2 = weight_regularizer_l2
    self.bias_regularizer_l1 = bias_regularizer_l1
    self.bias_regularizer_l2 = bias_regularizer_l2


# Class-wide defaults: a layer made without this constructor (for example before this cell ran)
# reads 0 here, so it behaves exactly as before.
Layer_Dense.weight_regularizer_l1 = Layer_Dense.weight_regularizer_l2 = 0
Layer_Dense.bias_regularizer_l1 = Layer_Dense.bias_regularizer_l2 = 0


# ---- from notebooks/13_l1_l2_regularisation.ipynb ----
@add_to_class(Loss)
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


# ---- from notebooks/13_l1_l2_regularisation.ipynb ----
@add_to_class(Layer_Dense)
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


# ---- from notebooks/14_dropout.ipynb ----
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


# ---- from notebooks/15_binary_logistic_regression.ipynb ----
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


# ---- from notebooks/15_binary_logistic_regression.ipynb ----
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


# ---- from notebooks/16_regression.ipynb ----
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


# ---- from notebooks/16_regression.ipynb ----
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


# ---- from notebooks/16_regression.ipynb ----
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


# ---- from notebooks/17_initialisation_and_depth.ipynb ----
import numbers


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


@add_to_class(Layer_Dense)
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
